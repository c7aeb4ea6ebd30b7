"""The Kartu Prakerja survey incentives (issue 11: "the employment-survey incentives become due when those surveys are
filled in their windows"): survey 1 is the employment survey, surveys 2 and 3 are Prakerja's follow-ups (their own
questionnaires), each opening 30 days after the one before and open 30 days; each answered in its window makes one
incentive due, once (the surveys app's one-response-per-questionnaire constraint and the unique payable key), up to
the wave's ``survey_incentive_count``."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from sisnaker.core.errors import Conflict
from sisnaker.core.models import AuditEvent
from sisnaker.payments.models import Payable
from sisnaker.prakerja import domain, purchases, tasks
from sisnaker.prakerja.models import Purchase, Wave
from sisnaker.surveys import services as surveys
from sisnaker.surveys.models import Questionnaire, Response
from sisnaker.training.models import Enrollment
from tests.factories import EnrollmentFactory
from tests.sms import SmsBox, committed

from .market import SESSION_1, SESSION_2, buy, certify, market

pytestmark = pytest.mark.usefixtures("sms")

ANSWERS = {"status": "not_working", "looking": "mencari_kerja"}


def _install_followups() -> None:
    """The follow-up questionnaires come from a migration (gone when a transactional test flushed the database)."""
    if not Questionnaire.objects.filter(code="prakerja-survei-3").exists():
        importlib.import_module("sisnaker.prakerja.migrations.0005_followup_surveys").install(apps, None)


def _completed(m, *, days_ago: int, card=None) -> Purchase:
    """A completed, certified purchase (of ``card``, by default the first) whose completion was ``days_ago`` days before
    today (the surveys' pages and their fill rule run on the real clock)."""
    card = card or m.card
    purchase = buy(card, m.program, key=f"k-{card.pk}")
    code = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=SESSION_1)[0]
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=code.code, now=SESSION_1)
    purchases.completion_report(actor=m.manager, institution=m.inst, code=code.code, now=SESSION_2)
    completed_at = timezone.now() - dt.timedelta(days=days_ago)
    Purchase.objects.filter(pk=purchase.pk).update(completed_at=completed_at)
    certify(Enrollment.objects.get(pk=purchase.enrollment_id), by=m.manager, at=completed_at)
    purchase.refresh_from_db()
    return purchase


def _fill(purchase, n: int):
    enrollment = Enrollment.objects.get(pk=purchase.enrollment_id)
    return surveys.response_submit(actor=purchase.person.user, code=domain.SURVEY_CODES[n], person=purchase.person,
                                   enrollment=enrollment, answers=ANSWERS, now=timezone.now())


def _survey_keys() -> list[str]:
    return sorted(Payable.objects.filter(idempotency_key__startswith="prakerja-survey:").values_list("idempotency_key", flat=True))


