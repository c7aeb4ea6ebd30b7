"""Writes of the reporting read model: rebuilding the figures from the modules' rows (``figures_refresh``).

The figures are rebuilt a year at a time, each year in one transaction (readers see the old year or the new one,
never half): the year's ``Fact`` rows are replaced by one ``INSERT … SELECT`` per measure (``sources``), then its
``Figure`` and ``MonthlyFigure`` rows by ``GROUP BY`` over the facts and roll-ups of the regency rows — a fixed
number of statements whatever the number of persons, nothing row by row in Python.

Which years: the incremental refresh (every housekeeping pass, ``tasks.figures_refresh_due``) takes the years of
the events whose rows changed since the last refresh's start (``RefreshState.watermark``, less a margin for
transactions that were still open then); once a day, and with ``full=True`` (``sisnaker figures --full``), every
year is rebuilt, which also catches what no timestamp tells (a row deleted, an event moved to another year).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import connection, transaction

from sisnaker.accounts.models import Person

from .domain import DIMENSION_KEYS
from .models import Fact, Figure, MonthlyFigure, RefreshState

# Every SQL text below is built from the models' own quoted table names and fixed column expressions of this
# module; the values (year, basis, dim) are parameters.
from .sources import FACT_COLUMNS, SOURCES

logger = logging.getLogger("sisnaker.reporting")

# Rows committed after the last refresh began may carry an earlier time (their transaction was open then).
WATERMARK_MARGIN = dt.timedelta(minutes=10)
FULL_EVERY = dt.timedelta(hours=24)
MOVED_LIMIT = 20_000

# The region of a fact at each level, under each basis (SQL over the fact table's columns).
_REGENCY = {"d": "substr(dom_district, 1, 5)", "k": "ktp_regency"}
_DISTRICT = {"d": "dom_district", "k": "ktp_district"}
_DIM_COLUMN = {"sex": "sex", "age": "age", "education": "education", "disability": "disability", "field": "field",
               "funding": "funding", "institution": "institution"}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


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


def _year_figures(year: int) -> None:
    """Replace the figures of ``year`` from its facts (see the module's docstring)."""
    Figure.objects.filter(year=year).delete()
    MonthlyFigure.objects.filter(year=year).delete()
    fact, figure, monthly = (_q(m._meta.db_table) for m in (Fact, Figure, MonthlyFigure))
    cols = "year, basis, level, region, parent, measure, dim, value, n, amount"
    mcols = "year, month, basis, level, region, measure, n, amount"
    with connection.cursor() as cursor:
        for basis in ("d", "k"):
            regency, district = _REGENCY[basis], _DISTRICT[basis]
            # Regencies: the total and every breakdown.
            for dim in ("all", *DIMENSION_KEYS):
                value = "''" if dim == "all" else _DIM_COLUMN[dim]
                group = "" if dim == "all" else f", {value}"  # PostgreSQL refuses a constant in GROUP BY
                cursor.execute(
                    f"INSERT INTO {figure} ({cols}) SELECT %s, %s, 2, {regency}, substr({regency}, 1, 2), measure, %s,"  # noqa: S608
                    f" {value}, COUNT(*), SUM(amount) FROM {fact} WHERE year = %s GROUP BY {regency}, measure{group}",
                    [year, basis, dim, year])
            # Districts: the totals (the last step of the drill-down).
            cursor.execute(
                f"INSERT INTO {figure} ({cols}) SELECT %s, %s, 3, {district}, substr({district}, 1, 5), measure, 'all',"  # noqa: S608
                f" '', COUNT(*), SUM(amount) FROM {fact} WHERE year = %s AND {district} <> '' GROUP BY {district}, measure",
                [year, basis, year])
            # Provinces and the nation: sums of the regencies.
            cursor.execute(
                f"INSERT INTO {figure} ({cols}) SELECT year, basis, 1, substr(region, 1, 2), '', measure, dim, value,"  # noqa: S608
                f" SUM(n), SUM(amount) FROM {figure} WHERE year = %s AND basis = %s AND level = 2"
                f" GROUP BY year, basis, substr(region, 1, 2), measure, dim, value", [year, basis])
            cursor.execute(
                f"INSERT INTO {figure} ({cols}) SELECT year, basis, 0, '', '-', measure, dim, value, SUM(n), SUM(amount)"  # noqa: S608
                f" FROM {figure} WHERE year = %s AND basis = %s AND level = 1 GROUP BY year, basis, measure, dim, value",
                [year, basis])
            # Months (totals): regencies, then provinces and the nation.
            cursor.execute(
                f"INSERT INTO {monthly} ({mcols}) SELECT %s, month, %s, 2, {regency}, measure, COUNT(*), SUM(amount)"  # noqa: S608
                f" FROM {fact} WHERE year = %s GROUP BY month, {regency}, measure", [year, basis, year])
            for level, size in ((1, 2), (0, 0)):
                region = f"substr(region, 1, {size})" if size else "''"
                cursor.execute(
                    f"INSERT INTO {monthly} ({mcols}) SELECT year, month, basis, {level}, {region}, measure, SUM(n),"  # noqa: S608
                    f" SUM(amount) FROM {monthly} WHERE year = %s AND basis = %s AND level = {level + 1}"
                    f" GROUP BY year, month, basis{', ' + region if size else ''}, measure", [year, basis])


def dirty_years(*, since: dt.datetime | None) -> set[int]:
    """The years whose figures may be out of date: every year with events (``since`` None), or the years of the
    events whose rows changed after ``since`` — plus the years the figures hold that no longer have events."""
    if since is None:
        years: set[int] = set()
        for source in SOURCES:
            years |= source.years()
        return years | set(Figure.objects.values_list("year", flat=True).distinct())
    # The persons changed since then, looked up once (usually a handful); past a limit, a full rebuild is cheaper.
    moved = list(Person.objects.filter(updated_at__gt=since).values_list("pk", flat=True)[:MOVED_LIMIT + 1])
    if len(moved) > MOVED_LIMIT:
        return dirty_years(since=None)
    years = set()
    for source in SOURCES:
        years |= source.changed_years(since, moved=moved)
    return years


def figures_refresh(*, now: dt.datetime, full: bool = False, years: set[int] | None = None) -> dict:
    """Bring the figures up to date (see the module's docstring). Sisnaker itself acts: no user, no audit row (the
    figures are a copy; the modules' own audit trail says who changed what). Two refreshes never run at once
    (the state row is locked on PostgreSQL). Returns what was done: {"years": [...], "seconds": s, "full": b}."""
    started = time.monotonic()
    with transaction.atomic():
        state, _ = RefreshState.objects.select_for_update().get_or_create(id=1)
        full = full or state.full_at is None or now - state.full_at >= FULL_EVERY
        if years is None:
            since = None if full else (state.watermark - WATERMARK_MARGIN if state.watermark else None)
            years = dirty_years(since=since)
        for year in sorted(years):
            with transaction.atomic():
                _year_facts(year)
                _year_figures(year)
        state.watermark = now
        state.refreshed_at = now
        if full:
            state.full_at = now
        state.years = sorted(years)
        state.seconds = round(time.monotonic() - started, 3)
        state.save()
    logger.info("figures refreshed: years %s in %.1f s%s", sorted(years), state.seconds, " (full)" if full else "")
    return {"years": sorted(years), "seconds": state.seconds, "full": full}
