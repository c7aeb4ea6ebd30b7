"""Prakerja reads: waves and their figures, the citizen's applications, the review list, imports, results."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from sisnaker.core.errors import Msg
from sisnaker.payments.domain import AccountKind
from sisnaker.payments.services.ledger import balances
from sisnaker.regions.models import Province
from sisnaker.surveys.models import Response
from sisnaker.training.models import Program

from . import domain
from .domain import ApplicationStatus as S
from .domain import Candidate
from .domain import WaveStatus as W
from .models import (
    FUNDING_SOURCE,
    Application,
    Card,
    CatalogueEntry,
    ExclusionImport,
    Purchase,
    Selection,
    Wave,
)


def open_waves(today: dt.date) -> list[Wave]:
    return list(Wave.objects.filter(status=W.OPEN, opens_on__lte=today, closes_on__gte=today).order_by("closes_on"))


def drawn_waves() -> list[Wave]:
    return list(Wave.objects.filter(status=W.DRAWN).order_by("-number"))


def waves() -> list[Wave]:
    """Every wave, newest first, with ``n_applications``: from the counts frozen at closing, else counted (open or
    draft waves)."""
    rows = list(Wave.objects.order_by("-number"))
    live = [w.pk for w in rows if "applications" not in w.counts]
    counted = dict(Application.objects.filter(wave_id__in=live).values_list("wave_id").annotate(n=Count("pk")).order_by()) if live else {}
    for w in rows:
        frozen = w.counts.get("applications")
        w.n_applications = sum(sum(c.values()) for c in frozen.values()) if frozen is not None else counted.get(w.pk, 0)
    return rows


def applications_counted(wave: Wave) -> dict[str, dict[str, int]]:
    """The wave's applications per province and status, in one grouped scan (closing freezes it in ``Wave.counts``)."""
    per: dict[str, dict[str, int]] = defaultdict(dict)
    for province, status, n in Application.objects.filter(wave=wave).values_list("province_id", "status").annotate(n=Count("pk")).order_by():
        per[province][status] = n
    return dict(per)


def wave_get(pk: int) -> Wave | None:
    return Wave.objects.filter(pk=pk).first()


def close_preview(wave: Wave) -> dict[str, int]:
    """What closing the wave now would do to its applications (one grouped scan; the same statuses ``services.
    wave_close`` reads): ``lapse`` still wait for their verification codes and lapse, ``check`` are registered and get
    their eligibility, ``review`` wait for an identity check (closing is refused while any do)."""
    by_status = dict(Application.objects.filter(wave=wave).values_list("status").annotate(n=Count("pk")).order_by())
    return {"lapse": by_status.get(S.UNVERIFIED, 0), "check": by_status.get(S.SUBMITTED, 0),
            "review": by_status.get(S.REVIEW, 0)}


def wave_figures(wave: Wave) -> dict:
    """Applications by status, and per province: quota, applicants (registered or later), eligible, selected. A
    closed or drawn wave's counts are frozen (``Wave.counts``); an open one's are one grouped scan."""
    counts = wave.counts.get("applications")
    per = {p: Counter(c) for p, c in (counts if counts is not None else applications_counted(wave)).items()}
    by_status: Counter = sum(per.values(), Counter())
    chosen = wave.counts.get("selected")
    if chosen is None:
        chosen = dict(Selection.objects.filter(wave=wave).values_list("province_id").annotate(n=Count("pk")).order_by())
    if wave.status == W.DRAWN and S.ELIGIBLE in by_status:  # eligible in a drawn wave: selected or not (Application.outcome)
        eligible = by_status.pop(S.ELIGIBLE)
        by_status[S.SELECTED] = sum(chosen.values())
        by_status[S.NOT_SELECTED] = eligible - by_status[S.SELECTED]
    quotas = {q.province_id: q for q in wave.quotas.all()}
    provinces = []
    for province in Province.objects.order_by("code"):
        row = per.get(province.code, Counter())
        quota = quotas.get(province.code)
        provinces.append({"province": province, "quota": quota.quota if quota else 0, "weight": quota.weight if quota else None,
                          "applicants": row[S.SUBMITTED] + row[S.ELIGIBLE] + row[S.INELIGIBLE], "eligible": row[S.ELIGIBLE],
                          "selected": chosen.get(province.code, 0)})
    return {"by_status": dict(by_status), "provinces": provinces, "total": sum(by_status.values()),
            "quota_total": sum(q.quota for q in quotas.values())}


