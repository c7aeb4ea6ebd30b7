"""Inclusion figures of Kartu Prakerja (issue 11 "Inclusion figures and the regions"): per wave and overall, how many
applied, were eligible, were selected and hold a card — by region, sex, disability, age group, Java or not — and,
for a regional officer, the residents of their area who applied.

Reads only. Each breakdown is ONE ``GROUP BY`` query over the applications for the counts (never a query per row or
per group) and one for the incentives paid: the measures are conditional counts (``COLUMNS``), the dimension one
expression (``BREAKDOWNS``). "Incentives paid" (how many payments, how much) are the payments app's payables of kind
``prakerja`` with status ``paid`` of the application's card, in their own query so the purchases never multiply them.

* **Adding a column** is one line in ``COLUMNS`` (a key, its bilingual label and the filter of what it counts), e.g.
  ``Column("trained", Msg("Selesai pelatihan", "Trained"), Q(card__purchases__status="completed"))`` once the
  purchases exist; the page, the .xlsx and the .csv take every column from there.
* **Scope** (``Scope``, from ``scope_of(user)``): always the user's role, never the request. PMO officers (and
  administrators) see the nation; a regional officer sees the residents of their province or regency, counted by
  the region of the KTP (the NIK's regency, ``basis="ktp"``) or by domicile (the domicile district,
  ``basis="domicile"``) — the basis is the only thing the viewer picks.
* **Region, Java**: where the person is counted follows the basis — the KTP's (NIK's) region, or the domicile's.
* **Age** is counted in completed years on the opening day of the application's wave (the eligibility rule's day):
  per wave one threshold per group; overall one ``CASE`` with each wave's thresholds, still one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Concat

from sisnaker.core.errors import Msg
from sisnaker.core.roles import Role
from sisnaker.regions.models import Province, Regency

from .domain import ApplicationStatus, CardStatus
from .models import Application, Wave

S = ApplicationStatus
JAVA_PROVINCES = ("31", "32", "33", "34", "35", "36")  # DKI Jakarta, Jawa Barat, Jawa Tengah, DI Yogyakarta, Jawa Timur, Banten
AGE_GROUPS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64))
OTHER_AGE = "other"
BASES = ("ktp", "domicile")

APPLIED = (S.SUBMITTED, S.ELIGIBLE, S.INELIGIBLE)  # registered or later (the draw rewrites no application)
ELIGIBLE = (S.ELIGIBLE,)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: Msg
    counts: Q | None = None  # which applications this column counts
    # Or a measure of the money paid (``PAID``): the aggregate over the card's paid incentives, counted in a query of
    # its own (``_paid_measures``), so that the purchases joined by the other columns never multiply it.
    paid: str = ""


# The Kartu Prakerja incentives actually paid (payments: kind ``prakerja``, status ``paid``) of an application's card:
# the card holder's payables whose key names the card (``prakerja-incentive:<card>:<n>``, ``prakerja-survey:<card>:<n>``).
PAYABLE = "card__person__payables"
PAID = Q(**{f"{PAYABLE}__kind": "prakerja", f"{PAYABLE}__status": "paid",
            f"{PAYABLE}__idempotency_key__contains": Concat(Value(":"), F("card__number"), Value(":"), output_field=CharField())})


# The measures, in the order shown. One line each (see the module's docstring).
COLUMNS: tuple[Column, ...] = (
    Column("applicants", Msg("Pendaftar", "Applicants"), Q(status__in=APPLIED)),
    Column("eligible", Msg("Memenuhi syarat", "Eligible"), Q(status__in=ELIGIBLE)),
    Column("selected", Msg("Lolos", "Selected"), Q(selection__isnull=False)),
    Column("card_active", Msg("Kartu aktif", "Active cards"), Q(card__status=CardStatus.ACTIVE)),
    Column("card_expired", Msg("Kartu kedaluwarsa (saldo kembali)", "Expired cards (balance returned)"),
           Q(card__status=CardStatus.EXPIRED)),
    # Through the purchases (a card may have several: the counts are DISTINCT applications, ``_measures``).
    Column("trained", Msg("Selesai pelatihan", "Trained"), Q(card__purchases__status="completed")),
    Column("certified", Msg("Bersertifikat", "Certified"), Q(card__purchases__status="completed",
                                                              card__purchases__enrollment__certificates__isnull=False,
                                                              card__purchases__enrollment__certificates__revoked_at__isnull=True)),
    # Money actually paid: how many incentive payments (post-training instalments and surveys) and how much.
    Column("incentives_paid", Msg("Insentif dibayar (kali)", "Incentives paid (payments)"), paid="count"),
    Column("incentives_paid_amount", Msg("Insentif dibayar (Rp)", "Incentives paid (Rp)"), paid="amount"),
)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures: the nation (``areas`` empty and ``national``) or the residents of ``areas`` (region codes)."""

    national: bool
    areas: tuple[str, ...] = ()
    basis: str = "ktp"

    def applications(self) -> Q:
        if self.national:
            return Q()
        column = "nik_regency" if self.basis == "ktp" else "domicile_district"
        area = Q(pk__in=[])
        for code in self.areas:
            area |= Q(**{f"{column}_id": code}) | Q(**{f"{column}__code__startswith": code + "."})
        return area

    @property
    def region_level(self) -> str:
        """The region of the first breakdown: provinces for the nation, regencies for an area."""
        return "province" if self.national else "regency"


