"""What is owed: alumni incentives (from employment-survey responses) and training fees (from closed
government-funded programs), made set-based, each once (its idempotency key is unique), each posted to the
ledger (budget → payable) in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.certification.models import Certificate
from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import FUNDING_SOURCES
from sisnaker.surveys.models import Response
from sisnaker.training.domain import EnrollmentState, ProgramStatus
from sisnaker.training.models import Program

from .. import domain
from ..codes import Audit, Code
from ..models import IncentiveRule, Payable
from . import ledger, notices

EMPLOYMENT_SURVEY = "employment"


@dataclass(frozen=True, slots=True)
class Source:
    """The funding source an action is about (the permission's scope object)."""

    funding_source: str

    def scope_funding_source(self) -> str:
        return self.funding_source


@dataclass(frozen=True, slots=True)
class Accrued:
    incentives: int
    training_fees: int
    amount: int


def _check_source(source: str | None) -> None:
    if source and source not in FUNDING_SOURCES:
        raise ValidationFailed(Msg("Sumber dana tidak dikenal.", "Unknown funding source."), code=Code.FUNDING_SOURCE,
                               field="funding_source")


def _create(rows: list[Payable], *, actor, now: dt.datetime) -> list[Payable]:
    """Insert new payables (keys already taken are skipped), post their accruals, one audit row each."""
    if not rows:
        return []
    taken = set(Payable.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows])
                .values_list("idempotency_key", flat=True))
    rows = [r for r in rows if r.idempotency_key not in taken]
    if not rows:
        return []
    created = Payable.objects.bulk_create(rows, batch_size=ledger.CHUNK)
    if any(p.pk is None for p in created):  # a backend that returns no ids: read them back by key
        ids = dict(Payable.objects.filter(idempotency_key__in=[p.idempotency_key for p in created])
                   .values_list("idempotency_key", "pk"))
        for p in created:
            p.pk = p.id = ids[p.idempotency_key]
    ledger.post([
        ledger.Posting(kind=domain.EntryKind.ACCRUE, key=domain.entry_key(domain.EntryKind.ACCRUE, p.idempotency_key),
                       lines=domain.postings(domain.EntryKind.ACCRUE, payable_kind=p.kind, funding_source=p.funding_source,
                                             amount=p.amount), payable_id=p.pk)
        for p in created
    ], actor=actor, now=now)
    audit.record_many(actor=actor, action=Audit.PAYABLE_CREATED, object_type="payments.payable", at=now, rows=[
        (p.pk, p.idempotency_key, None, {"kind": p.kind, "amount": p.amount, "funding_source": p.funding_source,
                                         "person": p.person_id, "institution": p.institution_id, "program": p.program_id})
        for p in created
    ])
    notices.tell_after_commit(domain.Notice.DUE, [p.pk for p in created if p.kind in domain.PERSON_INCENTIVE_KINDS])
    return created


