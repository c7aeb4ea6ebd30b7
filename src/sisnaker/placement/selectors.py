"""Reads of placement: a citizen's AK/1 cards, one card for someone who may see it (``ak1.view``), the
regency office's queue (``ak1.queue``, each officer's own area), and the certificates a card lists; companies
(own, vetting queue), the public vacancy search and page, a vacancy's applicants, a citizen's applications."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import connections
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language

from sisnaker.accounts.models import Person, User
from sisnaker.certification.models import Certificate
from sisnaker.certification.selectors.certificates import certificates_of_person
from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.paging import CappedKeysFirstPaginator
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import Role
from sisnaker.training.models import VocationalField

from . import domain
from .codes import Code, JobsCode
from .models import Application, Company, JobSeekerCard, JobSeekerReport, Occupation, Vacancy

VIEW_REFUSED = Msg("Kartu AK/1 ini hanya dapat dibuka oleh pemegangnya dan petugas dinas wilayahnya.",
                   "This AK/1 card can only be opened by its holder and officers of its region's office.")


def _cards() -> QuerySet[JobSeekerCard]:
    return JobSeekerCard.objects.select_related("person", "regency__province", "decided_by")


def valid_card(*, person_id: int, today: dt.date) -> JobSeekerCard | None:
    """The person's AK/1 card valid ``today`` (the latest issued), the one an application carries; None without one."""
    for card in JobSeekerCard.objects.filter(person_id=person_id, status=domain.CardStatus.ISSUED).order_by("-issued_on"):
        if domain.validity(issued_on=card.issued_on, today=today) == domain.Validity.VALID:
            return card
    return None


def my_cards(*, user: User) -> list[JobSeekerCard]:
    """The signed-in citizen's cards and applications, newest first."""
    return list(_cards().filter(person__user=user))


def card_for(*, viewer: User, card_id: int) -> JobSeekerCard:
    """The card, for a viewer who may see it (``ak1.view``); NotFound or PermissionDenied."""
    card = _cards().filter(pk=card_id).first()
    if card is None:
        raise NotFound(Msg("Kartu AK/1 tidak ditemukan.", "AK/1 card not found."), code=Code.AK1_NOT_FOUND)
    if not can(viewer, "ak1.view", card):
        raise PermissionDenied(VIEW_REFUSED)
    return card


def queue(*, viewer: User) -> list[JobSeekerCard]:
    """Waiting applications in the viewer's area (a regional officer's province or regency; all for an
    administrator), oldest first."""
    require(viewer, "ak1.queue")
    grants = list(getattr(viewer, "grants", ()))
    cards = _cards().filter(status=domain.CardStatus.SUBMITTED).order_by("submitted_at", "id")
    if any(g.role == Role.ADMIN for g in grants):
        return list(cards)
    area = Q(pk__in=[])
    for grant in grants:
        if grant.role == Role.REGIONAL_OFFICER and grant.region_code:
            area |= Q(regency_id=grant.region_code) | Q(regency__code__startswith=grant.region_code + ".")
    return list(cards.filter(area))


def certificates_of(card: JobSeekerCard) -> list[Certificate]:
    """The holder's training certificates from this system (not revoked): the card's non-formal education,
    attached by themselves (the caller has already checked ``ak1.view``)."""
    return certificates_of_person(person_id=card.person_id)


@dataclass(frozen=True)
class CardPage:
    card: JobSeekerCard
    certificates: list[Certificate]
    validity: str | None  # domain.Validity for an issued card
    valid_until: dt.date | None
    boxes: list[domain.ReportBox]
    may_decide: bool
    education_label: str
    state: str | None = None  # domain.CardState for an issued card
    state_label: str = ""
    reports: dict[int, JobSeekerReport] | None = None
    open_box: int | None = None
    may_report: bool = False  # the holder, or an officer of the card's regency office
    may_update: bool = False  # the holder, while the card is valid


def reports_of(card: JobSeekerCard) -> dict[int, JobSeekerReport]:
    return {r.box: r for r in JobSeekerReport.objects.filter(card=card)}