def test_survey_windows_follow_each_other_and_the_wave_pays_at_most_three():
    done = dt.date(2026, 1, 1)
    assert domain.survey_window(done, 1) == (dt.date(2026, 1, 31), dt.date(2026, 3, 1))
    assert domain.survey_window(done, 2) == (dt.date(2026, 3, 2), dt.date(2026, 3, 31))
    assert domain.survey_window(done, 3) == (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert list(domain.surveys_paid(2)) == [1, 2] and list(domain.surveys_paid(12)) == [1, 2, 3] and not domain.surveys_paid(0)
    assert domain.survey_refusal(completed_on=None, today=done, n=2) is not None
    assert domain.survey_refusal(completed_on=done, today=dt.date(2026, 3, 1), n=2).en == "Survey 2 opens on 2026-03-02."
    assert domain.survey_refusal(completed_on=done, today=dt.date(2026, 3, 2), n=2) is None
    assert domain.survey_refusal(completed_on=done, today=dt.date(2026, 4, 1), n=2).en == "Survey 2 closed on 2026-03-31."


def test_each_later_survey_answered_in_its_window_makes_its_incentive_due_once(open_wave, applicant, pmo):
    _install_followups()
    m = market(open_wave, applicant, pmo)
    Wave.objects.filter(pk=m.wave.pk).update(survey_incentive_count=3)
    purchase = _completed(m, days_ago=65)  # survey 1 closed, survey 2 open, survey 3 not yet
    with pytest.raises(Conflict) as exc:
        _fill(purchase, 3)
    assert "dibuka" in exc.value.message.id
    _fill(purchase, 2)
    assert purchases.incentives_accrue(actor=None, now=timezone.now()) >= 1
    assert _survey_keys() == [f"prakerja-survey:{m.card.number}:2"]
    assert Payable.objects.get(idempotency_key=f"prakerja-survey:{m.card.number}:2").amount == m.wave.survey_incentive
    with pytest.raises(Conflict):  # survey 2 is answered once
        _fill(purchase, 2)
    assert purchases.incentives_accrue(actor=None, now=timezone.now()) == 0  # and paid once
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second payable of survey 2
        Payable.objects.create(kind="prakerja", idempotency_key=f"prakerja-survey:{m.card.number}:2", funding_source="prakerja",
                               amount=1, person=purchase.person, created_at=timezone.now())

    # Thirty days on, survey 3 opens; a wave that pays two surveys pays no third.
    Purchase.objects.filter(pk=purchase.pk).update(completed_at=timezone.now() - dt.timedelta(days=95))
    _fill(purchase, 3)
    Wave.objects.filter(pk=m.wave.pk).update(survey_incentive_count=2)
    assert purchases.incentives_accrue(actor=None, now=timezone.now()) == 0
    # (Under two surveys nothing more could become due, so the accrual stopped reading the purchase; a real wave's terms
    # never change once it opens, so this one is read again as if it had always paid three.)
    assert not Purchase.objects.get(pk=purchase.pk).incentives_open
    Wave.objects.filter(pk=m.wave.pk).update(survey_incentive_count=3)
    Purchase.objects.filter(pk=purchase.pk).update(incentives_open=True)
    assert purchases.incentives_accrue(actor=None, now=timezone.now()) == 1
    assert _survey_keys() == [f"prakerja-survey:{m.card.number}:2", f"prakerja-survey:{m.card.number}:3"]


def test_an_answer_outside_its_window_pays_nothing(open_wave, applicant, pmo):
    _install_followups()
    m = market(open_wave, applicant, pmo)
    purchase = _completed(m, days_ago=65)
    _fill(purchase, 2)
    # Counted against the window of the completion as it stands: an answer 65 days after is not in survey 2's
    # window when completion is (corrected to) 40 days ago.
    Purchase.objects.filter(pk=purchase.pk).update(completed_at=timezone.now() - dt.timedelta(days=40))
    purchases.incentives_accrue(actor=None, now=timezone.now())
    assert _survey_keys() == []


def test_follow_up_surveys_are_only_for_a_completed_prakerja_training(open_wave, applicant, pmo):
    _install_followups()
    m = market(open_wave, applicant, pmo)
    other = EnrollmentFactory(person=m.card.person)
    with pytest.raises(Conflict) as exc:
        surveys.response_check(actor=m.card.person.user, code="prakerja-survei-2", person=m.card.person, enrollment=other)
    assert "Kartu Prakerja" in exc.value.message.id


def test_the_beneficiary_finds_the_open_survey_on_their_page(open_wave, applicant, pmo):
    _install_followups()
    m = market(open_wave, applicant, pmo)
    purchase = _completed(m, days_ago=65)
    client = Client()
    client.force_login(m.card.person.user)
    page = client.get("/prakerja/saya/").content.decode()
    assert "Survei ke-2" in page and f"/survei/prakerja-survei-2/{purchase.enrollment_id}/" in page
    assert f"/survei/prakerja-survei-3/{purchase.enrollment_id}/" not in page  # not open yet
    _fill(purchase, 2)
    page = client.get("/prakerja/saya/").content.decode()
    assert "Sudah diisi" in page and f"/survei/prakerja-survei-2/{purchase.enrollment_id}/" not in page
    assert client.get(f"/survei/prakerja-survei-2/{purchase.enrollment_id}/").status_code in (200, 302)


# --- reminders before a follow-up survey's window closes ---------------------------------------------------------

def _reminders(phone: str) -> list[str]:
    committed()
    return [text for to, text in SmsBox.sent if to == phone and "Survei Prakerja" in text]


def _at(hour: int, *, days: int = 0) -> dt.datetime:
    """Today (the day the purchase's completion is counted from, on the real clock) at ``hour`` local time."""
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)


