"""Reads of payments: what is due, batches and their totals, the review queue, a citizen's incentives,
balances and the reconciliation report. A fixed number of queries per page, whatever the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from sisnaker.accounts.models import Person
from sisnaker.core.errors import Msg, NotFound
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import FUNDING_SOURCES, Role
from sisnaker.institutions.models import Institution
from sisnaker.surveys.models import Response
from sisnaker.training.domain import EnrollmentState

from . import channels, domain
from .models import Batch, BatchLine, IncentiveRule, LedgerAccount, LedgerLine, Payable, PayoutAccount
from .services.payables import EMPLOYMENT_SURVEY

P = domain.PayableStatus


def label(choices, value: str) -> str:
    """The human label of a stored code (``choices`` a ``Choices`` class), in the active language; a code the
    enumeration no longer knows shows as itself."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def sources_of(actor) -> list[str]:
    """The funding sources whose money ``actor`` may see (``payment.list`` first): all of them for national
    finance officers and administrators, else their grants' sources."""
    require(actor, "payment.list")
    grants = getattr(actor, "grants", ())
    if any(g.role == Role.ADMIN or (g.role == Role.FINANCE_OFFICER and not g.funding_source) for g in grants):
        return list(FUNDING_SOURCES)
    return [s for s in FUNDING_SOURCES if any(g.role == Role.FINANCE_OFFICER and g.funding_source == s for g in grants)]


def batch_for(actor, batch_id: int) -> Batch:
    """One batch, for who may see its money (else the same 404 as a batch that does not exist)."""
    batch = Batch.objects.select_related("created_by", "approved_by").filter(pk=batch_id).first()
    if batch is None or not can(actor, "payment.view", batch):
        raise NotFound(Msg("Batch tidak ditemukan.", "Batch not found."))
    return batch


@dataclass(frozen=True, slots=True)
class DueRow:
    funding_source: str
    kind: str
    count: int
    amount: int
    with_account: int

    @property
    def kind_label(self) -> str:
        return label(domain.PayableKind, self.kind)


def due_summary(actor) -> list[DueRow]:
    """What is due per funding source and kind, and how much of it has a verified account to pay to."""
    sources = sources_of(actor)
    verified_people = PayoutAccount.objects.filter(is_current=True, status=domain.PayoutStatus.VERIFIED, person__isnull=False
                                                   ).values("person_id")
    verified_institutions = PayoutAccount.objects.filter(is_current=True, status=domain.PayoutStatus.VERIFIED,
                                                         institution__isnull=False).values("institution_id")
    rows = (Payable.objects.filter(status=P.DUE, funding_source__in=sources)
            .values("funding_source", "kind")
            .annotate(count=Count("pk"), amount=Sum("amount"),
                      with_account=Count("pk", filter=Q(person_id__in=verified_people) | Q(institution_id__in=verified_institutions)))
            .order_by("funding_source", "kind"))
    return [DueRow(r["funding_source"], r["kind"], r["count"], r["amount"], r["with_account"]) for r in rows]


def batches(actor, *, status: str = "", funding_source: str = "", limit: int = 100) -> list[Batch]:
    rows = Batch.objects.filter(funding_source__in=sources_of(actor))
    if status:
        rows = rows.filter(status=status)
    if funding_source:
        rows = rows.filter(funding_source=funding_source)
    return list(rows.select_related("created_by", "approved_by")[:limit])


def payables(actor, *, status: str = "", funding_source: str = "", kind: str = "", program_id: int | None = None,
             batch_id: int | None = None, limit: int = 100, offset: int = 0) -> tuple[int, list[Payable]]:
    """(count, page) of the payables of the actor's funding sources, newest first, filtered by status, source,
    kind, program, or batch (its lines' payables). Two queries."""
    sources = sources_of(actor)
    rows = Payable.objects.filter(funding_source__in=sources)
    if status:
        rows = rows.filter(status=status)
    if funding_source:
        rows = rows.filter(funding_source=funding_source)
    if kind:
        rows = rows.filter(kind=kind)
    if program_id:
        rows = rows.filter(program_id=program_id)
    if batch_id:
        rows = rows.filter(batch_lines__batch_id=batch_id)
    page = list(rows.select_related("person", "institution", "program").order_by("-created_at", "-pk")[offset:offset + limit])
    return rows.count(), page


def payable_for(actor, payable_id: int) -> Payable:
    payable = Payable.objects.select_related("person", "institution", "program").filter(pk=payable_id).first()
    if payable is None or not can(actor, "payment.view", payable):
        raise NotFound(Msg("Kewajiban bayar tidak ditemukan.", "Payable not found."))
    return payable


@dataclass(frozen=True, slots=True)
class BatchTotals:
    """(what is shown, count, amount) per program, per bank and per line status (its label)."""

    by_program: list[tuple[str, int, int]]
    by_bank: list[tuple[str, int, int]]
    by_status: list[tuple[str, int, int]]


