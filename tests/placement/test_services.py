"""AK/1 services on both databases: applying (to the KTP's regency office, or its successor), gap-free numbers,
scope (an officer of another regency neither sees nor issues; a citizen sees only their own), refusals, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sisnaker.certification.models import Certificate
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.placement import domain, selectors, services
from sisnaker.placement.models import JobSeekerCard, JobSeekerCounter
from sisnaker.regions.models import RetiredCode
from tests.factories import PersonFactory, course, staff
from tests.placement.photos import PHOTO

NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))


def data(**over) -> services.Ak1Application:
    values = dict(birth_place="Bandung", marital_status="single", religion="islam", address="Jl. Merdeka 1, Bandung",
                  education="smk", other_training="Kursus bahasa Inggris (2023)", skills="Las listrik, membaca gambar teknik")
    values.update(over)
    return services.Ak1Application(**values)


@pytest.fixture
def officer(regions):
    return staff("regional_officer", region_code="32.73")


@pytest.fixture
def officer_out(regions):
    return staff("regional_officer", region_code="35.78")


def test_a_citizen_applies_and_the_application_goes_to_the_ktp_regency(regions):
    person = PersonFactory(nik_district="32.73.01", domicile="35.78.01")
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=NOW)
    assert card.status == domain.CardStatus.SUBMITTED and card.regency_id == "32.73"  # the KTP's, not the domicile's
    assert card.nik == person.nik and person.nik not in card.nik_encrypted  # sealed
    assert (card.full_name, card.birth_date, card.sex) == (person.full_name, person.birth_date, person.sex)
    assert card.number == "" and card.issued_on is None
    assert AuditEvent.objects.filter(action="ak1.applied", object_id=str(card.pk)).exists()


def test_the_application_goes_to_the_current_successor_of_a_retired_regency_code(regions):
    person = PersonFactory(nik_district="32.73.01")
    RetiredCode.objects.create(old_code="32.73", new_code="32.04", level="regency", note="uji")
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=NOW)
    assert card.regency_id == "32.04"


def test_one_waiting_application_and_no_second_card_while_one_is_valid(regions, officer):
    person = PersonFactory()
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=NOW)
    with pytest.raises(Conflict):
        services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=NOW)
    services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)
    with pytest.raises(Conflict) as valid:
        services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=NOW + dt.timedelta(days=700))
    assert "2028-03-09" in valid.value.message.en
    again = services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=NOW + dt.timedelta(days=731))  # expired: may apply
    assert again.status == domain.CardStatus.SUBMITTED
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        JobSeekerCard.objects.filter(pk=card.pk).update(status="submitted", number="", year=None, sequence=None, issued_on=None)


def test_fields_are_checked(regions):
    person = PersonFactory()
    for field, value in (("skills", " "), ("birth_place", ""), ("religion", "other"), ("marital_status", "x"),
                         ("address", "x" * 301), ("education", "phd")):
        with pytest.raises(ValidationFailed) as exc:
            services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(**{field: value}), now=NOW)
        assert exc.value.field == field
    assert not JobSeekerCard.objects.exists()


def test_staff_without_a_person_cannot_apply(officer):
    with pytest.raises(ValidationFailed):
        services.ak1_apply(photo_upload=PHOTO, actor=officer, data=data(), now=NOW)


def test_numbers_are_gap_free_per_regency_and_year(regions, officer):
    people = PersonFactory.create_batch(3)
    cards = [services.ak1_apply(photo_upload=PHOTO, actor=p.user, data=data(), now=NOW) for p in people]
    other = PersonFactory(nik_district="32.04.01")  # Kabupaten Bandung: its own sequence
    other_card = services.ak1_apply(photo_upload=PHOTO, actor=other.user, data=data(), now=NOW)
    issued = services.ak1_issue(actor=officer, card_id=cards[0].pk, now=NOW)
    # A failed issue (the card was already refused) takes no number.
    services.ak1_refuse(actor=officer, card_id=cards[1].pk, reason="Dokumen tidak lengkap.", now=NOW)
    with pytest.raises(Conflict):
        services.ak1_issue(actor=officer, card_id=cards[1].pk, now=NOW)
    second = services.ak1_issue(actor=officer, card_id=cards[2].pk, now=NOW)
    assert (issued.number, second.number) == ("3273-2026-000001", "3273-2026-000002")
    next_year = services.ak1_issue(actor=staff("regional_officer", region_code="32.04"), card_id=other_card.pk,
                                   now=NOW.replace(year=2027))
    assert next_year.number == "3204-2027-000001"
    assert JobSeekerCounter.objects.get(regency_id="32.73", year=2026).last == 2
    assert issued.issued_on == dt.date(2026, 3, 10) and issued.decided_by == officer and issued.officer_name
    assert AuditEvent.objects.filter(action="ak1.issued").count() == 3


def test_an_officer_of_another_regency_or_of_the_province_cannot_issue(regions, officer_out):
    card = services.ak1_apply(photo_upload=PHOTO, actor=PersonFactory().user, data=data(), now=NOW)
    province = staff("regional_officer", region_code="32")
    for who in (officer_out, province, card.person.user):
        with pytest.raises(PermissionDenied):
            services.ak1_issue(actor=who, card_id=card.pk, now=NOW)
        with pytest.raises(PermissionDenied):
            services.ak1_refuse(actor=who, card_id=card.pk, reason="Tidak berhak.", now=NOW)
    assert JobSeekerCard.objects.get(pk=card.pk).status == domain.CardStatus.SUBMITTED
    assert not JobSeekerCounter.objects.exists()
    with pytest.raises(NotFound):
        services.ak1_issue(actor=officer_out, card_id=card.pk + 999, now=NOW)


def test_scope_of_reading(regions, officer, officer_out):
    mine, theirs = PersonFactory(), PersonFactory(nik_district="35.78.01")
    card = services.ak1_apply(photo_upload=PHOTO, actor=mine.user, data=data(), now=NOW)
    their_card = services.ak1_apply(photo_upload=PHOTO, actor=theirs.user, data=data(), now=NOW)
    assert [c.pk for c in selectors.my_cards(user=mine.user)] == [card.pk]
    assert selectors.card_for(viewer=mine.user, card_id=card.pk) == card
    with pytest.raises(PermissionDenied):
        selectors.card_for(viewer=mine.user, card_id=their_card.pk)
    assert [c.pk for c in selectors.queue(viewer=officer)] == [card.pk]
    assert [c.pk for c in selectors.queue(viewer=officer_out)] == [their_card.pk]
    assert {c.pk for c in selectors.queue(viewer=staff("regional_officer", region_code="32"))} == {card.pk}
    with pytest.raises(PermissionDenied):
        selectors.card_for(viewer=officer_out, card_id=card.pk)
    with pytest.raises(PermissionDenied):
        selectors.queue(viewer=mine.user)
    assert selectors.card_page(viewer=officer, card_id=card.pk, today=NOW.date()).may_decide
    assert not selectors.card_page(viewer=staff("regional_officer", region_code="32"), card_id=card.pk,
                                   today=NOW.date()).may_decide


def test_refusal_needs_a_reason_and_is_audited(regions, officer):
    card = services.ak1_apply(photo_upload=PHOTO, actor=PersonFactory().user, data=data(), now=NOW)
    with pytest.raises(ValidationFailed) as exc:
        services.ak1_refuse(actor=officer, card_id=card.pk, reason="  ", now=NOW)
    assert exc.value.field == "reason" and exc.value.message.en
    card = services.ak1_refuse(actor=officer, card_id=card.pk, reason="NIK tidak sesuai KTP.", now=NOW)
    assert card.status == domain.CardStatus.REFUSED and card.number == ""
    event = AuditEvent.objects.get(action="ak1.refused", object_id=str(card.pk))
    assert event.reason == "NIK tidak sesuai KTP."
    assert selectors.queue(viewer=officer) == []


def test_the_card_page_shows_validity_boxes_and_the_holders_certificates(regions, officer):
    c = course(participants=1)
    person = c.people[0]
    cert = Certificate.objects.create(enrollment=c.enrollments[0], number="BLK/2026/000001", institution=c.inst, year=2026,
                                      sequence=1, verification_id="v" * 20, payload="{}", signature="s", key_id="k",
                                      issued_at=NOW, issued_by=c.manager)
    card = services.ak1_issue(actor=officer, card_id=services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=NOW).pk, now=NOW)
    page = selectors.card_page(viewer=person.user, card_id=card.pk, today=dt.date(2026, 9, 10))
    assert page.validity == domain.Validity.VALID and page.valid_until == dt.date(2028, 3, 9)
    assert [b.due for b in page.boxes] == [True, False, False, False] and not page.may_decide
    assert page.certificates == [cert]
    Certificate.objects.filter(pk=cert.pk).update(revoked_at=NOW, revoke_reason="Salah terbit.", revoked_by=c.manager)
    page = selectors.card_page(viewer=person.user, card_id=card.pk, today=dt.date(2028, 3, 10))
    assert page.validity == domain.Validity.EXPIRED and page.certificates == []
