"""Writes of the reporting read model: rebuilding the figures from the modules' rows (``figures_refresh``).

Two ways, both a fixed number of set-based statements (``INSERT … SELECT``, ``DELETE … WHERE``) whatever the
number of persons, nothing row by row in Python, and the whole refresh in one transaction (readers see the old
figures or the new ones, never half):

* **Full** (once a day, ``full=True``, ``sisnaker figures --full``; ``years=`` for chosen years): a year at a time,
  its ``Fact`` rows replaced by one ``INSERT … SELECT`` per measure (``sources``), then its ``Figure`` and
  ``MonthlyFigure`` rows by ``GROUP BY`` over the facts and roll-ups of the regency rows. It also catches what no
  timestamp tells (a row deleted).
* **Incremental** (every housekeeping pass, ``tasks.figures_refresh_due``): the source rows changed since the last
  refresh's start (``RefreshState.watermark``, less a margin for transactions that were still open then), and every
  row of the persons changed since then (a move changes where each of their events counts). A fact is named by
  (measure, source row), so the facts of those rows are deleted wherever they were and inserted as the rows are now
  (``_row_facts``); both statements return what each old and new fact counted in, and the figures change by that
  difference (``_apply_delta``: +1/−1 and ± rupiah for every figure a fact counts in, one upsert per table, rows left
  at zero deleted). The cost follows the number of changed rows, not the size of their province, and the result is
  exactly what a full rebuild gives (tested with Hypothesis against one).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict

from django.db import connection, transaction

from sisnaker.accounts.models import Person
from sisnaker.regions.models import Regency

from .domain import DIMENSION_KEYS
from .models import Fact, Figure, MonthlyFigure, RefreshState

# Every SQL text below is built from the models' own quoted table names and fixed column expressions of this
# module; the values (year, basis, dim) are parameters.
from .sources import FACT_COLUMNS, SOURCES, Source

logger = logging.getLogger("sisnaker.reporting")

# Rows committed after the last refresh began may carry an earlier time (their transaction was open then).
WATERMARK_MARGIN = dt.timedelta(minutes=10)
FULL_EVERY = dt.timedelta(hours=24)
MOVED_LIMIT = 20_000
CHANGED_LIMIT = 200_000  # changed rows of one measure past which the incremental refresh rebuilds everything
CHUNK = 5_000  # source rows per statement of the incremental refresh

# The region of a fact at each level, under each basis (SQL over the fact table's columns).
_REGENCY = {"d": "substr(dom_district, 1, 5)", "k": "ktp_regency"}
_DISTRICT = {"d": "dom_district", "k": "ktp_district"}
_DIM_COLUMN = {"sex": "sex", "age": "age", "education": "education", "disability": "disability", "field": "field",
               "funding": "funding", "institution": "institution"}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _in(values: list[str] | list[int]) -> str:
    return ", ".join(["%s"] * len(values))


def _year_facts(year: int) -> None:
    """Replace the facts of ``year``: one ``INSERT … SELECT`` per measure."""
    Fact.objects.filter(year=year).delete()
    table = _q(Fact._meta.db_table)
    columns = ", ".join(_q(c) for c in FACT_COLUMNS)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    with connection.cursor() as cursor:
        for source in SOURCES:
            sql, params = source.rows(start, end).query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)  # noqa: S608 - the ORM's own SQL


# What a fact contributes to the figures: these columns of it, returned by the statements that delete or insert it.
_DELTA_COLUMNS = ("year", "month", "measure", "dom_district", "ktp_regency", "ktp_district", "field", "institution",
                  "funding", "sex", "disability", "age", "education", "amount")
_DELTA_AT = {c: i for i, c in enumerate(_DELTA_COLUMNS)}


def _row_facts(source: Source, pks: list[int]) -> list[tuple[int, tuple]]:
    """Replace the facts of the rows ``pks`` of ``source`` (delete the old ones wherever they were, insert those of
    the rows as they are now, whatever their year) and return each fact deleted (−1) or inserted (+1) with what it
    counts in (``_DELTA_COLUMNS``): the figures change by exactly these. A fact is named by (measure, row), so it is
    never lost nor counted twice, however its person moved. Two statements per chunk of rows."""
    table = _q(Fact._meta.db_table)
    columns = ", ".join(_q(c) for c in FACT_COLUMNS)
    returning = ", ".join(_q(c) for c in _DELTA_COLUMNS)
    delta: list[tuple[int, tuple]] = []
    with connection.cursor() as cursor:
        for i in range(0, len(pks), CHUNK):
            chunk = pks[i:i + CHUNK]
            cursor.execute(f"DELETE FROM {table} WHERE measure = %s AND src IN ({_in(chunk)})"  # noqa: S608
                           f" RETURNING {returning}", [source.measure, *chunk])
            delta.extend((-1, tuple(r)) for r in cursor.fetchall())
            sql, params = source.rows_of(chunk).query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql} RETURNING {returning}", params)  # noqa: S608
            delta.extend((1, tuple(r)) for r in cursor.fetchall())
    return delta


def _add(book: dict[tuple, list[int]], key: tuple, change: tuple[int, int]) -> None:
    book[key][0] += change[0]
    book[key][1] += change[1]


def _apply_delta(delta: list[tuple[int, tuple]], regencies: dict[str, list[str]]) -> set[tuple[int, str, str]]:
    """Change the figures by the facts deleted and inserted (``_row_facts``): every figure a fact counts in, under
    both bases — its regency (total and each breakdown), district (total), province and the nation (of the known
    provinces, as the full rebuild adds them up), and the month's totals — gets +1/−1 and ± its rupiah, by one
    upsert per table; a figure left at zero is deleted (a full rebuild never has one). The cost follows the number of
    changed facts, not the size of their province. Returns the (year, basis, province) units that changed."""
    figures: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    months: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    units: set[tuple[int, str, str]] = set()
    at = _DELTA_AT
    for sign, row in delta:
        year, month, measure, amount = row[at["year"]], row[at["month"]], row[at["measure"]], row[at["amount"]] or 0
        n = (sign, sign * amount)
        for basis in ("d", "k"):
            district = row[at["dom_district"]] if basis == "d" else row[at["ktp_district"]]
            regency = (row[at["dom_district"]] or "")[:5] if basis == "d" else row[at["ktp_regency"]]
            # (level, region, parent) this fact counts in, for the breakdowns; the district for its total only.
            places = [(2, regency, regency[:2]), (1, regency[:2], "")]
            if regency[:2] in regencies:  # the nation adds up the known provinces, as the full rebuild does
                places.append((0, "", "-"))
            units.add((year, basis, regency[:2]))
            for level, region, parent in places:
                for dim in ("all", *DIMENSION_KEYS):
                    value = "" if dim == "all" else row[at[_DIM_COLUMN[dim]]]
                    _add(figures, (year, basis, level, region, parent, measure, dim, value), n)
                _add(months, (year, month, basis, level, region, measure), n)
            if district:
                _add(figures, (year, basis, 3, district, district[:5], measure, "all", ""), n)
    figure, monthly = _q(Figure._meta.db_table), _q(MonthlyFigure._meta.db_table)
    changed = [(*key, n, amount) for key, (n, amount) in figures.items() if n or amount]
    mchanged = [(*key, n, amount) for key, (n, amount) in months.items() if n or amount]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {figure} (year, basis, level, region, parent, measure, dim, value, n, amount)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (year, basis, region, measure, dim, value)"
            f" DO UPDATE SET n = {figure}.n + excluded.n, amount = {figure}.amount + excluded.amount", changed)
        cursor.executemany(
            f"DELETE FROM {figure} WHERE year = %s AND basis = %s AND region = %s AND measure = %s AND dim = %s"  # noqa: S608
            " AND value = %s AND n = 0", [(y, b, r, m, d, v) for y, b, _l, r, _p, m, d, v, n, _a in changed if n < 0])
        cursor.executemany(
            f"INSERT INTO {monthly} (year, month, basis, level, region, measure, n, amount)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (basis, region, measure, year, month)"
            f" DO UPDATE SET n = {monthly}.n + excluded.n, amount = {monthly}.amount + excluded.amount", mchanged)
        cursor.executemany(
            f"DELETE FROM {monthly} WHERE year = %s AND month = %s AND basis = %s AND region = %s AND measure = %s"  # noqa: S608
            " AND n = 0", [(y, mo, b, r, m) for y, mo, b, _l, r, m, n, _a in mchanged if n < 0])
    return units


def _regencies() -> dict[str, list[str]]:
    """Province code → the codes of its regencies (the regions' table: every code a fact can hold)."""
    out: dict[str, list[str]] = defaultdict(list)
    for code in Regency.objects.order_by("code").values_list("code", flat=True):
        out[code[:2]].append(code)
    return dict(out)


def _figures(year: int, basis: str, regencies: dict[str, list[str]]) -> None:
    """Build the figures of ``year`` under ``basis`` from its facts (the caller deleted the year's rows): regencies
    and districts from the facts, provinces from their regencies' rows, the nation from the provinces'. A fixed
    number of statements whatever the number of regions."""
    fact, figure, monthly = (_q(m._meta.db_table) for m in (Fact, Figure, MonthlyFigure))
    cols = "year, basis, level, region, parent, measure, dim, value, n, amount"
    mcols = "year, month, basis, level, region, measure, n, amount"
    regency, district = _REGENCY[basis], _DISTRICT[basis]
    every = sorted(regencies) or ["-"]
    with connection.cursor() as cursor:
        # Regencies: the total and every breakdown.
        for dim in ("all", *DIMENSION_KEYS):
            value = "''" if dim == "all" else _DIM_COLUMN[dim]
            group = "" if dim == "all" else f", {value}"  # PostgreSQL refuses a constant in GROUP BY
            cursor.execute(
                f"INSERT INTO {figure} ({cols}) SELECT %s, %s, 2, {regency}, substr({regency}, 1, 2), measure, %s,"  # noqa: S608
                f" {value}, COUNT(*), SUM(amount) FROM {fact} WHERE year = %s"
                f" GROUP BY {regency}, measure{group}", [year, basis, dim, year])
        # Districts: the totals (the last step of the drill-down).
        cursor.execute(
            f"INSERT INTO {figure} ({cols}) SELECT %s, %s, 3, {district}, substr({district}, 1, 5), measure, 'all',"  # noqa: S608
            f" '', COUNT(*), SUM(amount) FROM {fact} WHERE year = %s AND {district} <> ''"
            f" GROUP BY {district}, measure", [year, basis, year])
        # Provinces: sums of their regencies; the nation: sums of the provinces.
        cursor.execute(
            f"INSERT INTO {figure} ({cols}) SELECT year, basis, 1, substr(region, 1, 2), '', measure, dim, value,"  # noqa: S608
            f" SUM(n), SUM(amount) FROM {figure} WHERE year = %s AND basis = %s AND level = 2"
            f" GROUP BY year, basis, substr(region, 1, 2), measure, dim, value", [year, basis])
        cursor.execute(
            f"INSERT INTO {figure} ({cols}) SELECT year, basis, 0, '', '-', measure, dim, value, SUM(n), SUM(amount)"  # noqa: S608
            f" FROM {figure} WHERE year = %s AND basis = %s AND region IN ({_in(every)})"
            f" GROUP BY year, basis, measure, dim, value", [year, basis, *every])
        # Months (totals): regencies, then provinces and the nation.
        cursor.execute(
            f"INSERT INTO {monthly} ({mcols}) SELECT %s, month, %s, 2, {regency}, measure, COUNT(*), SUM(amount)"  # noqa: S608
            f" FROM {fact} WHERE year = %s GROUP BY month, {regency}, measure", [year, basis, year])
        cursor.execute(
            f"INSERT INTO {monthly} ({mcols}) SELECT year, month, basis, 1, substr(region, 1, 2), measure, SUM(n),"  # noqa: S608
            f" SUM(amount) FROM {monthly} WHERE year = %s AND basis = %s AND level = 2"
            f" GROUP BY year, month, basis, substr(region, 1, 2), measure", [year, basis])
        cursor.execute(
            f"INSERT INTO {monthly} ({mcols}) SELECT year, month, basis, 0, '', measure, SUM(n), SUM(amount)"  # noqa: S608
            f" FROM {monthly} WHERE year = %s AND basis = %s AND region IN ({_in(every)})"
            f" GROUP BY year, month, basis, measure", [year, basis, *every])


def _year_figures(year: int, regencies: dict[str, list[str]]) -> None:
    """Replace every figure of ``year`` from its facts."""
    Figure.objects.filter(year=year).delete()
    MonthlyFigure.objects.filter(year=year).delete()
    for basis in ("d", "k"):
        _figures(year, basis, regencies)


def all_years() -> set[int]:
    """Every year with events — plus the years the figures hold that no longer have events."""
    years: set[int] = set()
    for source in SOURCES:
        years |= source.years()
    return years | set(Figure.objects.values_list("year", flat=True).distinct())


def changed_rows(*, since: dt.datetime) -> dict[str, list[int]] | None:
    """measure → the ids of its source rows changed after ``since`` (or whose person changed: moved); None when so
    many changed that a full rebuild is cheaper."""
    # The persons changed since then, looked up once (usually a handful); past a limit, a full rebuild is cheaper.
    moved = list(Person.objects.filter(updated_at__gt=since).values_list("pk", flat=True)[:MOVED_LIMIT + 1])
    if len(moved) > MOVED_LIMIT:
        return None
    out: dict[str, list[int]] = {}
    for source in SOURCES:
        pks = sorted(source.changed_rows(since, moved=moved)[:CHANGED_LIMIT + 1])
        if len(pks) > CHANGED_LIMIT:
            return None
        if pks:
            out[source.measure] = pks
    return out


def figures_refresh(*, now: dt.datetime, full: bool = False, years: set[int] | None = None) -> dict:
    """Bring the figures up to date (see the module's docstring). Sisnaker itself acts: no user, no audit row (the
    figures are a copy; the modules' own audit trail says who changed what). Two refreshes never run at once
    (the state row is locked on PostgreSQL). Returns what was done: {"years": [...], "units": [(year, basis,
    province), ...] (the provinces rebuilt by an incremental refresh; empty when whole years were), "rows": source rows
    replaced, "seconds": s, "full": b}."""
    started = time.monotonic()
    units: set[tuple[int, str, str]] = set()
    replaced = 0
    with transaction.atomic():
        state, _ = RefreshState.objects.select_for_update().get_or_create(id=1)
        chosen = years is not None
        if chosen:  # chosen years, rebuilt whole: the other years' changes and the daily full rebuild stay due
            full = False
        else:
            full = full or state.full_at is None or now - state.full_at >= FULL_EVERY or state.watermark is None
        regencies = _regencies()
        changed = None
        if years is None and not full:
            changed = changed_rows(since=state.watermark - WATERMARK_MARGIN)
            full = changed is None
        if changed is not None:  # incremental: the facts of the changed rows, and the figures by their difference
            delta: list[tuple[int, tuple]] = []
            for source in SOURCES:
                pks = changed.get(source.measure, [])
                replaced += len(pks)
                if pks:
                    delta.extend(_row_facts(source, pks))
            units = _apply_delta(delta, regencies)
            years = {u[0] for u in units}
        else:
            if years is None:
                years = all_years()
                Fact.objects.exclude(year__in=years).delete()  # staging rows of a year with no events left
            for year in sorted(years):
                with transaction.atomic():
                    _year_facts(year)
                    _year_figures(year, regencies)
        if not chosen:
            state.watermark = now
        state.refreshed_at = now
        if full:
            state.full_at = now
        state.years = sorted(years)
        state.seconds = round(time.monotonic() - started, 3)
        state.save()
    logger.info("figures refreshed: years %s (%d year-basis-province units) in %.1f s%s", sorted(years), len(units), state.seconds,
                " (full)" if full else "")
    return {"years": sorted(years), "units": sorted(units), "rows": replaced, "seconds": state.seconds, "full": full}