def batch_totals(batch: Batch) -> BatchTotals:
    """Count and amount of the batch's lines per program, per bank (provider) and per line status."""
    def grouped(*fields):
        return list(batch.lines.values(*fields).annotate(n=Count("pk"), total=Sum("amount")).order_by("-total"))

    names = channels.providers()
    by_program = [(f"{r['payable__program__title']} (#{r['payable__program_id']})", r["n"], r["total"])
                  for r in grouped("payable__program_id", "payable__program__title")]
    by_bank = [(f"{names[r['provider_code']].short_name} ({r['provider_code']})" if r["provider_code"] in names else r["provider_code"],
                r["n"], r["total"]) for r in grouped("provider_code")]
    by_status = [(label(domain.LineStatus, r["status"]), r["n"], r["total"]) for r in grouped("status")]
    return BatchTotals(by_program, by_bank, by_status)


def batch_providers(batch: Batch) -> list[str]:
    return list(batch.lines.exclude(status=domain.LineStatus.CANCELLED).values_list("provider_code", flat=True)
                .distinct().order_by("provider_code"))


def batch_lines(batch: Batch, *, status: str = "", limit: int = 200) -> list[BatchLine]:
    lines = batch.lines.select_related("payable__person", "payable__institution", "payable__program")
    if status:
        lines = lines.filter(status=status)
    return list(lines.order_by("pk")[:limit])


def batch_line_page(batch: Batch, *, status: str = "", limit: int = 500, offset: int = 0) -> tuple[int, list[BatchLine]]:
    lines = batch.lines.all()
    if status:
        lines = lines.filter(status=status)
    return lines.count(), list(lines.order_by("pk")[offset:offset + limit])


def review_queue(actor) -> list[PayoutAccount]:
    """Current accounts whose holder name an officer must check, oldest first."""
    require(actor, "payout_account.review")
    return list(PayoutAccount.objects.filter(is_current=True, status=domain.PayoutStatus.REVIEW)
                .select_related("person", "institution").order_by("created_at", "pk")[:200])


def rules(actor) -> list[IncentiveRule]:
    return list(IncentiveRule.objects.filter(is_active=True, funding_source__in=sources_of(actor)).select_related("program"))


def balances(actor) -> list[tuple[str, str, int]]:
    """(funding source, account kind's label, balance) of the ledger's accounts the actor may see."""
    rows = (LedgerAccount.objects.filter(funding_source__in=sources_of(actor), person__isnull=True)
            .annotate(balance=Sum("lines__amount")).order_by("funding_source", "kind"))
    return [(a.funding_source, label(domain.AccountKind, a.kind), a.balance or 0) for a in rows]


# --- the citizen's side ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class IncentiveItem:
    program_title: str
    state: str  # domain.incentive_state
    amount: int | None
    paid_at: dt.datetime | None
    failure_reason: str


def my_payout_account(person: Person) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(person=person, is_current=True).first()


def payout_account_masked(*, person: Person) -> dict | None:
    """A person's current payout account with only the number's last four digits (their data export and the
    staff's view of their record: extension point ``accounts.payout_account``)."""
    account = my_payout_account(person)
    if account is None:
        return None
    provider = channels.provider(account.provider_code)
    return {"provider": provider.short_name if provider else account.provider_code, "channel": account.channel,
            "number": account.number_masked, "holder": account.holder_name, "status": account.status,
            "status_label": account.get_status_display()}


def institution_for_account(actor, institution_id: int) -> Institution:
    """The institution whose payout account ``actor`` may record (else the same 404 as an unknown one)."""
    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is None or not can(actor, "payout_account.set_institution", institution):
        raise NotFound(Msg("Lembaga tidak ditemukan.", "Institution not found."))
    return institution


@dataclass(frozen=True, slots=True)
class InstitutionFee:
    program_title: str
    amount: int
    status: str  # domain.PayableStatus
    paid_at: dt.datetime | None
    failure_reason: str


def institution_payout(institution: Institution) -> tuple[PayoutAccount | None, list[InstitutionFee]]:
    """The institution's current payout account and its training fees (latest 50). Two queries."""
    account = PayoutAccount.objects.filter(institution=institution, is_current=True).first()
    fees = [InstitutionFee(p.program.title, p.amount, p.status, p.paid_at, p.last_failure)
            for p in Payable.objects.filter(institution=institution, kind=domain.PayableKind.TRAINING_FEE)
            .select_related("program").order_by("-created_at", "-pk")[:50]]
    return account, fees