def my_applications(person) -> list[Application]:
    """Every application with the person's NIK (also those a posko entered for them)."""
    if person is None:
        return []
    applications = list(Application.objects.filter(nik_index=person.nik_index).select_related("wave", "province", "selection")
                        .order_by("-wave__number"))
    for app in applications:
        if app.outcome == S.NOT_SELECTED and not app.reason and _household_full(app):
            app.reason = "household_full"  # derived for the page (the draw stores only the selected), never saved
    return applications


def _household_full(app: Application) -> bool:
    """Whether a not selected application's household (KK) reached its limit in the wave's draw."""
    if app.household is None:
        return False
    # Households are numbered per wave by KK: the KK's blind index (indexed) finds the household's members.
    selected = Application.objects.filter(kk_index=app.kk_index, wave_id=app.wave_id, selection__isnull=False).count()
    return domain.household_full(prior=app.household_prior, selected_in_household=selected,
                                 max_per_household=app.wave.max_per_household)


@dataclass(frozen=True, slots=True)
class CardView:
    """What the citizen's page shows of a card: the balance is read from the ledger."""

    number: str
    balance: int
    deadline: dt.date
    state: str  # domain.card_state: active, expiring, expired

    @property
    def number_grouped(self) -> str:
        return " ".join(self.number[i:i + 4] for i in range(0, len(self.number), 4))


def cards_of(applications: list[Application], *, today: dt.date) -> dict[int, CardView]:
    """The cards of these applications by application id, each with its ledger balance (one query for the cards,
    one for the balances)."""
    cards = list(Card.objects.filter(application__in=[a.pk for a in applications]))
    held = balances(AccountKind.BENEFICIARY, FUNDING_SOURCE, [c.ledger_reference for c in cards])
    return {c.application_id: CardView(c.number, held[c.ledger_reference], c.deadline,
                                       domain.card_state(status=c.status, deadline=c.deadline, today=today)) for c in cards}


def review_list() -> list[Application]:
    return list(Application.objects.filter(status=S.REVIEW).select_related("wave", "province", "nik_regency", "assisted_by")
                .order_by("created_at"))


def review_get(pk: int) -> Application | None:
    return Application.objects.filter(pk=pk, status=S.REVIEW).first()


def exclusion_imports(limit: int = 50) -> list[ExclusionImport]:
    return list(ExclusionImport.objects.select_related("imported_by").order_by("-created_at")[:limit])


def exclusion_import_get(pk: int) -> ExclusionImport | None:
    return ExclusionImport.objects.select_related("imported_by").filter(pk=pk).first()


def selected_by_province(wave: Wave) -> list[tuple[Province, list[int]]]:
    """The published result: the selected application numbers per province (no names, no NIK)."""
    rows = Selection.objects.filter(wave=wave).order_by("province_id", "application_id").values_list("province_id", "application_id")
    names = dict(Province.objects.values_list("code", "name"))
    out: dict[str, list[int]] = {}
    for code, pk in rows:
        out.setdefault(code, []).append(pk)
    return [(names.get(code, code), ids) for code, ids in out.items()]


# The first page a province's stream reads: its quota and a tenth more for the candidates whose household is full,
# plus a few; later pages (rare: many full households, or the second pass) are a quarter of that, at least 1,000.
NEXT_PAGE_MIN = 1_000


def _first_page(quota: int) -> int:
    return quota + quota // 10 + 100 if quota > 0 else 0