def card_page(*, viewer: User, card_id: int, today: dt.date) -> CardPage:
    """Everything the card page shows, for a viewer who may see it."""
    card = card_for(viewer=viewer, card_id=card_id)
    issued = card.status == domain.CardStatus.ISSUED and card.issued_on is not None
    reports = reports_of(card) if issued else {}
    reported = {n: r.reported_on for n, r in reports.items()}
    state = domain.card_state(issued_on=card.issued_on, today=today, reported=reported, ended_on=card.ended_on) if issued else None
    holder = card.person.user_id == viewer.pk
    may_report = issued and state not in (domain.CardState.ENDED,) and (
        can(viewer, "ak1.report_own", card) if holder else can(viewer, "ak1.issue", card)) and (
        state != domain.CardState.EXPIRED or domain.open_box(issued_on=card.issued_on, today=today, reported=reported) is not None)
    return CardPage(
        card=card, certificates=certificates_of(card),
        validity=domain.validity(issued_on=card.issued_on, today=today) if issued else None,
        valid_until=domain.valid_until(card.issued_on) if issued else None,
        boxes=domain.report_boxes(issued_on=card.issued_on, today=today, reported=reported, ended_on=card.ended_on) if issued else [],
        may_decide=card.status == domain.CardStatus.SUBMITTED and can(viewer, "ak1.issue", card),
        education_label=str(dict(Person.Education.choices).get(card.education, card.education)),
        state=state, state_label=str(domain.CardState.LABELS.get(state, "")) if state else "",
        reports=reports, open_box=domain.open_box(issued_on=card.issued_on, today=today, reported=reported) if issued else None,
        may_report=bool(may_report),
        may_update=issued and holder and state not in (domain.CardState.ENDED, domain.CardState.EXPIRED)
        and can(viewer, "ak1.report_own", card),
    )


@dataclass(frozen=True)
class Verification:
    """What anyone who scans an AK/1 card's QR code sees: no NIK, no address."""

    found: bool
    number: str = ""
    full_name: str = ""
    office: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    state: str = ""
    state_label: str = ""
    officer: str = ""
    signature_valid: bool = False


def verify(*, verification_id: str, today: dt.date) -> Verification:
    """The look-up behind the card's QR code: the id is 128 random bits, so whoever has it holds the card (or
    a copy). Checks the stored signature against the payload too."""
    from sisnaker.certification import signing
    from sisnaker.certification.domain import is_verification_id

    if not is_verification_id(verification_id):
        return Verification(found=False)
    card = JobSeekerCard.objects.select_related("regency").filter(
        verification_id=verification_id, status=domain.CardStatus.ISSUED).first()
    if card is None:
        return Verification(found=False)
    reported = dict(JobSeekerReport.objects.filter(card=card).values_list("box", "reported_on"))
    state = domain.card_state(issued_on=card.issued_on, today=today, reported=reported, ended_on=card.ended_on)
    return Verification(
        found=True, number=card.number, full_name=card.full_name, office=card.regency.name, issued_on=card.issued_on,
        valid_until=domain.valid_until(card.issued_on), state=state, state_label=str(domain.CardState.LABELS[state]),
        officer=card.officer_name,
        signature_valid=bool(card.signature) and signing.verify(card.payload, card.signature, card.key_id),
    )


def _photo_base64(path: str) -> str | None:
    if not path or not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as f:
        return base64.b64encode(f.read()).decode("ascii")


def person_data(*, person) -> dict:
    """The person's AK/1 cards for their own data export (UU PDP right of access; the accounts export asks
    through the ``accounts.person_data`` extension point)."""
    cards = []
    for card in JobSeekerCard.objects.filter(person_id=person.pk).select_related("regency").prefetch_related("reports").order_by("id"):
        cards.append({
            "number": card.number, "status": card.status, "office": card.regency.name,
            "submitted_at": card.submitted_at.isoformat(), "issued_on": card.issued_on.isoformat() if card.issued_on else None,
            "birth_place": card.birth_place, "marital_status": card.marital_status, "religion": card.religion,
            "address": card.address, "education": card.education, "other_training": card.other_training, "skills": card.skills,
            "officer": card.officer_name, "refuse_reason": card.refuse_reason,
            "ended_on": card.ended_on.isoformat() if card.ended_on else None, "employer_name": card.employer_name,
            "position": card.position,
            "reports": [{"box": r.box, "outcome": r.outcome, "reported_on": r.reported_on.isoformat(), "by_office": r.by_office}
                        for r in card.reports.all()],
            # The photo is personal data the person has a right to receive too (a small JPEG, as stored).
            "photo_jpeg_base64": _photo_base64(card.photo_path),
        })
    return {"ak1_cards": cards, **placements_data(person=person)}
