"""Public verification: by number and by QR id, valid / revoked (date, reason) / unknown / invalid, every
look-up counted, no personal data beyond the masked name; the API; ``sisnaker verifycert`` exit codes
(database look-up and offline file with the published public key)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sisnaker.certification import certificates, signing
from sisnaker.certification.models import Certificate
from tests.certification.test_certificates import NOW, World, readiness_questionnaire

MASKED = "Siti N******** P****"  # domain.mask_name("Siti Nurhaliza Putri")


@pytest.fixture
def issued(regions, signup_data):
    readiness_questionnaire()
    w = World(signup_data, participants=1)
    w.cert = w.issue(0)
    return w


def run_cli(*args) -> int:
    """The exit status ``sisnaker verifycert …`` would have (run_from_argv: SystemExit as is,
    CommandError → its returncode). call_command keeps the test's database connection open."""
    try:
        call_command("verifycert", *args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except CommandError as exc:
        return exc.returncode
    return 0


def test_verify_valid_by_number_and_by_id_counts_each_lookup(issued):
    cert = issued.cert
    r = certificates.certificate_verify(number=cert.number)
    assert r.status == "valid" and r.signature_valid and r.masked_name == MASKED
    assert r.program_title == issued.program.title and r.institution_name == issued.inst.name
    assert r.issued_on == dt.date(2026, 12, 10)
    r2 = certificates.certificate_verify(verification_id=cert.verification_id)
    assert r2.status == "valid" and r2.number == cert.number
    certificates.certificate_verify(number=f"  {cert.number} ")
    assert Certificate.objects.get(pk=cert.pk).verification_count == 3


def test_unknown_number_and_id(issued):
    for kw in ({"number": issued.cert.number + "9"}, {"verification_id": "tidak-ada"}, {"number": ""}, {"number": "x" * 500}):
        assert certificates.certificate_verify(**kw).status == "unknown"
    assert Certificate.objects.get(pk=issued.cert.pk).verification_count == 0


def test_revoked_shows_date_and_reason_and_the_row_is_kept(issued):
    certificates.certificate_revoke(actor=issued.manager, certificate=issued.cert, reason="Peserta tidak hadir ujian",
                                    now=dt.datetime(2027, 1, 5, 3, 0, tzinfo=dt.UTC))
    r = certificates.certificate_verify(number=issued.cert.number)
    assert r.status == "revoked" and r.revoked_on == dt.date(2027, 1, 5) and r.revoke_reason == "Peserta tidak hadir ujian"
    assert r.number == issued.cert.number  # found, not "unknown"


def test_tampered_row_is_reported_invalid(issued):
    cert = issued.cert
    Certificate.objects.filter(pk=cert.pk).update(payload=cert.payload.replace(issued.program.title, "Program Palsu"))
    r = certificates.certificate_verify(number=cert.number)
    assert r.status == "invalid" and r.signature_valid is False


def test_public_page_by_id_without_login_has_no_personal_data(client, issued):
    cert = issued.cert
    person = issued.enrollments[0].person
    r = client.get(reverse("verify:by_id", args=[cert.verification_id]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-status="valid"' in html and "SAH" in html and MASKED in html
    assert issued.program.title in html and issued.inst.name in html and "10 Desember 2026" in html
    assert person.full_name not in html and person.nik not in html and person.nik_masked not in html
    assert person.phone not in html
    assert Certificate.objects.get(pk=cert.pk).verification_count == 1


def test_public_lookup_page_by_number_and_states(client, issued, django_assert_max_num_queries):
    cert = issued.cert
    assert client.get(reverse("verify:lookup")).status_code == 200
    with django_assert_max_num_queries(4):
        r = client.get(reverse("verify:lookup"), {"nomor": cert.number})
    assert 'data-status="valid"' in r.content.decode()
    r = client.get(reverse("verify:lookup"), {"nomor": "BLK-0/2026/000001"})
    assert r.status_code == 200 and 'data-status="unknown"' in r.content.decode() and "TIDAK DITEMUKAN" in r.content.decode()
    assert client.get(reverse("verify:by_id", args=["tebakan"])).status_code == 404
    certificates.certificate_revoke(actor=issued.manager, certificate=cert, reason="Nama salah", now=NOW)
    html = client.get(reverse("verify:by_id", args=[cert.verification_id])).content.decode()
    assert 'data-status="revoked"' in html and "DICABUT" in html and "Nama salah" in html and "10 Desember 2026" in html


def test_public_key_page_and_api(client, issued):
    info = signing.public_key_info()
    assert info["key_id"] in client.get(reverse("verify:public_key")).content.decode()
    r = client.get(reverse("verify:public_key"), {"format": "pem"})
    assert r.content.decode() == info["public_key_pem"]
    r = client.get("/api/v1/certification/public-key")
    assert r.status_code == 200 and r.json()["key_id"] == issued.cert.key_id


def test_verify_api_public(client, issued):
    cert = issued.cert
    r = client.get("/api/v1/certification/verify", {"number": cert.number})
    body = r.json()
    assert r.status_code == 200 and body["status"] == "valid" and body["name_masked"] == MASKED
    assert "nik" not in json.dumps(body).lower()
    assert client.get("/api/v1/certification/verify", {"id": cert.verification_id}).json()["status"] == "valid"
    assert client.get("/api/v1/certification/verify", {"id": "nope"}).json()["status"] == "unknown"
    r = client.get("/api/v1/certification/verify")
    assert r.status_code == 400 and r.json()["code"] == "verify_query"
    assert Certificate.objects.get(pk=cert.pk).verification_count == 2


def test_verifycert_by_number_and_id(issued, capsys):
    cert = issued.cert
    assert run_cli(cert.number) == 0
    assert "valid" in capsys.readouterr().out
    assert run_cli(cert.verification_id, "--json") == 0
    assert json.loads(capsys.readouterr().out)["status"] == "valid"
    assert run_cli("BLK-0/2026/000009") == 1
    assert "TIDAK DITEMUKAN" in capsys.readouterr().out
    certificates.certificate_revoke(actor=issued.manager, certificate=cert, reason="Dicabut uji", now=NOW)
    assert run_cli(cert.number) == 1


def test_verifycert_offline_file_with_public_key(issued, tmp_path, client, capsys):
    cert = issued.cert
    client.force_login(issued.manager)
    export = client.get(reverse("certification:json", args=[cert.pk]))
    assert export.status_code == 200
    good = tmp_path / "sertifikat.json"
    good.write_bytes(export.content)
    key = tmp_path / "kunci.pem"
    key.write_bytes(client.get(reverse("verify:public_key"), {"format": "pem"}).content)
    assert run_cli(str(good), "--public-key", str(key)) == 0
    assert "valid" in capsys.readouterr().out
    data = json.loads(export.content)
    data["payload"] = data["payload"].replace(issued.program.title, "Program Lain")
    bad = tmp_path / "palsu.json"
    bad.write_text(json.dumps(data))
    assert run_cli(str(bad), "--public-key", str(key), "--json") == 1
    assert json.loads(capsys.readouterr().out)["status"] == "invalid"
    # Another key: the genuine file does not verify.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = tmp_path / "lain.pem"
    other.write_text(signing.public_pem_of(Ed25519PrivateKey.generate().public_key()))
    assert run_cli(str(good), "--public-key", str(other)) == 1
    not_json = tmp_path / "x.json"
    not_json.write_text("{")
    assert run_cli(str(not_json)) == 2


def test_offline_verification_touches_no_database(issued, tmp_path, django_assert_num_queries):
    data = certificates.certificate_export(issued.cert)
    key = signing.parse_public_key(signing.public_key_info()["public_key_pem"])
    with django_assert_num_queries(0):
        assert certificates.verify_export(data, public_key=key).valid
        assert not certificates.verify_export({"payload": 1}, public_key=key).valid