_KEY = "sha256(%(outer)s || sha256(%(inner)s || convert_to(id::text, 'UTF8')))"  # domain.draw_key's digest (hmac_pads)
_CANDIDATES = ("FROM prakerja_application WHERE wave_id = %(wave)s AND status = %(status)s AND household IS NOT NULL")
# Every province's first page in one scan: the candidates numbered per province in the draw's order, the first n kept.
_FIRST_PAGES = (f"SELECT id, province_id, household, household_prior FROM (SELECT id, province_id, household, household_prior, "  # noqa: S608
                f"ROW_NUMBER() OVER (PARTITION BY province_id ORDER BY {_KEY}, id) AS rn {_CANDIDATES}) t "
                "JOIN unnest(%(codes)s::varchar[], %(limits)s::integer[]) AS l(code, n) ON l.code = t.province_id "
                "WHERE t.rn <= l.n ORDER BY t.province_id, t.rn")


def draw_streams(wave: Wave) -> dict[str, Iterator[Candidate]]:
    """The candidates of a closed wave (eligible, with a household), one lazy stream per province, each in the
    draw's order (``domain.draw_order``), for ``domain.draw_by_province``. On PostgreSQL the key is the same
    HMAC-SHA256 computed in SQL: one scan numbers every province's candidates in that order and returns the first
    page of each province with quota (about its quota); a stream that needs more (many full households, the second
    pass, a province without quota) reads further pages of its own after the last key read. Elsewhere the rows are
    sorted here."""
    if connection.vendor != "postgresql":
        streams: dict[str, list[Candidate]] = {}
        for c in sorted(draw_candidates(wave), key=domain.draw_order(wave.seed)):
            streams.setdefault(c.province, []).append(c)
        return {province: iter(rows) for province, rows in streams.items()}
    inner, outer = domain.hmac_pads(wave.seed)
    params = {"wave": wave.pk, "status": S.ELIGIBLE, "inner": inner, "outer": outer}
    limits = {code: _first_page(quota) for code, quota in wave.quotas.values_list("province_id", "quota")}
    limits = {code: n for code, n in limits.items() if n > 0}
    first: dict[str, list[Candidate]] = defaultdict(list)
    if limits:
        # The server's own work_mem on purpose: with a large one the planner sorts in one process; with the default
        # it sorts in parallel workers and merges, twice as fast at 5,000,000 (docs/prakerja.md "At national size").
        with connection.cursor() as cursor:
            cursor.execute(_FIRST_PAGES, {**params, "codes": list(limits), "limits": list(limits.values())})
            for row in cursor.fetchall():
                first[row[1]].append(Candidate(*row))
    return {code: _province_stream(wave, code, params, first.get(code, []), limits.get(code, 0))
            for code in Province.objects.order_by("code").values_list("code", flat=True)}