def my_incentives(person: Person) -> list[IncentiveItem]:
    """The person's incentives: one item per graduated enrollment of a program with an incentive rule (what
    they are waiting for), and one per payable (what is owed or paid). Four queries."""
    account = my_payout_account(person)
    payables = list(Payable.objects.filter(person=person, kind__in=domain.PERSON_INCENTIVE_KINDS).select_related("program"))
    covered = {p.enrollment_id for p in payables}
    responded = set(Response.objects.filter(person=person, questionnaire__code=EMPLOYMENT_SURVEY, enrollment__isnull=False)
                    .values_list("enrollment_id", flat=True))
    rules_ = [domain.Rule(r.pk, r.program_id, r.funding_source, r.amount) for r in IncentiveRule.objects.filter(is_active=True)]
    items = []
    for p in payables:
        items.append(IncentiveItem(p.program.title, domain.incentive_state(domain.IncentiveFacts(
            True, p.status, p.paid_at, p.last_failure, account.status if account else None)), p.amount, p.paid_at, p.last_failure))
    taken_rules = {p.rule_id for p in payables}
    for e in person.enrollments.filter(state=EnrollmentState.GRADUATED).select_related("program").order_by("-state_changed_at"):
        if e.pk in covered:
            continue
        rule = domain.rule_for(rules_, program_id=e.program_id, funding_source=e.program.funding)
        if rule is None or rule.id in taken_rules:
            continue
        state = domain.incentive_state(domain.IncentiveFacts(e.pk in responded, None, None, "", account.status if account else None))
        items.append(IncentiveItem(e.program.title, state, rule.amount, None, ""))
    return items


# --- reconciliation ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReconciliationRow:
    batch_id: int
    funding_source: str
    status: str
    lines: int
    amount: int
    paid: int
    paid_amount: int
    failed: int
    failed_amount: int
    pending: int
    pending_amount: int
    ledger_paid_amount: int  # what the ledger's paid-out account says for this batch's payables

    @property
    def balanced(self) -> bool:
        return self.paid_amount == self.ledger_paid_amount

    @property
    def status_label(self) -> str:
        return label(domain.BatchStatus, self.status)


def reconciliation(actor, *, batch_id: int | None = None, start: dt.datetime | None = None,
                   end: dt.datetime | None = None) -> list[ReconciliationRow]:
    """Per batch (one, or those created in [start, end)): lines by outcome against the ledger's paid-out
    postings (payments, less bank returns) of the payables of its paid lines. Three queries."""
    batches_ = Batch.objects.filter(funding_source__in=sources_of(actor))
    if batch_id is not None:
        batches_ = batches_.filter(pk=batch_id)
    if start is not None:
        batches_ = batches_.filter(created_at__gte=start)
    if end is not None:
        batches_ = batches_.filter(created_at__lt=end)
    batches_ = list(batches_.order_by("pk"))
    ids = [b.pk for b in batches_]
    L = domain.LineStatus
    sums = {r["batch_id"]: r for r in BatchLine.objects.filter(batch_id__in=ids).values("batch_id").annotate(
        n=Count("pk"), total=Sum("amount"),
        paid=Count("pk", filter=Q(status=L.PAID)), paid_amount=Sum("amount", filter=Q(status=L.PAID)),
        failed=Count("pk", filter=Q(status=L.FAILED)), failed_amount=Sum("amount", filter=Q(status=L.FAILED)),
        pending=Count("pk", filter=Q(status=L.PENDING)), pending_amount=Sum("amount", filter=Q(status=L.PENDING)))}
    ledger = dict(LedgerLine.objects.filter(
        account__kind=domain.AccountKind.PAID_OUT, entry__kind__in=[domain.EntryKind.PAY, domain.EntryKind.RETURN],
        payable__batch_lines__batch_id__in=ids, payable__batch_lines__status=L.PAID)
        .values("payable__batch_lines__batch_id").annotate(total=Sum("amount")).values_list("payable__batch_lines__batch_id", "total"))
    out = []
    for b in batches_:
        s = sums.get(b.pk, {})
        out.append(ReconciliationRow(
            b.pk, b.funding_source, b.status, s.get("n", 0), s.get("total") or 0, s.get("paid", 0), s.get("paid_amount") or 0,
            s.get("failed", 0), s.get("failed_amount") or 0, s.get("pending", 0), s.get("pending_amount") or 0,
            -(ledger.get(b.pk) or 0)))
    return out


def person_data(*, person) -> dict:
    """What is owed to the person and what was paid (amounts in rupiah), for their own data export (extension
    point ``accounts.person_data``). The payout account is already in the export (masked)."""
    from .models import Payable

    return {"payables": [
        {"kind": p.kind, "status": p.status, "amount": p.amount, "funding_source": p.funding_source,
         "created_at": p.created_at.isoformat(), "paid_at": p.paid_at.isoformat() if p.paid_at else None}
        for p in Payable.objects.filter(person_id=person.pk).order_by("created_at", "id")
    ]}
