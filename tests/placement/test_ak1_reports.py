"""The AK/1 card after issue: six-monthly reports (holder or office), found work ends the card, changed data,
reminders before each report, the printable PDF with its QR code, public verification, and the card in the
holder's own data export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from sisnaker.accounts import selectors as account_selectors
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.notifications.models import Notification
from sisnaker.placement import domain, selectors, services
from sisnaker.placement.models import JobSeekerCard, JobSeekerReport
from tests.factories import PersonFactory, staff
from tests.placement.photos import PHOTO
from tests.placement.test_services import data

ISSUED = timezone.make_aware(dt.datetime(2026, 1, 15, 9, 0))


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


@pytest.fixture
def issued(regions):
    officer = staff("regional_officer", region_code="32.73")
    person = PersonFactory(nik_district="32.73.01")
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=ISSUED)
    card = services.ak1_issue(actor=officer, card_id=card.pk, now=ISSUED)
    return card, person, officer


LOOKING = services.Ak1Report(outcome=domain.ReportOutcome.LOOKING)


# --- pure rules ------------------------------------------------------------------------------------------


def test_box_windows_and_states():
    issued_on = dt.date(2026, 1, 15)
    assert domain.report_window(issued_on, 1) == (dt.date(2026, 6, 15), dt.date(2026, 8, 14))
    day = dt.date(2026, 7, 1)
    states = [b.state for b in domain.report_boxes(issued_on=issued_on, today=day)]
    assert states == [domain.BoxState.OPEN, domain.BoxState.LATER, domain.BoxState.LATER, domain.BoxState.LATER]
    assert domain.card_state(issued_on=issued_on, today=day, reported={}, ended_on=None) == domain.CardState.REPORT_DUE
    late = dt.date(2026, 8, 15)
    assert domain.card_state(issued_on=issued_on, today=late, reported={}, ended_on=None) == domain.CardState.UNREPORTED
    assert domain.card_state(issued_on=issued_on, today=late, reported={1: day}, ended_on=None) == domain.CardState.ACTIVE
    assert domain.card_state(issued_on=issued_on, today=dt.date(2028, 1, 15), reported={1: day, 2: day, 3: day, 4: day},
                             ended_on=None) == domain.CardState.EXPIRED
    assert domain.card_state(issued_on=issued_on, today=late, reported={}, ended_on=dt.date(2026, 3, 1)) == domain.CardState.ENDED
    ended = domain.report_boxes(issued_on=issued_on, today=late, ended_on=dt.date(2026, 3, 1))
    assert {b.state for b in ended} == {domain.BoxState.CLOSED}


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)  # a loaded CI box is slow, not wrong
@given(issued_on=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
       offset=st.integers(min_value=0, max_value=800), filled=st.sets(st.integers(1, 4)))
def test_at_most_one_box_is_open_and_reminders_only_for_unfilled_boxes(issued_on, offset, filled):
    today = issued_on + dt.timedelta(days=offset)
    reported = {n: today for n in filled}
    boxes = domain.report_boxes(issued_on=issued_on, today=today, reported=reported)
    assert sum(b.state == domain.BoxState.OPEN for b in boxes) <= 1
    box = domain.reminder_due(issued_on=issued_on, today=today, reported=reported, ended_on=None, reminded_box=0)
    if box is not None:
        assert box not in filled
        assert domain.report_due_on(issued_on, box) - dt.timedelta(days=domain.REMINDER_DAYS) <= today
    open_box = domain.open_box(issued_on=issued_on, today=today, reported=reported)
    assert (open_box is None) == all(b.state != domain.BoxState.OPEN for b in boxes)


# --- reports --------------------------------------------------------------------------------------------


def test_the_holder_reports_in_the_window_and_not_before(issued):
    card, person, _officer = issued
    with pytest.raises(Conflict) as early:
        services.ak1_report(actor=person.user, card_id=card.pk, report=LOOKING, now=at(dt.date(2026, 5, 1)))
    assert "2026-06-15" in early.value.message.en
    services.ak1_report(actor=person.user, card_id=card.pk, report=LOOKING, now=at(dt.date(2026, 7, 20)))
    report = JobSeekerReport.objects.get(card=card)
    assert (report.box, report.outcome, report.reported_on, report.by_office) == (1, "looking", dt.date(2026, 7, 20), False)
    with pytest.raises(Conflict):  # the same box twice
        services.ak1_report(actor=person.user, card_id=card.pk, report=LOOKING, now=at(dt.date(2026, 7, 21)))
    page = selectors.card_page(viewer=person.user, card_id=card.pk, today=dt.date(2026, 9, 1))
    assert page.state == domain.CardState.ACTIVE and page.boxes[0].state == domain.BoxState.FILLED
    assert AuditEvent.objects.filter(action="ak1.reported", object_id=str(card.pk)).count() == 1


def test_an_unreported_card_shows_as_such(issued):
    card, person, officer = issued
    page = selectors.card_page(viewer=officer, card_id=card.pk, today=dt.date(2026, 8, 20))
    assert page.state == domain.CardState.UNREPORTED and page.boxes[0].state == domain.BoxState.MISSED
    assert selectors.card_page(viewer=person.user, card_id=card.pk, today=dt.date(2028, 2, 1)).state == domain.CardState.EXPIRED


def test_found_work_ends_the_card_and_needs_the_employer(issued):
    card, person, _officer = issued
    with pytest.raises(ValidationFailed) as missing:
        services.ak1_report(actor=person.user, card_id=card.pk, now=at(dt.date(2026, 3, 1)),
                            report=services.Ak1Report(outcome="employed", employer_name="", position="Juru las"))
    assert missing.value.field == "employer_name"
    # Found work can be reported any day (no box is open in March): no box is filled, the card ends.
    services.ak1_report(actor=person.user, card_id=card.pk, now=at(dt.date(2026, 3, 1)),
                        report=services.Ak1Report(outcome="employed", employer_name="PT Baja Jaya", position="Juru las"))
    card.refresh_from_db()
    assert card.ended_on == dt.date(2026, 3, 1) and card.employer_name == "PT Baja Jaya"
    assert not JobSeekerReport.objects.filter(card=card).exists()
    page = selectors.card_page(viewer=person.user, card_id=card.pk, today=dt.date(2026, 9, 1))
    assert page.state == domain.CardState.ENDED and not page.may_report and not page.may_update
    with pytest.raises(Conflict):
        services.ak1_report(actor=person.user, card_id=card.pk, report=LOOKING, now=at(dt.date(2026, 7, 1)))
    assert AuditEvent.objects.filter(action="ak1.ended", object_id=str(card.pk)).exists()


def test_found_work_is_a_placement_that_counts_in_the_regions_figures(issued):
    """The AK/1 is how regency offices count placements: work found through the card (outside a hire in Sisnaker)
    must reach the placement records, linked to the holder's latest training with its outcome."""
    from sisnaker.placement.models import Outcome
    from sisnaker.placement.selectors import counted_placements
    from sisnaker.training.domain import EnrollmentState
    from tests.factories import EnrollmentFactory

    card, person, _officer = issued
    alumni = EnrollmentFactory(person=person, state=EnrollmentState.GRADUATED, state_changed_at=ISSUED - dt.timedelta(days=30))
    with pytest.raises(ValidationFailed) as future:  # a report says what already happened
        services.ak1_report(actor=person.user, card_id=card.pk, now=at(dt.date(2026, 3, 1)),
                            report=services.Ak1Report(outcome="employed", employer_name="PT Baja Jaya", position="Juru las",
                                                      start_date=dt.date(2026, 3, 2)))
    assert future.value.field == "start_date"
    card.refresh_from_db()
    assert card.ended_on is None and not counted_placements().filter(person=person).exists()  # nothing half-saved
    services.ak1_report(actor=person.user, card_id=card.pk, now=at(dt.date(2026, 3, 1)),
                        report=services.Ak1Report(outcome="employed", employer_name="PT Baja Jaya", position="Juru las",
                                                  start_date=dt.date(2026, 2, 16)))
    placement = counted_placements().get(person=person)
    assert (placement.employer_name, placement.position, placement.start_date, placement.source, placement.regency_id,
            placement.enrollment_id) == ("PT Baja Jaya", "Juru las", dt.date(2026, 2, 16), "alumnus",
                                         person.domicile_district.regency_id, alumni.pk)
    outcome = Outcome.objects.get(placement=placement)
    assert (outcome.enrollment_id, outcome.status) == (alumni.pk, "employed")
    assert AuditEvent.objects.filter(action="placement.recorded", object_id=str(placement.pk)).exists()


