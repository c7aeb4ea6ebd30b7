"""The Prakerja selection at national size (issue 11 "Waves and fair selection"): N eligible applications across the
38 provinces on PostgreSQL, closed and drawn by the app's own services, against a plain SQL window-function draw
on the same data, in the same run. Goal: selection < 60 s at 5,000,000 applications.

    createdb -h 127.0.0.1 -U postgres sisnaker_bench_draw        # a throwaway database: this script empties
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sisnaker_bench_draw \\
        PYTHONPATH=src .venv/bin/python bench/bench_prakerja_draw.py --applications 5000000 [--share 0.1]

What it does (migrates and loads the regions first when the database is new):

1. Empties the prakerja tables and generates ``--applications`` applications in the database itself (``INSERT …
   SELECT`` over ``generate_series``, the table's indexes dropped during the insert and built again after it, as a
   bulk load would): districts spread evenly (so provinces by their district count), three applications per family
   card (KK), so the household limit (2) bites; birth dates for ages 20–56; all eligible. By default they are
   generated as a closed wave leaves them (eligible, household numbered, the seed made); ``--close`` generates
   them registered and times ``services.wave_close`` too (not part of the goal, and slow at 5,000,000: it rewrites
   every row).
2. A wave with national target ``--share`` × applications, quotas from the applicants per province by largest
   remainder, the three Papua provinces' weights × 20 so they cannot fill their quota (the second pass).
3. ``services.wave_draw``, timed as a whole and in its parts: the selection (``services._draw_apply``: one stream
   per province paged by the database in the draw's order and merged by ``domain.draw_by_province``, then the
   ``COPY`` of the selected into ``prakerja_selection``, then the count of candidates for the audit row) and the
   cards with their training balances (``services._cards_issue``; ``--no-cards`` leaves it out).
4. The plain SQL draw on the same candidates: ``ROW_NUMBER() OVER (PARTITION BY province ORDER BY hmac key) <=
   quota`` into a temporary table, with the same HMAC-SHA256 key computed in SQL (``sha256()``, checked against
   ``domain.draw_key``), then the same write (the selected rows into a table shaped like ``prakerja_selection``,
   with its indexes and foreign keys, checked at once as the app checks them), in a transaction that is rolled back. No household limit: the plain draw is the floor.

Prints seconds, the ratio app / SQL, and whether the goal is met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
os.environ.setdefault("DEBUG", "0")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("DATABASE_URL must name a throwaway PostgreSQL database (it is emptied).")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from sisnaker.accounts import services as account_services  # noqa: E402
from sisnaker.accounts.models import User  # noqa: E402
from sisnaker.core.roles import Role  # noqa: E402
from sisnaker.prakerja import domain, selectors, services  # noqa: E402
from sisnaker.prakerja.models import Application, ProvinceQuota, Selection, Wave  # noqa: E402
from sisnaker.regions.models import District  # noqa: E402

GOAL_SECONDS = 60.0
SHORT_OF_QUOTA = ("91", "92", "94")  # three Papua provinces: too few applicants for their quota
OPENS = dt.date(2026, 3, 1)

GENERATE = """
WITH d AS (SELECT array_agg(code ORDER BY code) AS codes, array_agg(regency_id ORDER BY code) AS regs FROM regions_district)
INSERT INTO prakerja_application (
    wave_id, nik_encrypted, nik_index, kk_encrypted, kk_index, full_name, birth_date, sex, education, in_formal_education,
    has_disability, province_id, nik_regency_id, domicile_district_id, phone, email, status, reason, findings,
    statement_version, statement_signed_at, created_by_id, verify_token, phone_code_hash, email_code_hash, code_attempts,
    code_expires_at, contacts_verified_at, review_note, household, household_prior, created_at)
SELECT %(wave)s, 'bench', md5('n' || g) || md5('N' || g), 'bench', md5('k' || (g / 3)) || md5('K' || (g / 3)),
       'Pendaftar ' || g, date '1970-01-01' + ((g::bigint * 7919) %% 13000)::int, CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, 'sma',
       false, g %% 37 = 0, left(d.regs[x.k], 2), d.regs[x.k], d.codes[x.k], '0812' || lpad(g::text, 8, '0'),
       'p' || g || '@contoh.id', %(status)s, '', '[]', 1, now(), %(user)s, md5('t' || g) || md5('T' || g), '', '', 0,
       now(), now(), '', CASE WHEN %(closed)s THEN 1 + g / 3 END, 0, now()