def test_the_reminder_rule_covers_the_last_days_of_each_window():
    done = dt.date(2026, 1, 1)  # survey 2: 2026-03-02 to 2026-03-31; survey 3: 2026-04-01 to 2026-04-30
    due = [d for d in (done + dt.timedelta(days=i) for i in range(130)) if domain.survey_reminder_due(completed_on=done, today=d, n=2)]
    assert due == [dt.date(2026, 3, 25) + dt.timedelta(days=i) for i in range(domain.SURVEY_REMINDER_DAYS)]
    assert domain.survey_reminder_due(completed_on=done, today=dt.date(2026, 4, 30), n=3)
    assert not domain.survey_reminder_due(completed_on=done, today=dt.date(2026, 5, 1), n=3)


def test_a_survey_closing_soon_is_reminded_once_with_its_link(open_wave, applicant, pmo):
    _install_followups()
    m = market(open_wave, applicant, pmo)
    purchase = _completed(m, days_ago=86)  # survey 2 closes in 3 days, not filled
    phone = m.card.application.phone
    assert tasks.survey_reminders_due(now=_at(6)) == "too early"  # nobody gets an SMS at night
    assert _reminders(phone) == []
    assert tasks.incentives_due(now=_at(10)) == "made 1; reminded 1"  # (the post-training incentive, and the reminder)
    texts = _reminders(phone)
    assert len(texts) == 1 and "ke-2" in texts[0] and f"/survei/prakerja-survei-2/{purchase.enrollment_id}/" in texts[0]
    assert "Rp50.000" in texts[0] and "Survei Prakerja ke-2" in mail.outbox[-1].subject
    assert mail.outbox[-1].to == [m.card.application.email]
    event = AuditEvent.objects.get(action="prakerja_survey.reminders_sent")
    assert event.after["reminded"] == [{"purchase": purchase.pk, "survey": 2, "closes": event.after["reminded"][0]["closes"]}]
    # Once per survey and window: later runs that day and the days after send nothing more.
    assert tasks.survey_reminders_due(now=_at(11)) == "reminded 0"
    assert purchases.survey_reminders_send(actor=None, now=_at(10, days=2)) == 0
    assert len(_reminders(phone)) == 1 and AuditEvent.objects.filter(action="prakerja_survey.reminders_sent").count() == 1


def test_no_reminder_for_a_filled_survey_nor_outside_the_last_days(open_wave, applicant, pmo):
    _install_followups()
    m = market(open_wave, applicant, pmo)
    Wave.objects.filter(pk=m.wave.pk).update(survey_incentive_count=3)
    purchase = _completed(m, days_ago=86)
    _fill(purchase, 2)  # filled (its incentive not made yet: the accrual has not run)
    assert purchases.survey_reminders_send(actor=None, now=_at(10)) == 0
    Response.objects.filter(enrollment_id=purchase.enrollment_id).delete()  # not filled, from here on
    # Survey 2 open but 8 days from closing; its last 7 days begin (a reminder); closed, and survey 3 just open.
    for days_ago in (82, 83, 90):
        Purchase.objects.filter(pk=purchase.pk).update(completed_at=timezone.now() - dt.timedelta(days=days_ago))
        expected = 1 if days_ago == 83 else 0
        assert purchases.survey_reminders_send(actor=None, now=_at(10)) == expected, days_ago
    # Survey 3 in its last days is reminded (the wave pays three surveys) — not when the wave pays two.
    Purchase.objects.filter(pk=purchase.pk).update(completed_at=timezone.now() - dt.timedelta(days=116))
    Wave.objects.filter(pk=m.wave.pk).update(survey_incentive_count=2)
    assert purchases.survey_reminders_send(actor=None, now=_at(10)) == 0
    Wave.objects.filter(pk=m.wave.pk).update(survey_incentive_count=3)
    assert purchases.survey_reminders_send(actor=None, now=_at(10)) == 1
    assert "ke-3" in _reminders(m.card.application.phone)[-1]


