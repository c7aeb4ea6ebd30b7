"""Posko reads: the poskos a viewer may see with their counts, a posko's page (daily and weekly counts, outcomes of the
people helped there), an assisted citizen's page. Set-based: a fixed number of queries, whatever the number of poskos,
days or people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from sisnaker.accounts.models import Person, User
from sisnaker.core.errors import Msg, NotFound
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import Role
from sisnaker.institutions.models import Institution
from sisnaker.prakerja import selectors as prakerja_selectors
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application, Wave
from sisnaker.regions.domain import time_zone_for
from sisnaker.regions.models import Regency
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment, Program
from sisnaker.training.selectors import CatalogueFilters, catalogue

from . import domain
from .codes import Code
from .domain import AssistanceKind as K
from .domain import RecordOutcome
from .models import Assistance, Posko

DAYS, WEEKS = 14, 8
RECENT = 50
# Enrollment states that say how far an assisted person got in a training.
SELECTED_STATES = (E.SELECTED, E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT)
TRAINED_STATES = (E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT)
# Prakerja applications that went through (codes typed, identity accepted), whatever the draw said afterwards.
PRAKERJA_REGISTERED = (S.SUBMITTED, S.ELIGIBLE)  # or later: the draw rewrites no application

NOT_FOUND = Msg("Posko tidak ditemukan.", "Posko not found.")


def posko_today(posko: Posko, now: dt.datetime) -> dt.date:
    """Today in the posko's own time zone (WIB/WITA/WIT)."""
    return now.astimezone(ZoneInfo(time_zone_for(posko.regency_id))).date()


def _scope(viewer: User) -> Q | None:
    """The poskos a viewer's grants reach (None: all of them)."""
    q = Q(pk__in=[])
    for grant in getattr(viewer, "grants", ()):
        if grant.role in (Role.ADMIN, Role.CURATOR):
            return None
        if grant.role == Role.REGIONAL_OFFICER and grant.region_code:
            q |= Q(regency_id=grant.region_code) if "." in grant.region_code else Q(regency__province_id=grant.region_code)
        if grant.role == Role.INSTITUTION_MANAGER and grant.institution_approved and grant.institution_id:
            q |= Q(institution_id=grant.institution_id)
    return q


@dataclass
class PoskoRow:
    posko: Posko
    today: int = 0
    week: int = 0
    total: int = 0


def poskos_for(*, viewer: User, now: dt.datetime) -> list[PoskoRow]:
    """The poskos of the viewer's own scope (``posko.list``), each with today's, this week's and all its assistance
    (in its own time zone). Three queries."""
    require(viewer, "posko.list")
    scope = _scope(viewer)
    qs = Posko.objects.select_related("regency", "institution").order_by("-is_active", "regency_id", "name", "pk")
    poskos = list(qs if scope is None else qs.filter(scope))
    rows = {p.pk: PoskoRow(posko=p) for p in poskos}
    if not rows:
        return []
    since = min(domain.week_start(posko_today(p, now)) for p in poskos)
    for r in (Assistance.objects.filter(posko_id__in=rows, day__gte=since).values("posko_id", "day")
              .annotate(n=Count("pk")).order_by()):
        row = rows[r["posko_id"]]
        today = posko_today(row.posko, now)
        if r["day"] == today:
            row.today += r["n"]
        if domain.week_start(today) <= r["day"] <= today:
            row.week += r["n"]
    for r in Assistance.objects.filter(posko_id__in=rows).values("posko_id").annotate(n=Count("pk")).order_by():
        rows[r["posko_id"]].total = r["n"]
    return list(rows.values())


