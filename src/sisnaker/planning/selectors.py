"""Reads of training-needs planning: the plans a viewer may see, one plan, and the gap table that sets a region's
proposals beside demand and supply — all set-based (GROUP BY), a fixed number of queries whatever the number of
vocational fields or plans.

* **Demand** of an area: open vacancies (published — not closed or filled — and ``closes_on`` today or later) whose
  work location (``Vacancy.regency``/``province``) lies in the area: the sum of openings minus filled, per
  vocational field (vacancies without one are counted apart).
* **Supply**: alumni (``Enrollment`` graduated) of programs of each vocational field who live in the area
  (``Person.domicile_district`` → regency → province), counted once per person and field, whose training ended in
  the last ``alumni_years`` years (0: all); of them, **job seekers**: those holding a valid AK/1 card (issued, not
  ended, issued less than two years ago). The AK/1 holders of the area's offices are counted as well (all fields).
* **Proposed**: the plan's own lines; for a roll-up of an area, the lines of every *submitted* plan inside it (the
  area's own and its regencies').
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from sisnaker.accounts.models import User
from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import Role
from sisnaker.placement import domain as placement_domain
from sisnaker.placement.matching import card_issued_after
from sisnaker.placement.models import JobSeekerCard, Vacancy
from sisnaker.regions.models import Province, Regency
from sisnaker.training.domain import EnrollmentState
from sisnaker.training.models import Enrollment, VocationalField

from . import domain
from .codes import Code
from .models import Plan, PlanLine
from .services import PLAN_NOT_FOUND, Area, deadline_month_day

NO_AREA = Msg("Akun Anda tidak memiliki wilayah kerja untuk perencanaan pelatihan.",
              "Your account has no area of responsibility for training-needs planning.")


# --- who sees what ------------------------------------------------------------------------------------------

def is_national(viewer: User) -> bool:
    return any(g.role in (Role.ADMIN, Role.CURATOR, Role.PMO_OFFICER) for g in getattr(viewer, "grants", ()))


def officer_areas(viewer: User) -> list[str]:
    """The region codes of the viewer's regional-officer grants ("32", "32.73"), in order."""
    return sorted({g.region_code for g in getattr(viewer, "grants", ())
                   if g.role == Role.REGIONAL_OFFICER and g.region_code})


def _in_areas(codes: list[str], *, regency: str, province: str) -> Q:
    """Rows whose regency (or, for a province area, province) field lies in one of ``codes``."""
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(**{regency: code}) if "." in code else Q(**{province: code})
    return q


def plans_visible(*, viewer: User, year: int | None = None) -> list[Plan]:
    """The plans the viewer may open (their area's and, for a province office, its regencies'; the nation for
    national roles), with ``people`` (total proposed) and ``fields`` (lines) annotated. One query."""
    require(viewer, "planning.list")
    plans = Plan.objects.select_related("province", "regency")
    if not is_national(viewer):
        areas = officer_areas(viewer)
        if not areas:
            raise PermissionDenied(NO_AREA)
        plans = plans.filter(_in_areas(areas, regency="regency_id", province="province_id"))
    if year:
        plans = plans.filter(year=year)
    return list(plans.annotate(people=Sum("lines__people"), fields=Count("lines")).order_by("-year", "province_id",
                                                                                           F("regency_id").asc(nulls_first=True)))


def plan_get(*, viewer: User, plan_id: int) -> Plan:
    plan = Plan.objects.select_related("province", "regency", "submitted_by", "returned_by").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(PLAN_NOT_FOUND, code=Code.PLAN_NOT_FOUND)
    require(viewer, "planning.view", plan)
    return plan


@dataclass(frozen=True)
class PlanFacts:
    deadline: dt.date
    late: bool
    may_propose: bool
    may_return: bool
    actions: list[str]  # the transitions this viewer may press now


def plan_facts(*, viewer: User, plan: Plan, today: dt.date) -> PlanFacts:
    month_day = deadline_month_day()
    due = domain.deadline(plan.year, month_day)
    may_propose, may_return = can(viewer, "planning.propose", plan), can(viewer, "planning.return", plan)
    actions = [a for a in domain.actions_for(plan.status)
               if (may_return if domain.ACTOR_OF[a] == "ministry" else may_propose)
               and not (a == "reopen" and domain.reopen_blocker(year=plan.year, today=today, month_day=month_day))]
    late = plan.submitted_at is not None and domain.is_late(year=plan.year, submitted_on=plan.submitted_at.date(),
                                                            month_day=month_day)
    return PlanFacts(deadline=due, late=late, may_propose=may_propose, may_return=may_return, actions=actions)


