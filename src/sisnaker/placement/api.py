"""REST: /api/v1/placement/… — employers' vacancies, their applicants and their placements; the public job search.

Public reads (the search and a published vacancy) need no log-in. A company's staff authenticate like the rest of the
API: the web session (with its CSRF token) or a bearer token (``sisnaker apitoken create``); a token acts as its
user, with the same roles and scope. Staff of a company see and touch only that company's vacancies, applicants
and placements (``core.permissions``: ``vacancy.manage``, ``application.view``/``.move``, ``placement.manage``):
another company's answer 403, whatever they ask. Endpoints are thin: they parse, call one service or selector,
and shape the answer; every refusal is ``{code, message, field}`` (``sisnaker.api``)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import prefetch_related_objects
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from sisnaker.core.api_auth import SESSION_OR_TOKEN, optional_actor, request_actor
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.regions import selectors as region_selectors

from . import domain, selectors, services
from .codes import JobsCode
from .models import Application, Company, Placement, Vacancy

router = Router(auth=SESSION_OR_TOKEN)

ID_MAX = 2**63 - 1  # the largest key (BIGINT)
PAGE_MAX = 1_000_000


# --- schemas ---------------------------------------------------------------------------------------------------

class RegionOut(Schema):
    code: str
    name: str


class CompanyBrief(Schema):
    id: int
    name: str


class OccupationOut(Schema):
    code: str = Field(description="ISCO-08 group code")
    title: str


class VacancyOut(Schema):
    id: int
    company: CompanyBrief
    title: str
    status: str = Field(description="draft, published, closed or filled")
    open_now: bool = Field(description="Published and within its validity today: takes applications")
    openings: int
    filled: int
    opens_on: dt.date
    closes_on: dt.date
    age_min: int | None
    age_max: int | None
    sex: str = Field(description="any, M or F")
    min_education: str = Field(description="Minimum formal education (accounts' education codes); empty: any")
    skills: str
    description: str
    experience_years: int
    wage_min: int | None = Field(description="Rupiah a month")
    wage_max: int | None
    wage_negotiable: bool
    regency: RegionOut = Field(description="Work location")
    province: RegionOut
    work_type: str = Field(description="full_time, part_time, contract or internship")
    occupation: OccupationOut
    vocational_field_id: int | None
    competency_units: list[str] = Field(description="SKKNI competency unit codes wanted")
    published_at: dt.datetime | None


class VacancyPage(Schema):
    count: int = Field(description="Matches, counted up to 2,000 (`count_capped`: more than that)")
    count_capped: bool
    page: int
    pages: int
    items: list[VacancyOut]


class SearchQuery(Schema):
    q: str = Field("", max_length=100, description="Words in the title, skills or description (full text)")
    province: str = Field("", max_length=2, description="Province code, e.g. 32")
    regency: str = Field("", max_length=5, description="Regency code, e.g. 32.73 (takes precedence over `province`)")
    vocational_field: int | None = Field(None, ge=1, le=ID_MAX, description="Training vocational field id")
    occupation: str = Field("", max_length=4, description="ISCO-08 code prefix: 72 finds groups 721–723")
    education: str = Field("", max_length=10, description="My education: vacancies whose minimum I meet (e.g. smk)")
    min_wage: int | None = Field(None, ge=0, le=domain.WAGE_MAX, description="At least this monthly wage (rupiah)")
    work_type: str = Field("", max_length=12, description="full_time, part_time, contract or internship")
    page: int = Field(1, ge=1, le=PAGE_MAX)


class VacancyIn(Schema):
    title: str = Field(description="Job title (3–150 characters)")
    openings: int = Field(description="Number needed (1–10,000)")
    opens_on: dt.date
    closes_on: dt.date = Field(description="At most 366 days after `opens_on`")
    skills: str = Field(description="Skills needed")
    work_type: str = Field(description="full_time, part_time, contract or internship")
    regency: str = Field(description="Work location: regency code, e.g. 32.73")
    occupation: str = Field(description="ISCO-08 group code, e.g. 722")
    sex: str = Field("any", description="any, M or F")
    age_min: int | None = Field(None, description="15–70")
    age_max: int | None = None
    min_education: str = Field("", description="Minimum formal education (e.g. smk); empty: any")
    experience_years: int = 0
    wage_min: int | None = Field(None, description="Rupiah a month; required unless `wage_negotiable`")
    wage_max: int | None = None
    wage_negotiable: bool = False
    description: str = ""
    vocational_field_id: int | None = Field(None, ge=1, le=ID_MAX, description="Training vocational field (required "
                                                                                "with competency units)")
    competency_units: list[str] = Field([], max_length=100, description="SKKNI unit codes of that vocational field")


class VacancyPatchIn(Schema):
    title: str | None = None
    openings: int | None = None
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    skills: str | None = None
    work_type: str | None = None
    regency: str | None = None
    occupation: str | None = None
    sex: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    min_education: str | None = None
    experience_years: int | None = None
    wage_min: int | None = None
    wage_max: int | None = None
    wage_negotiable: bool | None = None
    description: str | None = None
    vocational_field_id: int | None = Field(None, ge=1, le=ID_MAX)
    competency_units: list[str] | None = Field(None, max_length=100)


class FillIn(Schema):
    filled: int = Field(ge=0, le=domain.OPENINGS_MAX, description="How many positions were filled (0..openings)")


class ApplicantOut(Schema):
    full_name: str


class ApplicationOut(Schema):
    id: int
    vacancy_id: int
    applicant: ApplicantOut
    stage: str = Field(description="applied, shortlisted, interview, offered, hired or rejected")
    stage_label: str
    stage_note: str
    cover_note: str
    ak1_number: str | None = Field(description="The applicant's AK/1 card attached (valid when they applied)")
    certificates: list[str] = Field(description="Numbers of the training certificates attached that still stand (a certificate "
                                             "revoked since is not listed)")
    applied_at: dt.datetime
    stage_changed_at: dt.datetime
    actions: list[str] = Field(description="The moves possible from this stage")


class MoveIn(Schema):
    action: str = Field(description="shortlist, interview, offer, hire or reject")
    note: str = Field("", max_length=1000, description="The applicant reads it: a rejection's reason; for `interview` (required, at least 10 characters) its day, time and place")
    start_date: dt.date | None = Field(None, description="Required to hire: the first day of work")


class CompanyOut(Schema):
    id: int
    name: str
    nib: str
    sector: str = Field(description="KBLI 2020 section letter")
    regency: RegionOut
    status: str = Field(description="pending, approved, rejected or suspended")
    is_manager: bool


class PlacementOut(Schema):
    id: int
    full_name: str = Field(description="The person at work")
    employer_name: str
    position: str
    start_date: dt.date
    end_date: dt.date | None = Field(description="The last day worked, once they left")
    sector: str
    formal: bool
    domestic: bool = Field(description="False: overseas")
    source: str = Field(description="application (a hire through Sisnaker) or employer (reported by the company)")
    vacancy_id: int | None
    application_id: int | None
    follows_training: bool = Field(description="Linked to the person's training: counts as that training's outcome")


class PlacementReportIn(Schema):
    nik: str = Field(max_length=30, description="16 digits, as on the KTP")
    full_name: str = Field(max_length=150, description="As on the KTP")
    birth_date: dt.date
    position: str = Field(max_length=300)
    start_date: dt.date
    sector: str = Field("", max_length=1, description="KBLI section letter; empty: the company's")
    overseas: bool = False


class PlacementEndIn(Schema):
    end_date: dt.date = Field(description="The last day worked (not before the start, not in the future)")


# --- shaping ----------------------------------------------------------------------------------------------------

def _today() -> dt.date:
    return timezone.localdate()


def _vacancy_out(v: Vacancy, *, today: dt.date) -> dict:
    return {
        "id": v.pk, "company": {"id": v.company_id, "name": v.company.name}, "title": v.title, "status": v.status,
        "open_now": domain.is_open(status=v.status, opens_on=v.opens_on, closes_on=v.closes_on, today=today)
        and v.company.is_approved,
        "openings": v.openings, "filled": v.filled, "opens_on": v.opens_on, "closes_on": v.closes_on, "age_min": v.age_min,
        "age_max": v.age_max, "sex": v.sex, "min_education": v.min_education, "skills": v.skills, "description": v.description,
        "experience_years": v.experience_years, "wage_min": v.wage_min, "wage_max": v.wage_max,
        "wage_negotiable": v.wage_negotiable, "regency": {"code": v.regency_id, "name": v.regency.name},
        "province": {"code": v.province_id, "name": v.province.name},
        "work_type": v.work_type, "occupation": {"code": v.occupation_id, "title": v.occupation.title},
        "vocational_field_id": v.vocational_field_id,
        "competency_units": sorted(u.code for u in v.competency_units.all()), "published_at": v.published_at,
    }


def _vacancies_out(rows: list[Vacancy]) -> list[dict]:
    today = _today()
    prefetch_related_objects(rows, "competency_units")
    return [_vacancy_out(v, today=today) for v in rows]


def _vacancy(vacancy_id: int) -> Vacancy:
    vacancy = (Vacancy.objects.select_related("company", "regency", "province", "occupation")
               .prefetch_related("competency_units").filter(pk=vacancy_id).first())
    if vacancy is None:
        raise NotFound(selectors.VACANCY_NOT_FOUND, code=JobsCode.VACANCY_NOT_FOUND)
    return vacancy


def _application_out(a: Application) -> dict:
    return {
        "id": a.pk, "vacancy_id": a.vacancy_id, "applicant": {"full_name": a.person.full_name}, "stage": a.stage,
        "stage_label": str(a.get_stage_display()), "stage_note": a.stage_note, "cover_note": a.cover_note,
        "ak1_number": a.ak1_card.number if a.ak1_card_id and a.ak1_card.number else None,
        "certificates": [c.number for c in a.certificates.all()], "applied_at": a.applied_at,
        "stage_changed_at": a.stage_changed_at, "actions": domain.actions_from(a.stage),
    }


def _placement_out(p: Placement) -> dict:
    return {
        "id": p.pk, "full_name": p.person.full_name, "employer_name": p.employer_name, "position": p.position,
        "start_date": p.start_date, "end_date": p.end_date, "sector": p.sector, "formal": p.formal, "domestic": p.domestic,
        "source": p.source, "vacancy_id": p.vacancy_id, "application_id": p.application_id,
        "follows_training": p.enrollment_id is not None,
    }


def _bad(field: str, message: Msg) -> ValidationFailed:
    return ValidationFailed(message, code=CoreCode.INVALID_VALUE, field=field)


REQUIRED = ("title", "openings", "opens_on", "closes_on", "skills", "work_type", "regency", "occupation", "sex",
            "experience_years", "wage_negotiable", "description", "min_education", "competency_units")


def _vacancy_data(values: dict) -> services.VacancyData:
    for name in REQUIRED:
        if name in values and values[name] is None:
            raise _bad(name, Msg("{f} tidak boleh kosong (null); kirim nilainya atau jangan kirim isian ini.",
                                 "{f} cannot be null; send its value or leave the field out.").format(f=name))
    fields = domain.VacancyInput(
        title=values["title"], openings=values["openings"], opens_on=values["opens_on"], closes_on=values["closes_on"],
        skills=values["skills"], work_type=values["work_type"], sex=values.get("sex") or "any", age_min=values.get("age_min"),
        age_max=values.get("age_max"), min_education=values.get("min_education") or "",
        experience_years=values.get("experience_years") or 0, wage_min=values.get("wage_min"), wage_max=values.get("wage_max"),
        wage_negotiable=bool(values.get("wage_negotiable")), description=values.get("description") or "")
    regency = region_selectors.regency_get((values["regency"] or "").strip()[:20])
    if regency is None:
        raise ValidationFailed(Msg("Kode kabupaten/kota {c} tidak dikenal (contoh: 32.73).", "Unknown regency code {c} "
                                   "(example: 32.73).").format(c=str(values["regency"])[:20]), code=JobsCode.VACANCY_FIELD,
                               field="regency")
    field_id = values.get("vocational_field_id")
    vocational_field = selectors.vocational_field_get(field_id) if field_id is not None else None
    if field_id is not None and vocational_field is None:
        raise ValidationFailed(Msg("Kejuruan tidak dikenal.", "Unknown vocational field."), code=JobsCode.VACANCY_FIELD,
                               field="vocational_field_id")
    return services.VacancyData(fields=fields, regency=regency, occupation_code=str(values["occupation"])[:10],
                                vocational_field=vocational_field,
                                unit_codes=tuple(str(c)[:40] for c in values.get("competency_units") or ()))


def _existing(v: Vacancy) -> dict:
    values = {name: getattr(v, name) for name in (
        "title", "openings", "opens_on", "closes_on", "skills", "work_type", "sex", "age_min", "age_max", "min_education",
        "experience_years", "wage_min", "wage_max", "wage_negotiable", "description", "vocational_field_id")}
    return values | {"regency": v.regency_id, "occupation": v.occupation_id,
                     "competency_units": [u.code for u in v.competency_units.all()]}


PROVINCE = re.compile(r"^[0-9]{2}$")
REGENCY = re.compile(r"^[0-9]{2}\.[0-9]{2}$")
OCCUPATION = re.compile(r"^[0-9]{1,4}$")


def _search_params(f: SearchQuery) -> selectors.SearchParams:
    """The job search page's filters, checked: a value that cannot be one is refused naming it (the page, for a
    link, drops it instead)."""
    province, regency, occupation = f.province.strip(), f.regency.strip(), f.occupation.strip()
    education, work_type = f.education.strip(), f.work_type.strip()
    if province and not PROVINCE.match(province):
        raise _bad("province", Msg("Kode provinsi 2 angka, contoh 32.", "A province code is 2 digits, e.g. 32."))
    if regency and not REGENCY.match(regency):
        raise _bad("regency", Msg("Kode kabupaten/kota seperti 32.73.", "A regency code looks like 32.73."))
    if occupation and not OCCUPATION.match(occupation):
        raise _bad("occupation", Msg("Kode ISCO-08 1–4 angka, contoh 72.", "An ISCO-08 code is 1–4 digits, e.g. 72."))
    if education and education not in domain.EDUCATION_RANK:
        raise _bad("education", Msg("Jenjang pendidikan tidak dikenal: {v}.", "Unknown education level: {v}.").format(
            v=", ".join(sorted(domain.EDUCATION_RANK))))
    if work_type and work_type not in domain.WORK_TYPE_VALUES:
        raise _bad("work_type", Msg("Jenis pekerjaan: {v}.", "Work type: {v}.").format(v=", ".join(sorted(domain.WORK_TYPE_VALUES))))
    return selectors.SearchParams(q=f.q.strip(), province=province, regency=regency, vocational_field=f.vocational_field,
                                  occupation=occupation, education=education, min_wage=f.min_wage or None, work_type=work_type)


# --- public -----------------------------------------------------------------------------------------------------

@router.get("/vacancies", response=VacancyPage, auth=None, summary="Public job search",
            description="Published vacancies of approved companies open today, newest first, 20 a page, with the job "
                        "search page's filters (province, regency, vocational field, ISCO-08 occupation group, my "
                        "education, minimum wage, work type, words). Counted up to 2,000.")
def vacancy_search(request, filters: Query[SearchQuery]):
    params = _search_params(filters)
    paginator, page = selectors.search_page(params, today=_today(), page=filters.page)
    rows = list(page.object_list)
    prefetch_related_objects(rows, "province")
    return {"count": paginator.count, "count_capped": paginator.count_capped, "page": page.number,
            "pages": paginator.num_pages, "items": _vacancies_out(rows)}


@router.get("/vacancies/{vacancy_id}", response=VacancyOut, auth=None, summary="One vacancy",
            description="A published vacancy of an approved company, for anyone. A draft (or a company not approved) "
                        "only for the company's staff (session or token); anyone else gets the same 404 as for a "
                        "vacancy that does not exist.")
def vacancy_detail(request, vacancy_id: int):
    page = selectors.vacancy_page(viewer=optional_actor(request), vacancy_id=vacancy_id, today=_today())
    return _vacancy_out(_vacancy(page.vacancy.pk), today=_today())


# --- the company's own -----------------------------------------------------------------------------------------

@router.get("/companies", response=list[CompanyOut], summary="My companies",
            description="The companies whose staff the caller is (employer role), with their vetting status.")
def my_companies(request):
    actor = request_actor(request)
    return [{"id": c.pk, "name": c.name, "nib": c.nib, "sector": c.sector, "status": c.status,
             "regency": {"code": c.regency_id, "name": c.regency.name}, "is_manager": c.manager_id == actor.pk}
            for c in selectors.my_companies(user=actor)]


@router.get("/companies/{company_id}/vacancies", response=list[VacancyOut], summary="The company's vacancies",
            description="Every vacancy of the company (drafts included), newest first: its staff only.")
def company_vacancies(request, company_id: int):
    company = selectors.company_for(viewer=request_actor(request), company_id=company_id)
    require(request_actor(request), "vacancy.manage", company)
    rows = list(Vacancy.objects.filter(company=company).select_related("company", "regency", "province", "occupation")
                .order_by("-created_at", "-id")[:500])
    return _vacancies_out(rows)


@router.post("/companies/{company_id}/vacancies", response={201: VacancyOut}, summary="Write a draft vacancy",
             description="A draft of the company (whatever its status); publish it with `…/publish` once the company is "
                         "approved. Field rules are the page's (Perpres 57/2023): every problem names its field.")
def vacancy_create(request, company_id: int, payload: VacancyIn):
    actor = request_actor(request)
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(selectors.COMPANY_NOT_FOUND, code=JobsCode.COMPANY_NOT_FOUND)
    require(actor, "vacancy.manage", company)  # before reading what was sent
    vacancy = services.vacancy_create(actor=actor, company_id=company.pk, data=_vacancy_data(payload.dict()), now=timezone.now())
    return Status(201, _vacancy_out(_vacancy(vacancy.pk), today=_today()))


@router.patch("/vacancies/{vacancy_id}", response=VacancyOut, summary="Change a vacancy",
              description="A draft or published vacancy; only the fields sent change (`competency_units` replaces the "
                          "list). A closed or filled vacancy is history (409).")
def vacancy_update(request, vacancy_id: int, payload: VacancyPatchIn):
    actor = request_actor(request)
    vacancy = selectors.vacancy_for_manager(viewer=actor, vacancy_id=vacancy_id)
    values = _existing(_vacancy(vacancy.pk)) | payload.dict(exclude_unset=True)
    services.vacancy_update(actor=actor, vacancy_id=vacancy.pk, data=_vacancy_data(values), now=timezone.now())
    return _vacancy_out(_vacancy(vacancy.pk), today=_today())


@router.post("/vacancies/{vacancy_id}/publish", response=VacancyOut, summary="Publish a draft",
             description="Only an approved company's, while its closing date is not past.")
def vacancy_publish(request, vacancy_id: int):
    services.vacancy_publish(actor=request_actor(request), vacancy_id=vacancy_id, now=timezone.now())
    return _vacancy_out(_vacancy(vacancy_id), today=_today())


@router.post("/vacancies/{vacancy_id}/close", response=VacancyOut, summary="Stop taking applications",
             description="Applications already in keep moving.")
def vacancy_close(request, vacancy_id: int):
    services.vacancy_close(actor=request_actor(request), vacancy_id=vacancy_id, now=timezone.now())
    return _vacancy_out(_vacancy(vacancy_id), today=_today())


@router.post("/vacancies/{vacancy_id}/fill", response=VacancyOut, summary="Report the vacancy filled",
             description="With how many positions were filled (0..openings; never fewer than the hires recorded).")
def vacancy_fill(request, vacancy_id: int, payload: FillIn):
    services.vacancy_fill(actor=request_actor(request), vacancy_id=vacancy_id, filled=payload.filled, now=timezone.now())
    return _vacancy_out(_vacancy(vacancy_id), today=_today())


@router.get("/vacancies/{vacancy_id}/applications", response=list[ApplicationOut], summary="A vacancy's applications",
            description="For the staff of the vacancy's approved company only (never another company's), oldest first: "
                        "the applicant's name, the AK/1 card and certificates attached, the stage. No NIK.")
def vacancy_applications(request, vacancy_id: int):
    _vacancy_row, rows = selectors.applicants(viewer=request_actor(request), vacancy_id=vacancy_id)
    return [_application_out(a) for a in rows]


@router.post("/applications/{application_id}/move", response=ApplicationOut, summary="Move an application one stage",
             description="applied → shortlisted → interview → offered → hired, or → rejected from any stage before hired "
                         "(`note`: what the applicant reads, a rejection's reason; `interview` needs it with the day, time and place). "
                         "`hire` needs `start_date`: it records the placement, "
                         "raises the vacancy's filled count and ends the person's AK/1 card as found work.")
def application_move(request, application_id: int, payload: MoveIn):
    application = services.application_move(actor=request_actor(request), application_id=application_id, action=payload.action,
                                             note=payload.note, start_date=payload.start_date, now=timezone.now())
    application = (Application.objects.select_related("person", "ak1_card").prefetch_related(selectors.standing_certificates())
                   .get(pk=application.pk))
    return _application_out(application)


@router.get("/companies/{company_id}/placements", response=list[PlacementOut], summary="The company's placements",
            description="The people the company hired through Sisnaker or reported working there, those still at work "
                        "first: its approved staff only.")
def company_placements(request, company_id: int):
    _company, rows = selectors.company_placements(viewer=request_actor(request), company_id=company_id)
    return [_placement_out(p) for p in rows]


@router.post("/companies/{company_id}/placements", response={201: PlacementOut}, summary="Report a person working here",
             description="A person who works for the company outside a hire through Sisnaker, named by NIK, full name "
                         "and birth date: all three must match one registered person or alumnus record; otherwise 404 "
                         "`placement_person_not_matched`, the same whether or not anyone has the NIK. Every look-up is "
                         "audited; at most 10 look-ups of one NIK per company an hour (429). Linked to the person's "
                         "latest graduated training (its outcome). 409 `placement_exists` when they are already "
                         "recorded at work here.")
def placement_report(request, company_id: int, payload: PlacementReportIn):
    placement = services.placement_report(actor=request_actor(request), company_id=company_id, now=timezone.now(),
                                          data=services.EmployerReport(**payload.dict()))
    return Status(201, _placement_out(Placement.objects.select_related("person").get(pk=placement.pk)))


@router.post("/placements/{placement_id}/end", response=PlacementOut, summary="No longer works here",
             description="The company that hired or reported the person records the last day worked.")
def placement_end(request, placement_id: int, payload: PlacementEndIn):
    placement = services.placement_end(actor=request_actor(request), placement_id=placement_id, end_date=payload.end_date,
                                       now=timezone.now())
    return _placement_out(placement)
