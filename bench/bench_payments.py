"""Build, export and settle a disbursement batch of 100,000 payables.

    .venv/bin/python bench/bench_payments.py [--count 100000]

Uses a temporary SQLite database unless DATABASE_URL is set (then everything happens inside one transaction
that is rolled back at the end). Makes ``--count`` alumni (plain rows: people, graduated enrollments, verified
payout accounts at five banks) and their incentives (``payables._create``: payables, accrual entries and audit
rows), then times the services a finance officer runs:

1. ``batch_build`` — lock what is due, copy each payee's account into a line;
2. ``batch_approve`` (by another officer) and ``batch_export`` of every bank's CSV file;
3. ``batch_result_import`` of a result file that pays every line — parse, match, post one payment entry
   (two ledger lines) per payable, update lines and payables, one audit row each;
4. baseline, same run: raw SQL inserts of the same number of journal entries and ledger lines (executemany on
   SQLite, COPY on PostgreSQL), in a savepoint rolled back afterwards.

Prints rows per second of each step and the ledger lines per second of the settlement against the raw inserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
os.environ.setdefault("DEBUG", "0")
_tmp = None
if not os.environ.get("DATABASE_URL"):
    _tmp = tempfile.TemporaryDirectory(prefix="bench-payments-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from sisnaker.accounts import services as accounts  # noqa: E402
from sisnaker.accounts.models import Person  # noqa: E402
from sisnaker.core import crypto  # noqa: E402
from sisnaker.core.roles import Role  # noqa: E402
from sisnaker.institutions.domain import registry_key  # noqa: E402
from sisnaker.institutions.models import Institution  # noqa: E402
from sisnaker.payments import selectors  # noqa: E402
from sisnaker.payments.models import (  # noqa: E402
    IncentiveRule,
    JournalEntry,
    LedgerAccount,
    LedgerLine,
    Payable,
    PayoutAccount,
)
from sisnaker.payments.services import batches, payables  # noqa: E402
from sisnaker.regions.models import District  # noqa: E402
from sisnaker.regions.services import regions_load  # noqa: E402
from sisnaker.training.models import Enrollment, Program, VocationalField  # noqa: E402

BANKS = ("002", "008", "009", "014", "451")


def build(count: int):
    now = timezone.now()
    today = timezone.localdate()
    inst = Institution.objects.create(registry_number="BLK-BENCH-PAY", registry_key=registry_key("BLK-BENCH-PAY"), name="BLK Bench",
                                      kind="blk_uptd", regency_id="32.73", status="approved", status_changed_at=now)
    field = VocationalField.objects.get_or_create(code="BENCH-PAY", defaults={"name": "Bench"})[0]
    program = Program.objects.create(
        institution=inst, title="Bench", vocational_field=field, hours=100, start_date=today - dt.timedelta(days=60),
        end_date=today - dt.timedelta(days=30), registration_opens=today - dt.timedelta(days=90),
        registration_closes=today - dt.timedelta(days=61), quota=count, regency_id="32.73", funding="apbd", status="closed")
    people = Person.objects.bulk_create([
        Person(nik_encrypted="bench", nik_index=f"bench{i:059d}", nik_regency_id="32.73", nik_district_id="32.73.01",
               full_name=f"Alumni Bench {i}", birth_date=dt.date(1995, 1, 1), sex="M", education="smk", domicile_district_id="32.73.01")
        for i in range(count)], batch_size=5000)
    if any(p.pk is None for p in people):
        people = list(Person.objects.filter(nik_encrypted="bench").order_by("pk"))
    enrollments = Enrollment.objects.bulk_create([
        Enrollment(program=program, person=p, state="graduated", result="passed", registered_at=now, state_changed_at=now)
        for p in people], batch_size=5000)
    if any(e.pk is None for e in enrollments):
        enrollments = list(Enrollment.objects.filter(program=program).order_by("pk"))
    number = crypto.encrypt("0123456789")
    PayoutAccount.objects.bulk_create([
        PayoutAccount(person=p, channel="bank", provider_code=BANKS[i % len(BANKS)], number_encrypted=number, number_last4="6789",
                      holder_name=p.full_name, match_score=100, status="verified", created_at=now)
        for i, p in enumerate(people)], batch_size=5000)
    rule = IncentiveRule.objects.get(funding_source="apbd", program__isnull=True, is_active=True)
    payables._create([
        Payable(kind="incentive", idempotency_key=f"incentive:{rule.pk}:{e.person_id}", funding_source="apbd", amount=rule.amount,
                person_id=e.person_id, program=program, enrollment=e, rule=rule, created_at=now)
        for e in enrollments], actor=None, now=now)
    maker = accounts.staff_user_create(actor=None, username="bench.maker", password="Bench-Rahasia-2026", full_name="Maker")
    approver = accounts.staff_user_create(actor=None, username="bench.approver", password="Bench-Rahasia-2026", full_name="Approver")
    for user in (maker, approver):
        accounts.role_grant(actor=None, user=user, role=Role.FINANCE_OFFICER)
    return type(maker).objects.get(pk=maker.pk), type(approver).objects.get(pk=approver.pk)


def raw_inserts(count: int) -> float:
    """The same ledger rows (``count`` entries of two lines) in plain SQL, timed; rolled back."""
    accounts_ = list(LedgerAccount.objects.filter(funding_source="apbd", kind__in=["payable_person", "paid_out"]).order_by("kind"))
    now = timezone.now()
    entries = [uuid.uuid4() for _ in range(count)]
    sid = transaction.savepoint()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        line_table, entry_table = LedgerLine._meta.db_table, JournalEntry._meta.db_table
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {line_table} (entry_id, account_id, amount) FROM STDIN") as copy:
                for e in entries:
                    copy.write_row((e, accounts_[1].pk, 600_000))
                    copy.write_row((e, accounts_[0].pk, -600_000))
            with cursor.cursor.copy(f"COPY {entry_table} (id, idempotency_key, kind, posted_at, memo) FROM STDIN") as copy:
                for e in entries:
                    copy.write_row((e, f"raw:{e}", "pay", now, ""))
        else:
            cursor.executemany(f"INSERT INTO {line_table} (entry_id, account_id, amount) VALUES (%s, %s, %s)",  # noqa: S608
                               [row for e in entries for row in ((e.hex, accounts_[1].pk, 600_000), (e.hex, accounts_[0].pk, -600_000))])
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(f"INSERT INTO {entry_table} (id, idempotency_key, kind, posted_at, memo) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                               [(e.hex, f"raw:{e}", "pay", stamp, "") for e in entries])
    elapsed = time.perf_counter() - t0
    transaction.savepoint_rollback(sid)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    if _tmp is not None:
        call_command("migrate", verbosity=0)
    if not District.objects.filter(regency_id="32.73").exists():
        regions_load()
    payables.ensure_default_rules()
    atomic = transaction.atomic()
    atomic._from_testcase = True  # lets the services' durable transactions nest, as tests do; rolled back below
    atomic.__enter__()
    try:
        n = args.count
        t0 = time.perf_counter()
        maker, approver = build(n)
        print(f"built {n:,} alumni with incentives (accrued: {2 * n:,} ledger lines) in {time.perf_counter() - t0:.1f} s ({connection.vendor})")

        t0 = time.perf_counter()
        batch = batches.batch_build(actor=maker, funding_source="apbd")
        build_s = time.perf_counter() - t0
        assert batch.line_count == n

        t0 = time.perf_counter()
        batches.batch_approve(actor=approver, batch_id=batch.pk)
        files = [batches.batch_export(actor=approver, batch_id=batch.pk, provider_code=c) for c in selectors.batch_providers(batch)]
        export_s = time.perf_counter() - t0
        assert sum(f.lines for f in files) == n

        result = ["reference,status,bank_reference,reason"]
        for f in files:
            for row in f.content.splitlines()[1:]:
                result.append(f"{row.split(',', 1)[0]},BERHASIL,TRX,")
        data = ("\n".join(result) + "\n").encode()
        t0 = time.perf_counter()
        report = batches.batch_result_import(actor=approver, batch_id=batch.pk, data=data)
        settle_s = time.perf_counter() - t0
        assert report.paid == n
        t0 = time.perf_counter()
        again = batches.batch_result_import(actor=approver, batch_id=batch.pk, data=data)
        reimport_s = time.perf_counter() - t0
        assert again.paid == 0 and again.unchanged == n

        raw_s = raw_inserts(n)
        lines = 2 * n
        print(f"build   {build_s:7.2f} s  {n / build_s:10,.0f} payables/s")
        print(f"export  {export_s:7.2f} s  {n / export_s:10,.0f} lines/s ({len(files)} bank files)")
        print(f"settle  {settle_s:7.2f} s  {lines / settle_s:10,.0f} ledger lines/s (and {n:,} payables, lines, audit rows)")
        print(f"again   {reimport_s:7.2f} s  (re-import: nothing changes)")
        print(f"raw SQL {raw_s:7.2f} s  {lines / raw_s:10,.0f} ledger lines/s (entries + lines only)")
        print(f"settlement is {settle_s / raw_s:.1f}x the raw inserts of its ledger rows")
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


if __name__ == "__main__":
    main()