def own_area_choices(viewer: User) -> list[tuple[str, str]]:
    """The areas the viewer may make a plan for (their own offices), as (code, name)."""
    areas = officer_areas(viewer)
    names = dict(Province.objects.filter(code__in=[a for a in areas if "." not in a]).values_list("code", "name"))
    names |= dict(Regency.objects.filter(code__in=[a for a in areas if "." in a]).values_list("code", "name"))
    return [(a, names[a]) for a in areas if a in names]


def area_name(code: str) -> str | None:
    model = Regency if "." in code else Province
    return model.objects.filter(code=code).values_list("name", flat=True).first()


# --- the gap table ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GapRow:
    field_id: int
    code: str
    name: str
    proposed: int
    reason: str
    line_id: int | None
    demand: int
    alumni: int
    seekers: int
    reading: domain.Reading

    @property
    def gap(self) -> int:
        return self.reading.gap


@dataclass(frozen=True)
class GapTable:
    area_code: str
    year: int
    today: dt.date
    alumni_years: int
    rows: list[GapRow]
    demand_without_field: int  # open vacancies of the area with no vocational field
    ak1_holders: int  # people holding a valid AK/1 card of the area's offices (all fields)
    totals: dict[str, int] = field(default_factory=dict)


def _demand(area_code: str, today: dt.date) -> dict[int | None, int]:
    where = Q(regency_id=area_code) if "." in area_code else Q(province_id=area_code)
    rows = (Vacancy.objects.filter(where, status=placement_domain.VacancyStatus.PUBLISHED, closes_on__gte=today)
            .values("vocational_field_id").annotate(n=Sum(F("openings") - F("filled"))).order_by())
    return {r["vocational_field_id"]: int(r["n"] or 0) for r in rows}


def _valid_cards(today: dt.date) -> QuerySet[JobSeekerCard]:
    return JobSeekerCard.objects.filter(status=placement_domain.CardStatus.ISSUED, ended_on__isnull=True,
                                        issued_on__gt=card_issued_after(today))


def _supply(area_code: str, today: dt.date, alumni_years: int) -> dict[int, tuple[int, int]]:
    """field id → (alumni, of whom job seekers with a valid AK/1 card). One GROUP BY query."""
    alumni = Enrollment.objects.filter(state=EnrollmentState.GRADUATED,
                                       person__domicile_district__code__startswith=area_code + ".")
    since = domain.alumni_since(today=today, years=alumni_years)
    if since is not None:
        alumni = alumni.filter(program__end_date__gte=since)
    rows = (alumni.alias(seeker=Exists(_valid_cards(today).filter(person_id=OuterRef("person_id"))))
            .values("program__vocational_field_id")
            .annotate(alumni=Count("person_id", distinct=True),
                      seekers=Count("person_id", distinct=True, filter=Q(seeker=True)))
            .order_by())
    return {r["program__vocational_field_id"]: (r["alumni"], r["seekers"]) for r in rows}


def _ak1_holders(area_code: str, today: dt.date) -> int:
    where = Q(regency_id=area_code) if "." in area_code else Q(regency__code__startswith=area_code + ".")
    return _valid_cards(today).filter(where).aggregate(n=Count("person_id", distinct=True))["n"] or 0


def gap_table(*, area_code: str, year: int, today: dt.date, alumni_years: int = domain.DEFAULT_ALUMNI_YEARS,
              lines: list[PlanLine] | None = None, proposed: dict[int, int] | None = None) -> GapTable:
    """Per vocational field: proposed vs demand vs supply, sorted by gap (largest first). ``lines`` are one plan's
    (with their reasons); ``proposed`` a roll-up's people per field. Five queries, whatever the number of fields."""
    demand = _demand(area_code, today)
    supply = _supply(area_code, today, alumni_years)
    people = {ln.vocational_field_id: ln.people for ln in lines or ()} | (proposed or {})
    by_field = {ln.vocational_field_id: ln for ln in lines or ()}
    ids = {k for k in demand if k is not None} | set(supply) | set(people)
    fields = {f.pk: f for f in VocationalField.objects.filter(pk__in=ids).only("id", "code", "name")}
    rows = []
    for fid in ids:
        f = fields.get(fid)
        if f is None:
            continue
        a, s = supply.get(fid, (0, 0))
        d, p = demand.get(fid, 0), people.get(fid, 0)
        line = by_field.get(fid)
        rows.append(GapRow(field_id=fid, code=f.code, name=f.name, proposed=p, reason=line.reason if line else "",
                           line_id=line.pk if line else None, demand=d, alumni=a, seekers=s,
                           reading=domain.reading(demand=d, alumni=a, seekers=s, proposed=p)))
    rows.sort(key=lambda r: domain.gap_order(gap=r.gap, proposed=r.proposed, name=r.name))
    totals = {"proposed": sum(r.proposed for r in rows), "demand": sum(r.demand for r in rows),
              "alumni": sum(r.alumni for r in rows), "seekers": sum(r.seekers for r in rows),
              "remaining": sum(r.reading.remaining for r in rows)}
    return GapTable(area_code=area_code, year=year, today=today, alumni_years=alumni_years, rows=rows,
                    demand_without_field=demand.get(None, 0), ak1_holders=_ak1_holders(area_code, today), totals=totals)


