"""Posting to the ledger: the one writer of journal entries and their lines.

Called by the payments services inside their transaction, after their permission check (this module checks
none: it is not a use case of its own). Each posting is one entry per payable with an idempotency key
(``domain.entry_key``); keys already posted are skipped, so posting again changes nothing, and the
database's unique key refuses a concurrent second posting. The rows are written set-based (COPY on
PostgreSQL, one executemany on SQLite; no model instances, a batch of 100,000 payments is two statements).
Lines go in before their entries (the entries' insert trigger checks the balance, migrations/0002)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from sisnaker.core.bulk import chunks
from sisnaker.core.errors import ValidationFailed

from .. import domain
from ..codes import Code
from ..models import JournalEntry, LedgerAccount, LedgerLine

CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Posting:
    """One entry to post: ``lines`` are (account key, amount); ``payable_id`` is the sub-ledger reference of
    every line."""

    kind: str
    key: str
    lines: list[domain.Line]
    payable_id: int | None = None
    memo: str = ""


def accounts_by_key(keys: Iterable[domain.AccountKey]) -> dict[domain.AccountKey, int]:
    """Account ids for (kind, funding source) keys and (kind, funding source, reference) keys of beneficiary
    accounts, creating the accounts that do not exist yet (those with a reference in bulk)."""
    wanted = set(keys)
    shared = {k for k in wanted if len(k) == 2}
    held = sorted(k for k in wanted if len(k) == 3)
    found = {(a.kind, a.funding_source): a.pk for a in LedgerAccount.objects.filter(person__isnull=True, reference="")
             if (a.kind, a.funding_source) in shared}
    for kind, source in shared - set(found):
        found[(kind, source)] = LedgerAccount.objects.get_or_create(kind=kind, funding_source=source, person=None,
                                                                    reference="")[0].pk
    for start in range(0, len(held), CHUNK):
        chunk = held[start:start + CHUNK]
        LedgerAccount.objects.bulk_create([LedgerAccount(kind=k, funding_source=s, reference=r) for k, s, r in chunk],
                                          batch_size=CHUNK, ignore_conflicts=True)
        for kind in {k for k, _s, _r in chunk}:
            for source in {s for k, s, _r in chunk if k == kind}:
                refs = [r for k, s, r in chunk if k == kind and s == source]
                found.update(((kind, source, r), pk) for r, pk in LedgerAccount.objects.filter(
                    kind=kind, funding_source=source, reference__in=refs).values_list("reference", "pk"))
    return found


def balances(kind: str, funding_source: str, references: Iterable[str]) -> dict[str, int]:
    """The balance held for each reference (minus the sum of its account's lines: credits are what is held);
    0 for a reference with no account yet."""
    refs = sorted(set(references))
    out = dict.fromkeys(refs, 0)
    for start in range(0, len(refs), CHUNK):
        for ref, total in (LedgerLine.objects.filter(account__kind=kind, account__funding_source=funding_source,
                                                     account__reference__in=refs[start:start + CHUNK])
                           .values_list("account__reference").annotate(total=Sum("amount"))):
            out[ref] = -int(total or 0)
    return out


def post(postings: list[Posting], *, actor, now: dt.datetime) -> list[Posting]:
    """Post each entry whose key is not posted yet; returns those posted. Refuses the whole call when one
    entry does not balance (nothing is written)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post must run inside the transaction of the change")
    for posting in postings:
        refusal = domain.entry_refusal(posting.lines)
        if refusal is not None:
            raise ValidationFailed(refusal, code=Code.ENTRY_UNBALANCED)
    keys = [p.key for p in postings]
    if len(set(keys)) != len(keys):
        raise ValueError("two postings share an idempotency key")
    posted = _posted(keys)
    todo = [p for p in postings if p.key not in posted]
    if not todo:
        return []
    account_ids = accounts_by_key(key for p in todo for key, _amount in p.lines)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    entries, lines = [], []
    for posting in todo:
        entry_id = uuid.uuid4()
        entries.append((entry_id, posting.key, str(posting.kind), now, actor_id, posting.memo[:200]))
        lines.extend((entry_id, account_ids[key], amount, posting.payable_id) for key, amount in posting.lines)
    _write(entries, lines)
    return todo


def _posted(keys: list[str]) -> set[str]:
    """Which of ``keys`` are posted already: per chunk, one array parameter on PostgreSQL (binding thousands
    of ``IN`` parameters costs more than the look-up), ``IN`` on SQLite."""
    posted: set[str] = set()
    connection = transaction.get_connection()
    for part in chunks(keys, CHUNK):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The table name is this model's, never input.
                cursor.execute(f"SELECT idempotency_key FROM {JournalEntry._meta.db_table} WHERE idempotency_key = ANY(%s::varchar[])",  # noqa: S608
                               [list(part)])
                posted.update(key for (key,) in cursor.fetchall())
        else:
            posted.update(JournalEntry.objects.filter(idempotency_key__in=part).values_list("idempotency_key", flat=True))
    return posted


ENTRY_COLUMNS = ("id", "idempotency_key", "kind", "posted_at", "posted_by_id", "memo")
LINE_COLUMNS = ("entry_id", "account_id", "amount", "payable_id")


def _write(entries: list[tuple], lines: list[tuple]) -> None:
    """Insert the rows as plain tuples, set-based: COPY on PostgreSQL (one statement per table, so the
    statement triggers of migrations/0002 check every entry once), one executemany on SQLite. Lines first:
    the entries' insert trigger checks that their lines balance, and a line for an entry already posted is
    refused."""
    connection = transaction.get_connection()
    line_table, entry_table = LedgerLine._meta.db_table, JournalEntry._meta.db_table
    # Table and column names are constants of this module, never input.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY goes to psycopg's own cursor: its errors (a trigger's refusal, a key posted concurrently) are
            # turned into Django's here (DatabaseError, IntegrityError), as for every other query.
            with connection.wrap_database_errors:
                for table, columns, rows in ((line_table, LINE_COLUMNS, lines), (entry_table, ENTRY_COLUMNS, entries)):
                    if rows:
                        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
            return
        ops = connection.ops
        cursor.executemany(
            f"INSERT INTO {line_table} ({', '.join(LINE_COLUMNS)}) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [(entry_id.hex, account, amount, payable) for entry_id, account, amount, payable in lines])
        cursor.executemany(
            f"INSERT INTO {entry_table} ({', '.join(ENTRY_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
            [(entry_id.hex, key, kind, ops.adapt_datetimefield_value(at), by, memo) for entry_id, key, kind, at, by, memo in entries])
