"""Prakerja reads: waves and their figures, the citizen's applications, the review list, imports, results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
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
from .models import FUNDING_SOURCE, Application, Card, CatalogueEntry, ExclusionImport, Purchase, Wave


def open_waves(today: dt.date) -> list[Wave]:
    return list(Wave.objects.filter(status=W.OPEN, opens_on__lte=today, closes_on__gte=today).order_by("closes_on"))


def drawn_waves() -> list[Wave]:
    return list(Wave.objects.filter(status=W.DRAWN).order_by("-number"))


def waves() -> list[Wave]:
    return list(Wave.objects.annotate(n_applications=Count("applications")).order_by("-number"))


def wave_get(pk: int) -> Wave | None:
    return Wave.objects.filter(pk=pk).first()


def wave_figures(wave: Wave) -> dict:
    """Applications by status, and per province: quota, applicants (registered or later), eligible, selected."""
    by_status = dict(Application.objects.filter(wave=wave).values_list("status").annotate(n=Count("pk")))
    if wave.status == W.DRAWN and S.ELIGIBLE in by_status:  # eligible in a drawn wave: not selected (Application.outcome)
        by_status[S.NOT_SELECTED] = by_status.get(S.NOT_SELECTED, 0) + by_status.pop(S.ELIGIBLE)
    counted = [S.SUBMITTED, S.ELIGIBLE, S.INELIGIBLE, S.SELECTED, S.NOT_SELECTED]
    per = {row["province_id"]: row for row in Application.objects.filter(wave=wave).values("province_id").annotate(
        applicants=Count("pk", filter=Q(status__in=counted)),
        eligible=Count("pk", filter=Q(status__in=[S.ELIGIBLE, S.SELECTED, S.NOT_SELECTED])),
        selected=Count("pk", filter=Q(status=S.SELECTED)))}
    quotas = {q.province_id: q for q in wave.quotas.all()}
    provinces = []
    for province in Province.objects.order_by("code"):
        row = per.get(province.code, {})
        quota = quotas.get(province.code)
        provinces.append({"province": province, "quota": quota.quota if quota else 0, "weight": quota.weight if quota else None,
                          "applicants": row.get("applicants", 0), "eligible": row.get("eligible", 0),
                          "selected": row.get("selected", 0)})
    return {"by_status": by_status, "provinces": provinces, "total": sum(by_status.values()),
            "quota_total": sum(q.quota for q in quotas.values())}


def my_applications(person) -> list[Application]:
    """Every application with the person's NIK (also those a posko entered for them)."""
    if person is None:
        return []
    return list(Application.objects.filter(nik_index=person.nik_index).select_related("wave", "province").order_by("-wave__number"))


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
    rows = Application.objects.filter(wave=wave, status=S.SELECTED).order_by("province_id", "pk").values_list("province_id", "pk")
    names = dict(Province.objects.values_list("code", "name"))
    out: dict[str, list[int]] = {}
    for code, pk in rows:
        out.setdefault(code, []).append(pk)
    return [(names.get(code, code), ids) for code, ids in out.items()]


def draw_candidates_in_order(wave: Wave) -> Iterator[Candidate]:
    """The candidates of a closed wave (eligible, with a household) in the draw's order (``domain.draw_order``).
    PostgreSQL sorts them by the same HMAC-SHA256 key computed in SQL and streams them through a server-side
    cursor (5,000,000 rows without holding them twice); elsewhere they are sorted here."""
    if connection.vendor != "postgresql":
        rows = Application.objects.filter(wave=wave, status=S.ELIGIBLE).exclude(household=None).values_list(
            "pk", "province_id", "household", "household_prior")
        yield from sorted((Candidate(*row) for row in rows), key=domain.draw_order(wave.seed))
        return
    inner, outer = domain.hmac_pads(wave.seed)
    connection.ensure_connection()
    # A sort this size wants memory rather than temporary files; only for this transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.SISNAKER_PRAKERJA_DRAW_WORK_MEM])
    with connection.connection.cursor(name=f"prakerja_draw_{wave.pk}") as cursor:
        cursor.itersize = 20_000
        cursor.execute(
            "SELECT id, province_id, household, household_prior FROM prakerja_application "
            "WHERE wave_id = %(wave)s AND status = %(status)s AND household IS NOT NULL "
            "ORDER BY sha256(%(outer)s || sha256(%(inner)s || convert_to(id::text, 'UTF8'))), id",
            {"wave": wave.pk, "status": S.ELIGIBLE, "inner": inner, "outer": outer})
        for row in cursor:
            yield Candidate(*row)


def draw_candidates(wave: Wave) -> list[Candidate]:
    """The draw's list: the wave's eligible applications (after the draw: selected or not) with their household."""
    return [Candidate(*row) for row in Application.objects.filter(wave=wave, status__in=[S.ELIGIBLE, S.SELECTED, S.NOT_SELECTED])
            .exclude(household=None).order_by("pk").values_list("pk", "province_id", "household", "household_prior")]


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
        "selected": list(Application.objects.filter(wave=wave, status=S.SELECTED).order_by("draw_rank").values_list("pk", flat=True)),
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