def plan_gap_table(*, plan: Plan, today: dt.date, alumni_years: int = domain.DEFAULT_ALUMNI_YEARS) -> GapTable:
    lines = list(plan.lines.all())
    return gap_table(area_code=plan.region_code, year=plan.year, today=today, alumni_years=alumni_years, lines=lines)


# --- roll-ups ----------------------------------------------------------------------------------------------

def _submitted_in(area_code: str, year: int) -> QuerySet[PlanLine]:
    lines = PlanLine.objects.filter(plan__year=year, plan__status=domain.PlanStatus.SUBMITTED)
    return lines.filter(plan__regency_id=area_code) if "." in area_code else lines.filter(plan__province_id=area_code)


@dataclass(frozen=True)
class AreaRollup:
    code: str
    name: str
    table: GapTable
    plans: list[Plan]


def area_rollup(*, viewer: User, area_code: str, year: int, today: dt.date,
                alumni_years: int = domain.DEFAULT_ALUMNI_YEARS) -> AreaRollup:
    """A province's roll-up (its office and the ministry): the gap table of the whole province with the people of
    every submitted plan inside it, and the list of its plans (every status)."""
    area_code = (area_code or "").strip()
    name = area_name(area_code) if area_code and "." not in area_code else None
    if name is None:
        raise NotFound(Msg("Provinsi tidak ditemukan.", "Province not found."), code=Code.PLAN_REGION)
    require(viewer, "planning.view", Area(area_code))
    proposed = {r["vocational_field_id"]: int(r["n"]) for r in _submitted_in(area_code, year)
                .values("vocational_field_id").annotate(n=Sum("people")).order_by()}
    table = gap_table(area_code=area_code, year=year, today=today, alumni_years=alumni_years, proposed=proposed)
    plans = list(Plan.objects.filter(province_id=area_code, year=year).select_related("province", "regency")
                 .annotate(people=Sum("lines__people"), fields=Count("lines"))
                 .order_by(F("regency_id").asc(nulls_first=True)))
    return AreaRollup(code=area_code, name=name, table=table, plans=plans)


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str
    plans: int  # plans of the province and its regencies, any status
    submitted: int
    proposed: int  # people in submitted plans
    demand: int
    alumni: int
    gap: int


def national_by_province(*, viewer: User, year: int, today: dt.date,
                         alumni_years: int = domain.DEFAULT_ALUMNI_YEARS) -> list[ProvinceRow]:
    """The nation by province (ministry, PMO): plans, people proposed in submitted plans, demand and alumni. Four
    GROUP BY queries and the provinces' names."""
    require(viewer, "planning.list")
    if not is_national(viewer):
        raise PermissionDenied(Msg("Rekap nasional untuk Kementerian.", "The national roll-up is for the ministry."))
    plans = {r["province_id"]: r for r in Plan.objects.filter(year=year).values("province_id").annotate(
        n=Count("id"), submitted=Count("id", filter=Q(status=domain.PlanStatus.SUBMITTED))).order_by()}
    proposed = dict(PlanLine.objects.filter(plan__year=year, plan__status=domain.PlanStatus.SUBMITTED)
                    .values("plan__province_id").annotate(n=Sum("people")).order_by().values_list("plan__province_id", "n"))
    demand = dict(Vacancy.objects.filter(status=placement_domain.VacancyStatus.PUBLISHED, closes_on__gte=today)
                  .values("province_id").annotate(n=Sum(F("openings") - F("filled"))).order_by().values_list("province_id", "n"))
    alumni = Enrollment.objects.filter(state=EnrollmentState.GRADUATED)
    since = domain.alumni_since(today=today, years=alumni_years)
    if since is not None:
        alumni = alumni.filter(program__end_date__gte=since)
    key = "person__domicile_district__regency__province_id"
    supply = dict(alumni.values(key).annotate(n=Count("person_id", distinct=True)).order_by().values_list(key, "n"))
    rows = []
    for code, name in Province.objects.order_by("code").values_list("code", "name"):
        p = plans.get(code, {})
        d, a = int(demand.get(code) or 0), int(supply.get(code) or 0)
        rows.append(ProvinceRow(code=code, name=name, plans=p.get("n", 0), submitted=p.get("submitted", 0),
                                proposed=int(proposed.get(code) or 0), demand=d, alumni=a, gap=d - a))
    return rows