# =====================================================================================================
# Employers, vacancies, applications (issue 12)
# =====================================================================================================

COMPANY_NOT_FOUND = Msg("Perusahaan tidak ditemukan.", "Company not found.")
VACANCY_NOT_FOUND = Msg("Lowongan tidak ditemukan.", "Vacancy not found.")
SEARCH_CAP = 2000  # the search counts at most this many (CappedKeysFirstPaginator): "more than 2,000"
PER_PAGE = 20
QUERY_MAX_WORDS = 8


def my_companies(*, user: User) -> list[Company]:
    """The companies whose staff the user is (employer role), with their status."""
    return list(Company.objects.filter(staff_roles__user=user, staff_roles__is_active=True, staff_roles__role=Role.EMPLOYER)
                .select_related("regency__province").distinct().order_by("name"))


def company_for(*, viewer: User, company_id: int) -> Company:
    """The company, for its staff and the regional officers of its area (``company.view``)."""
    company = Company.objects.select_related("regency__province", "district", "manager").filter(pk=company_id).first()
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND, code=JobsCode.COMPANY_NOT_FOUND)
    if not can(viewer, "company.view", company):
        raise PermissionDenied(Msg("Data perusahaan ini hanya untuk stafnya dan petugas Disnaker wilayahnya.",
                                   "This company's data is only for its staff and the regional officers of its area."))
    return company


def company_staff(company: Company) -> list[User]:
    return list(User.objects.filter(role_assignments__company=company, role_assignments__is_active=True,
                                    role_assignments__role=Role.EMPLOYER).distinct().order_by("username"))


def company_queue(*, viewer: User) -> list[Company]:
    """Companies waiting for approval in the viewer's area (a regional officer's regency or province; all for
    an administrator), oldest first. Only a regency office's officer can decide (``company.review``)."""
    require(viewer, "company.queue")
    companies = Company.objects.filter(status=domain.CompanyStatus.PENDING).select_related("regency__province").order_by(
        "status_changed_at", "id")
    grants = list(getattr(viewer, "grants", ()))
    if any(g.role == Role.ADMIN for g in grants):
        return list(companies[:500])
    area = Q(pk__in=[])
    for grant in grants:
        if grant.role == Role.REGIONAL_OFFICER and grant.region_code:
            area |= Q(regency_id=grant.region_code) | Q(regency__code__startswith=grant.region_code + ".")
    return list(companies.filter(area)[:500])


def company_vacancies(company: Company) -> list[Vacancy]:
    return list(company.vacancies.select_related("regency", "occupation").order_by("-created_at", "-id")[:200])


def occupations_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The ISCO-08 groups for a select, in the active language: one option group per major group (its label the
    major group), holding the major group itself and every sub-major, minor and unit group under it, in code
    order (so each group is followed by the groups it contains). About 620 options: render them with
    ``forms.FastSelect``."""
    language = get_language()
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for occupation in Occupation.objects.order_by("code").only("code", "title_en", "title_id"):
        label = f"{occupation.code} · {occupation.title_in(language)}"
        if len(occupation.code) == 1 or not groups:
            groups.append((label, []))
        groups[-1][1].append((occupation.code, label))
    return groups


def vocational_field_choices() -> list[tuple[str, str]]:
    return [(str(f.pk), f"{f.code} · {f.name}") for f in VocationalField.objects.filter(is_active=True).order_by("name")]


def vocational_field_get(value) -> VocationalField | None:
    text = str(value or "")
    return VocationalField.objects.filter(pk=int(text), is_active=True).first() if text.isdigit() else None


@dataclass(frozen=True)
class SearchParams:
    """The public search's filters, already parsed (the form drops what it cannot read)."""

    q: str = ""
    province: str = ""
    regency: str = ""
    vocational_field: int | None = None
    occupation: str = ""
    education: str = ""
    min_wage: int | None = None
    work_type: str = ""


def _public(today: dt.date) -> QuerySet[Vacancy]:
    return Vacancy.objects.filter(status=domain.VacancyStatus.PUBLISHED, company__status=domain.CompanyStatus.APPROVED,
                                  opens_on__lte=today, closes_on__gte=today)


