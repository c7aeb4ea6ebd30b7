"""Public verification.

* By the QR code's id (``/v/<id>/``, ``GET /api/…/verify?id=``): the holder's full name and birth year,
  to compare with an ID card; valid / revoked (date, reason) / unknown / invalid; every look-up counted.
* By number (``/v/`` posted, ``POST /api/…/verify``): needs the holder's birth date, shows a masked name
  only, ignores case, answers a wrong birth date exactly like an unknown number, and is rate limited per
  client address and network (429 page / JSON).
* ``sisnaker verifycert`` on a number or id (database) and on an exported JSON file (offline); the PDF
  and broken inputs are in test_verifycert_pdf.py, the issuer's status in test_issuer.py."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sisnaker.certification import export, services, signing
from sisnaker.certification.models import Certificate
from sisnaker.core.errors import ValidationFailed
from tests.certification.test_certificates import NOW, World, readiness_questionnaire

FULL_NAME = "Siti Nurhaliza Putri"
MASKED = "Siti N******** P****"  # domain.mask_name("Siti Nurhaliza Putri")
BIRTH = dt.date(1995, 5, 17)  # PersonFactory's default birth date
# Windows this long never roll over during a test (a 15-minute window could, between two requests).
LONG = 10**9


@pytest.fixture
def issued(regions):
    readiness_questionnaire()
    w = World(participants=1)
    w.cert = w.issue(0)
    w.person = w.enrollments[0].person
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


def lookup(number, birth=BIRTH, ip="198.51.100.7"):
    return services.certificate_lookup(number=number, birth_date=birth, client_ip=ip, now=NOW)


def _main(response) -> str:
    """The page's main content without the per-request CSRF token."""
    html = response.content.decode()
    html = html[html.index("<main"):html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- by the QR code's id ---------------------------------------------------------------------------

def test_by_id_shows_full_name_and_birth_year_and_counts_each_lookup(issued):
    cert = issued.cert
    r = services.certificate_verify(verification_id=cert.verification_id)
    assert r.status == "valid" and r.signature_valid and r.by == "id"
    assert (r.full_name, r.birth_year, r.masked_name) == (FULL_NAME, 1995, MASKED)
    assert r.program_title == issued.program.title and r.institution_name == issued.inst.name
    assert r.issued_on == dt.date(2026, 12, 10)
    assert services.certificate_verify(verification_id=f" {cert.verification_id} ").status == "valid"
    assert Certificate.objects.get(pk=cert.pk).verification_count == 2


def test_public_page_by_id_names_the_holder_for_the_id_card_and_nothing_more(client, issued):
    cert, person = issued.cert, issued.person
    r = client.get(reverse("verify:by_id", args=[cert.verification_id]))
    assert r.status_code == 200 and r["X-Robots-Tag"] == "noindex" and r["Referrer-Policy"] == "same-origin"
    html = r.content.decode()
    assert 'data-status="valid"' in html and "SAH" in html
    assert f'data-field="name">{FULL_NAME}<' in html and 'data-field="birth-year">1995<' in html
    assert issued.program.title in html and issued.inst.name in html and "10 Des 2026" in html
    # The birth date itself, the NIK (even masked) and contact details are never shown.
    assert "17 Mei 1995" not in html and "1995-05-17" not in html
    assert person.nik not in html and person.nik_masked not in html and person.phone not in html
    assert Certificate.objects.get(pk=cert.pk).verification_count == 1


@pytest.mark.parametrize("bad", ["tebakan", "x" * 33, "abc\x00defghij", "../../etc", "aaaa bbbb cccc"])
def test_unknown_or_malformed_id_is_unknown_and_404(client, issued, bad):
    assert services.certificate_verify(verification_id=bad).status == "unknown"
    # Not found; a NUL in the path is refused before any view as a bad request.
    assert client.get(reverse("verify:by_id", args=[bad.replace("/", "-")])).status_code == (400 if "\x00" in bad else 404)
    assert Certificate.objects.get(pk=issued.cert.pk).verification_count == 0


def test_revoked_shows_date_and_reason_and_the_row_is_kept(issued, client):
    services.certificate_revoke(actor=issued.manager, certificate=issued.cert, reason="Peserta tidak hadir ujian",
                                    now=dt.datetime(2027, 1, 5, 3, 0, tzinfo=dt.UTC))
    for r in (services.certificate_verify(verification_id=issued.cert.verification_id), lookup(issued.cert.number)):
        assert r.status == "revoked" and r.revoked_on == dt.date(2027, 1, 5) and r.revoke_reason == "Peserta tidak hadir ujian"
        assert r.number == issued.cert.number  # found, not "unknown"
    html = client.get(reverse("verify:by_id", args=[issued.cert.verification_id])).content.decode()
    assert 'data-status="revoked"' in html and "DICABUT" in html and "Peserta tidak hadir ujian" in html


def test_tampered_row_is_reported_invalid(issued):
    cert = issued.cert
    Certificate.objects.filter(pk=cert.pk).update(payload=cert.payload.replace(issued.program.title, "Program Palsu"))
    r = services.certificate_verify(verification_id=cert.verification_id)
    assert r.status == "invalid" and r.signature_valid is False


# --- by number and birth date ----------------------------------------------------------------------

def test_by_number_needs_the_birth_date_ignores_case_and_masks_the_name(issued):
    cert = issued.cert
    r = lookup(cert.number)
    assert r.status == "valid" and r.by == "number" and r.masked_name == MASKED
    assert r.full_name == "" and r.birth_year is None  # the full name only behind the QR code
    assert "Siti Nurhaliza" not in json.dumps(r.as_dict())
    for typed in (cert.number.lower(), f"  {cert.number.lower()}  ", cert.number.replace("BLK", "bLk")):
        assert lookup(typed).status == "valid", typed
    with pytest.raises(ValidationFailed) as info:
        services.certificate_lookup(number=cert.number, birth_date=None, client_ip="198.51.100.7", now=NOW)
    assert info.value.field == "birth_date"
    for bad in ("", "   ", "x" * 81, "BLK\x00/2026", "BLK-00001/2026/00000１"):
        with pytest.raises(ValidationFailed) as info:
            lookup(bad)
        assert info.value.field == "number"
    assert Certificate.objects.get(pk=cert.pk).verification_count == 4


def test_wrong_birth_date_answers_exactly_like_an_unknown_number(issued, client):
    """No oracle: nothing tells "this number exists but the date is wrong" from "no such number"."""
    cert = issued.cert
    wrong_date = lookup(cert.number, birth=dt.date(1995, 5, 18))
    unknown_number = lookup(cert.number[:-1] + "9")
    assert wrong_date.as_dict() == unknown_number.as_dict() == services.VerifyResult(status="unknown").as_dict()
    assert Certificate.objects.get(pk=cert.pk).verification_count == 0

    def page(number, birth):
        return client.post(reverse("verify:lookup"), {"nomor": number, "lahir": birth})

    a, b = page(cert.number, "1995-05-18"), page("BLK-00001/2026/999999", "1995-05-17")
    assert a.status_code == b.status_code == 200
    assert _main(a).replace(cert.number, "N") == _main(b).replace("BLK-00001/2026/999999", "N")
    assert 'data-status="unknown"' in _main(a) and "TIDAK DITEMUKAN" in _main(a)

    def api(number, birth):
        return client.post("/api/v1/certification/verify", {"number": number, "birth_date": birth}, content_type="application/json")

    a, b = api(cert.number, "1995-05-18"), api("BLK-00001/2026/999999", "1995-05-17")
    assert a.status_code == b.status_code == 200 and a.json() == b.json() and a.json()["status"] == "unknown"
    assert Certificate.objects.get(pk=cert.pk).verification_count == 0


def test_lookup_page_posts_the_number_and_birth_date(client, issued, django_assert_max_num_queries):
    cert = issued.cert
    r = client.get(reverse("verify:lookup"), {"nomor": cert.number})
    assert r.status_code == 200 and f'value="{cert.number}"' in r.content.decode()  # ?nomor= only fills the form
    assert Certificate.objects.get(pk=cert.pk).verification_count == 0
    with django_assert_max_num_queries(12):  # session, rate limits (address, network), read, history, count
        r = client.post(reverse("verify:lookup"), {"nomor": cert.number.lower(), "lahir": "1995-05-17"})
    html = r.content.decode()
    assert r.status_code == 200 and 'data-status="valid"' in html and MASKED in html and FULL_NAME not in html
    assert "1995" not in _main(r)  # not even the year
    # Missing birth date, NUL bytes, junk: a 400 with the reason on the form, never a 500.
    r = client.post(reverse("verify:lookup"), {"nomor": cert.number})
    assert r.status_code == 400 and 'id="id_lahir"' in r.content.decode() and "errorlist" in r.content.decode()
    assert client.post(reverse("verify:lookup"), {"nomor": "BLK\x00", "lahir": "1995-05-17"}).status_code == 400
    assert client.post(reverse("verify:lookup"), {"nomor": cert.number, "lahir": "17/17/1995"}).status_code == 400
    assert client.get(reverse("verify:lookup"), {"nomor": "\x00"}).status_code == 400
    assert client.get(reverse("verify:lookup"), {"nomor": "é" * 5}).status_code == 400


def test_verify_api(client, issued):
    cert = issued.cert
    r = client.get("/api/v1/certification/verify", {"id": cert.verification_id})
    body = r.json()
    assert r.status_code == 200 and body["status"] == "valid" and body["name"] == FULL_NAME and body["birth_year"] == 1995
    assert body["institution_regency"] == "Kota Bandung" and body["institution_approved_on_issue_date"] is True
    assert "nik" not in json.dumps(body).lower()
    assert client.get("/api/v1/certification/verify", {"id": "nope"}).json()["status"] == "unknown"
    r = client.get("/api/v1/certification/verify", {"number": cert.number})
    assert r.status_code == 400 and r.json()["code"] == "verify_birth_date_required"
    r = client.get("/api/v1/certification/verify")
    assert r.status_code == 400 and r.json()["code"] == "verify_query"
    r = client.post("/api/v1/certification/verify", {"number": cert.number.lower(), "birth_date": "1995-05-17"},
                    content_type="application/json")
    body = r.json()
    assert r.status_code == 200 and body["status"] == "valid" and body["name_masked"] == MASKED
    assert body["name"] is None and body["birth_year"] is None
    r = client.post("/api/v1/certification/verify", {"number": "A\x00B", "birth_date": "1995-05-17"}, content_type="application/json")
    # A NUL is refused at the door (core/nul.py), before the look-up counts anything.
    assert r.status_code == 400 and r.json()["code"] == "invalid_character" and r.json()["field"] == "number"
    assert Certificate.objects.get(pk=cert.pk).verification_count == 2


def test_openapi_documents_both_lookups_and_the_429(client):
    spec = client.get("/api/v1/openapi.json").json()
    path = next(v for k, v in spec["paths"].items() if k.endswith("/certification/verify"))
    assert set(path) >= {"get", "post"}
    assert {"200", "400", "429"} <= set(path["post"]["responses"])
    assert {"200", "400"} <= set(path["get"]["responses"])


# --- rate limits -------------------------------------------------------------------------------------

def test_lookups_by_number_are_limited_per_address_and_per_network(issued, settings):
    settings.SISNAKER_RATE_LIMITS = {"certificate_lookup.ip": (3, LONG), "certificate_lookup.net": (6, LONG)}
    number = issued.cert.number
    for _ in range(3):
        assert lookup(number, ip="203.0.113.9").status == "valid"
    with pytest.raises(services.LookupLimited) as info:
        lookup(number, ip="203.0.113.9")
    assert info.value.code == "rate_limited" and info.value.retry_after > 0 and "Coba lagi" in info.value.message.id
    # Wrong birth dates count just the same (that is what guessing looks like).
    assert lookup(number, birth=dt.date(2000, 1, 1), ip="203.0.113.10").status == "unknown"
    assert lookup(number, ip="203.0.113.10").status == "valid"
    # The /24 has now made 6 look-ups (4 counted at .9, the refused one included; 2 at .10): the 7th,
    # from yet another address in it, is refused.
    with pytest.raises(services.LookupLimited):
        lookup(number, ip="203.0.113.200")
    assert lookup(number, ip="192.0.2.1").status == "valid"  # another network
    # The QR code's id is never limited.
    assert services.certificate_verify(verification_id=issued.cert.verification_id).status == "valid"


def test_limited_lookups_answer_429_page_and_json_and_forged_forwarded_for_does_not_help(client, issued, settings):
    settings.SISNAKER_RATE_LIMITS = {"certificate_lookup.ip": (2, LONG), "certificate_lookup.net": (50, LONG)}
    settings.SISNAKER_TRUSTED_PROXIES = ()
    data = {"nomor": issued.cert.number, "lahir": "1995-05-17"}
    for forged in ("1.1.1.1", "2.2.2.2"):  # X-Forwarded-For from an untrusted peer is ignored
        assert client.post(reverse("verify:lookup"), data, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forged).status_code == 200
    r = client.post(reverse("verify:lookup"), data, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="3.3.3.3")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    html = r.content.decode()
    assert "Terlalu banyak pemeriksaan" in html and "kode QR" in html and issued.cert.number not in html
    r = client.post("/api/v1/certification/verify", {"number": issued.cert.number, "birth_date": "1995-05-17"},
                    content_type="application/json", REMOTE_ADDR="203.0.113.9")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    body = r.json()
    assert body["code"] == "rate_limited" and body["retry_after"] > 0 and body["message"]
    # Behind a trusted proxy, each client counts on its own.
    settings.SISNAKER_TRUSTED_PROXIES = ("10.0.0.0/8",)
    r = client.post(reverse("verify:lookup"), data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert r.status_code == 200
    # The page by QR id is not limited.
    assert client.get(reverse("verify:by_id", args=[issued.cert.verification_id]), REMOTE_ADDR="203.0.113.9").status_code == 200


# --- the public key and the command line ------------------------------------------------------------

def test_public_key_page_and_api(client, issued):
    info = signing.public_key_info()
    assert info["key_id"] in client.get(reverse("verify:public_key")).content.decode()
    r = client.get(reverse("verify:public_key"), {"format": "pem"})
    assert r.content.decode() == info["public_key_pem"]
    r = client.get("/api/v1/certification/public-key")
    assert r.status_code == 200 and r.json()["key_id"] == issued.cert.key_id


def test_verifycert_by_number_and_id(issued, capsys):
    cert = issued.cert
    assert run_cli(cert.number.lower()) == 0
    assert "valid" in capsys.readouterr().out
    assert run_cli(cert.verification_id, "--json") == 0
    assert json.loads(capsys.readouterr().out)["status"] == "valid"
    assert run_cli("BLK-0/2026/000009") == 1
    assert "TIDAK DITEMUKAN" in capsys.readouterr().out
    services.certificate_revoke(actor=issued.manager, certificate=cert, reason="Dicabut uji", now=NOW)
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
    data = export.certificate_export(issued.cert)
    key = signing.parse_public_key(signing.public_key_info()["public_key_pem"])
    with django_assert_num_queries(0):
        assert export.verify_export(data, public_key=key).valid
        assert not export.verify_export({"payload": 1}, public_key=key).valid
