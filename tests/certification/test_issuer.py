"""The issuing institution (issue 7 §1, the certificate half).

* Only an approved institution issues: even an administrator (whom the permission rules let through)
  is refused for a pending or suspended one, one by one, in bulk and in the queued batch.
* The public page, the API and the PDF show the registry number and region, whether the institution was
  approved and active on the certificate's date (from its status history) and its status today. A
  certificate stays valid when its institution is suspended later; one issued while it was not
  approved is "unapproved" (not recognised).
* Payload version 2 signs the region and the birth year; version 1 certificates still verify."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from sisnaker.certification import domain, export, pdf, services, signing
from sisnaker.certification.models import Certificate, CertificateCounter
from sisnaker.certification.tasks import issue_all_eligible
from sisnaker.core.errors import PermissionDenied
from sisnaker.institutions.models import Institution, InstitutionStatusChange
from sisnaker.institutions.services import institution_review
from tests.certification.test_certificates import NOW, World, _pdf_text, readiness_questionnaire
from tests.certification.test_verify import BIRTH, run_cli
from tests.factories import AdminFactory

# Issued before the wall clock, so that a suspension made now through the service comes after it.
EARLY = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(regions):
    readiness_questionnaire()
    # A training in May (over before EARLY): its certificates may be issued from then on.
    w = World(participants=2, today=dt.date(2026, 5, 1), end_date=dt.date(2026, 5, 31))
    w.admin = AdminFactory()
    return w


def suspend(w):
    return institution_review(actor=w.admin, institution=w.inst, action="suspend", reason="Izin operasional dicabut sementara.")


# --- only approved institutions issue ----------------------------------------------------------------

@pytest.mark.parametrize(("status", "words"), [("suspended", "sedang dibekukan"), ("pending", "menunggu persetujuan"),
                                               ("rejected", "ditolak")])
def test_no_certificate_in_the_name_of_an_institution_that_is_not_approved(world, status, words):
    Institution.objects.filter(pk=world.inst.pk).update(status=status)
    # The administrator passes the permission rules; the issue itself still refuses, and says why.
    with pytest.raises(PermissionDenied) as info:
        services.certificate_issue(actor=world.admin, enrollment=world.enrollments[0], now=NOW)
    assert info.value.code == "institution_not_approved" and words in info.value.message.id
    assert world.inst.name in info.value.message.id and "approved, active institution" in info.value.message.en
    # The institution's own manager is refused by the permission rules already.
    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=world.manager, enrollment=world.enrollments[0], now=NOW)
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.filter(last__gt=0).exists()  # no number used up


def test_issue_all_refused_for_a_suspended_institution_as_a_whole(world, client):
    suspend(world)
    with pytest.raises(PermissionDenied) as info:
        services.certificates_issue_eligible(actor=world.admin, program=world.program, now=NOW)
    assert info.value.code == "institution_not_approved"
    # A batch queued before the suspension ends with the reason, not a bare failure.
    result = issue_all_eligible.enqueue(program_id=world.program.pk, actor_id=world.admin.pk, total=2, since="")
    assert result.status == "SUCCESSFUL" and result.return_value["refused"]["code"] == "institution_not_approved"
    # The board's button says so too.
    client.force_login(world.admin)
    r = client.post(reverse("certification:board_issue_all", kwargs={"program_id": world.program.pk}), follow=True)
    assert "sedang dibekukan" in r.content.decode()
    assert not Certificate.objects.exists()


def test_approved_again_issues_again(world):
    suspend(world)
    institution_review(actor=world.admin, institution=world.inst, action="reinstate", reason="Izin sudah diperpanjang.")
    cert = services.certificate_issue(actor=world.admin, enrollment=world.enrollments[0], now=timezone.now())
    assert services.certificate_verify(verification_id=cert.verification_id).status == "valid"


# --- what a verifier is told about the issuer ---------------------------------------------------------

def test_page_shows_registry_number_region_and_approval_on_the_date(world, client):
    cert = world.issue(0)
    r = services.certificate_verify(verification_id=cert.verification_id)
    assert (r.institution_registry_number, r.institution_regency, r.institution_province) == (
        world.inst.registry_number, "Kota Bandung", "Jawa Barat")
    assert r.institution_status_on_issue == "approved" and r.institution_approved_on_issue and r.institution_active_now
    html = client.get(reverse("verify:by_id", args=[cert.verification_id])).content.decode()
    assert world.inst.registry_number in html and "Kota Bandung, Jawa Barat" in html
    assert 'data-approved="1"' in html and "disetujui dan aktif" in html and 'data-status="approved"' in html


def test_suspended_later_the_certificate_stays_valid_and_the_page_says_so(world, client):
    cert = world.issue(0, now=EARLY)
    inst = suspend(world)
    for r in (services.certificate_verify(verification_id=cert.verification_id),
              services.certificate_lookup(number=cert.number, birth_date=BIRTH, client_ip="192.0.2.5", now=NOW)):
        assert r.status == "valid" and r.institution_approved_on_issue is True
        assert r.institution_status_now == "suspended" and not r.institution_active_now
        assert r.institution_status_since == timezone.localtime(inst.status_changed_at).date()
    html = client.get(reverse("verify:by_id", args=[cert.verification_id])).content.decode()
    since = date_format(timezone.localtime(inst.status_changed_at).date())  # "30 Nov 2026": the pages' one date style
    assert 'data-status="valid"' in html and 'data-status="suspended"' in html
    assert f"Dibekukan sejak {since}" in html and "tetap sah" in html
    body = client.get("/api/v1/certification/verify", {"id": cert.verification_id}).json()
    assert body["status"] == "valid" and body["institution_status_now"] == "suspended"
    assert body["institution_status_on_issue_date"] == "approved"


def _rewrite_history(inst, rows):
    """Replace an institution's status history (test set-up: what the history of a certificate issued
    before vetting, or by an institution approved only later, looks like)."""
    InstitutionStatusChange.objects.filter(institution=inst).delete()
    for at, status in rows:
        InstitutionStatusChange.objects.create(institution=inst, status=status, at=at)


def test_issued_while_the_institution_was_not_approved_is_not_recognised(world, client, capsys):
    cert = world.issue(0)
    # As for certificates issued by a self-registered institution before vetting existed: pending on the
    # certificate's date, approved only afterwards.
    _rewrite_history(world.inst, [(NOW - dt.timedelta(days=30), "pending"), (NOW + dt.timedelta(days=2), "approved")])
    r = services.certificate_verify(verification_id=cert.verification_id)
    assert r.signature_valid and r.status == "unapproved"
    assert r.institution_status_on_issue == "pending" and r.institution_approved_on_issue is False
    html = client.get(reverse("verify:by_id", args=[cert.verification_id])).content.decode()
    assert 'data-status="unapproved"' in html and "TIDAK DIAKUI" in html and "SAH<" not in html
    assert 'data-approved="0"' in html and "Menunggu persetujuan" in html
    assert run_cli(cert.number) == 1 and "TIDAK DIAKUI" in capsys.readouterr().out
    text = _pdf_text(pdf.certificate_pdf(Certificate.objects.select_related("institution").get(pk=cert.pk)))
    assert "PERHATIAN: lembaga penerbit tidak berstatus disetujui pada tanggal terbit" in text
    # No status recorded at all on that date (a certificate older than vetting, as after the upgrade
    # that introduced it): the authority's later decision decides. Rejected → not recognised.
    _rewrite_history(world.inst, [(NOW + dt.timedelta(days=2), "pending"), (NOW + dt.timedelta(days=3), "rejected")])
    r = services.certificate_verify(verification_id=cert.verification_id)
    assert r.status == "unapproved" and r.institution_status_on_issue is None and not r.institution_approved_later
    assert "tidak ada catatan persetujuan" in client.get(reverse("verify:by_id", args=[cert.verification_id])).content.decode()
    # Approved afterwards → recognised, and the page says it was vetted after the certificate.
    _rewrite_history(world.inst, [(NOW + dt.timedelta(days=2), "pending"), (NOW + dt.timedelta(days=3), "approved")])
    r = services.certificate_verify(verification_id=cert.verification_id)
    assert r.status == "valid" and r.institution_approved_later and not r.institution_approved_on_issue
    assert "kemudian disetujui" in client.get(reverse("verify:by_id", args=[cert.verification_id])).content.decode()


def test_revoked_and_tampered_still_win_over_the_issuer(world):
    cert = world.issue(0)
    _rewrite_history(world.inst, [(NOW + dt.timedelta(days=2), "approved")])
    Certificate.objects.filter(pk=cert.pk).update(payload=cert.payload.replace("Kota Bandung", "Kota Bogor"))
    assert services.certificate_verify(verification_id=cert.verification_id).status == "invalid"
    services.certificate_revoke(actor=world.manager, certificate=cert, reason="Uji", now=NOW)
    assert services.certificate_verify(verification_id=cert.verification_id).status == "revoked"


# --- payload versions ------------------------------------------------------------------------------

def test_version_1_certificates_still_verify(world, tmp_path):
    cert = world.issue(0)
    fields = json.loads(cert.payload)
    fields["v"] = 1
    del fields["person"]["birth_year"]
    del fields["institution"]["region"]
    payload = domain.canonical_payload(fields)
    signature, key_id = signing.sign(payload)
    Certificate.objects.filter(pk=cert.pk).update(payload=payload, signature=signature)
    cert.refresh_from_db()
    r = services.certificate_verify(verification_id=cert.verification_id)
    assert r.status == "valid" and r.payload_version == 1
    assert r.birth_year == 1995 and r.institution_regency == "Kota Bandung"  # from the records
    assert export.verify_export(export.certificate_export(cert)).valid
    body = pdf.certificate_pdf(Certificate.objects.select_related("institution").get(pk=cert.pk))
    assert pdf.embedded_export(body)["payload"] == payload
    # A version this program does not know is refused offline, even when signed.
    fields["v"] = 99
    payload = domain.canonical_payload(fields)
    signature, key_id = signing.sign(payload)
    result = export.verify_export({"payload": payload, "signature": signature, "key_id": key_id})
    assert not result.valid and "99" in result.reason.en