def _text_filter(qs: QuerySet[Vacancy], q: str) -> QuerySet[Vacancy]:
    """Full text: PostgreSQL's generated ``search`` column (config 'simple', GIN index; migration 0004); elsewhere
    every word must be in the title or the skills (LIKE)."""
    words = q.split()[:QUERY_MAX_WORDS]
    if not words:
        return qs
    if connections[qs.db].vendor == "postgresql":
        return qs.filter(RawSQL("placement_vacancy.search @@ plainto_tsquery('simple', %s)", [" ".join(words)],
                                output_field=BooleanField()))
    for word in words:
        qs = qs.filter(Q(title__icontains=word) | Q(skills__icontains=word))
    return qs


def vacancy_search(params: SearchParams, *, today: dt.date) -> QuerySet[Vacancy]:
    """Published vacancies of approved companies open on ``today``, filtered, newest first."""
    qs = _public(today)
    if params.regency:
        qs = qs.filter(regency_id=params.regency)
    elif params.province:
        qs = qs.filter(province_id=params.province)
    if params.vocational_field:
        qs = qs.filter(vocational_field_id=params.vocational_field)
    if params.occupation:
        qs = qs.filter(occupation__code__startswith=params.occupation)  # the PK: no join
    if params.education:
        qs = qs.filter(min_education__in=["", *domain.education_at_most(params.education)])
    if params.min_wage:
        qs = qs.filter(Q(wage_max__gte=params.min_wage) | Q(wage_max__isnull=True, wage_min__gte=params.min_wage))
    if params.work_type:
        qs = qs.filter(work_type=params.work_type)
    qs = _text_filter(qs, params.q)
    return qs.select_related("company", "regency", "occupation").order_by("-published_at", "-id")


def search_page(params: SearchParams, *, today: dt.date, page: str | int | None):
    """One page of the search (keys first, counted up to ``SEARCH_CAP``)."""
    paginator = CappedKeysFirstPaginator(vacancy_search(params, today=today), PER_PAGE, cap=SEARCH_CAP)
    return paginator, paginator.get_page(page)


@dataclass(frozen=True)
class VacancyPage:
    vacancy: Vacancy
    units: list
    open_now: bool
    may_manage: bool
    may_apply: bool
    applied: Application | None
    # Whether the applicant holds a valid AK/1 card (None: not a citizen who may apply): without one the application
    # goes without it, and employers' candidate lists (holders of a valid card) do not show them.
    has_valid_card: bool | None = None


def vacancy_page(*, viewer: User, vacancy_id: int, today: dt.date) -> VacancyPage:
    """A vacancy's page: public once published by an approved company; a draft (or a company not approved)
    only for its staff, anyone else gets the same 404 as for a vacancy that does not exist."""
    vacancy = (Vacancy.objects.select_related("company__regency", "regency__province", "occupation", "vocational_field")
               .filter(pk=vacancy_id).first())
    if vacancy is None:
        raise NotFound(VACANCY_NOT_FOUND, code=JobsCode.VACANCY_NOT_FOUND)
    may_manage = can(viewer, "vacancy.manage", vacancy)
    public = vacancy.status != domain.VacancyStatus.DRAFT and vacancy.company.is_approved
    if not public and not may_manage:
        raise NotFound(VACANCY_NOT_FOUND, code=JobsCode.VACANCY_NOT_FOUND)
    open_now = domain.is_open(status=vacancy.status, opens_on=vacancy.opens_on, closes_on=vacancy.closes_on, today=today)
    person = getattr(viewer, "person", None) if getattr(viewer, "is_authenticated", False) else None
    applied = Application.objects.filter(vacancy=vacancy, person=person).first() if person is not None else None
    may_apply = open_now and public and person is not None and applied is None and can(viewer, "application.apply_own", person)
    return VacancyPage(vacancy=vacancy, units=list(vacancy.competency_units.order_by("code")), open_now=open_now and public,
                       may_manage=may_manage, applied=applied, may_apply=may_apply,
                       has_valid_card=valid_card(person_id=person.pk, today=today) is not None if may_apply else None)


def vacancy_for_manager(*, viewer: User, vacancy_id: int) -> Vacancy:
    vacancy = Vacancy.objects.select_related("company", "regency").filter(pk=vacancy_id).first()
    if vacancy is None:
        raise NotFound(VACANCY_NOT_FOUND, code=JobsCode.VACANCY_NOT_FOUND)
    require(viewer, "vacancy.manage", vacancy)
    return vacancy


