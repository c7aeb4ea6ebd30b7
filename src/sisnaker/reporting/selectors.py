"""Reads of the dashboards: everything from the read model (``Figure``, ``MonthlyFigure``), a handful of indexed
queries per page whatever the size of the country, plus the names of what the figures point at (regions, fields,
institutions) for the rows shown.

``dashboard`` builds one page's tables: the totals, the children of the region (the drill-down), one breakdown,
and the months (the trend). ``public=True`` applies small-cell suppression (``domain.suppress``) to every table
and leaves out what the public page does not publish.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from sisnaker.accounts.models import Person
from sisnaker.core import replica
from sisnaker.core.errors import Msg
from sisnaker.institutions.models import Institution
from sisnaker.regions.models import District, Province, Regency
from sisnaker.training.models import Program, VocationalField

from . import domain
from .domain import MEASURES, Measure
from .models import Figure, MonthlyFigure, RefreshState

UNKNOWN = Msg("Tidak diketahui", "Unknown")
NATION = Msg("Indonesia", "Indonesia")


@dataclass(slots=True)
class Row:
    label: str
    key: str  # the region code or the breakdown value
    cells: list[int | None]  # None: hidden (public page)
    link: bool = False  # a region one can drill into


@dataclass(slots=True)
class Table:
    key: str
    title: str
    columns: list[Measure]
    rows: list[Row]
    total: list[int | None]
    note: str = ""


@dataclass(slots=True)
class Dashboard:
    region: str
    region_name: str
    path: list[tuple[str, str]]  # (code, name) from the nation down, for the breadcrumbs
    basis: str
    year: int | None
    years: list[int]
    measures: list[Measure]
    totals: dict[str, tuple[int | None, int]]  # measure → (count, rupiah)
    children: Table | None
    breakdown: Table | None
    dim: str
    trend: Table | None
    state: RefreshState | None
    public: bool = False
    map_values: dict[str, int] = field(default_factory=dict)  # province code → count of the map's measure
    map_measure: Measure | None = None

    @property
    def cards(self) -> list[tuple[Measure, int | None, int]]:
        return [(m, *self.totals[m.key]) for m in self.measures]


def region_name(code: str) -> str | None:
    """The name of a region code, or None when no such region exists."""
    level = domain.level_of(code)
    if level == domain.LEVEL_NATION:
        return str(NATION)
    model = {domain.LEVEL_PROVINCE: Province, domain.LEVEL_REGENCY: Regency, domain.LEVEL_DISTRICT: District}.get(level)
    if model is None:
        return None
    return model.objects.filter(code=code).values_list("name", flat=True).first()


def _names_of_regions(codes: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for model, size in ((Province, 2), (Regency, 5), (District, 8)):
        wanted = [c for c in codes if len(c) == size]
        if wanted:
            out.update(model.objects.filter(code__in=wanted).values_list("code", "name"))
    return out


def _value_labels(dim: str, values: list[str]) -> dict[str, str]:
    ids = [int(v) for v in values if v.isdigit()]
    if dim == "field":
        return {str(k): v for k, v in VocationalField.objects.filter(pk__in=ids).values_list("pk", "name")}
    if dim == "institution":
        return {str(k): v for k, v in Institution.objects.filter(pk__in=ids).values_list("pk", "name")}
    if dim == "funding":
        return {k: str(v) for k, v in Program.Funding.choices}
    if dim == "education":
        return {k: str(v) for k, v in Person.Education.choices}
    if dim == "sex":
        return {k: str(v) for k, v in domain.SEX_LABELS.items()}
    if dim == "disability":
        return {k: str(v) for k, v in domain.DISABILITY_LABELS.items()}
    return {v: v for v in values}


def years() -> list[int]:
    """The years with figures, newest first (the nation's totals: a handful of rows on the region index)."""
    rows = Figure.objects.filter(basis=domain.DEFAULT_BASIS, region="", dim="all").values_list("year", flat=True)
    return sorted(set(rows), reverse=True)


def state() -> RefreshState | None:
    return RefreshState.objects.filter(id=1).first()


def _pivot(qs, key: str, measures: list[Measure]) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    amounts: dict[str, dict[str, int]] = defaultdict(dict)
    wanted = {m.key for m in measures}
    for k, measure, n, amount in qs.values_list(key, "measure").annotate(n_=Sum("n"), a_=Sum("amount")).order_by():
        if measure in wanted:
            counts[k][measure] = n
            amounts[k][measure] = amount or 0
    return counts, amounts


def _table(key: str, title: str, measures: list[Measure], counts: dict[str, dict[str, int]], labels: dict[str, str],
           order: list[str], *, total: dict[str, int] | None, public: bool, link: bool = False,
           threshold: int = domain.DEFAULT_THRESHOLD) -> Table:
    rows = [Row(label=labels.get(k) or (k if k else str(UNKNOWN)), key=k, link=link,
                cells=[counts.get(k, {}).get(m.key, 0) for m in measures]) for k in order]
    totals: list[int | None] = [(total or {}).get(m.key, 0) if total is not None
                                else sum(r.cells[i] or 0 for r in rows) for i, m in enumerate(measures)]
    if public:
        for i in range(len(measures)):
            column = [r.cells[i] or 0 for r in rows]
            t = totals[i] or 0
            hidden = domain.suppress(column, total=t, threshold=threshold)
            for r, h in zip(rows, hidden, strict=True):
                if h:
                    r.cells[i] = None
            if domain.total_hidden(t, threshold=threshold):
                totals[i] = None
    return Table(key=key, title=title, columns=measures, rows=rows, total=totals)


@replica.reads()
def dashboard(*, region: str, basis: str, year: int | None, dim: str, public: bool = False, years_known: list[int] | None = None, threshold: int = domain.DEFAULT_THRESHOLD) -> Dashboard:
    """One dashboard page for ``region`` ("" the nation) — whose figures the caller may see is the caller's check
    (``domain.Scope.covers``). ``year`` None: every year added up."""
    measures = list(MEASURES)
    if public:  # money per region is the programme's own report, not the public page's
        measures = [m for m in measures if not m.money]
    base = Figure.objects.filter(basis=basis)
    if year is not None:
        base = base.filter(year=year)
    level = domain.level_of(region)

    # Totals of the region.
    counts, amounts = _pivot(base.filter(region=region, dim="all"), "region", measures)
    own = counts.get(region, {})
    totals = {m.key: (own.get(m.key, 0), amounts.get(region, {}).get(m.key, 0)) for m in measures}
    if public:
        totals = {k: (None if domain.total_hidden(n, threshold=threshold) else n, 0) for k, (n, _) in totals.items()}

    # The drill-down: the regions one level down.
    children = None
    if level < domain.LEVEL_DISTRICT:
        child_counts, _ = _pivot(base.filter(parent=region, dim="all", level=level + 1), "region", measures)
        order = sorted(child_counts)
        names = _names_of_regions(order)
        title = {domain.LEVEL_NATION: Msg("Provinsi", "Province"), domain.LEVEL_PROVINCE: Msg("Kabupaten/kota", "Regency/city"),
                 domain.LEVEL_REGENCY: Msg("Kecamatan", "District")}[level]
        children = _table("wilayah", str(title), measures, child_counts, names, order,
                          total=own, public=public,
                          link=level < domain.LEVEL_REGENCY or not public, threshold=threshold)
        if level == domain.LEVEL_REGENCY:
            children.note = str(Msg("Kecamatan dihitung bagi warga yang kecamatannya tercatat; jumlahnya bisa lebih "
                                    "kecil dari angka kabupaten/kota.",
                                    "Districts count the residents whose district is recorded; they may add up to "
                                    "less than the regency's figure."))

    # One breakdown (regions from the nation to the regencies keep them; a district has only its totals).
    breakdown = None
    dims = domain.PUBLIC_DIMENSIONS if public else domain.DIMENSION_KEYS
    dim = dim if dim in dims else dims[0]
    if level <= domain.LEVEL_REGENCY:
        dim_measures = [m for m in measures if m.training or dim not in domain.TRAINING_DIMENSIONS]
        dim_counts, _ = _pivot(base.filter(region=region, dim=dim), "value", dim_measures)
        order = sorted(dim_counts, key=lambda v: (v == "", v))
        labels = _value_labels(dim, order)
        if dim in ("field", "institution"):
            order.sort(key=lambda v: (v == "", labels.get(v, v)))
        title = str(domain.DIMENSION_LABELS[dim])
        # The region's own counts, not ``totals`` (on the public page a total under the threshold is already None
        # there): suppression must know the true total, and hides it itself.
        dim_total = {m.key: own.get(m.key, 0) for m in dim_measures}
        breakdown = _table(dim, title, dim_measures, dim_counts, labels, order, total=dim_total, public=public,
                           threshold=threshold)

    # The trend: totals per month (regions from the nation to the regencies).
    trend = None
    if level <= domain.LEVEL_REGENCY:
        monthly = MonthlyFigure.objects.filter(basis=basis, region=region)
        if year is not None:
            monthly = monthly.filter(year=year)
        month_counts: dict[str, dict[str, int]] = defaultdict(dict)
        for y, mth, measure, n in monthly.values_list("year", "month", "measure", "n"):
            month_counts[f"{y}-{mth:02d}"][measure] = n
        order = sorted(month_counts)
        # The months add up to the period's total, which is published: suppression must know it.
        trend = _table("bulan", str(Msg("Bulan", "Month")), measures, month_counts, {}, order,
                       total={m.key: own.get(m.key, 0) for m in measures}, public=public, threshold=threshold)

    map_values: dict[str, int] = {}
    if level == domain.LEVEL_NATION and children is not None:
        i = chart_column(children)
        map_values = {r.key: r.cells[i] for r in children.rows if r.cells[i] is not None}
        shown_on_map = measures[i]
    else:
        shown_on_map = None

    path = [(code, name) for code, name in _names_of_regions(domain.ancestors(region)[1:]).items()]
    path = [("", str(NATION)), *sorted(path, key=lambda p: len(p[0]))]
    return Dashboard(region=region, region_name=path[-1][1], path=path, basis=basis, year=year, years=years() if years_known is None else years_known,
                     measures=measures, totals=totals, children=children, breakdown=breakdown, dim=dim, trend=trend,
                     state=state(), public=public, map_values=map_values, map_measure=shown_on_map)


def chart_column(table: Table) -> int:
    """The column a bar chart draws: participants, or applicants when no one has begun a training in the period."""
    for key in ("participants", "applicants"):
        for i, m in enumerate(table.columns):
            if m.key == key and table.total[i]:
                return i
    return 0


def charts(d: Dashboard) -> dict:
    """What the charts draw (the tables beside them hold the same numbers)."""
    out: dict = {}
    if d.trend is not None and d.trend.rows:
        out["trend"] = {"labels": [r.label for r in d.trend.rows],
                        "series": [{"label": str(m.label), "data": [r.cells[i] for r in d.trend.rows]}
                                   for i, m in enumerate(d.trend.columns) if m.key in ("applicants", "participants", "alumni", "placed")]}
    if d.children is not None and d.children.rows:
        i = chart_column(d.children)
        out["children"] = {"labels": [r.label for r in d.children.rows], "label": str(d.children.columns[i].label),
                           "data": [r.cells[i] for r in d.children.rows]}
    if d.breakdown is not None and d.breakdown.rows:
        i = chart_column(d.breakdown)
        out["breakdown"] = {"labels": [r.label for r in d.breakdown.rows], "label": str(d.breakdown.columns[i].label),
                            "data": [r.cells[i] for r in d.breakdown.rows]}
    return out
