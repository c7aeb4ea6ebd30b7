"""Disbursement batches: build from what is due, approve (four eyes), export the bank files, import the
bank's result. Each step locks the batch row first, so double clicks and concurrent requests queue up and
find the work done; the database refuses a payable in two open batches and a payment posted twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit, crypto
from sisnaker.core.bulk import chunks
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import FUNDING_SOURCES

from .. import channels, domain
from ..codes import Audit, Code
from ..models import Batch, BatchLine, LedgerLine, Payable, PayoutAccount
from . import ledger, notices
from .payables import Source

B, L, P = domain.BatchStatus, domain.LineStatus, domain.PayableStatus
CHUNK = ledger.CHUNK


def _locked(batch_id: int, actor, action: str) -> Batch:
    batch = Batch.objects.select_for_update().filter(pk=batch_id).first()
    # Outside a finance officer's funding source a batch does not exist for them (as ``selectors.batch_for``): a 403
    # here would tell them which ids are another source's batches. Anyone else is refused by ``require`` (403).
    if batch is None or (can(actor, "payment.list") and not can(actor, "payment.view", batch)):
        raise NotFound(Msg("Batch tidak ditemukan.", "Batch not found."))
    require(actor, action, batch)
    return batch


@transaction.atomic(durable=True)
def batch_build(*, actor: User, funding_source: str, kind: str = "", now: dt.datetime | None = None) -> Batch:
    """A draft batch of everything due from ``funding_source`` (and of ``kind``, if given) whose payee has a
    verified current payout account; the account is copied into the line as it is now. The due payables are
    locked, so a concurrent build waits and then finds them taken."""
    if funding_source not in FUNDING_SOURCES:
        raise ValidationFailed(Msg("Pilih sumber dana.", "Choose a funding source."), code=Code.FUNDING_SOURCE, field="funding_source")
    if kind and kind not in domain.PayableKind.values:
        raise ValidationFailed(Msg("Jenis pembayaran tidak dikenal.", "Unknown kind of payment."), code=Code.PAYABLE_STATE, field="kind")
    require(actor, "payment.prepare", Source(funding_source))
    now = now or timezone.now()
    due = Payable.objects.select_for_update().filter(status=P.DUE, funding_source=funding_source)
    if kind:
        due = due.filter(kind=kind)
    due = list(due.order_by("pk").values_list("pk", "amount", "person_id", "institution_id"))
    person_ids = {p for _pk, _a, p, _i in due if p}
    institution_ids = {i for _pk, _a, _p, i in due if i}
    verified = PayoutAccount.objects.filter(is_current=True, status=domain.PayoutStatus.VERIFIED)
    accounts = {("p", a[0]): a[1:] for a in verified.filter(person_id__in=person_ids)
                .values_list("person_id", "provider_code", "number_encrypted", "holder_name")} if person_ids else {}
    if institution_ids:
        accounts.update({("i", a[0]): a[1:] for a in verified.filter(institution_id__in=institution_ids)
                         .values_list("institution_id", "provider_code", "number_encrypted", "holder_name")})
    chosen = [(pk, amount, accounts[("p", person) if person else ("i", institution)])
              for pk, amount, person, institution in due if (("p", person) if person else ("i", institution)) in accounts]
    if not chosen:
        raise Conflict(Msg("Tidak ada yang jatuh tempo dengan rekening terverifikasi untuk sumber dana ini.",
                           "Nothing is due to a verified account from this funding source."), code=Code.BATCH_EMPTY)
    batch = Batch.objects.create(funding_source=funding_source, kind=kind, created_by=actor, created_at=now,
                                 line_count=len(chosen), total_amount=sum(a for _pk, a, _acc in chosen))
    BatchLine.objects.bulk_create([
        BatchLine(batch=batch, payable_id=pk, reference=domain.line_reference(batch.pk, pk), amount=amount,
                  provider_code=acc[0], account_number_encrypted=acc[1], holder_name=acc[2])
        for pk, amount, acc in chosen
    ], batch_size=CHUNK)
    ids = [pk for pk, _a, _acc in chosen]
    for part in chunks(ids, CHUNK):
        Payable.objects.filter(pk__in=part).update(status=P.IN_BATCH)
    audit.record(actor=actor, action=Audit.BATCH_CREATED, obj=batch, at=now,
                 after={"funding_source": funding_source, "kind": kind, "lines": batch.line_count, "total": batch.total_amount,
                        "left_without_account": len(due) - len(chosen)})
    return batch


@transaction.atomic(durable=True)
def batch_approve(*, actor: User, batch_id: int, now: dt.datetime | None = None) -> Batch:
    """Approve a draft batch: never by its maker. Approving again (a double click, or two approvers at once)
    changes nothing: the same approver gets the batch back as it is, another one is told who approved it."""
    batch = _locked(batch_id, actor, "payment.approve")
    if batch.approved_by_id is not None and batch.status != B.CANCELLED:
        if batch.approved_by_id == actor.pk:
            return batch
        raise Conflict(Msg("Batch ini sudah disetujui oleh petugas lain.", "This batch was already approved by another officer."),
                       code=Code.BATCH_STATE)
    refusal = domain.approve_refusal(status=batch.status, maker_id=batch.created_by_id, approver_id=actor.pk)
    if refusal is not None:
        code = Code.BATCH_SELF_APPROVAL if batch.status == B.DRAFT else Code.BATCH_STATE
        raise (PermissionDenied if code == Code.BATCH_SELF_APPROVAL else Conflict)(refusal, code=code)
    now = now or timezone.now()
    Batch.objects.filter(pk=batch.pk).update(status=B.APPROVED, approved_by=actor, approved_at=now)
    audit.record(actor=actor, action=Audit.BATCH_APPROVED, obj=batch, at=now, before={"status": batch.status},
                 after={"status": B.APPROVED, "lines": batch.line_count, "total": batch.total_amount})
    batch.refresh_from_db()
    return batch


@transaction.atomic(durable=True)
def batch_cancel(*, actor: User, batch_id: int, reason: str, now: dt.datetime | None = None) -> Batch:
    """Cancel a batch the bank has not received (draft or approved, not exported): its payables are due again."""
    batch = _locked(batch_id, actor, "payment.prepare")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(Msg("Tulis alasan pembatalan.", "Write why it is cancelled."), code=Code.BATCH_STATE, field="reason")
    if batch.status not in (B.DRAFT, B.APPROVED):
        raise Conflict(Msg("Batch yang berkasnya sudah diunduh tidak dapat dibatalkan: impor hasil dari bank.",
                           "A batch whose file was downloaded cannot be cancelled: import the bank's result."), code=Code.BATCH_STATE)
    now = now or timezone.now()
    ids = list(batch.lines.filter(is_open=True).values_list("payable_id", flat=True))
    BatchLine.objects.filter(batch=batch, is_open=True).update(status=L.CANCELLED, is_open=False, settled_at=now,
                                                               failure_reason="")
    for part in chunks(ids, CHUNK):
        Payable.objects.filter(pk__in=part, status=P.IN_BATCH).update(status=P.DUE)
    Batch.objects.filter(pk=batch.pk).update(status=B.CANCELLED, cancelled_at=now)
    audit.record(actor=actor, action=Audit.BATCH_CANCELLED, obj=batch, at=now, before={"status": batch.status},
                 after={"status": B.CANCELLED, "lines_back_to_due": len(ids)}, reason=reason)
    batch.refresh_from_db()
    return batch


@dataclass(frozen=True, slots=True)
class BankFile:
    provider_code: str
    filename: str
    content: str
    lines: int
    amount: int


def _description(kind: str, batch_id: int) -> str:
    word = "BIAYA PELATIHAN" if kind == domain.PayableKind.TRAINING_FEE else "INSENTIF"
    return f"SISNAKER {word} B{batch_id}"


@transaction.atomic(durable=True)
def batch_export(*, actor: User, batch_id: int, provider_code: str, now: dt.datetime | None = None) -> BankFile:
    """The transfer file for one bank (or e-wallet provider) of an approved batch (docs/payments.md). The
    first download moves the batch to ``exported``; every download is audited and gives the same lines."""
    batch = _locked(batch_id, actor, "payment.settle")
    if batch.status not in (B.APPROVED, B.EXPORTED, B.SETTLED):
        raise Conflict(Msg("Berkas bank dibuat setelah batch disetujui.", "The bank file is made once the batch is approved."),
                       code=Code.BATCH_STATE)
    if channels.provider(provider_code) is None:
        raise NotFound(Msg("Bank tidak dikenal.", "Unknown bank."))
    now = now or timezone.now()
    rows = list(batch.lines.filter(provider_code=provider_code).exclude(status=L.CANCELLED).order_by("pk")
                .values_list("reference", "account_number_encrypted", "holder_name", "amount", "payable__kind"))
    if not rows:
        raise NotFound(Msg("Batch ini tidak berisi baris untuk bank itu.", "This batch has no line for that bank."))
    content = domain.export_csv((ref, provider_code, crypto.decrypt(number), holder, amount, _description(kind, batch.pk))
                                for ref, number, holder, amount, kind in rows)
    if batch.status == B.APPROVED:
        Batch.objects.filter(pk=batch.pk).update(status=B.EXPORTED, exported_at=now)
    total = sum(r[3] for r in rows)
    audit.record(actor=actor, action=Audit.BATCH_EXPORTED, obj=batch, at=now,
                 after={"provider": provider_code, "lines": len(rows), "total": total})
    return BankFile(provider_code, f"sisnaker-batch-{batch.pk}-{provider_code}.csv", content, len(rows), total)


@dataclass
class ImportReport:
    paid: int = 0
    failed: int = 0
    unchanged: int = 0
    paid_amount: int = 0
    accounts_held: int = 0  # payout accounts back to review: the bank refused them (domain.PAYOUT_TRANSITIONS)
    problems: list[domain.ResultProblem] = field(default_factory=list)


def batch_result_import(*, actor: User, batch_id: int, data: bytes, now: dt.datetime | None = None) -> ImportReport:
    """Apply the bank's result file to an exported batch, all or nothing: paid lines post the payment to the
    ledger and mark the payable paid; failed lines keep the bank's reason and put the payable back to due (a
    later batch takes it). A line already settled the same way is left as it is, so importing a file again
    changes nothing; one settled the other way is reported and nothing is applied."""
    rows, problems = domain.parse_result(data)
    if problems:
        raise _file_refused(problems)
    return _apply_result(actor=actor, batch_id=batch_id, rows=rows, now=now or timezone.now())


def _file_refused(problems: list[domain.ResultProblem]) -> ValidationFailed:
    first = problems[0]
    message = Msg("Baris {line}: {problem} ({count} masalah; tidak ada yang diterapkan).",
                  "Line {line}: {problem_en} ({count} problems; nothing applied).").format(
        line=first.line, problem=first.message.id, problem_en=first.message.en, count=len(problems))
    return ValidationFailed(message, code=Code.RESULT_FILE, field="file",
                            details={"problems": [{"line": p.line, "message": p.message.id, "message_en": p.message.en}
                                                  for p in problems[:100]]})


def _settle_lines(rows: list[tuple[str, str, str, int]], *, now: dt.datetime) -> None:
    """Close settled lines: (status, bank reference, reason, line id) each. On PostgreSQL one UPDATE … FROM
    unnest(arrays) per chunk; on SQLite one statement run for every row (executemany). Never ``bulk_update``'s
    CASE, which grows with the rows."""
    table = BatchLine._meta.db_table
    connection = transaction.get_connection()
    stamp = connection.ops.adapt_datetimefield_value(now)
    # The table name is this model's, never input.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for part in chunks(rows, CHUNK):
                cursor.execute(
                    f"UPDATE {table} AS l SET status = u.status, is_open = false, bank_reference = u.bank_reference, "  # noqa: S608
                    "failure_reason = u.reason, settled_at = %s "
                    "FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::bigint[]) AS u(status, bank_reference, reason, id) "
                    "WHERE l.id = u.id",
                    [stamp, [r[0] for r in part], [r[1] for r in part], [r[2] for r in part], [r[3] for r in part]])
            return
        cursor.executemany(
            f"UPDATE {table} SET status = %s, is_open = %s, bank_reference = %s, failure_reason = %s, settled_at = %s WHERE id = %s",  # noqa: S608
            [(status, False, reference, reason, stamp, pk) for status, reference, reason, pk in rows])


class _Paid(NamedTuple):
    pk: int
    kind: str
    funding_source: str
    amount: int
    idempotency_key: str
    status: str
    returns: int


@transaction.atomic(durable=True)
def _apply_result(*, actor, batch_id: int, rows: list[domain.ResultRow], now: dt.datetime) -> ImportReport:
    batch = _locked(batch_id, actor, "payment.settle")
    if batch.status not in (B.EXPORTED, B.SETTLED):
        raise Conflict(Msg("Hasil bank diimpor setelah berkas bank diunduh.", "The bank's result is imported after the bank file is downloaded."),
                       code=Code.BATCH_STATE)
    lines = {ref: (pk, status, payable_id) for ref, pk, status, payable_id in
             batch.lines.values_list("reference", "pk", "status", "payable_id")}
    plan = domain.settle(rows, {ref: v[1] for ref, v in lines.items()})
    if plan.problems:
        raise _file_refused(plan.problems)
    report = ImportReport(unchanged=plan.unchanged)
    if plan.paid:
        paid_lines = [lines[r.reference] for r in plan.paid]
        # Plain tuples (no model instances): a batch can hold 100,000 payables.
        payables = {p.pk: p for part in chunks([v[2] for v in paid_lines], CHUNK)
                    for p in map(_Paid._make, Payable.objects.filter(pk__in=part).values_list(*_Paid._fields))}
        if any(p.status != P.IN_BATCH for p in payables.values()):
            raise Conflict(Msg("Ada kewajiban yang tidak lagi dalam batch.", "A payable is no longer in the batch."), code=Code.PAYABLE_STATE)
        memo = f"batch {batch.pk}"
        postings = [ledger.Posting(kind=domain.EntryKind.PAY, key=domain.entry_key(domain.EntryKind.PAY, p.idempotency_key, p.returns),
                                   lines=domain.postings(domain.EntryKind.PAY, payable_kind=p.kind, funding_source=p.funding_source,
                                                         amount=p.amount), payable_id=p.pk, memo=memo)
                    for p in payables.values()]
        if len(ledger.post(postings, actor=actor, now=now)) != len(postings):
            raise Conflict(Msg("Pembayaran ini sudah tercatat di buku besar.", "This payment is already in the ledger."),
                           code=Code.PAYABLE_STATE)
        _settle_lines([(L.PAID, r.bank_reference, "", lines[r.reference][0]) for r in plan.paid], now=now)
        for part in chunks(list(payables), CHUNK):
            Payable.objects.filter(pk__in=part).update(status=P.PAID, paid_at=now, last_failure="")
        report.paid = len(plan.paid)
        report.paid_amount = sum(p.amount for p in payables.values())
        audit.record_many(actor=actor, action=Audit.PAYABLE_PAID, object_type="payments.payable", at=now, rows=[
            (p.pk, p.idempotency_key, {"status": P.IN_BATCH}, {"status": P.PAID, "batch": batch.pk, "amount": p.amount})
            for p in payables.values()])
        notices.tell_after_commit(domain.Notice.PAID, list(payables))
    if plan.failed:
        _settle_lines([(L.FAILED, r.bank_reference, r.reason, lines[r.reference][0]) for r in plan.failed], now=now)
        Payable.objects.bulk_update(
            [Payable(pk=lines[r.reference][2], status=P.DUE, last_failure=r.reason) for r in plan.failed],
            ["status", "last_failure"], batch_size=1000)
        report.failed = len(plan.failed)
        audit.record_many(actor=actor, action=Audit.PAYABLE_FAILED, object_type="payments.payable", at=now, rows=[
            (lines[r.reference][2], r.reference, {"status": P.IN_BATCH}, {"status": P.DUE, "batch": batch.pk, "reason": r.reason})
            for r in plan.failed])
        report.accounts_held = _hold_refused_accounts(actor=actor, batch=batch, now=now, refusals={
            lines[r.reference][0]: r.reason for r in plan.failed if domain.bank_refusal_event(r.reason)})
        notices.tell_after_commit(domain.Notice.FAILED, [lines[r.reference][0] for r in plan.failed])
    if report.paid or report.failed:
        settled = not BatchLine.objects.filter(batch=batch, is_open=True).exists()
        if settled:
            Batch.objects.filter(pk=batch.pk).update(status=B.SETTLED, settled_at=now)
        audit.record(actor=actor, action=Audit.BATCH_RESULT_IMPORTED, obj=batch, at=now, before={"status": batch.status},
                     after={"status": B.SETTLED if settled else batch.status, "paid": report.paid, "failed": report.failed,
                            "unchanged": report.unchanged, "paid_amount": report.paid_amount,
                            "accounts_held": report.accounts_held})
    return report


def _hold_refused_accounts(*, actor, batch: Batch, refusals: dict[int, str], now: dt.datetime) -> int:
    """The bank failed or returned the lines ``refusals`` (line id → the bank's reason) because of the account:
    the payee's current payout account, when it is the one the line was sent to (same provider and number) and
    still verified, goes back to review with the bank's reason (``domain.PAYOUT_TRANSITIONS``), so no batch pays
    it again until an officer re-verifies it or the owner records another one. An account the owner has replaced
    since the batch was built is left alone (the new one was checked on its own). Set-based: a fixed number of
    queries per chunk of lines (UPDATE … FROM unnest on PostgreSQL, executemany on SQLite). Returns how many
    accounts were held."""
    if not refusals:
        return 0
    sent: dict[tuple[str, int], tuple[str, str, str]] = {}  # owner → (provider, number sealed, reason) of its lines
    for part in chunks(list(refusals), CHUNK):
        for pk, person, institution, provider, number in (BatchLine.objects.filter(pk__in=part).values_list(
                "pk", "payable__person_id", "payable__institution_id", "provider_code", "account_number_encrypted")):
            sent[("p", person) if person else ("i", institution)] = (provider, number, refusals[pk])
    held: dict[int, tuple[str, str]] = {}  # account id → (reason, masked account for the audit row)
    event = domain.PayoutEvent.BANK_REFUSED
    for owner_kind, owner_field in (("p", "person_id"), ("i", "institution_id")):
        owners = [owner for kind, owner in sent if kind == owner_kind]
        for part in chunks(owners, CHUNK):
            for pk, owner, status, provider, number, last4 in (PayoutAccount.objects.filter(
                    is_current=True, **{f"{owner_field}__in": part}).values_list("pk", owner_field, "status", "provider_code", "number_encrypted",
                                                                           "number_last4")):
                line_provider, line_number, reason = sent[(owner_kind, owner)]
                if domain.payout_transition(status, event) is None or provider != line_provider:
                    continue
                if number == line_number or crypto.decrypt(number) == crypto.decrypt(line_number):
                    held[pk] = (reason, f"{provider} ****{last4}")
    to = domain.payout_transition(domain.PayoutStatus.VERIFIED, event)
    table = PayoutAccount._meta.db_table
    connection = transaction.get_connection()
    stamp = connection.ops.adapt_datetimefield_value(now)
    rows = [(pk, reason) for pk, (reason, _label) in held.items()]
    # Still current and verified once the row is ours: an owner replacing the account at this very moment retires
    # it, and the UPDATE (which re-reads a row it had to wait for) then leaves it alone. The table name is this
    # model's, never input.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for part in chunks(rows, CHUNK):
                cursor.execute(
                    f"UPDATE {table} AS a SET status = %s, bank_refusal = u.reason, bank_refused_at = %s "  # noqa: S608
                    "FROM unnest(%s::bigint[], %s::varchar[]) AS u(id, reason) "
                    "WHERE a.id = u.id AND a.is_current AND a.status = %s",
                    [to, stamp, [r[0] for r in part], [r[1] for r in part], domain.PayoutStatus.VERIFIED])
        else:
            cursor.executemany(
                f"UPDATE {table} SET status = %s, bank_refusal = %s, bank_refused_at = %s "  # noqa: S608
                "WHERE id = %s AND is_current AND status = %s",
                [(to, reason, stamp, pk, domain.PayoutStatus.VERIFIED) for pk, reason in rows])
    done = {pk for part in chunks(list(held), CHUNK)
            for pk in PayoutAccount.objects.filter(pk__in=part, status=to, bank_refused_at=now).values_list("pk", flat=True)}
    held = {pk: v for pk, v in held.items() if pk in done}
    audit.record_many(actor=actor, action=Audit.PAYOUT_ACCOUNT_HELD, object_type="payments.payoutaccount", at=now, rows=[
        (pk, label, {"status": domain.PayoutStatus.VERIFIED}, {"status": to, "batch": batch.pk, "reason": reason})
        for pk, (reason, label) in held.items()])
    return len(held)


@transaction.atomic(durable=True)
def batch_line_return(*, actor: User, batch_id: int, reference: str, reason: str, now: dt.datetime | None = None) -> BatchLine:
    """The bank sent back a transfer it had reported done (an account closed since, a name the receiving bank
    refused...): a correcting entry moves the money from paid-out back to what is owed (nothing is updated in
    the ledger), the line is marked returned with the bank's reason, and the payable is due again with that
    reason (the person is told, and a later batch pays it once the account is right). Recording the same
    return again changes nothing."""
    batch = _locked(batch_id, actor, "payment.settle")
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ValidationFailed(Msg("Tulis alasan pengembalian dari bank.", "Write the bank's reason for the return."),
                               code=Code.PAYABLE_STATE, field="reason")
    line = batch.lines.select_related("payable").filter(reference=(reference or "").strip()[:40]).first()
    if line is None:
        raise NotFound(Msg("Referensi itu bukan baris batch ini.", "That reference is not a line of this batch."))
    if line.status == L.RETURNED:
        return line
    payable = Payable.objects.select_for_update().get(pk=line.payable_id)
    if line.status != L.PAID or payable.status != P.PAID:
        raise Conflict(Msg("Hanya transfer yang tercatat berhasil yang dapat dikembalikan bank.",
                           "Only a transfer recorded as paid can be returned by the bank."), code=Code.PAYABLE_STATE)
    now = now or timezone.now()
    entry = ledger.Posting(kind=domain.EntryKind.RETURN,
                           key=domain.entry_key(domain.EntryKind.RETURN, payable.idempotency_key, payable.returns),
                           lines=domain.postings(domain.EntryKind.RETURN, payable_kind=payable.kind,
                                                 funding_source=payable.funding_source, amount=payable.amount),
                           payable_id=payable.pk, memo=f"batch {batch.pk}: {reason}")
    if not ledger.post([entry], actor=actor, now=now):
        raise Conflict(Msg("Pengembalian ini sudah tercatat di buku besar.", "This return is already in the ledger."),
                       code=Code.PAYABLE_STATE)
    BatchLine.objects.filter(pk=line.pk).update(status=L.RETURNED, failure_reason=reason)
    if domain.bank_refusal_event(reason):
        _hold_refused_accounts(actor=actor, batch=batch, now=now, refusals={line.pk: reason})
    Payable.objects.filter(pk=payable.pk).update(status=P.DUE, paid_at=None, last_failure=reason, returns=payable.returns + 1)
    audit.record(actor=actor, action=Audit.PAYABLE_RETURNED, obj=payable, at=now, before={"status": P.PAID},
                 after={"status": P.DUE, "batch": batch.pk, "reference": line.reference, "amount": payable.amount}, reason=reason)
    returned = LedgerLine.objects.filter(entry__idempotency_key=entry.key, payable=payable).values_list("pk", flat=True)
    notices.tell_after_commit(domain.Notice.RETURNED, [min(returned)])
    line.refresh_from_db()
    return line