def payables_create(*, actor, rows: list[Payable], now: dt.datetime) -> list[Payable]:
    """What another app decided is owed (Kartu Prakerja's incentives: kind ``prakerja``), made inside the caller's
    transaction after its own permission check: keys already taken are skipped, each new payable's accrual is
    posted (budget → payable) and audited. Returns those made."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("payables_create must run inside the transaction of the change")
    return _create(rows, actor=actor, now=now)


@transaction.atomic(durable=True)
def payables_accrue(*, actor: User, funding_source: str | None = None, now: dt.datetime | None = None) -> Accrued:
    """Make what is owed and not made yet, for one funding source (or every one the actor may use):

    * an incentive per rule per person for each employment-survey response of a graduate (the rule of the
      program, else of its funding source; the earliest response wins when one person has several), and never
      two for one enrollment;
    * a training fee per closed government-funded program (``domain.training_fee``).

    Set-based: a fixed number of queries whatever the number of responses. The rules are locked first, so
    two accruals at once wait for each other instead of racing for the same keys."""
    _check_source(funding_source)
    sources = [funding_source] if funding_source else list(FUNDING_SOURCES)
    sources = [s for s in sources if _may(actor, "payment.prepare", s)]
    if not sources:
        require(actor, "payment.prepare", Source(funding_source or ""))  # raises: no source in the actor's scope
    now = now or timezone.now()
    rules = list(IncentiveRule.objects.select_for_update().filter(is_active=True).order_by("pk"))
    plain = [domain.Rule(r.pk, r.program_id, r.funding_source, r.amount) for r in rules]
    questionnaire = {r.pk: r.questionnaire_code for r in rules}

    responses = (Response.objects
                 .filter(questionnaire__code__in=set(questionnaire.values()) or {EMPLOYMENT_SURVEY}, enrollment__isnull=False,
                         enrollment__state=EnrollmentState.GRADUATED, enrollment__program__funding__in=sources)
                 # A revoked certificate (the data proved false, say) stops the incentive of its training as well, unless
                 # it was replaced (wrong data on it, corrected): then its replacement stands.
                 .filter(~Exists(Certificate.objects.filter(enrollment_id=OuterRef("enrollment_id")))
                         | Exists(Certificate.objects.filter(enrollment_id=OuterRef("enrollment_id"), revoked_at__isnull=True)))
                 .order_by("submitted_at", "pk")
                 .values_list("pk", "person_id", "enrollment_id", "enrollment__program_id", "enrollment__program__funding",
                              "questionnaire__code"))
    # An enrollment is paid for once, even when a program's own rule comes after its source's rule paid it.
    paid_for = set(Payable.objects.filter(kind=domain.PayableKind.INCENTIVE, enrollment__isnull=False)
                   .values_list("enrollment_id", flat=True))
    rows: dict[str, Payable] = {}
    for _pk, person_id, enrollment_id, program_id, source, code in responses:
        rule = domain.rule_for(plain, program_id=program_id, funding_source=source)
        if rule is None or questionnaire[rule.id] != code or enrollment_id in paid_for:
            continue
        key = domain.incentive_key(rule.id, person_id)
        if key not in rows:
            rows[key] = Payable(kind=domain.PayableKind.INCENTIVE, idempotency_key=key, funding_source=source, amount=rule.amount,
                                person_id=person_id, program_id=program_id, enrollment_id=enrollment_id, rule_id=rule.id,
                                created_at=now)
    incentives = _create(list(rows.values()), actor=actor, now=now)

    programs = (Program.objects.filter(status=ProgramStatus.CLOSED, funding__in=[s for s in sources if s in domain.GOVERNMENT_FUNDED],
                                       fee__gt=0)
                .annotate(graduates=Count("enrollments", filter=Q(enrollments__state=EnrollmentState.GRADUATED)))
                .values_list("pk", "institution_id", "funding", "fee", "graduates"))
    fees = []
    for program_id, institution_id, source, fee, graduates in programs:
        amount = domain.training_fee(fee=fee, graduates=graduates, funding_source=source, program_closed=True)
        if amount:
            fees.append(Payable(kind=domain.PayableKind.TRAINING_FEE, idempotency_key=domain.training_fee_key(program_id),
                                funding_source=source, amount=amount, institution_id=institution_id, program_id=program_id,
                                created_at=now))
    fees = _create(fees, actor=actor, now=now)
    return Accrued(len(incentives), len(fees), sum(p.amount for p in incentives) + sum(p.amount for p in fees))


def _may(actor, action: str, source: str) -> bool:
    return can(actor, action, Source(source))


@transaction.atomic(durable=True)
def payable_cancel(*, actor: User, payable_id: int, reason: str, now: dt.datetime | None = None) -> Payable:
    """Withdraw a payable that is still due (e.g. made for the wrong person): a correcting entry moves it
    from the payable account to ``returned``; nothing is deleted."""
    now = now or timezone.now()
    payable = Payable.objects.select_for_update().filter(pk=payable_id).first()
    if payable is None:
        raise NotFound(Msg("Kewajiban bayar tidak ditemukan.", "Payable not found."))
    require(actor, "payment.prepare", payable)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(Msg("Tulis alasan pembatalan.", "Write why it is cancelled."), code=Code.PAYABLE_STATE, field="reason")
    if payable.status != domain.PayableStatus.DUE:
        raise Conflict(Msg("Hanya kewajiban yang jatuh tempo (tidak dalam batch) yang dapat dibatalkan.",
                           "Only a payable that is due (not in a batch) can be cancelled."), code=Code.PAYABLE_STATE)
    ledger.post([ledger.Posting(
        kind=domain.EntryKind.CANCEL, key=domain.entry_key(domain.EntryKind.CANCEL, payable.idempotency_key),
        lines=domain.postings(domain.EntryKind.CANCEL, payable_kind=payable.kind, funding_source=payable.funding_source,
                              amount=payable.amount), payable_id=payable.pk, memo=reason)], actor=actor, now=now)
    Payable.objects.filter(pk=payable.pk).update(status=domain.PayableStatus.CANCELLED)
    audit.record(actor=actor, action=Audit.PAYABLE_CANCELLED, obj=payable, at=now, before={"status": payable.status},
                 after={"status": domain.PayableStatus.CANCELLED}, reason=reason)
    payable.status = domain.PayableStatus.CANCELLED
    return payable


@transaction.atomic(durable=True)
def incentive_rule_set(*, actor: User, funding_source: str, amount: int, program: Program | None = None,
                       now: dt.datetime | None = None) -> IncentiveRule:
    """Set the incentive of a funding source, or of one program (whose own rule then wins over its source's).
    A rule keeps its identity when its amount changes (the audit trail keeps the history): incentives already
    owed keep their amount, and nobody is owed twice under the same rule."""
    _check_source(funding_source)
    if program is not None and program.funding != funding_source:
        raise ValidationFailed(Msg("Sumber dana aturan harus sama dengan sumber dana program.",
                                   "The rule's funding source must be the program's."), code=Code.FUNDING_SOURCE, field="funding_source")
    require(actor, "incentive_rule.set", Source(funding_source))
    if type(amount) is not int or not 0 < amount <= 100_000_000:
        raise ValidationFailed(Msg("Jumlah insentif 1–100.000.000 rupiah.", "The incentive is 1–100,000,000 rupiah."),
                               code=Code.AMOUNT, field="amount")
    now = now or timezone.now()
    rule = IncentiveRule.objects.select_for_update().filter(is_active=True, funding_source=funding_source, program=program).first()
    before = None
    if rule is None:
        rule = IncentiveRule.objects.create(funding_source=funding_source, program=program, amount=amount, created_at=now,
                                            questionnaire_code=EMPLOYMENT_SURVEY)
    elif rule.amount == amount:
        return rule
    else:
        before = {"amount": rule.amount}
        IncentiveRule.objects.filter(pk=rule.pk).update(amount=amount)
        rule.amount = amount
    audit.record(actor=actor, action=Audit.INCENTIVE_RULE_SET, obj=rule, at=now, before=before,
                 after={"funding_source": funding_source, "program": getattr(program, "pk", None), "amount": amount})
    return rule


def ensure_default_rules() -> None:
    """Install the default incentive rules when missing (migrations/0003 does it on ``migrate``; tests that
    flush the database call this)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("sisnaker.payments.migrations.0003_default_incentive_rules")
    with transaction.atomic():
        migration.install(apps, None)