def create_options(*, viewer: User) -> tuple[QuerySet, QuerySet]:
    """The regencies and institutions a viewer may open a posko for (``posko.manage``'s scope), for the form's lists."""
    grants = getattr(viewer, "grants", ())
    if any(g.role == Role.ADMIN for g in grants):
        return (Regency.objects.select_related("province").order_by("code"),
                Institution.objects.filter(status=Institution.Status.APPROVED).order_by("name"))
    area = Q(pk__in=[])
    for g in grants:
        if g.role == Role.REGIONAL_OFFICER and g.region_code:
            area |= Q(code=g.region_code) if "." in g.region_code else Q(province_id=g.region_code)
    ids = [g.institution_id for g in grants if g.role == Role.INSTITUTION_MANAGER and g.institution_approved]
    institutions = Institution.objects.filter(pk__in=ids, status=Institution.Status.APPROVED).order_by("name")
    regencies = Regency.objects.filter(area | Q(code__in=institutions.values("regency_id"))).order_by("code")
    return regencies, institutions


@dataclass
class Outcomes:
    """What became of the people helped at a posko (distinct people; a Prakerja application counts once)."""

    people: int = 0             # recorded at the posko (their record created or matched)
    created: int = 0            # a provisional record made here
    linked: int = 0             # a registered record matched
    claimed: int = 0            # of those created here, taken over by their owner since (an account of their own)
    applied: int = 0            # applied to at least one training (helped or on their own)
    selected: int = 0           # selected or accepted in a training
    trained: int = 0            # accepted as participant (training started or done)
    graduated: int = 0          # alumni
    prakerja_applied: int = 0   # Prakerja applications started here
    prakerja_registered: int = 0  # ... that went through (codes typed, identity accepted)
    prakerja_selected: int = 0  # ... selected in the draw


@dataclass
class PoskoPage:
    posko: Posko
    today: dt.date
    today_count: int
    week_count: int
    total: int
    by_kind: dict[str, int]
    daily: list[tuple[dt.date, int]]
    weekly: list[tuple[dt.date, int]]
    outcomes: Outcomes
    can_register: bool
    can_manage: bool
    recent: list[Assistance] = field(default_factory=list)


def get_posko(posko_id: int) -> Posko:
    posko = Posko.objects.select_related("regency__province", "institution").filter(pk=posko_id).first()
    if posko is None:
        raise NotFound(NOT_FOUND, code=Code.POSKO_NOT_FOUND)
    return posko


def outcomes(*, posko: Posko) -> Outcomes:
    """Outcomes of the people helped at ``posko``: four queries, however many people."""
    helped = Assistance.objects.filter(posko_id=posko.pk, kind=K.ACCOUNT)
    out = Outcomes(**helped.aggregate(
        people=Count("person", distinct=True),
        created=Count("person", distinct=True, filter=Q(record_outcome=RecordOutcome.CREATED)),
        linked=Count("person", distinct=True, filter=Q(record_outcome=RecordOutcome.LINKED)),
    ))
    out.claimed = Person.objects.filter(
        pk__in=helped.filter(record_outcome=RecordOutcome.CREATED).values("person_id"), user__isnull=False).count()
    training = Enrollment.objects.filter(person_id__in=helped.values("person_id")).aggregate(
        applied=Count("person", distinct=True),
        selected=Count("person", distinct=True, filter=Q(state__in=SELECTED_STATES)),
        trained=Count("person", distinct=True, filter=Q(state__in=TRAINED_STATES)),
        graduated=Count("person", distinct=True, filter=Q(state=E.GRADUATED)),
    )
    out.applied, out.selected, out.trained, out.graduated = (training["applied"], training["selected"], training["trained"],
                                                             training["graduated"])
    apps = Application.objects.filter(
        pk__in=Assistance.objects.filter(posko_id=posko.pk, kind=K.PRAKERJA).values("prakerja_application_id")
    ).aggregate(applied=Count("pk"), registered=Count("pk", filter=Q(status__in=PRAKERJA_REGISTERED)),
                selected=Count("pk", filter=Q(selection__isnull=False)))
    out.prakerja_applied, out.prakerja_registered, out.prakerja_selected = (apps["applied"], apps["registered"],
                                                                            apps["selected"])
    return out