def test_no_reminder_once_its_incentive_was_made(open_wave, applicant, pmo):
    _install_followups()
    m = market(open_wave, applicant, pmo)
    purchase = _completed(m, days_ago=86)  # survey 2 closes in 3 days, not filled for this training…
    # …but the card's survey-2 incentive was made already (for an earlier training of the card: once per card).
    Payable.objects.create(kind="prakerja", idempotency_key=f"prakerja-survey:{m.card.number}:2", funding_source="prakerja",
                           amount=50_000, person=purchase.person, program=m.program, created_at=timezone.now())
    assert purchases.survey_reminders_send(actor=None, now=_at(10)) == 0


def test_only_pmo_officers_send_the_reminders_by_hand(open_wave, applicant, pmo):
    from sisnaker.core.errors import PermissionDenied

    _install_followups()
    m = market(open_wave, applicant, pmo)
    _completed(m, days_ago=86)
    with pytest.raises(PermissionDenied):
        purchases.survey_reminders_send(actor=m.manager, now=_at(10))
    assert purchases.survey_reminders_send(actor=pmo, now=_at(10)) == 1


def test_the_reminders_take_a_fixed_number_of_queries(open_wave, applicant, pmo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _install_followups()
    m = market(open_wave, applicant, pmo)
    first = _completed(m, days_ago=86)
    with CaptureQueriesContext(connection) as one:
        assert purchases.survey_reminders_send(actor=None, now=_at(10)) == 1
    Purchase.objects.filter(pk=first.pk).update(completed_at=timezone.now() - dt.timedelta(days=116))  # survey 3 now
    Wave.objects.filter(pk=m.wave.pk).update(survey_incentive_count=3)
    _completed(m, days_ago=85, card=m.cards[1])
    with CaptureQueriesContext(connection) as two:
        assert purchases.survey_reminders_send(actor=None, now=_at(10)) == 2
    assert len(two) == len(one)


def test_survey_1_counts_from_the_reported_completion_as_its_incentive_does(open_wave, applicant, pmo):
    """Certification's employment survey is Prakerja's 1st survey: for a Kartu Prakerja purchase its window (the fill
    rule, the alumnus' page, the reminder) counts from the completion the institution reported, as the incentive's
    window does — a completion reported long after the program's end still has its survey 1 and its incentive."""
    from sisnaker.certification import survey_rules
    from sisnaker.certification.services import employment
    from sisnaker.training.domain import EnrollmentState, ProgramStatus
    from sisnaker.training.models import Program

    m = market(open_wave, applicant, pmo)
    purchase = _completed(m, days_ago=35)  # Prakerja's survey 1: days 30–59 after completion, open today
    today = timezone.localdate()
    ended = today - dt.timedelta(days=75)  # the program ended long before: its own days 30–59 are over
    enrollment = Enrollment.objects.select_related("program").get(pk=purchase.enrollment_id)
    Program.objects.filter(pk=enrollment.program_id).update(end_date=ended, closed_on=ended, status=ProgramStatus.CLOSED)
    Enrollment.objects.filter(pk=enrollment.pk).update(state=EnrollmentState.GRADUATED)  # an alumna (as certified)
    enrollment = Enrollment.objects.select_related("program").get(pk=purchase.enrollment_id)
    completed = timezone.localdate(purchase.completed_at)

    assert survey_rules.employment_refusal(enrollment) is None
    assert survey_rules.employment_window(enrollment).last == domain.survey_window(completed, 1)[1]
    # The reminder goes on the day the window opens from the completion, not from the program's end.
    assert enrollment.pk in {e.pk for e in employment.due(today=completed + dt.timedelta(days=30))}
    assert enrollment.pk not in {e.pk for e in employment.due(today=ended + dt.timedelta(days=30))}
    # Filled today: the survey incentive becomes due.
    _fill(purchase, 1)
    purchases.incentives_accrue(actor=None, now=timezone.now())
    assert f"prakerja-survey:{m.card.number}:1" in _survey_keys()