def test_found_work_recorded_at_the_office_is_the_officers_placement_from_the_report_day(issued):
    from sisnaker.placement.models import Outcome, Placement

    card, person, officer = issued
    services.ak1_report(actor=officer, card_id=card.pk, now=at(dt.date(2026, 4, 6)),
                        report=services.Ak1Report(outcome="employed", employer_name="CV Maju", position="Penjahit"))
    placement = Placement.objects.get(person=person)
    assert (placement.source, placement.start_date, placement.created_by_id, placement.enrollment_id) == (
        "officer", dt.date(2026, 4, 6), officer.pk, None)
    assert not Outcome.objects.filter(placement=placement).exists()  # no training to be the outcome of


def test_the_office_records_a_report_for_the_holder_but_others_cannot(issued, regions):
    card, person, officer = issued
    services.ak1_report(actor=officer, card_id=card.pk, report=LOOKING, now=at(dt.date(2026, 7, 20)))
    assert JobSeekerReport.objects.get(card=card).by_office is True
    for outsider in (staff("regional_officer", region_code="35.78"), staff("regional_officer", region_code="32"),
                     PersonFactory().user):
        with pytest.raises(PermissionDenied):
            services.ak1_report(actor=outsider, card_id=card.pk, report=LOOKING, now=at(dt.date(2027, 1, 15)))