def posko_page(*, viewer: User, posko_id: int, now: dt.datetime) -> PoskoPage:
    """A posko's page (``posko.view_counts``): counts per day (the last 14) and week (the last 8), per kind, the outcomes
    of the people helped; for those who serve there, the people recorded lately (to help them further)."""
    posko = get_posko(posko_id)
    require(viewer, "posko.view_counts", posko)
    today = posko_today(posko, now)
    since = domain.week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    per_day = dict(Assistance.objects.filter(posko_id=posko.pk, day__gte=min(since, today - dt.timedelta(days=DAYS - 1)))
                   .values_list("day").annotate(n=Count("pk")).order_by())
    by_kind = dict(Assistance.objects.filter(posko_id=posko.pk).values_list("kind").annotate(n=Count("pk")).order_by())
    can_register = can(viewer, "person.register_assisted", posko)
    recent = []
    if can_register:
        recent = list(Assistance.objects.filter(posko_id=posko.pk, kind=K.ACCOUNT).select_related("person", "officer")
                      .order_by("-created_at", "-pk")[:RECENT])
    return PoskoPage(
        posko=posko, today=today, today_count=per_day.get(today, 0),
        week_count=sum(n for d, n in per_day.items() if domain.week_start(today) <= d <= today),
        total=sum(by_kind.values()), by_kind={k.value: by_kind.get(k.value, 0) for k in K},
        daily=domain.daily_series(per_day, today=today, days=DAYS),
        weekly=domain.weekly_series(per_day, today=today, weeks=WEEKS),
        outcomes=outcomes(posko=posko), can_register=can_register, can_manage=can(viewer, "posko.manage", posko),
        recent=recent,
    )


@dataclass
class AssistedPage:
    posko: Posko
    assistance: Assistance
    person: Person
    history: list[Assistance]
    programs: list[Program]
    waves: list[Wave]


def assisted_page(*, viewer: User, posko_id: int, assistance_id: int, now: dt.datetime) -> AssistedPage:
    """A citizen recorded at this posko, as the officers who serve there see them: the name and masked NIK (what the
    officer typed), the help given at this posko and where it led; the open programs and Prakerja waves to apply to."""
    posko = get_posko(posko_id)
    require(viewer, "person.register_assisted", posko)
    assistance = (Assistance.objects.select_related("person", "officer")
                  .filter(pk=assistance_id, posko_id=posko.pk, kind=K.ACCOUNT).first())
    if assistance is None:
        raise NotFound(Msg("Warga ini tidak tercatat di posko ini.", "This citizen is not recorded at this posko."),
                       code=Code.ASSISTANCE_NOT_FOUND)
    history = list(Assistance.objects.filter(posko_id=posko.pk, person_id=assistance.person_id)
                   .select_related("officer", "enrollment__program__institution", "prakerja_application__wave",
                                   "prakerja_application__selection")
                   .order_by("-created_at", "-pk"))
    today = posko_today(posko, now)
    programs = list(catalogue(filters=CatalogueFilters(open_only=True), today=today)[:100])
    return AssistedPage(posko=posko, assistance=assistance, person=assistance.person, history=history, programs=programs,
                        waves=prakerja_selectors.open_waves(today))


def person_data(*, person) -> dict:
    """The help a person received at poskos, for their own data export (UU PDP right of access; extension point
    ``accounts.person_data``). One query."""
    rows = (Assistance.objects.filter(person_id=person.pk).select_related("posko", "enrollment__program")
            .order_by("created_at", "pk"))
    return {"posko_assistance": [{
        "posko": a.posko.name, "kind": a.kind, "at": a.created_at.isoformat(), "record": a.record_outcome,
        "program": a.enrollment.program.title if a.enrollment_id else None,
        "prakerja_application": a.prakerja_application_id, "consent_method": a.consent_method,
        "consent_version": a.consent_version, "consent_at": a.consent_at.isoformat(),
    } for a in rows]}