FROM generate_series(1, %(n)s) g CROSS JOIN d
CROSS JOIN LATERAL (SELECT 1 + (hashtext((g / 3)::text) & 2147483647) %% array_length(d.codes, 1) AS k) x
"""

# The draw's key in SQL: HMAC-SHA256(seed, id as text) = sha256((k xor opad) || sha256((k xor ipad) || message)).
SQL_KEY = "sha256(%(okey)s || sha256(%(ikey)s || convert_to(a.id::text, 'UTF8')))"
SQL_DRAW = f"""
CREATE TEMPORARY TABLE sql_draw AS
SELECT t.id, t.province_id, t.rn FROM (
    SELECT a.id, a.province_id,
           ROW_NUMBER() OVER (PARTITION BY a.province_id ORDER BY {SQL_KEY}, a.id) AS rn
    FROM prakerja_application a WHERE a.wave_id = %(wave)s AND a.household IS NOT NULL
) t JOIN prakerja_provincequota q ON q.wave_id = %(wave)s AND q.province_id = t.province_id
WHERE t.rn <= q.quota
"""
SQL_WRITE = """
CREATE TABLE bench_sql_selection (LIKE prakerja_selection INCLUDING INDEXES);  -- rolled back with the rest
ALTER TABLE bench_sql_selection
    ADD FOREIGN KEY (application_id) REFERENCES prakerja_application (id) DEFERRABLE INITIALLY DEFERRED,
    ADD FOREIGN KEY (wave_id) REFERENCES prakerja_wave (id) DEFERRABLE INITIALLY DEFERRED,
    ADD FOREIGN KEY (province_id) REFERENCES regions_province (code) DEFERRABLE INITIALLY DEFERRED;
INSERT INTO bench_sql_selection (application_id, wave_id, province_id, rank)
SELECT id, %(wave)s, province_id, row_number() OVER (ORDER BY province_id, rn) FROM sql_draw;
SET CONSTRAINTS ALL IMMEDIATE;
"""


def hmac_pads(seed: str) -> tuple[bytes, bytes]:
    key = bytes.fromhex(seed).ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


_backend_pid: int | None = None


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and by its PostgreSQL backend (read from /proc when the server runs on
    this machine; else this process only): on a shared machine the wall clock also measures the neighbours."""
    global _backend_pid
    if _backend_pid is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _backend_pid = cursor.fetchone()[0]
    used = time.process_time()
    try:
        fields = Path(f"/proc/{_backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        pass
    return used


class Timer:
    """Wall seconds and CPU seconds (``cpu_seconds``) per named part."""

    def __init__(self):
        self.parts: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, name, fn):
        def timed(*args, **kwargs):
            started, used = time.perf_counter(), cpu_seconds()
            try:
                return fn(*args, **kwargs)
            finally:
                self.parts[name] = self.parts.get(name, 0.0) + time.perf_counter() - started
                self.cpu[name] = self.cpu.get(name, 0.0) + cpu_seconds() - used
        return timed