def vacancy_of_application(*, application_id: int, viewer: User) -> int | None:
    """The vacancy an application was made to, for the page to go back to; None when there is no such application or
    ``viewer`` may not see that vacancy's applicants (the answer would tell them it exists)."""
    vacancy = Vacancy.objects.select_related("company").filter(applications__pk=application_id).first()
    return vacancy.pk if vacancy is not None and can(viewer, "application.view", vacancy) else None


def applicants(*, viewer: User, vacancy_id: int) -> tuple[Vacancy, list[Application]]:
    """A vacancy's applications, for its approved company's staff (``application.view``): never another
    company's."""
    vacancy = Vacancy.objects.select_related("company").filter(pk=vacancy_id).first()
    if vacancy is None:
        raise NotFound(VACANCY_NOT_FOUND, code=JobsCode.VACANCY_NOT_FOUND)
    require(viewer, "application.view", vacancy)
    rows = list(vacancy.applications.select_related("person", "ak1_card").prefetch_related(standing_certificates())
                .order_by("applied_at", "id")[:1000])
    return vacancy, rows


def standing_certificates():
    """The certificates attached to an application that still stand: one revoked after the person applied is no
    longer shown to the employer as a credential (it was, with no mark, while /v/ said "DICABUT")."""
    from django.db.models import Prefetch

    return Prefetch("certificates", queryset=Certificate.objects.filter(revoked_at__isnull=True).order_by("number"))


@dataclass(frozen=True)
class WaitingApplications:
    """A vacancy of the employer's companies with applications nobody there has looked at yet (stage "applied")."""

    vacancy_id: int
    title: str
    company: str
    waiting: int


def applications_waiting(*, user: User, limit: int = 10) -> list[WaitingApplications]:
    """The vacancies of the companies ``user`` is active staff of, with how many applications wait at "applied",
    most waiting first (the employer's home page): one query, whatever the number of vacancies."""
    rows = (Application.objects
            # An approved company's only: its staff read applications while it is approved (``application.view``).
            .filter(stage=domain.Stage.APPLIED, vacancy__company__status=domain.CompanyStatus.APPROVED,
                    vacancy__company__staff_roles__user=user,
                    vacancy__company__staff_roles__is_active=True, vacancy__company__staff_roles__role=Role.EMPLOYER)
            .values("vacancy_id", "vacancy__title", "vacancy__company__name")
            .annotate(waiting=Count("id", distinct=True))
            .order_by("-waiting", "vacancy_id")[:limit])
    return [WaitingApplications(vacancy_id=r["vacancy_id"], title=r["vacancy__title"], company=r["vacancy__company__name"],
                                waiting=r["waiting"]) for r in rows]


def my_applications(*, user: User) -> list[Application]:
    """The signed-in citizen's applications with their stage, newest first ("Lamaran saya")."""
    return list(Application.objects.filter(person__user=user).select_related("vacancy__company", "vacancy__regency")
                .order_by("-applied_at", "-id"))


# --- alumni outcomes: the regional worklist and reporting completeness --------------------------------------


def _known_outcome():
    """Whether a graduated enrolment's outcome is known (an expression for ``Enrollment`` rows): an outcome
    reported for it, the employment survey filled for it, or a placement of the person since they graduated
    (a hire through an application, an employer's or officer's report)."""
    from django.db.models import Exists, OuterRef

    from sisnaker.surveys import selectors as surveys
    from sisnaker.surveys.domain import EMPLOYMENT_CODE

    from .models import Outcome, Placement

    return (Exists(Outcome.objects.filter(enrollment_id=OuterRef("pk")))
            | Exists(surveys.responses_to(code=EMPLOYMENT_CODE).filter(enrollment_id=OuterRef("pk")))
            | Exists(Placement.objects.filter(person_id=OuterRef("person_id"), created_at__gte=OuterRef("state_changed_at"))))


def _area_q(viewer: User, prefix: str) -> Q | None:
    """The viewer's area as a filter on ``<prefix>`` (a district code field): None for the whole nation."""
    grants = list(getattr(viewer, "grants", ()))
    if any(g.role in (Role.ADMIN, Role.CURATOR) for g in grants):
        return None
    area = Q(pk__in=[])
    for g in grants:
        if g.role == Role.REGIONAL_OFFICER and g.region_code:
            area |= Q(**{f"{prefix}__startswith": g.region_code + "."})
    return area


