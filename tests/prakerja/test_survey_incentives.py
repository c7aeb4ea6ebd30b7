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
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from sisnaker.core.errors import Conflict
from sisnaker.payments.models import Payable
from sisnaker.prakerja import domain, purchases
from sisnaker.prakerja.models import Purchase, Wave
from sisnaker.surveys import services as surveys
from sisnaker.surveys.models import Questionnaire
from sisnaker.training.models import Enrollment
from tests.factories import EnrollmentFactory

from .market import SESSION_1, SESSION_2, buy, certify, market

pytestmark = pytest.mark.usefixtures("sms")

ANSWERS = {"status": "not_working", "looking": "mencari_kerja"}


def _install_followups() -> None:
    """The follow-up questionnaires come from a migration (gone when a transactional test flushed the database)."""
    if not Questionnaire.objects.filter(code="prakerja-survei-3").exists():
        importlib.import_module("sisnaker.prakerja.migrations.0005_followup_surveys").install(apps, None)


def _completed(m, *, days_ago: int) -> Purchase:
    """A completed, certified purchase whose completion was ``days_ago`` days before today (the surveys' pages and
    their fill rule run on the real clock)."""
    purchase = buy(m.card, m.program)
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
