"""Curation, purchase, voucher and redeem codes, attendance, completion and incentives (issue 11), service level on a
real database; the pure rules (the redeem window with Hypothesis) first."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.payments.models import JournalEntry, LedgerLine, Payable
from sisnaker.prakerja import domain, purchases, services
from sisnaker.prakerja.domain import CurationStatus as C
from sisnaker.prakerja.domain import PurchaseStatus as PS
from sisnaker.prakerja.models import Card, Purchase
from sisnaker.surveys.models import Response
from sisnaker.training.models import Enrollment
from tests.factories import InstitutionFactory, ManagerFactory, ProgramFactory

from .conftest import NOW
from .market import PRICE, SESSION_1, SESSION_2, buy, certify, consent, curate, market, prakerja_program

pytestmark = pytest.mark.usefixtures("sms")
START = dt.datetime(2026, 3, 25, 9, 0, tzinfo=dt.UTC)


# --- domain -----------------------------------------------------------------------------------------------------

def facts(**over) -> domain.RedeemFacts:
    values = dict(institution_id=1, course_type="offline", status="active", purchase_cancelled=False, sequence=1, session_start=START)
    values.update(over)
    return domain.RedeemFacts(**values)


@given(st.integers(min_value=-60 * 60, max_value=60 * 60))
def test_a_redeem_code_is_valid_from_one_hour_before_to_one_hour_after_the_start(seconds):
    assert domain.redeem_refusal(facts(), institution_id=1, now=START + dt.timedelta(seconds=seconds)) is None


@given(st.integers(min_value=1, max_value=10 ** 7))
def test_outside_the_window_it_is_too_early_or_too_late(seconds):
    hour = dt.timedelta(hours=1)
    assert domain.redeem_refusal(facts(), institution_id=1, now=START - hour - dt.timedelta(seconds=seconds)) == "redeem_too_early"
    assert domain.redeem_refusal(facts(), institution_id=1, now=START + hour + dt.timedelta(seconds=seconds)) == "redeem_too_late"


@given(st.integers(min_value=-10 ** 6, max_value=10 ** 6), st.sampled_from(["active", "used", "cancelled"]), st.booleans())
def test_the_status_query_never_checks_the_window_and_never_refuses_a_used_code(seconds, status, cancelled):
    refusal = domain.redeem_refusal(facts(status=status, purchase_cancelled=cancelled), institution_id=1,
                                    now=START + dt.timedelta(seconds=seconds), for_commit=False)
    assert refusal == ("redeem_transaction_cancelled" if cancelled else "redeem_code_cancelled" if status == "cancelled" else None)


def test_each_redeem_refusal_is_distinct_and_in_its_order():
    now = START
    assert domain.redeem_refusal(None, institution_id=1, now=now) == "redeem_not_found"
    assert domain.redeem_refusal(facts(institution_id=2, status="cancelled"), institution_id=1, now=now) == "redeem_other_institution"
    assert domain.redeem_refusal(facts(course_type="lms"), institution_id=1, now=now, course_types=("webinar", "offline")) == "redeem_wrong_course_type"
    assert domain.redeem_refusal(facts(), institution_id=1, now=now, sequence=2) == "redeem_wrong_sequence"
    assert domain.redeem_refusal(facts(purchase_cancelled=True, status="cancelled"), institution_id=1, now=now) == "redeem_transaction_cancelled"
    assert domain.redeem_refusal(facts(status="cancelled"), institution_id=1, now=now) == "redeem_code_cancelled"
    assert domain.redeem_refusal(facts(status="used"), institution_id=1, now=now) == "redeem_already_used"
    assert set(domain.REDEEM_REFUSALS) == set(purchases.REFUSAL_ERRORS)


def test_authorise_refusal_rules():
    ok = dict(card_active=True, deadline=dt.date(2026, 4, 9), today=dt.date(2026, 4, 9), curated=True, other_unfinished=False,
              balance=PRICE, price=PRICE)
    assert domain.authorise_refusal(**ok) is None  # the deadline day counts, the exact balance suffices
    assert domain.authorise_refusal(**{**ok, "card_active": False}) == "card_inactive"
    assert domain.authorise_refusal(**{**ok, "today": dt.date(2026, 4, 10)}) == "deadline_passed"
    assert domain.authorise_refusal(**{**ok, "curated": False}) == "not_curated"
    assert domain.authorise_refusal(**{**ok, "other_unfinished": True}) == "unfinished_purchase"
    assert domain.authorise_refusal(**{**ok, "bought_before": True}) == "already_bought"
    assert domain.authorise_refusal(**{**ok, "balance": PRICE - 1}) == "balance_insufficient"


def test_curation_stages_and_incentive_dates():
    assert domain.curation_target(stage=1, status=C.PROPOSED, accept=True) == C.STAGE1_ACCEPTED
    assert domain.curation_target(stage=2, status=C.STAGE1_ACCEPTED, accept=True) == C.CURATED
    assert domain.curation_target(stage=2, status=C.PROPOSED, accept=True) is None
    assert domain.curation_target(stage=1, status=C.PROPOSED, accept=False) == C.REJECTED
    assert domain.incentive_due_dates(base=dt.date(2026, 5, 1), count=3, interval_days=30) == [
        dt.date(2026, 5, 1), dt.date(2026, 5, 31), dt.date(2026, 6, 30)]
    done = dt.date(2026, 5, 1)
    assert not domain.survey_in_window(completed_on=done, filled_on=dt.date(2026, 5, 30))
    assert domain.survey_in_window(completed_on=done, filled_on=dt.date(2026, 5, 31))
    assert domain.survey_in_window(completed_on=done, filled_on=dt.date(2026, 6, 29))
    assert not domain.survey_in_window(completed_on=done, filled_on=dt.date(2026, 6, 30))


# --- curation ---------------------------------------------------------------------------------------------------

def test_two_stage_curation_audited_and_only_curated_programs_are_purchasable(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    other = prakerja_program(m.inst, title="Desain Grafis")
    entry = purchases.catalogue_propose(actor=m.manager, program=other, price=750_000, now=NOW)
    assert entry.status == C.PROPOSED and entry.course_code and len(entry.sessions) == 1  # the program's start
    with pytest.raises(Conflict):
        buy(m.card, other)
    with pytest.raises(PermissionDenied):  # stage 1 is the curator's, not the PMO's
        purchases.catalogue_decide(actor=pmo, entry=entry, stage=1, accept=True, note="", now=NOW)
    with pytest.raises(Conflict):  # stage 2 waits for stage 1
        purchases.catalogue_decide(actor=pmo, entry=entry, stage=2, accept=True, note="", now=NOW)
    entry = purchases.catalogue_decide(actor=m.curator, entry=entry, stage=1, accept=True, note="", now=NOW)
    with pytest.raises(PermissionDenied):
        purchases.catalogue_decide(actor=m.curator, entry=entry, stage=2, accept=True, note="", now=NOW)
    with pytest.raises(ValidationFailed) as e:
        purchases.catalogue_decide(actor=pmo, entry=entry, stage=2, accept=False, note=" ", now=NOW)
    assert e.value.code == "prakerja_note_required"
    entry = purchases.catalogue_decide(actor=pmo, entry=entry, stage=2, accept=False, note="Materi tidak sesuai.", now=NOW)
    assert entry.status == C.REJECTED
    with pytest.raises(Conflict):
        buy(m.card, other)
    # Proposed again, it starts over.
    entry = purchases.catalogue_propose(actor=m.manager, program=other, price=700_000, now=NOW)
    assert entry.status == C.PROPOSED and entry.stage2_note == "" and entry.stage1_by is None
    actions = list(AuditEvent.objects.filter(object_type="prakerja.catalogueentry", object_id=str(entry.pk)).values_list("action", flat=True))
    assert actions.count("prakerja_catalogue.proposed") == 2 and "prakerja_catalogue.stage2_decided" in actions


def test_only_the_institutions_manager_proposes_a_prakerja_funded_program(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    stranger = ManagerFactory(institution=InstitutionFactory())
    with pytest.raises(PermissionDenied):
        purchases.catalogue_propose(actor=stranger, program=prakerja_program(m.inst), price=1, now=NOW)
    apbd = ProgramFactory(institution=m.inst, today=NOW.date())
    with pytest.raises(ValidationFailed):
        purchases.catalogue_propose(actor=m.manager, program=apbd, price=500_000, now=NOW)
    with pytest.raises(ValidationFailed):
        purchases.catalogue_propose(actor=m.manager, program=prakerja_program(m.inst), price=0, now=NOW)
    with pytest.raises(ValidationFailed):  # a session outside the program's dates
        purchases.catalogue_propose(actor=m.manager, program=prakerja_program(m.inst), price=1,
                                    sessions=[SESSION_1 + dt.timedelta(days=90)], now=NOW)
    with pytest.raises(Conflict):  # proposed once
        purchases.catalogue_propose(actor=m.manager, program=m.program, price=1, now=NOW)


# --- purchase ---------------------------------------------------------------------------------------------------

def held(card) -> int:
    return purchases.card_balance(card)


def test_a_purchase_is_authorised_by_the_rules_and_charged_once_on_the_ledger(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    before = held(m.card)
    purchase = buy(m.card, m.program)
    assert purchase.status == PS.AUTHORISED and purchase.decided_by is None and purchase.voucher_code.startswith("V")
    assert held(m.card) == before - PRICE and Card.objects.get(pk=m.card.pk).spent == PRICE
    entry = JournalEntry.objects.get(idempotency_key=f"prakerja-purchase:{purchase.pk}")
    assert entry.kind == "purchase"
    payable = Payable.objects.get(pk=purchase.payable_id)
    assert (payable.kind, payable.institution_id, payable.amount, payable.funding_source) == ("training_fee", m.inst.pk, PRICE, "prakerja")
    assert set(LedgerLine.objects.filter(entry=entry).values_list("payable_id", flat=True)) == {payable.pk}
    enrollment = Enrollment.objects.get(pk=purchase.enrollment_id)
    assert (enrollment.state, enrollment.person_id, enrollment.program_id) == ("participant", m.card.person_id, m.program.pk)
    # The same request again (a retry): the same purchase, nothing charged twice, and the rule check run again is a no-op.
    again = buy(m.card, m.program)
    assert again.pk == purchase.pk
    assert purchases.purchase_authorise(actor=None, purchase=purchase, now=NOW).status == PS.AUTHORISED
    assert JournalEntry.objects.filter(kind="purchase").count() == 1 and held(m.card) == before - PRICE
    actions = set(AuditEvent.objects.filter(object_type="prakerja.purchase").values_list("action", flat=True))
    assert {"prakerja_purchase.requested", "prakerja_purchase.authorised"} <= actions


def test_the_same_key_with_other_parameters_is_refused(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    buy(m.card, m.program, key="same")
    other = prakerja_program(m.inst, title="Pelatihan Lain")
    curate(other, manager=m.manager, curator=m.curator, pmo=pmo, sessions=())
    with pytest.raises(Conflict) as e:
        buy(m.card, other, key="same")
    assert e.value.code == "prakerja_idempotency_mismatch"
    # The key is per platform: another platform's key "same" is another request.
    with pytest.raises(Conflict) as e:
        buy(m.card, other, key="same", platform="PLATFORM-X", actor=None)
    assert e.value.code == "prakerja_unfinished_purchase"


def test_a_second_training_only_after_the_first_is_finished_and_never_beyond_the_balance(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    first = buy(m.card, m.program)
    second_program = prakerja_program(m.inst, title="Pelatihan Kedua", start_date=dt.date(2026, 4, 25), end_date=dt.date(2026, 5, 5))
    curate(second_program, manager=m.manager, curator=m.curator, pmo=pmo, price=2_500_000, sessions=())
    with pytest.raises(Conflict) as e:
        buy(m.card, second_program, key="k-2")
    assert e.value.code == "prakerja_unfinished_purchase"
    code = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=first.voucher_code, now=NOW)[0]
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=code.code, now=SESSION_1, sequence=1)
    purchases.completion_report(actor=m.manager, institution=m.inst, code=code.code, now=SESSION_2)
    second = buy(m.card, second_program, key="k-2")
    assert second.status == PS.AUTHORISED and held(m.card) == 0  # 3.5M − 1M − 2.5M: exactly zero is fine
    third_program = prakerja_program(m.inst, title="Pelatihan Ketiga", start_date=dt.date(2026, 5, 25), end_date=dt.date(2026, 6, 5))
    curate(third_program, manager=m.manager, curator=m.curator, pmo=pmo, price=1, sessions=())
    codes = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=second.voucher_code, now=NOW)
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=codes[0].code, now=codes[0].session_start)
    purchases.completion_report(actor=m.manager, institution=m.inst, code=second.invoice_code, now=codes[0].session_start)
    third = buy(m.card, third_program, key="k-3")
    assert (third.status, third.refusal) == (PS.REFUSED, "balance_insufficient") and held(m.card) == 0
    # The database refuses a balance below zero too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.filter(pk=m.card.pk).update(spent=m.card.granted + 1)


def test_refused_after_the_deadline_or_when_the_card_expired(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    late = buy(m.card, m.program, now=NOW.replace(month=5))
    assert (late.status, late.refusal) == (PS.REFUSED, "deadline_passed")
    services.cards_expire(actor=None, today=m.cards[1].deadline + dt.timedelta(days=1), now=NOW)
    expired = buy(m.cards[1], m.program, key="k-9")
    assert (expired.status, expired.refusal) == (PS.REFUSED, "card_inactive")
    assert JournalEntry.objects.filter(kind="purchase").count() == 0


def test_a_card_with_an_unfinished_purchase_keeps_its_balance_past_the_deadline(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    buy(m.card, m.program)
    counts = services.cards_expire(actor=None, today=m.card.deadline + dt.timedelta(days=1), now=NOW)
    assert counts["expired"] == 1  # only the other card
    assert Card.objects.get(pk=m.card.pk).status == "active"


def test_only_the_holder_buys_with_a_card_and_a_full_program_refuses(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    with pytest.raises(PermissionDenied):
        buy(m.card, m.program, actor=m.cards[1].person.user)
    Enrollment.objects.all().delete()
    type(m.program).objects.filter(pk=m.program.pk).update(quota=1, n_participant=1)
    refused = buy(m.card, m.program)
    assert (refused.status, refused.refusal) == (PS.REFUSED, "enrol_refused")
    assert Card.objects.get(pk=m.card.pk).spent == 0


def test_cancelling_an_authorised_purchase_returns_the_balance(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    before = held(m.card)
    purchase = buy(m.card, m.program)
    codes = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)
    purchase = purchases.purchase_cancel(actor=m.card.person.user, purchase=purchase, reason="Berhalangan.", now=NOW)
    assert purchase.status == PS.CANCELLED and held(m.card) == before and Card.objects.get(pk=m.card.pk).spent == 0
    assert Payable.objects.get(idempotency_key=f"prakerja-purchase:{purchase.pk}").status == "cancelled"
    assert Enrollment.objects.get(pk=purchase.enrollment_id).state == "withdrawn"
    with pytest.raises(Conflict) as e:
        purchases.redeem_status(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_1)
    assert e.value.code == "redeem_transaction_cancelled"
    # Finished, the card may buy again (another key), the same program too: training keeps one enrollment per program
    # and person, so the withdrawn one joins again; cancelled once more, it is withdrawn once more.
    withdrawn = Enrollment.objects.get(program=m.program, person=m.card.person)
    again = buy(m.card, m.program, key="k-again")
    assert again.status == PS.AUTHORISED and again.enrollment_id == withdrawn.pk and held(m.card) == before - PRICE
    assert Enrollment.objects.get(pk=withdrawn.pk).state == "participant"
    purchases.purchase_cancel(actor=m.card.person.user, purchase=again, reason="", now=NOW)
    assert Enrollment.objects.get(pk=withdrawn.pk).state == "withdrawn" and held(m.card) == before
    other = prakerja_program(m.inst, title="Pelatihan Lain", start_date=dt.date(2026, 4, 25), end_date=dt.date(2026, 5, 5))
    curate(other, manager=m.manager, curator=m.curator, pmo=pmo, sessions=())
    assert buy(m.card, other, key="k-other").status == PS.AUTHORISED and held(m.card) == before - PRICE


# --- voucher, redeem, attendance, completion --------------------------------------------------------------------

def test_voucher_gives_one_redeem_code_per_session_and_each_refusal_is_distinct(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = buy(m.card, m.program)
    codes = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code.lower(), now=NOW)
    assert [(c.sequence, c.session_start) for c in codes] == [(1, SESSION_1), (2, SESSION_2)]
    assert [c.pk for c in purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code,
                                                     now=NOW)] == [c.pk for c in codes]
    other_inst = InstitutionFactory()
    other_manager = ManagerFactory(institution=other_inst)
    with pytest.raises(NotFound):
        purchases.voucher_exchange(actor=other_manager, institution=other_inst, voucher_code=purchase.voucher_code, now=NOW)
    with pytest.raises(PermissionDenied):
        purchases.voucher_exchange(actor=other_manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)

    def refused(fn=purchases.redeem_commit, code=codes[0].code, inst=m.inst, actor=m.manager, **kw):
        kw.setdefault("now", SESSION_1)
        with pytest.raises(Exception) as e:
            fn(actor=actor, institution=inst, code=code, **kw)
        return e.value.code

    assert refused(code="RNOSUCHCODE") == "redeem_not_found"
    assert refused(inst=other_inst, actor=other_manager) == "redeem_other_institution"
    assert refused(course_types=("lms",)) == "redeem_wrong_course_type"
    assert refused(sequence=2) == "redeem_wrong_sequence"
    assert refused(now=SESSION_1 - dt.timedelta(minutes=61)) == "redeem_too_early"
    assert refused(now=SESSION_1 + dt.timedelta(minutes=61)) == "redeem_too_late"
    status = purchases.redeem_status(actor=m.manager, institution=m.inst, code=codes[0].code, sequence=1, now=NOW)
    assert [f.name for f in dataclasses.fields(status)] == ["redeem_code", "course_code", "invoice_code", "schedule_code", "status",
                                                           "attendance_status", "redeem_at", "dp_platform", "sequence"]
    assert (status.status, status.redeem_at, status.dp_platform, status.invoice_code) == ("active", None, "Sisnaker", purchase.invoice_code)
    done = purchases.redeem_commit(actor=m.manager, institution=m.inst, code=codes[0].code, sequence="1",
                                   now=SESSION_1 - dt.timedelta(minutes=60))
    assert done.status == "used" and done.redeem_at
    assert refused() == "redeem_already_used"
    assert purchases.redeem_status(actor=m.manager, institution=m.inst, code=codes[0].code, now=NOW).status == "used"
    assert refused(sequence="x") == "redeem_wrong_sequence"  # bad input is a 400, never a 500
    codes[1].status = "cancelled"
    codes[1].save(update_fields=["status"])
    assert refused(code=codes[1].code, now=SESSION_2) == "redeem_code_cancelled"


def test_completion_is_refused_for_a_participant_reported_absent_from_every_session(open_wave, applicant, pmo):
    """The platform reported the participant absent, then reported the training completed: the incentives (public
    money) would have started for a training nobody attended."""
    m = market(open_wave, applicant, pmo)
    purchase = buy(m.card, m.program)
    codes = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_1)
    purchases.attendance_report(actor=m.manager, institution=m.inst, code=codes[0].code, present=False, now=SESSION_1)
    with pytest.raises(Conflict) as e:
        purchases.completion_report(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_2)
    assert e.value.code == "prakerja_completion_absent" and "tidak hadir" in e.value.message.id
    purchase.refresh_from_db()
    assert purchase.status != PS.COMPLETED
    # Corrected (they did attend): completion goes through.
    purchases.attendance_report(actor=m.manager, institution=m.inst, code=codes[0].code, present=True, now=SESSION_1)
    assert purchases.completion_report(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_2).status == PS.COMPLETED


@pytest.mark.parametrize(("attendance", "refusal"), [
    ([], "redeem_not_used"), (["absent"], "absent"), (["absent", "absent"], "absent"), (["absent", "present"], None),
    (["pending"], None), (["absent", "pending"], None), (["present"], None),
])
def test_completion_refusal_rule(attendance, refusal):
    from sisnaker.prakerja import domain as prakerja_domain

    assert prakerja_domain.completion_refusal(attendance) == refusal


def test_attendance_and_completion_then_the_post_training_incentive(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    m.wave.post_training_incentive_count, m.wave.incentive_interval_days = 2, 30
    m.wave.save(update_fields=["post_training_incentive_count", "incentive_interval_days"])
    purchase = buy(m.card, m.program)
    codes = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)
    with pytest.raises(Conflict) as e:
        purchases.attendance_report(actor=m.manager, institution=m.inst, code=codes[0].code, present=True, now=SESSION_1)
    assert e.value.code == "redeem_not_used"
    with pytest.raises(Conflict):
        purchases.completion_report(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_1)
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_1)
    answer = purchases.attendance_report(actor=m.manager, institution=m.inst, code=codes[0].code, present=True, now=SESSION_1)
    assert answer.attendance_status == "present"
    done = purchases.completion_report(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_2)
    assert done.status == PS.COMPLETED
    assert not Payable.objects.filter(kind="prakerja").exists()  # no certificate yet
    enrollment = Enrollment.objects.get(pk=purchase.enrollment_id)
    certify(enrollment, by=m.manager, at=SESSION_2 + dt.timedelta(days=2))
    assert purchases.incentives_accrue(actor=None, now=SESSION_2 + dt.timedelta(days=2)) == 1
    first = Payable.objects.get(kind="prakerja")
    assert (first.idempotency_key, first.amount, first.person_id, first.status) == (
        f"prakerja-incentive:{m.card.number}:1", m.wave.post_training_incentive, m.card.person_id, "due")
    # The beneficiary is told it is due and sees it on "Insentif saya", like the programme's own incentives.
    from django.db import connection

    from sisnaker.notifications.models import Notification
    from sisnaker.payments import domain as payments_domain
    from sisnaker.payments import selectors as payments_selectors
    from tests.sms import committed

    while connection.run_on_commit:
        committed()
    assert Notification.objects.filter(person_id=m.card.person_id,
                                       topic=payments_domain.notice_topic(payments_domain.Notice.DUE, first.pk)).exists()
    mine = payments_selectors.my_incentives(m.card.person)
    assert [(i.program_title, i.amount) for i in mine if i.amount] == [(m.program.title, m.wave.post_training_incentive)]
    assert purchases.incentives_accrue(actor=None, now=SESSION_2 + dt.timedelta(days=3)) == 0  # idempotent; the 2nd not due yet
    assert purchases.incentives_accrue(actor=pmo, now=SESSION_2 + dt.timedelta(days=32)) == 1
    assert Payable.objects.filter(kind="prakerja").count() == 2
    assert JournalEntry.objects.filter(kind="accrue", idempotency_key__startswith="accrue:prakerja-incentive:").count() == 2
    with pytest.raises(PermissionDenied):
        purchases.incentives_accrue(actor=m.manager, now=NOW)


def test_the_survey_incentive_needs_the_survey_filled_in_its_window(open_wave, applicant, pmo):
    from sisnaker.surveys import services as survey_services

    m = market(open_wave, applicant, pmo)
    purchase = buy(m.card, m.program)
    codes = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_1)
    purchases.completion_report(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_2)
    enrollment = Enrollment.objects.get(pk=purchase.enrollment_id)
    certify(enrollment, by=m.manager, at=SESSION_2)
    survey_services.ensure_default_questionnaires()
    version = survey_services.questionnaire_current(code="employment")
    response = Response.objects.create(version=version, questionnaire=version.questionnaire, person=enrollment.person,
                                       enrollment=enrollment, submitted_at=SESSION_2 + dt.timedelta(days=10))
    purchases.incentives_accrue(actor=None, now=SESSION_2 + dt.timedelta(days=70))
    assert not Payable.objects.filter(idempotency_key__startswith="prakerja-survey:").exists()  # filled too early
    Response.objects.filter(pk=response.pk).delete()
    Response.objects.create(version=version, questionnaire=version.questionnaire, person=enrollment.person, enrollment=enrollment,
                            submitted_at=SESSION_2 + dt.timedelta(days=35))
    purchases.incentives_accrue(actor=None, now=SESSION_2 + dt.timedelta(days=70))
    survey = Payable.objects.get(idempotency_key=f"prakerja-survey:{m.card.number}:1")
    assert survey.amount == m.wave.survey_incentive


def test_a_partner_platform_purchase_is_idempotent_per_platform(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    first = consent(buy(m.card, m.program, platform="PLATFORM-X", key="abc", actor=None))
    again = buy(m.card, m.program, platform="PLATFORM-X", key="abc", actor=None)
    assert first.pk == again.pk and first.platform_code == "PLATFORM-X" and first.status == PS.AUTHORISED
    assert Purchase.objects.count() == 1
    status = purchases.redeem_status(actor=None, via="LPK-1", institution=m.inst,
                                     code=purchases.voucher_exchange(actor=None, via="LPK-1", institution=m.inst,
                                                                     voucher_code=first.voucher_code, now=NOW)[0].code, now=NOW)
    assert status.dp_platform == "PLATFORM-X"
    with pytest.raises(PermissionDenied):  # without a partner's signature, nobody
        purchases.voucher_exchange(actor=None, institution=m.inst, voucher_code=first.voucher_code, now=NOW)


def test_the_inclusion_figures_count_trained_and_certified_once_per_application(open_wave, applicant, pmo):
    from sisnaker.prakerja import figures
    from sisnaker.prakerja.models import Application

    m = market(open_wave, applicant, pmo)
    purchase = buy(m.card, m.program)
    code = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)[0]
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=code.code, now=SESSION_1)
    purchases.completion_report(actor=m.manager, institution=m.inst, code=code.code, now=SESSION_2)
    before = figures.figures(scope=figures.Scope(national=True), wave=None).total
    assert (before["trained"], before["certified"]) == (1, 0)
    certify(Enrollment.objects.get(pk=purchase.enrollment_id), by=m.manager, at=SESSION_2)
    # A second (cancelled) purchase of the same card joins a second row: still one application.
    other = prakerja_program(m.inst, title="Pelatihan Lain", start_date=dt.date(2026, 4, 25), end_date=dt.date(2026, 5, 5))
    curate(other, manager=m.manager, curator=m.curator, pmo=pmo, sessions=())
    purchases.purchase_cancel(actor=m.card.person.user, purchase=buy(m.card, other, key="k-2"), reason="", now=NOW)
    total = figures.figures(scope=figures.Scope(national=True), wave=None).total
    assert (total["trained"], total["certified"]) == (1, 1)
    assert total["applicants"] == before["applicants"] == Application.objects.exclude(status__in=["unverified", "review", "lapsed"]).count()


def test_the_hourly_accrual_reads_only_open_purchases_and_still_makes_each_incentive_once(open_wave, applicant, pmo, monkeypatch):
    """Run the housekeeping accrual twice a day for five months: each of 3 instalments is made exactly once, on its
    day; the survey incentive once, on the run after it was filled; and once nothing more can become due (the last
    instalment made, the last survey window closed) the job no longer reads the purchase at all."""
    from django.utils import timezone

    from sisnaker.prakerja import tasks
    from sisnaker.surveys import services as survey_services

    m = market(open_wave, applicant, pmo)
    m.wave.post_training_incentive_count, m.wave.incentive_interval_days = 3, 30
    m.wave.save(update_fields=["post_training_incentive_count", "incentive_interval_days"])
    purchase = buy(m.card, m.program)
    codes = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_1)
    purchases.completion_report(actor=m.manager, institution=m.inst, code=codes[0].code, now=SESSION_2)
    assert Purchase.objects.get(pk=purchase.pk).incentives_open  # completed: the accrual reads it from now on
    enrollment = Enrollment.objects.get(pk=purchase.enrollment_id)
    certified_at = SESSION_2 + dt.timedelta(days=2)
    certify(enrollment, by=m.manager, at=certified_at)
    base, completed_on = timezone.localdate(certified_at), timezone.localdate(SESSION_2)
    dues = domain.incentive_due_dates(base=base, count=3, interval_days=30)
    survey_services.ensure_default_questionnaires()
    version = survey_services.questionnaire_current(code="employment")
    filled_at = SESSION_2 + dt.timedelta(days=40, hours=3)  # survey 1, in its window (days 30–59)

    read: list[list[int]] = []
    accrue = purchases._accrue
    monkeypatch.setattr(purchases, "_accrue", lambda **kw: read.append(list(kw["purchase_ids"])) or accrue(**kw))
    at, runs = SESSION_2, []
    while at < SESSION_2 + dt.timedelta(days=150):
        at += dt.timedelta(hours=12)
        if filled_at <= at and not Response.objects.filter(enrollment=enrollment).exists():
            Response.objects.create(version=version, questionnaire=version.questionnaire, person=enrollment.person,
                                    enrollment=enrollment, submitted_at=filled_at)
        tasks.incentives_due(now=at)
        runs.append(at)

    made = {p.idempotency_key: timezone.localdate(p.created_at) for p in Payable.objects.filter(kind="prakerja")}
    assert made == {**{f"prakerja-incentive:{m.card.number}:{n}": due for n, due in enumerate(dues, start=1)},
                    f"prakerja-survey:{m.card.number}:1": timezone.localdate(filled_at + dt.timedelta(hours=9))}
    assert Payable.objects.filter(kind="prakerja").count() == 4  # each once
    # Read while something could still become due; never after the run that settled it (the last instalment is due on
    # day 62 after completion, survey 2's window closes on day 89).
    settled_on = max(dues[-1], domain.survey_window(completed_on, 2)[1] + dt.timedelta(days=1))
    settling = next(i for i, at in enumerate(runs) if timezone.localdate(at) >= settled_on)
    assert read[:settling + 1] == [[purchase.pk]] * (settling + 1)
    assert read[settling + 1:] == [[]] * (len(runs) - settling - 1) and len(runs) - settling > 100
    assert not Purchase.objects.get(pk=purchase.pk).incentives_open


def test_a_replaced_certificate_still_counts_once_and_keeps_the_incentives(open_wave, applicant, pmo):
    """A certificate replaced because the name on it was wrong (revoked, a corrected one issued for the same
    enrollment): the application is certified once in the figures and its incentives accrue once; a certificate
    revoked without a replacement stops both."""
    from sisnaker.certification.models import Certificate
    from sisnaker.prakerja import figures

    m = market(open_wave, applicant, pmo)
    purchase = buy(m.card, m.program)
    code = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)[0]
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=code.code, now=SESSION_1)
    purchases.completion_report(actor=m.manager, institution=m.inst, code=code.code, now=SESSION_2)
    m.wave.post_training_incentive_count, m.wave.incentive_interval_days = 3, 30
    m.wave.save(update_fields=["post_training_incentive_count", "incentive_interval_days"])
    enrollment = Enrollment.objects.get(pk=purchase.enrollment_id)
    first = certify(enrollment, by=m.manager, at=SESSION_2)
    corrected = SESSION_2 + dt.timedelta(days=20)
    Certificate.objects.filter(pk=first.pk).update(revoked_at=corrected, revoke_reason="Nama salah ketik")

    def counted():
        total = figures.figures(scope=figures.Scope(national=True), wave=None).total
        return total["trained"], total["certified"]

    assert counted() == (1, 0)
    assert purchases.incentives_accrue(actor=None, now=SESSION_2 + dt.timedelta(days=200)) == 0
    Certificate.objects.create(enrollment=enrollment, number="BLK/2026/REPL", institution=enrollment.program.institution, year=2026,
                               sequence=999_999, verification_id="r" * 20, payload="{}", signature="s", key_id="k",
                               issued_at=corrected, first_issued_at=first.issued_at, issued_by=m.manager, replaces=first)
    assert counted() == (1, 1)
    # The instalments count from the certification, not from the correction 20 days later: on day 31 two are due.
    assert purchases.incentives_accrue(actor=None, now=SESSION_2 + dt.timedelta(days=31)) == 2
    made = purchases.incentives_accrue(actor=None, now=SESSION_2 + dt.timedelta(days=200))
    assert made == 1  # the third; each instalment once, not once per certificate
    assert purchases.incentives_accrue(actor=None, now=SESSION_2 + dt.timedelta(days=201)) == 0