def test_the_holder_reports_changed_data_on_a_valid_card(issued):
    card, person, officer = issued
    changed = data(address="Jl. Asia Afrika 8, Bandung", marital_status="married", skills="Las listrik dan argon")
    services.ak1_update(actor=person.user, card_id=card.pk, data=changed, now=at(dt.date(2026, 4, 1)))
    card.refresh_from_db()
    assert (card.address, card.marital_status, card.skills) == ("Jl. Asia Afrika 8, Bandung", "married", "Las listrik dan argon")
    event = AuditEvent.objects.get(action="ak1.updated", object_id=str(card.pk))
    assert set(event.after["changed"]) == {"address", "marital_status", "skills"} and "Asia" not in str(event.after)
    with pytest.raises(PermissionDenied):
        services.ak1_update(actor=officer, card_id=card.pk, data=changed, now=at(dt.date(2026, 4, 1)))
    with pytest.raises(Conflict):
        services.ak1_update(actor=person.user, card_id=card.pk, data=changed, now=at(dt.date(2028, 2, 1)))


# --- reminders ------------------------------------------------------------------------------------------


def test_reminders_go_out_a_week_before_each_box_once(issued, sms):
    card, person, _officer = issued
    assert services.ak1_reminders_send(now=at(dt.date(2026, 7, 7)))["reminded"] == 0  # 8 days before
    assert services.ak1_reminders_send(now=at(dt.date(2026, 7, 8)))["reminded"] == 1  # 7 days before 15 July
    texts = list(Notification.objects.filter(person=person, topic="ak1_report_1").values_list("body", flat=True))
    assert texts and card.number in texts[0] and "15-07-2026" in texts[0] and "jatuh tempo" in texts[0]
    assert services.ak1_reminders_send(now=at(dt.date(2026, 7, 9)))["reminded"] == 0  # once per box
    # Box 2 (due 15 January 2027): reported early, so no reminder.
    services.ak1_report(actor=person.user, card_id=card.pk, report=LOOKING, now=at(dt.date(2026, 12, 20)))
    assert services.ak1_reminders_send(now=at(dt.date(2027, 1, 10)))["reminded"] == 0
    # A missed run still reminds while the window is open; an ended card never.
    assert services.ak1_reminders_send(now=at(dt.date(2027, 7, 20)))["reminded"] == 1
    services.ak1_report(actor=person.user, card_id=card.pk, now=at(dt.date(2027, 8, 1)),
                        report=services.Ak1Report(outcome="employed", employer_name="CV Maju", position="Teknisi"))
    assert services.ak1_reminders_send(now=at(dt.date(2028, 1, 10)))["reminded"] == 0


# --- the PDF, verification and the data export ----------------------------------------------------------