def prepare() -> User:
    call_command("migrate", interactive=False, verbosity=0)
    if not District.objects.exists():
        print("Loading the regions…", flush=True)
        call_command("loadregions", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE prakerja_card, prakerja_selection, prakerja_provincequota, prakerja_application, prakerja_wave CASCADE")
    user = User.objects.filter(username="bench.pmo").first()
    if user is None:
        user = account_services.staff_user_create(actor=None, username="bench.pmo", password="Bench-Draw-2026-x!", full_name="Bench PMO")
        account_services.role_grant(actor=None, user=user, role=Role.PMO_OFFICER)
    return User.objects.get(pk=user.pk)


def indexes_dropped() -> list[str]:
    """Drop the application table's indexes and unique constraints but its primary key; return the statements that
    build them again (a bulk load builds each index once instead of inserting into 13 indexes per row)."""
    with connection.cursor() as cursor:
        cursor.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                          WHERE conrelid = 'prakerja_application'::regclass AND contype = 'u'""")
        constraints = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE prakerja_application DROP CONSTRAINT "{name}"')
        cursor.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'prakerja_application'
                          AND i.indexname <> 'prakerja_application_pkey'""")
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return ([f'ALTER TABLE prakerja_application ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
            + [definition for _, definition in indexes])


def make_wave(n: int, share: float, user: User, *, closed: bool) -> Wave:
    number = (Wave.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    now = timezone.now()
    wave = Wave.objects.create(
        number=number, name=f"Gelombang Bench {number}", opens_on=OPENS, closes_on=OPENS + dt.timedelta(days=30),
        national_target=max(1, int(n * share)), training_balance=3_500_000, post_training_incentive=600_000,
        post_training_incentive_count=1, survey_incentive=50_000, survey_incentive_count=2, purchase_deadline_days=30,
        status=domain.WaveStatus.OPEN, created_at=now)
    started = time.perf_counter()
    rebuild = indexes_dropped()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        # Closed: as ``wave_close`` leaves it (eligible; one household number per KK, which is g / 3).
        cursor.execute(GENERATE, {"wave": wave.pk, "user": user.pk, "n": n, "closed": closed,
                                  "status": "eligible" if closed else "submitted"})
        generated = time.perf_counter()
        for statement in rebuild:
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE prakerja_application")
    print(f"generated {n:,} applications in {generated - started:.1f} s, indexes built in "
          f"{time.perf_counter() - generated:.1f} s", flush=True)
    per = dict(Application.objects.filter(wave=wave).values_list("province_id").annotate(n=django.db.models.Count("pk")))
    weights = {p: c * (20 if p in SHORT_OF_QUOTA else 1) for p, c in per.items()}
    quotas = domain.largest_remainder(weights, wave.national_target)
    ProvinceQuota.objects.bulk_create([ProvinceQuota(wave=wave, province_id=p, quota=q, weight=weights[p]) for p, q in quotas.items()])
    if closed:  # as ``wave_close`` leaves it
        wave.status, wave.seed, wave.closed_at = domain.WaveStatus.CLOSED, secrets.token_hex(32), timezone.now()
        wave.seed_commitment = domain.seed_commitment(wave.seed)
        wave.save()
    short = sum(max(quotas[p] - per[p], 0) for p in per)
    print(f"wave {wave.number}: target {wave.national_target:,} over {len(per)} provinces; {short:,} seats the short "
          f"provinces cannot fill (second pass)", flush=True)
    return wave


def sql_draw(wave: Wave) -> tuple[float, float, int]:
    ikey, okey = hmac_pads(wave.seed)
    params = {"wave": wave.pk, "ikey": ikey, "okey": okey}
    with transaction.atomic(), connection.cursor() as cursor:
        some = list(Application.objects.filter(wave=wave).values_list("pk", flat=True)[:3])
        for pk in some:
            cursor.execute("SELECT encode(sha256(%(okey)s || sha256(%(ikey)s || convert_to(%(id)s::text, 'UTF8'))), 'hex')",
                           {**params, "id": pk})
            assert cursor.fetchone()[0] == domain.draw_key(wave.seed, pk), "the SQL key is not the draw's key"
        started, used = time.perf_counter(), cpu_seconds()
        cursor.execute(SQL_DRAW, params)
        select_s, select_cpu = time.perf_counter() - started, cpu_seconds() - used
        cursor.execute("SELECT count(*) FROM sql_draw")
        chosen = cursor.fetchone()[0]
        started, used = time.perf_counter(), cpu_seconds()
        cursor.execute(SQL_WRITE, params)
        write_s, write_cpu = time.perf_counter() - started, cpu_seconds() - used
        transaction.set_rollback(True)
    return (select_s, select_cpu), (write_s, write_cpu), chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=5_000_000)
    parser.add_argument("--share", type=float, default=0.1, help="national target as a share of the applications")
    parser.add_argument("--close", action="store_true", help="generate registered applications and time wave_close too")
    parser.add_argument("--no-cards", action="store_true", help="leave out issuing the cards and posting the balances")
    parser.add_argument("--again", action="store_true",
                        help="draw the last generated wave again (its selections and cards removed) instead of generating")
    parser.add_argument("--verify", action="store_true",
                        help="check the app's selection against domain.draw (the replay's rule) over all the candidates")
    args = parser.parse_args()
    if args.again:
        call_command("migrate", interactive=False, verbosity=0)
        user = User.objects.get(username="bench.pmo")
        wave = Wave.objects.order_by("-number").first()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE prakerja_card, prakerja_selection CASCADE")
        Wave.objects.filter(pk=wave.pk).update(status=domain.WaveStatus.CLOSED, drawn_at=None)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE prakerja_application")
        wave.refresh_from_db()
        args.applications = Application.objects.filter(wave=wave).count()
        print(f"again: wave {wave.number} with {args.applications:,} applications", flush=True)
    else:
        user = prepare()
        wave = make_wave(args.applications, args.share, user, closed=not args.close)
    timer = Timer()
    services._draw_apply = timer.wrap("selection", services._draw_apply)
    services.domain.draw_by_province = timer.wrap("read + draw", services.domain.draw_by_province)
    services.insert_selections = timer.wrap("write", services.insert_selections)
    services.set_rows = timer.wrap("writes", services.set_rows)
    if args.no_cards:
        services._cards_issue = lambda **kw: {"issued": 0, "posted": 0}
    else:
        services._cards_issue = timer.wrap("cards", services._cards_issue)

    close_s = close_cpu = 0.0
    close_writes = (0.0, 0.0)
    if args.close:
        started, used = time.perf_counter(), cpu_seconds()
        closed = services.wave_close(actor=user, wave=wave, now=timezone.now())
        close_s, close_cpu = time.perf_counter() - started, cpu_seconds() - used
        close_writes = timer.parts.pop("writes", 0.0), timer.cpu.pop("writes", 0.0)
        print(f"close: {close_s:.1f} s, cpu {close_cpu:.1f} s (writes {close_writes[0]:.1f} s, cpu {close_writes[1]:.1f} s) "
              f"{closed}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE prakerja_application")
        wave.refresh_from_db()
    started = time.perf_counter()
    drawn = services.wave_draw(actor=user, wave=wave, now=timezone.now())
    draw_s = time.perf_counter() - started
    print(f"draw: {draw_s:.1f} s {drawn}; parts: " + ", ".join(f"{k} {v:.1f} s (cpu {timer.cpu[k]:.1f})" for k, v in timer.parts.items()),
          flush=True)
    wave.refresh_from_db()

    if args.verify:
        started = time.perf_counter()
        stored = list(Selection.objects.filter(wave=wave).order_by("rank").values_list("application_id", flat=True))
        replayed = domain.draw(seed=wave.seed, candidates=selectors.draw_candidates(wave), max_per_household=wave.max_per_household,
                               quotas=dict(wave.quotas.values_list("province_id", "quota")))
        print(f"verify: the selection {'EQUALS' if stored == replayed else 'DIFFERS FROM'} domain.draw over all "
              f"{drawn['candidates']:,} candidates ({time.perf_counter() - started:.1f} s)", flush=True)
        if stored != replayed:
            sys.exit(1)
    (sql_select, sql_select_cpu), (sql_write, sql_write_cpu), sql_chosen = sql_draw(wave)
    p, c = timer.parts, timer.cpu
    sql_s, sql_cpu = sql_select + sql_write, sql_select_cpu + sql_write_cpu
    print(f"plain SQL window draw: select {sql_select:.1f} s ({sql_chosen:,} chosen), write {sql_write:.1f} s", flush=True)
    load = os.getloadavg()[0]
    print()
    print(f"applications {args.applications:,}; wall seconds, and CPU seconds of this process + its database backend "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs: the wall clock also measures the neighbours)")
    print(f"{'':28}{'wall s':>10}{'cpu s':>10}")
    if args.close:
        print(f"{'close (eligibility)':28}{close_s:>10.1f}{close_cpu:>10.1f}")
        print(f"{'  of which the writes':28}{close_writes[0]:>10.1f}{close_writes[1]:>10.1f}")
    print(f"{'selection (app)':28}{p['selection']:>10.1f}{c['selection']:>10.1f}   ({drawn['selected']:,} selected)")
    for part in ("read + draw", "write"):
        print(f"{'  ' + part:28}{p[part]:>10.1f}{c[part]:>10.1f}")
    if "cards" in p:
        print(f"{'cards + balances':28}{p['cards']:>10.1f}{c['cards']:>10.1f}   ({drawn['selected']:,} cards)")
    print(f"{'SQL window draw':28}{sql_s:>10.1f}{sql_cpu:>10.1f}")
    print(f"{'  select (ROW_NUMBER)':28}{sql_select:>10.1f}{sql_select_cpu:>10.1f}")
    print(f"{'  write (same table shape)':28}{sql_write:>10.1f}{sql_write_cpu:>10.1f}")
    print(f"{'ratio app / SQL':28}{p['selection'] / sql_s:>10.2f}{c['selection'] / max(sql_cpu, 1e-9):>10.2f}")
    met = p["selection"] < GOAL_SECONDS
    print(f"goal: selection < {GOAL_SECONDS:.0f} s on PostgreSQL: {'MET' if met else 'NOT MET'} ({p['selection']:.1f} s wall, "
          f"{c['selection']:.1f} s cpu)")


if __name__ == "__main__":
    main()
