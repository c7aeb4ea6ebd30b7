"""Replacing a certificate whose data was wrong: revoked with its reason and a new one issued in the same
transaction with the data as it is now (the next number, signed, dated like the first); the old number's
verification points to the new one; the holder is told. A plain revocation stays final. At most one standing
certificate per enrollment, enforced by the database."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from sisnaker.accounts import services as accounts
from sisnaker.accounts.models import Person, User
from sisnaker.certification import selectors, services
from sisnaker.certification.codes import Code
from sisnaker.certification.models import Certificate
from sisnaker.certification.selectors.board import eligible_count
from sisnaker.certification.selectors.certificates import certificates_of_person
from sisnaker.core.errors import Conflict, PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.institutions.models import Institution
from sisnaker.notifications.models import Notification
from tests.factories import ManagerFactory, staff

from .test_certificates import NOW, World, _login, make_curator, readiness_questionnaire

LATER = NOW + dt.timedelta(days=5)


@pytest.fixture
def world(regions):
    readiness_questionnaire()
    return World(participants=2)


def _correct_name(world, i: int, name: str) -> Person:
    """An officer of the NIK's region corrects the name after checking the holder's ID card (what a replacement then
    carries); the holder cannot rename themself (accounts.services.person_update)."""
    person = world.people[i]
    person.refresh_from_db()
    officer = staff("regional_officer", region_code=person.nik_regency_id)
    return accounts.person_correct_identity(actor=officer, person=person, full_name=name, birth_date=person.birth_date,
                                            sex=person.sex, reason="KTP diperiksa", today=NOW.date())


def test_a_replacement_carries_the_corrected_name_and_the_old_one_points_to_it(world):
    old = world.issue(0)
    _correct_name(world, 0, "Siti Nurhaliza Putri Ayu")
    assert [str(m) for m in services.replacement_changes(certificate=old)] == ["Nama"]
    new = services.certificate_replace(actor=world.manager, certificate=old, reason="Nama  salah ketik", now=LATER)
    old.refresh_from_db()
    assert old.revoked_at == LATER and old.revoke_reason == "Nama salah ketik" and old.replaced_by == new
    assert new.revoked_at is None and new.replaces == old and new.enrollment_id == old.enrollment_id
    assert new.number != old.number and new.sequence == old.sequence + 1
    fields = json.loads(new.payload)
    assert fields["person"]["name"] == "Siti Nurhaliza Putri Ayu"
    assert fields["certificate_date"] == json.loads(old.payload)["certificate_date"]  # dated at the training's completion
    assert services.certificate_verify(verification_id=new.verification_id).status == services.VALID
    # Whoever holds the old QR code learns it was replaced and where the new one is.
    seen = services.certificate_verify(verification_id=old.verification_id)
    assert seen.status == services.REVOKED and seen.replaced_by_number == new.number and seen.replaced_by_id == new.verification_id
    # A look-up by number (masked) names the new number only: its QR id would show the holder's full name.
    by_number = services.certificate_status(number=old.number)
    assert by_number.replaced_by_number == new.number and by_number.replaced_by_id == ""
    assert by_number.as_dict()["replaced_by"] == new.number and by_number.as_dict()["replaced_by_verification_id"] is None
    replaced = AuditEvent.objects.get(action="certificate.replaced")
    assert replaced.after["replaces"] == old.number and replaced.after["changed"] == ["person.name"]
    assert AuditEvent.objects.get(action="certificate.revoked").after["replaced_by"] == new.number


def test_the_holder_is_told_and_every_page_shows_the_new_certificate(world, django_capture_on_commit_callbacks):
    old = world.issue(0)
    _correct_name(world, 0, "Siti Nurhaliza Putri Ayu")
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_replace(actor=world.manager, certificate=old, reason="Nama salah ketik", now=LATER)
    told = Notification.objects.filter(person=world.people[0], topic=f"certificate.revoked.{old.pk}")
    assert told.exists() and all(new.number in n.body and "Nama salah ketik" in n.body for n in told)
    row = selectors.readiness_for(enrollment=world.enrollments[0])
    assert row.readiness.certified and row.certificate_number == new.number
    user = User.objects.get(pk=world.people[0].user_id)
    _, trainings = selectors.my_trainings(user=user)
    assert trainings[0].certificate == new
    numbers = selectors.certificates_of_enrollments(viewer=world.manager, program=world.program, enrollment_ids=[world.enrollments[0].pk])
    assert numbers[world.enrollments[0].pk]["number"] == new.number and not numbers[world.enrollments[0].pk]["revoked"]
    assert [c.number for c in certificates_of_person(person_id=world.people[0].pk)] == [new.number]
    # Still counted once: an enrollment with a certificate, not eligible again.
    assert eligible_count(program=world.program) == 1


def test_a_plain_revocation_is_final_and_the_holder_is_told(world):
    cert = world.issue(0)
    services.certificate_revoke(actor=world.manager, certificate=cert, reason="Data peserta dipalsukan (surat BLK).", now=LATER)
    told = Notification.objects.get(person=world.people[0], topic=f"certificate.revoked.{cert.pk}", channel="sms")
    # The reason's own full stop is not doubled by the sentence's ("… BLK).." before).
    assert "Alasan: Data peserta dipalsukan (surat BLK). Hubungi" in told.body and ".." not in told.body
    with pytest.raises(Conflict) as info:
        services.certificate_issue(actor=world.manager, enrollment=world.enrollments[0], now=LATER)
    assert info.value.code == Code.CERTIFICATE_ALREADY_ISSUED
    with pytest.raises(Conflict) as info:
        services.certificate_replace(actor=world.manager, certificate=cert, reason="Coba lagi", now=LATER)
    assert info.value.code == Code.CERTIFICATE_ALREADY_REVOKED
    assert Certificate.objects.filter(enrollment=world.enrollments[0]).count() == 1


def test_who_may_replace(world):
    cert = world.issue(0)
    curator = make_curator()
    with pytest.raises(PermissionDenied):  # a curator revokes, but issues nothing
        services.certificate_replace(actor=curator, certificate=cert, reason="Nama salah", now=LATER)
    with pytest.raises(PermissionDenied):
        services.certificate_replace(actor=world.instructor, certificate=cert, reason="Nama salah", now=LATER)
    other = ManagerFactory()
    with pytest.raises(PermissionDenied):
        services.certificate_replace(actor=other, certificate=cert, reason="Nama salah", now=LATER)
    cert.refresh_from_db()
    assert cert.revoked_at is None and Certificate.objects.count() == 1  # nothing half-done


def test_a_suspended_institution_issues_no_replacement(world):
    cert = world.issue(0)
    Institution.objects.filter(pk=world.inst.pk).update(status=Institution.Status.SUSPENDED)
    with pytest.raises(PermissionDenied, match="dibekukan"):
        services.certificate_replace(actor=world.manager, certificate=cert, reason="Nama salah", now=LATER)
    cert.refresh_from_db()
    assert cert.revoked_at is None


def test_the_database_keeps_one_standing_certificate_per_enrollment(world):
    cert = world.issue(0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(enrollment=cert.enrollment, number="X/1", institution=cert.institution, year=cert.year,
                                   sequence=99, verification_id="x" * 22, payload="{}", signature="s", key_id="k",
                                   issued_at=LATER, issued_by=world.manager)


def test_the_certificate_page_offers_the_replacement_and_names_what_changes(client, world):
    old = world.issue(0)
    _correct_name(world, 0, "Siti Nurhaliza Putri Ayu")
    _login(client, world.manager)
    page = client.get(reverse("certification:certificate", args=[old.pk])).content.decode()
    assert 'id="replace"' in page and "Nama" in page.split('data-field="changes"')[1][:300]
    r = client.post(reverse("certification:replace", args=[old.pk]), {"reason": ""}, follow=True)
    assert any("alasan" in str(m).lower() for m in r.context["messages"])
    r = client.post(reverse("certification:replace", args=[old.pk]), {"reason": "Nama salah ketik"})
    new = Certificate.objects.get(replaces=old)
    assert r.status_code == 302 and r.url == reverse("certification:certificate", args=[new.pk])
    page = client.get(r.url).content.decode()
    assert 'data-field="replaces"' in page and old.number in page and 'id="replace"' in page
    old_page = client.get(reverse("certification:certificate", args=[old.pk])).content.decode()
    assert 'data-field="replaced-by"' in old_page and new.number in old_page and 'id="replace"' not in old_page
    # The public page of the old QR code links to the new one.
    public = client.get(reverse("verify:by_id", args=[old.verification_id])).content.decode()
    assert reverse("verify:by_id", args=[new.verification_id]) in public
    # A curator sees the certificate but is not offered the replacement.
    _login(client, make_curator())
    assert 'id="replace"' not in client.get(reverse("certification:certificate", args=[new.pk])).content.decode()


def test_api_replace(client, world):
    cert = world.issue(0)
    _login(client, world.manager)
    url = f"/api/v1/certification/certificates/{cert.pk}/replace"
    r = client.post(url, {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = client.post(url, {"reason": "Nama salah ketik"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["replaces_id"] == cert.pk and r.json()["number"] != cert.number
    r = client.post(url, {"reason": "Lagi"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "certificate_already_revoked"
    r = client.get("/api/v1/certification/verify", {"id": cert.verification_id})
    assert r.json()["status"] == "revoked" and r.json()["replaced_by"] == Certificate.objects.get(replaces=cert).number


def test_no_replacement_once_the_participant_no_longer_meets_the_conditions(world):
    """The replacement rests on the same facts as the first certificate: a result corrected to "not yet competent"
    since (say) leaves only revocation without a replacement."""
    from sisnaker.certification.models import Assessment

    cert = world.issue(0)
    Assessment.objects.filter(enrollment=world.enrollments[0], unit=world.units[0]).update(result="not_yet_competent")
    with pytest.raises(Conflict) as info:
        services.certificate_replace(actor=world.manager, certificate=cert, reason="Nama salah", now=LATER)
    assert info.value.code == Code.CERTIFICATE_NOT_READY
    cert.refresh_from_db()
    assert cert.revoked_at is None and Certificate.objects.count() == 1


def test_the_old_pdf_names_its_replacement(world):
    import io

    from pypdf import PdfReader

    from sisnaker.certification import pdf

    old = world.issue(0)
    new = services.certificate_replace(actor=world.manager, certificate=old, reason="Nama salah ketik", now=LATER)
    old.refresh_from_db()
    first_page = PdfReader(io.BytesIO(pdf.certificate_pdf(old))).pages[0].extract_text()
    assert "DICABUT" in first_page and new.number in first_page
    assert "DICABUT" not in PdfReader(io.BytesIO(pdf.certificate_pdf(new))).pages[0].extract_text()


def test_the_readiness_board_shows_a_revoked_certificate_as_revoked_not_as_issued(world, client):
    """The board said "Sertifikat terbit ✔" and counted a revoked certificate among those issued."""
    kept, revoked = world.issue(0), world.issue(1)
    services.certificate_revoke(actor=world.manager, certificate=revoked, reason="Data peserta dipalsukan", now=LATER)
    b = selectors.board(program=world.program)
    rows = {r.enrollment_id: r for r in b.rows}
    assert (b.certified, b.revoked) == (1, 1)
    assert rows[world.enrollments[1].pk].revoked and not rows[world.enrollments[1].pk].steps["certificate"]
    assert not rows[world.enrollments[0].pk].revoked and rows[world.enrollments[0].pk].steps["certificate"]
    assert {c.step: c.done for c in b.counts}["certificate"] == 1
    _login(client, world.manager)
    page = client.get(reverse("certification:board", args=[world.program.pk])).content.decode()
    assert f'id="e{world.enrollments[1].pk}" class="row-blocking" data-status="revoked"' in page and 'data-count="revoked">1<' in page
    # Replaced instead: it stands again (the replacement), nothing counted revoked.
    services.certificate_replace(actor=world.manager, certificate=kept, reason="Nama salah ketik", now=LATER)
    b = selectors.board(program=world.program)
    assert (b.certified, b.revoked) == (1, 1)
    # Issuing again after a plain revocation says why not.
    with pytest.raises(Conflict, match="pencabutan bersifat final"):
        services.certificate_issue(actor=world.manager, enrollment=world.enrollments[1], now=LATER)


def test_a_second_replace_names_the_replacement_and_the_message_keeps_the_sms_short(world):
    old = world.issue(0)
    new = services.certificate_replace(actor=world.manager, certificate=old, reason="Nama salah ketik " + "x" * 600, now=LATER)
    with pytest.raises(Conflict) as info:
        services.certificate_replace(actor=world.manager, certificate=old, reason="Lagi", now=LATER)
    assert new.number in str(info.value.message) and info.value.details["replaced_by"] == new.number
    told = Notification.objects.filter(person=world.people[0], topic=f"certificate.revoked.{old.pk}")
    assert told.exists() and all(len(n.body) < 400 for n in told)


def test_a_replacement_keeps_the_date_of_certification_through_a_chain(world):
    """What counts from the certification (the Prakerja instalments, the month in the figures) keeps the first
    certificate's date, however many times its data is corrected; the database refuses a replacement without it."""
    old = world.issue(0)
    _correct_name(world, 0, "Siti Nurhaliza Putri Ayu")
    second = services.certificate_replace(actor=world.manager, certificate=old, reason="Nama salah ketik", now=LATER)
    _correct_name(world, 0, "Siti Nurhaliza Putri")
    third = services.certificate_replace(actor=world.manager, certificate=second, reason="Nama salah ketik lagi",
                                         now=LATER + dt.timedelta(days=3))
    assert old.first_issued_at is None and old.certified_at == old.issued_at
    assert second.first_issued_at == third.first_issued_at == old.issued_at == third.certified_at
    assert third.issued_at == LATER + dt.timedelta(days=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=third.pk).update(first_issued_at=None)


def test_a_replacement_is_not_progress_of_a_running_issue_all(world):
    """"Issue all eligible" counts its progress as the program's certificates issued since it started; a replacement
    made meanwhile is not one of them (it would show 'done' before the batch was)."""
    old = world.issue(0)
    _correct_name(world, 0, "Siti Nurhaliza Putri Ayu")
    services.certificate_replace(actor=world.manager, certificate=old, reason="Nama salah ketik", now=LATER)
    assert selectors.issued_since(program=world.program, since=LATER) == 0
    assert selectors.issued_since(program=world.program, since=old.issued_at) == 1