def test_the_issued_card_is_signed_printable_and_verifiable(issued, client):
    card, person, officer = issued
    card.refresh_from_db()
    assert card.verification_id and card.signature and card.key_id and card.number in card.payload
    assert card.nik not in card.payload  # the payload is shown to whoever scans the QR code
    client.force_login(person.user)
    response = client.get(f"/penempatan/ak1/{card.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert card.number in text and card.full_name in text and "Laporan IV" in text
    client.logout()
    verify = client.get(f"/penempatan/ak1/v/{card.verification_id}/")
    assert verify.status_code == 200
    body = verify.content.decode()
    assert card.number in body and card.full_name in body and card.nik not in body and card.address not in body
    assert client.get("/penempatan/ak1/v/tidak-ada-kartu-ini/").status_code == 404
    # A tampered card (the database edited behind Sisnaker's back) no longer verifies.
    JobSeekerCard.objects.filter(pk=card.pk).update(payload=card.payload.replace(card.full_name, "Orang Lain"))
    assert selectors.verify(verification_id=card.verification_id, today=dt.date(2026, 2, 1)).signature_valid is False


def test_only_the_holder_and_the_office_print_the_card(issued, client, regions):
    card, person, officer = issued
    for outsider in (staff("regional_officer", region_code="35.78"), PersonFactory().user):
        client.force_login(outsider)
        assert client.get(f"/penempatan/ak1/{card.pk}/pdf/").status_code == 403
    client.force_login(officer)
    assert client.get(f"/penempatan/ak1/{card.pk}/pdf/").status_code == 200


def test_the_card_page_offers_the_report_and_takes_it(issued, client):
    card, person, _officer = issued
    client.force_login(person.user)
    page = client.get(f"/penempatan/ak1/{card.pk}/")
    assert b"Cetak kartu (PDF)" in page.content
    refused = client.post(f"/penempatan/ak1/{card.pk}/lapor/", {"outcome": "employed", "employer_name": "", "position": ""})
    assert refused.status_code == 400 and not JobSeekerCard.objects.get(pk=card.pk).ended_on
    later = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    refused = client.post(f"/penempatan/ak1/{card.pk}/lapor/",
                          {"outcome": "employed", "employer_name": "PT Baja", "position": "Juru las", "start_date": later})
    assert refused.status_code == 400 and "tidak boleh di masa depan" in refused.content.decode()
    assert not JobSeekerCard.objects.get(pk=card.pk).ended_on
    started = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    done = client.post(f"/penempatan/ak1/{card.pk}/lapor/",
                       {"outcome": "employed", "employer_name": "PT Baja", "position": "Juru las", "start_date": started})
    assert done.status_code == 302 and JobSeekerCard.objects.get(pk=card.pk).ended_on is not None
    assert person.placements.get().start_date.isoformat() == started


def test_the_holders_data_export_includes_the_card_and_its_reports(issued):
    card, person, _officer = issued
    services.ak1_report(actor=person.user, card_id=card.pk, report=LOOKING, now=at(dt.date(2026, 7, 20)))
    exported = account_selectors.person_data_export(person=person)
    (entry,) = exported["ak1_cards"]
    assert entry["number"] == card.number and entry["reports"] == [
        {"box": 1, "outcome": "looking", "reported_on": "2026-07-20", "by_office": False}]



@pytest.mark.django_db
def test_the_data_export_also_lists_enrolments_and_certificates(regions):
    from tests.certification.test_assessment import certify
    from tests.factories import course

    c = course(participants=2)
    first, second = c.enrollments[:2]
    certify(first, c.manager)
    exported = account_selectors.person_data_export(person=first.person)
    assert [e["program"] for e in exported["enrollments"]] == [c.program.title]
    assert [x["program"] for x in exported["certificates"]] == [c.program.title]
    assert account_selectors.person_data_export(person=second.person)["certificates"] == []


def test_a_holder_who_chose_english_is_reminded_in_english(issued, sms):
    card, person, _officer = issued
    person.user.preferred_language = "en"
    person.user.save(update_fields=["preferred_language"])
    assert services.ak1_reminders_send(now=at(dt.date(2026, 7, 8)))["reminded"] == 1
    [text, *_] = Notification.objects.filter(person=person, topic="ak1_report_1").values_list("body", flat=True)
    assert f"report 1 of AK/1 card {card.number} is due on 15-07-2026" in text and "jatuh tempo" not in text