def scope_of(user, *, basis: str = "ktp") -> Scope | None:
    """The user's scope from their roles (None: no figures for them). ``basis`` only chooses how an area's residents
    are counted; it never widens what the user sees."""
    grants = tuple(getattr(user, "grants", ()))
    basis = basis if basis in BASES else "ktp"
    if any(g.role in (Role.ADMIN, Role.PMO_OFFICER) for g in grants):
        return Scope(national=True, basis=basis)
    areas = tuple(sorted({g.region_code for g in grants if g.role == Role.REGIONAL_OFFICER and g.region_code}))
    if not areas:
        return None
    return Scope(national=False, areas=areas, basis=basis)


# --- breakdowns ---------------------------------------------------------------------------------------------

def years_before(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is ``years`` old on ``day`` (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_group_label(key: str) -> str:
    return str(Msg("Lainnya", "Other")) if key == OTHER_AGE else key


def _age_expression(waves: list[Wave]):
    """The age group (``"18–24"`` …, or ``OTHER_AGE``) of an application on its wave's opening day."""
    whens = []
    for wave in waves:
        day = wave.opens_on
        for low, high in AGE_GROUPS:
            # low <= age <= high  ⇔  born after (day − (high+1) years) and on or before (day − low years)
            whens.append(When(Q(wave_id=wave.pk, birth_date__lte=years_before(day, low), birth_date__gt=years_before(day, high + 1)),
                              then=Value(f"{low}–{high}")))
    return Case(*whens, default=Value(OTHER_AGE), output_field=CharField())


def _dimension(key: str, scope: Scope, waves: list[Wave]):
    ktp = scope.basis == "ktp"
    if key == "region":
        if scope.national:
            return "province_id" if ktp else "domicile_district__regency__province_id"
        return "nik_regency_id" if ktp else "domicile_district__regency_id"
    if key == "sex":
        return "sex"
    if key == "disability":
        return Case(When(has_disability=True, then=Value("yes")), default=Value("no"), output_field=CharField())
    if key == "age":
        return _age_expression(waves)
    if key == "java":
        where = Q(province_id__in=JAVA_PROVINCES) if ktp else Q(domicile_district__regency__province_id__in=JAVA_PROVINCES)
        return Case(When(where, then=Value("java")), default=Value("outside"), output_field=CharField())
    raise KeyError(key)


BREAKDOWNS = (
    ("region", Msg("Wilayah", "Region")),
    ("sex", Msg("Jenis kelamin", "Sex")),
    ("disability", Msg("Disabilitas", "Disability")),
    ("age", Msg("Kelompok umur", "Age group")),
    ("java", Msg("Jawa dan luar Jawa", "Java and outside Java")),
)
FIXED_ORDER = {
    "sex": ("F", "M"),
    "disability": ("yes", "no"),
    "age": tuple(f"{lo}–{hi}" for lo, hi in AGE_GROUPS) + (OTHER_AGE,),
    "java": ("java", "outside"),
}
LABELS = {
    "sex": {"F": Msg("Perempuan", "Female"), "M": Msg("Laki-laki", "Male")},
    "disability": {"yes": Msg("Penyandang disabilitas", "With a disability"), "no": Msg("Tanpa disabilitas", "Without a disability")},
    "java": {"java": Msg("Pulau Jawa", "Java"), "outside": Msg("Luar Jawa", "Outside Java")},
}


@dataclass(frozen=True, slots=True)
class Row:
    value: str
    label: str
    counts: dict[str, int]  # column key → n

    @property
    def cells(self) -> list[int]:
        return [self.counts[c.key] for c in COLUMNS]


@dataclass
class Table:
    key: str
    title: Msg
    rows: list[Row] = field(default_factory=list)
    total: dict[str, int] = field(default_factory=dict)

    @property
    def total_cells(self) -> list[int]:
        return [self.total[c.key] for c in COLUMNS]


@dataclass
class Figures:
    scope: Scope
    wave: Wave | None
    columns: tuple[Column, ...]
    tables: list[Table]
    total: dict[str, int]

    @property
    def total_cells(self) -> list[int]:
        return [self.total[c.key] for c in self.columns]


def _base(scope: Scope, wave: Wave | None) -> QuerySet:
    qs = Application.objects.filter(scope.applications())
    return qs.filter(wave=wave) if wave is not None else qs


def _measures() -> dict:
    # DISTINCT: a column through the purchases joins a card's several purchases; each application counts once.
    return {c.key: Count("pk", filter=c.counts, distinct=True) for c in COLUMNS if not c.paid}


def _paid_measures() -> dict:
    # One row per paid payable of the card (no other join): the count and the sum are exact.
    found = {"count": Count(f"{PAYABLE}__pk", filter=PAID, distinct=True),
             "amount": Coalesce(Sum(f"{PAYABLE}__amount", filter=PAID), 0)}
    return {c.key: found[c.paid] for c in COLUMNS if c.paid}


def _grouped(qs: QuerySet, dim, measures: dict) -> dict:
    grouped = qs.annotate(group=F(dim) if isinstance(dim, str) else dim).values("group")
    return {row.pop("group"): row for row in grouped.annotate(**measures).order_by()}


def _labels(key: str, scope: Scope, values) -> dict[str, str]:
    if key == "region":
        if scope.national:
            return dict(Province.objects.values_list("code", "name"))
        return {code: f"{name} ({code})" for code, name in Regency.objects.filter(code__in=list(values)).values_list("code", "name")}
    if key == "age":
        return {v: age_group_label(v) for v in values}
    return {v: str(LABELS[key][v]) if v in LABELS.get(key, {}) else str(v) for v in values}


def breakdown(key: str, title: Msg, *, scope: Scope, wave: Wave | None, waves: list[Wave]) -> Table:
    """One table: one GROUP BY query for the counts and one for the money paid; every group of the dimension that has
    applications, in a fixed order."""
    dim = _dimension(key, scope, waves)
    qs = _base(scope, wave)
    counted = _grouped(qs, dim, _measures())
    for group, paid in _grouped(qs.filter(card__isnull=False), dim, _paid_measures()).items():
        counted.setdefault(group, dict.fromkeys([c.key for c in COLUMNS if not c.paid], 0)).update(paid)
    fixed = FIXED_ORDER.get(key, ())
    order = (*fixed, *sorted((v for v in counted if v not in fixed), key=str))
    labels = _labels(key, scope, counted)
    table = Table(key=key, title=title)
    for value in order:
        row = counted.get(value)
        if row is None and value not in fixed:
            continue
        row = row or {}
        table.rows.append(Row(value, labels.get(value, str(value)), {c.key: row.get(c.key, 0) for c in COLUMNS}))
    table.total = {c.key: sum(r.counts[c.key] for r in table.rows) for c in COLUMNS}
    return table


def figures(*, scope: Scope, wave: Wave | None) -> Figures:
    """Every breakdown of ``scope``'s applications, of one wave or of all (``wave=None``): one query per table and
    one for the total."""
    waves = [wave] if wave is not None else list(Wave.objects.only("pk", "opens_on"))
    tables = [breakdown(key, title, scope=scope, wave=wave, waves=waves) for key, title in BREAKDOWNS]
    total = _base(scope, wave).aggregate(**_measures()) | _base(scope, wave).filter(card__isnull=False).aggregate(**_paid_measures())
    return Figures(scope=scope, wave=wave, columns=COLUMNS, tables=tables, total=total)


def waves_for_figures() -> list[Wave]:
    """The waves one may pick (those that took applications)."""
    return list(Wave.objects.exclude(status="draft").order_by("-number"))


# --- the residents of an area who applied ----------------------------------------------------------------------

def residents(scope: Scope, *, wave: Wave | None = None) -> QuerySet[Application]:
    """The applications of ``scope``'s residents (newest wave first), with what the list shows. Confirmed
    applications only (those still waiting for their codes are not applications yet)."""
    qs = _base(scope, wave).filter(status__in=(*APPLIED, S.REVIEW))
    return (qs.select_related("wave", "selection", "nik_regency", "domicile_district")
            .only("pk", "full_name", "status", "reason", "nik_encrypted", "person_id", "wave__number", "wave__name",
                  "wave__status", "selection__rank", "nik_regency__name", "domicile_district__name")
            .order_by("-wave__number", "full_name", "pk"))