def _province_stream(wave: Wave, province: str, params: dict, first: list[Candidate], limit: int) -> Iterator[Candidate]:
    yield from first
    if len(first) < limit:  # the province has no more candidates
        return
    order = domain.draw_order(wave.seed)
    params = {**params, "province": province, "limit": max(NEXT_PAGE_MIN, limit // 4)}
    last = first[-1] if first else None
    while True:
        after = ""
        if last is not None:  # the next page starts after the last row read, by the same key
            params["key"], params["id"] = order(last)
            after = f" AND ({_KEY}, id) > (%(key)s, %(id)s)"
        sql = (f"SELECT id, province_id, household, household_prior {_CANDIDATES} AND province_id = %(province)s"  # noqa: S608
               f"{after} ORDER BY {_KEY}, id LIMIT %(limit)s")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [Candidate(*row) for row in cursor.fetchall()]
        yield from rows
        if len(rows) < params["limit"]:
            return
        last = rows[-1]


def draw_candidates(wave: Wave) -> list[Candidate]:
    """The draw's list: the wave's eligible applications with their household (the draw changes none of them)."""
    return [Candidate(*row) for row in Application.objects.filter(wave=wave, status=S.ELIGIBLE).exclude(household=None)
            .order_by("pk").values_list("pk", "province_id", "household", "household_prior")]


def draw_publication(wave: Wave) -> dict:
    """What anyone needs to re-run the draw (``sisnaker prakerja replaydraw``): the seed, the rule's parameters, the
    quotas and every eligible application as [id, province, household, household's earlier beneficiaries]."""
    return {
        "wave": wave.number,
        "algorithm": "sisnaker-prakerja-draw-1",
        "seed": wave.seed if wave.status == W.DRAWN else None,
        "seed_sha256": wave.seed_commitment,
        "max_per_household": wave.max_per_household,
        "quotas": dict(wave.quotas.values_list("province_id", "quota")),
        "candidates": [[c.id, c.province, c.household, c.prior] for c in draw_candidates(wave)],
        "selected": list(Selection.objects.filter(wave=wave).order_by("rank").values_list("application_id", flat=True)),
    }


# --- curation and purchase ---------------------------------------------------------------------------------------

def curation_worklist(stage: int) -> list[CatalogueEntry]:
    """The entries waiting for curation ``stage`` (1: proposed; 2: accepted at stage 1), oldest first."""
    status = domain.CURATION_STAGES[stage][0]
    return list(CatalogueEntry.objects.filter(status=status).select_related("program__vocational_field", "institution",
                                                                           "proposed_by", "stage1_by").order_by("proposed_at", "pk"))


def entry_get(pk: int) -> CatalogueEntry | None:
    return CatalogueEntry.objects.select_related("program", "institution").filter(pk=pk).first()


def catalogue(today: dt.date) -> list[CatalogueEntry]:
    """Curated courses that can still be bought (programs open for additions that have not ended)."""
    return list(CatalogueEntry.objects.filter(status=domain.CurationStatus.CURATED, program__end_date__gte=today,
                                              program__status__in=["published", "selection", "running"])
                .select_related("program__regency", "institution").order_by("program__start_date", "pk"))


def catalogue_page(*, today: dt.date, after: int, limit: int) -> list[CatalogueEntry]:
    """The courses a platform may sell (``catalogue``'s rule), in the order they were curated (by the entry's id),
    ``limit`` of them after the entry ``after`` (0: from the first): pages that hold still while entries are added."""
    return list(CatalogueEntry.objects.filter(status=domain.CurationStatus.CURATED, program__end_date__gte=today,
                                              program__status__in=["published", "selection", "running"], pk__gt=after)
                .select_related("program", "institution").order_by("pk")[:limit])


def platform_purchases(*, platform_code: str, since: dt.datetime | None, until: dt.datetime | None, after: int,
                       limit: int) -> list[Purchase]:
    """A platform's own purchases (``platform_code``: the partner's client code) requested in ``[since, until)``, in the
    order they were made (by id), ``limit`` of them after the purchase ``after`` (0: from the first)."""
    if not platform_code:  # purchases made on Sisnaker itself have none: never listed to a partner
        return []
    qs = Purchase.objects.filter(platform_code=platform_code, pk__gt=after)
    if since is not None:
        qs = qs.filter(requested_at__gte=since)
    if until is not None:
        qs = qs.filter(requested_at__lt=until)
    return list(qs.select_related("entry").order_by("pk")[:limit])


def active_card(person) -> Card | None:
    if person is None:
        return None
    return Card.objects.filter(person=person, status=domain.CardStatus.ACTIVE).order_by("-issued_at").first()


def card_of_holder(person, number: str) -> Card | None:
    return Card.objects.filter(person=person, number=number).first() if person is not None else None


def purchases_of(person) -> list[Purchase]:
    if person is None:
        return []
    rows = list(Purchase.objects.filter(person=person).select_related("program", "institution", "card__wave", "entry")
                .prefetch_related("redeem_codes").order_by("-requested_at"))
    purchase_surveys(rows)
    return rows


def purchase_of_holder(person, pk: int) -> Purchase | None:
    return Purchase.objects.filter(person=person, pk=pk).first() if person is not None else None


def institution_catalogue(institution_id: int) -> list:
    """The institution's Prakerja-funded programs, each with its catalogue entry (``entry``, or None)."""
    programs = list(Program.objects.filter(institution_id=institution_id, funding="prakerja").order_by("-start_date", "pk"))
    entries = {e.program_id: e for e in CatalogueEntry.objects.filter(program__in=programs)}
    for p in programs:
        p.entry = entries.get(p.pk)
    return programs


def institution_purchases(institution_id: int, limit: int = 50) -> list[Purchase]:
    return list(Purchase.objects.filter(institution_id=institution_id).exclude(status__in=["consent", "requested", "refused"])
                .select_related("program", "person").prefetch_related("redeem_codes").order_by("-requested_at")[:limit])


def person_data(*, person) -> dict:
    """The person's Kartu Prakerja applications (their own, and any a posko entered with their NIK), with the card
    each led to, for their own data export (UU PDP right of access; extension point ``accounts.person_data``)."""
    from .models import Application

    rows = Application.objects.filter(nik_index=person.nik_index).select_related("wave", "card").order_by("created_at", "id")
    out = []
    for a in rows:
        card = getattr(a, "card", None)
        out.append({
            "wave": a.wave.number, "status": a.status, "reason": a.reason, "created_at": a.created_at.isoformat(),
            "assisted": a.assisted_by_id is not None, "phone": a.phone, "email": a.email,
            "card": {"number": card.number, "status": card.status, "deadline": card.deadline.isoformat()} if card else None,
        })
    return {"prakerja_applications": out}


# --- the Prakerja surveys after a training ------------------------------------------------------------------------

def completed_purchases():
    """Certification's ``certification.employment_completed_at``: the completed Kartu Prakerja purchases
    (``enrollment_id``, ``completed_at``); the employment survey (Prakerja's 1st) of their enrollments counts from
    the completion the institution reported (``domain.survey_window``), not from the program's end."""
    return Purchase.objects.filter(status=domain.PurchaseStatus.COMPLETED, enrollment__isnull=False)


def survey_fill_refusal(*, code: str, enrollment) -> Msg | None:
    """The surveys app's ``surveys.fill_refusal`` for the follow-up surveys 2 and 3 (the 1st, the employment survey, is
    certification's rule): only the enrollment of a completed Kartu Prakerja purchase, in the survey's window."""
    n = domain.SURVEY_NUMBERS.get(code)
    if n is None or n == 1:
        return None
    completed_at = (Purchase.objects.filter(enrollment_id=enrollment.pk, status=domain.PurchaseStatus.COMPLETED)
                    .values_list("completed_at", flat=True).first())
    return domain.survey_refusal(completed_on=timezone.localdate(completed_at) if completed_at else None,
                                 today=timezone.localdate(), n=n)


@dataclass(frozen=True)
class SurveyStep:
    n: int
    code: str
    opens: dt.date
    closes: dt.date
    filled: bool

    def open_on(self, today: dt.date) -> bool:
        return not self.filled and self.opens <= today <= self.closes


def purchase_surveys(purchases: list[Purchase]) -> None:
    """Attach ``surveys`` (``SurveyStep`` per survey the wave pays for) to each completed purchase, in one query."""
    done = [p for p in purchases if p.status == domain.PurchaseStatus.COMPLETED and p.enrollment_id]
    filled = set(Response.objects.filter(enrollment_id__in=[p.enrollment_id for p in done],
                                         questionnaire__code__in=list(domain.SURVEY_NUMBERS))
                 .values_list("enrollment_id", "questionnaire__code"))
    for p in purchases:
        p.surveys = []
    for p in done:
        completed_on = timezone.localdate(p.completed_at)
        p.surveys = [SurveyStep(n, domain.SURVEY_CODES[n], *domain.survey_window(completed_on, n),
                                filled=(p.enrollment_id, domain.SURVEY_CODES[n]) in filled)
                     for n in domain.surveys_paid(p.card.wave.survey_incentive_count)]
