"""Vacancies (lowongan): a company's staff write a draft (any company status), publish it (only an approved
company, the closing date not past), close it, or report it filled with how many were filled. Transitions:
``domain.VACANCY_TRANSITIONS``; field rules: ``domain.vacancy_errors``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.regions.models import Regency
from sisnaker.training.models import CompetencyUnit, VocationalField

from .. import domain
from ..codes import VACANCY_AUDIT, JobsAudit, JobsCode
from ..models import Company, Occupation, Vacancy
from .applications import close_applications_after_commit

FIELDS = ["title", "openings", "opens_on", "closes_on", "age_min", "age_max", "sex", "min_education", "skills",
          "experience_years", "wage_min", "wage_max", "wage_negotiable", "regency", "work_type", "occupation",
          "vocational_field", "status", "filled"]
UNITS_MAX = 50


@dataclass(frozen=True, slots=True)
class VacancyData:
    """A vacancy as typed: the pure fields (``domain.VacancyInput``) and the references."""

    fields: domain.VacancyInput
    regency: Regency | None
    occupation_code: str
    vocational_field: VocationalField | None = None
    unit_codes: tuple[str, ...] = field(default_factory=tuple)  # SKKNI unit codes


def _invalid(errors: dict[str, Msg]) -> ValidationFailed:
    name, message = next(iter(errors.items()))
    return ValidationFailed(message, code=JobsCode.VACANCY_FIELD, field=name,
                            details={"errors": dict(errors)})  # the API answers each in the caller's language


def _clean(data: VacancyData) -> tuple[dict, list[CompetencyUnit]]:
    errors = domain.vacancy_errors(data.fields)
    if errors:
        raise _invalid(errors)
    if data.regency is None:
        raise _invalid({"regency": Msg("Pilih kabupaten/kota lokasi kerja.", "Choose the work location's regency/city.")})
    occupation = Occupation.objects.filter(code=(data.occupation_code or "").strip()).first()
    if occupation is None:
        raise _invalid({"occupation": Msg("Pilih jabatan (ISCO-08).", "Choose the occupation (ISCO-08).")})
    codes = sorted({c.strip().upper() for c in data.unit_codes if c.strip()})
    if len(codes) > UNITS_MAX:
        raise _invalid({"competency_units": Msg("Paling banyak {n} unit kompetensi.", "At most {n} competency units.").format(n=UNITS_MAX)})
    units = list(CompetencyUnit.objects.filter(code__in=codes, is_active=True)) if codes else []
    unknown = sorted(set(codes) - {u.code.upper() for u in units})
    if unknown:
        raise _invalid({"competency_units": Msg("Unit kompetensi tidak dikenal: {codes}.", "Unknown competency units: {codes}.").format(
            codes=", ".join(unknown[:5]))})
    if units and data.vocational_field is None:
        raise _invalid({"vocational_field": Msg("Pilih kejuruan unit-unit kompetensi itu.", "Choose the units' vocational field.")})
    if any(u.vocational_field_id != data.vocational_field.pk for u in units):
        raise _invalid({"competency_units": Msg("Unit kompetensi harus dari kejuruan yang dipilih.",
                                                "The competency units must belong to the chosen vocational field.")})
    f = data.fields
    values = dict(
        title=" ".join(f.title.split()), openings=f.openings, opens_on=f.opens_on, closes_on=f.closes_on, age_min=f.age_min,
        age_max=f.age_max, sex=f.sex, min_education=f.min_education or "", skills=f.skills.strip(), description=(f.description or "").strip(),
        experience_years=f.experience_years, wage_min=f.wage_min, wage_max=f.wage_max, wage_negotiable=f.wage_negotiable,
        work_type=f.work_type, regency=data.regency, province_id=data.regency.province_id, occupation=occupation,
        vocational_field=data.vocational_field)
    return values, units


def _company(company_id: int) -> Company:
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(Msg("Perusahaan tidak ditemukan.", "Company not found."), code=JobsCode.COMPANY_NOT_FOUND)
    return company


def _locked(vacancy_id: int) -> Vacancy:
    vacancy = Vacancy.objects.select_for_update(of=("self",)).select_related("company").filter(pk=vacancy_id).first()
    if vacancy is None:
        raise NotFound(Msg("Lowongan tidak ditemukan.", "Vacancy not found."), code=JobsCode.VACANCY_NOT_FOUND)
    return vacancy


def _count(units) -> int:
    """``Vacancy.units_wanted``: the distinct units set on it."""
    return len({u.pk for u in units})


def vacancy_units_recount(vacancy_ids=None) -> int:
    """Rebuild ``Vacancy.units_wanted`` from the vacancy–unit rows, set-based (after a bulk load of the links; the
    services keep it otherwise). Every vacancy, or those of ``vacancy_ids``. Returns the rows updated."""
    m2m = Vacancy.competency_units.through
    qs = Vacancy.objects.all() if vacancy_ids is None else Vacancy.objects.filter(pk__in=list(vacancy_ids))
    wanted = m2m.objects.filter(vacancy_id=OuterRef("pk")).order_by().values("vacancy_id").annotate(n=Count("*")).values("n")
    return qs.update(units_wanted=Coalesce(Subquery(wanted), 0))


@transaction.atomic(durable=True)
def vacancy_create(*, actor: User, company_id: int, data: VacancyData, now: dt.datetime) -> Vacancy:
    """A draft vacancy of the company (its staff, whatever the company's status: publishing waits for approval)."""
    company = _company(company_id)
    require(actor, "vacancy.manage", company)
    values, units = _clean(data)
    vacancy = Vacancy.objects.create(company=company, **values, status=domain.VacancyStatus.DRAFT, created_by=actor,
                                     created_at=now, updated_at=now, units_wanted=_count(units))
    vacancy.competency_units.set(units)
    audit.record(actor=actor, action=JobsAudit.VACANCY_CREATED, obj=vacancy,
                 after=audit.snapshot(vacancy, FIELDS) | {"units": [u.pk for u in units]}, at=now)
    return vacancy


@transaction.atomic(durable=True)
def vacancy_update(*, actor: User, vacancy_id: int, data: VacancyData, now: dt.datetime) -> Vacancy:
    """Change a draft or published vacancy (a closed or filled one is history)."""
    vacancy = _locked(vacancy_id)
    require(actor, "vacancy.manage", vacancy)
    if vacancy.status not in (domain.VacancyStatus.DRAFT, domain.VacancyStatus.PUBLISHED):
        raise Conflict(Msg("Lowongan yang sudah ditutup atau terisi tidak dapat diubah.", "A closed or filled vacancy cannot be changed."),
                       code=JobsCode.VACANCY_STATUS)
    values, units = _clean(data)
    if values["openings"] < vacancy.filled:
        raise _invalid({"openings": Msg("Sudah {n} orang diterima; jumlah yang dibutuhkan tidak boleh kurang.",
                                        "{n} people were hired already; the number needed cannot be lower.").format(n=vacancy.filled)})
    before = audit.snapshot(vacancy, FIELDS)
    for name, value in values.items():
        setattr(vacancy, name, value)
    vacancy.updated_at, vacancy.units_wanted = now, _count(units)
    vacancy.save()
    vacancy.competency_units.set(units)
    b, a = audit.changes(before, audit.snapshot(vacancy, FIELDS))
    audit.record(actor=actor, action=JobsAudit.VACANCY_UPDATED, obj=vacancy, before=b, after=a, at=now)
    return vacancy


def _transition(*, actor: User, vacancy_id: int, action: str, now: dt.datetime, filled: int | None = None) -> Vacancy:
    vacancy = _locked(vacancy_id)
    require(actor, "vacancy.manage", vacancy)
    to = domain.vacancy_next_status(action=action, status=vacancy.status)
    if to is None:
        raise Conflict(Msg("Tindakan ini tidak berlaku untuk lowongan berstatus \"{s}\".", "This action does not apply to a vacancy "
                           "that is \"{s}\".").format(s=vacancy.get_status_display()), code=JobsCode.VACANCY_STATUS)
    blocker = domain.company_public_blocker(vacancy.company.status)
    if action == "publish":
        blocker = domain.publish_blocker(company_status=vacancy.company.status, closes_on=vacancy.closes_on,
                                         today=timezone.localtime(now).date())
    if blocker is not None:
        raise Conflict(blocker, code=JobsCode.COMPANY_NOT_APPROVED if vacancy.company.status != domain.CompanyStatus.APPROVED
                       else JobsCode.VACANCY_STATUS)
    before = {"status": vacancy.status, "filled": vacancy.filled}
    if action == "fill":
        if filled is None or (error := domain.fill_errors(filled=filled, openings=vacancy.openings)) is not None:
            raise ValidationFailed(error if filled is not None else Msg("Isi jumlah yang terisi.", "Give the number filled."),
                                   code=JobsCode.VACANCY_FIELD, field="filled")
        vacancy.filled = max(filled, vacancy.filled)  # hires recorded here already count
    vacancy.status = to
    if action == "publish":
        vacancy.published_at = now
    else:
        vacancy.ended_at = now
    vacancy.updated_at = now
    vacancy.save(update_fields=["status", "filled", "published_at", "ended_at", "updated_at"])
    audit.record(actor=actor, action=VACANCY_AUDIT[action], obj=vacancy, before=before,
                 after={"status": to, "filled": vacancy.filled}, at=now)
    if action == "fill":
        close_applications_after_commit(actor=actor, vacancy_id=vacancy.pk, now=now)
    return vacancy


@transaction.atomic(durable=True)
def vacancy_publish(*, actor: User, vacancy_id: int, now: dt.datetime) -> Vacancy:
    """Publish a draft: only an approved company's, and only while its closing date is not past."""
    return _transition(actor=actor, vacancy_id=vacancy_id, action="publish", now=now)


@transaction.atomic(durable=True)
def vacancy_close(*, actor: User, vacancy_id: int, now: dt.datetime) -> Vacancy:
    """Stop taking applications (applications already in keep moving)."""
    return _transition(actor=actor, vacancy_id=vacancy_id, action="close", now=now)


@transaction.atomic(durable=True)
def vacancy_fill(*, actor: User, vacancy_id: int, filled: int, now: dt.datetime) -> Vacancy:
    """The employer reports the vacancy filled, with how many positions were filled (0..openings; never fewer
    than the hires recorded through Sisnaker)."""
    return _transition(actor=actor, vacancy_id=vacancy_id, action="fill", now=now, filled=filled)