def _alumni(viewer: User):
    from sisnaker.training.domain import EnrollmentState
    from sisnaker.training.models import Enrollment

    return Enrollment.objects.filter(state=EnrollmentState.GRADUATED)


def outcome_worklist(*, viewer: User, regency_code: str = "") -> tuple[QuerySet, list]:
    """Alumni who live in the viewer's area (domicile; boarding alumni trained elsewhere included) whose outcome is
    not known, oldest graduation first, and the regencies the viewer may choose from. ``regency_code`` narrows
    within the area (never widens it)."""
    from sisnaker.regions.models import Regency

    require(viewer, "outcome.worklist")
    rows = _alumni(viewer)
    area = _area_q(viewer, "person__domicile_district__code")
    if area is not None:
        rows = rows.filter(area)
    if regency_code:
        rows = rows.filter(person__domicile_district__code__startswith=regency_code + ".")
    rows = (rows.alias(known=_known_outcome()).filter(known=False)
            .select_related("person__domicile_district__regency", "program__institution")
            .order_by("state_changed_at", "id"))
    regencies = Regency.objects.order_by("code")
    codes = [g.region_code for g in getattr(viewer, "grants", ()) if g.role == Role.REGIONAL_OFFICER and g.region_code]
    if area is not None:
        q = Q(pk__in=[])
        for code in codes:
            q |= Q(code=code) | Q(code__startswith=code + ".")
        regencies = regencies.filter(q)
    return rows, list(regencies.values_list("code", "name"))


@dataclass(frozen=True)
class CompletenessRow:
    code: str
    name: str
    alumni: int
    known: int
    percent: int | None


def completeness_level(viewer: User) -> str:
    """The completeness table's default rows for ``viewer``: per regency for an officer of one or more regency
    offices only (their area is regencies: a row per province labelled their province showed their regency's
    figures under the province's name), per province otherwise."""
    grants = list(getattr(viewer, "grants", ()))
    regional = [g.region_code for g in grants if g.role == Role.REGIONAL_OFFICER and g.region_code]
    national = any(g.role in (Role.ADMIN, Role.CURATOR, Role.PMO_OFFICER) for g in grants)
    return "regency" if regional and not national and all("." in code for code in regional) else "province"


def completeness(*, viewer: User, by: str = "province", province: str = "") -> list[CompletenessRow]:
    """Per origin region (where the alumni live: province, or regency), alumni trained, alumni with a known outcome,
    and the percentage — for the viewer's scope: the nation (ministry, administrator), their area (regional
    officers), their own institutions' alumni (institution managers). One GROUP BY query."""
    from django.db.models import Count

    from sisnaker.regions.models import Province, Regency

    require(viewer, "outcome.completeness")
    rows = _alumni(viewer)
    grants = list(getattr(viewer, "grants", ()))
    if not any(g.role in (Role.ADMIN, Role.CURATOR) for g in grants):
        scope = _area_q(viewer, "person__domicile_district__code") or Q(pk__in=[])
        institutions = [g.institution_id for g in grants
                        if g.role == Role.INSTITUTION_MANAGER and g.institution_id and g.institution_approved]
        if institutions:
            scope |= Q(program__institution_id__in=institutions)
        rows = rows.filter(scope)
    if province:
        rows = rows.filter(person__domicile_district__code__startswith=province + ".")
    key = "person__domicile_district__regency_id" if by == "regency" else "person__domicile_district__regency__province_id"
    counted = (rows.annotate(known=_known_outcome()).values(key)
               .annotate(alumni=Count("id"), known_n=Count("id", filter=Q(known=True))).order_by(key))
    names = dict((Regency if by == "regency" else Province).objects.values_list("code", "name"))
    return [CompletenessRow(code=r[key], name=names.get(r[key], r[key]), alumni=r["alumni"], known=r["known_n"],
                            percent=domain.percentage(r["known_n"], r["alumni"])) for r in counted]


# --- placements reported outside a hire: the company's list, the alumnus's own work status ----------------------

PLACEMENT_NOT_FOUND = Msg("Penempatan kerja tidak ditemukan.", "Placement not found.")
NO_PERSON = Msg("Keadaan kerja dilaporkan dari akun warga yang terdaftar dengan NIK.",
                "Work status is reported from a citizen account registered with a NIK.")
COMPANY_PLACEMENTS_MAX = 500


def counted_placements() -> QuerySet:
    """The placements that count (the figures' "placed"): all but reports corrected by a later one (alumnus, office).
    Ended ones count: the person was placed."""
    from .models import Placement

    return Placement.objects.filter(corrected_at__isnull=True)


def company_placements(*, viewer: User, company_id: int) -> tuple[Company, list]:
    """The people the company hired through Sisnaker or reported (``placement.manage``: its approved staff, never
    another company's), those still at work first, newest start first."""
    from django.db.models import F

    from .models import Placement

    company = Company.objects.select_related("regency").filter(pk=company_id).first()
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND, code=JobsCode.COMPANY_NOT_FOUND)
    require(viewer, "placement.manage", company)
    rows = (Placement.objects.filter(company=company, source__in=sorted(domain.COMPANY_SOURCES))
            .select_related("person", "vacancy")
            .order_by(F("end_date").asc(nulls_first=True), "-start_date", "-id")[:COMPANY_PLACEMENTS_MAX])
    return company, list(rows)


@dataclass(frozen=True)
class WorkRow:
    """One graduated training of an alumnus with what is known of their work after it."""

    enrollment: object  # training.Enrollment (program and institution loaded)
    outcome: object | None  # the latest report (any source): what is known now
    open_own: object | None  # their previous own report's job, still open: the next report corrects or ends it
    placements: list  # the placement records linked to this training, not corrected, newest first


def work_rows(*, person_id: int, enrollment_id: int | None = None) -> list[WorkRow]:
    """The person's graduated trainings (or the one ``enrollment_id``), newest graduation first, each with its
    latest outcome and placements. Three queries whatever the number of trainings."""
    from sisnaker.training.domain import EnrollmentState
    from sisnaker.training.models import Enrollment

    from .models import Outcome

    enrollments = Enrollment.objects.filter(person_id=person_id, state=EnrollmentState.GRADUATED)
    if enrollment_id is not None:
        enrollments = enrollments.filter(pk=enrollment_id)
    enrollments = list(enrollments.select_related("program__institution").order_by("-state_changed_at", "-id"))
    ids = [e.pk for e in enrollments]
    latest: dict[int, Outcome] = {}
    for outcome in Outcome.objects.filter(enrollment_id__in=ids).select_related("placement").order_by("reported_at", "id"):
        latest[outcome.enrollment_id] = outcome  # the last one wins
    placements: dict[int, list] = {}
    for p in counted_placements().filter(enrollment_id__in=ids).order_by("-start_date", "-id"):
        placements.setdefault(p.enrollment_id, []).append(p)
    return [WorkRow(enrollment=e, outcome=latest.get(e.pk), placements=placements.get(e.pk, []),
                    open_own=next((p for p in placements.get(e.pk, []) if p.source == domain.PlacementSource.ALUMNUS
                                   and p.end_date is None), None))
            for e in enrollments]


def my_work(*, viewer: User) -> tuple[Person, list[WorkRow]]:
    """The signed-in alumnus's trainings and work status ("Kerja saya"; ``outcome.report_own``)."""
    person = getattr(viewer, "person", None) if getattr(viewer, "is_authenticated", False) else None
    if person is None:
        raise PermissionDenied(NO_PERSON)
    require(viewer, "outcome.report_own", person)
    return person, work_rows(person_id=person.pk)


def placements_data(*, person) -> dict:
    """The person's placement records and reported outcomes, for their own data export (UU PDP right of access)."""
    from .models import Outcome, Placement

    rows = [{"employer": p.employer_name, "position": p.position, "start_date": p.start_date.isoformat(),
             "end_date": p.end_date.isoformat() if p.end_date else None, "sector": p.sector, "formal": p.formal,
             "domestic": p.domestic, "source": p.source, "training": p.enrollment_id,
             "corrected": p.corrected_at is not None}
            for p in Placement.objects.filter(person_id=person.pk).order_by("start_date", "id")]
    outcomes = [{"training": o.enrollment_id, "status": o.status, "source": o.source, "reported_at": o.reported_at.isoformat()}
                for o in Outcome.objects.filter(person_id=person.pk).order_by("reported_at", "id")]
    return {"placements": rows, "work_outcomes": outcomes}
