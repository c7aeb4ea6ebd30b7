"""A small hand-made world for planning: vocational fields, officers of Kota Bandung (32.73), Kabupaten Bandung
(32.04) and Jawa Barat (32), a curator, and helpers that put open vacancies, alumni and AK/1 cards where a test
says."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from sisnaker.core import crypto
from sisnaker.placement.models import JobSeekerCard, Occupation, Vacancy
from sisnaker.regions.models import Regency
from sisnaker.training.domain import EnrollmentState, ProgramStatus
from tests.conftest import TODAY
from tests.factories import (
    CompanyFactory,
    EnrollmentFactory,
    PersonFactory,
    ProgramFactory,
    VocationalFieldFactory,
    staff,
)

# Services take ``now``: a fixed morning in Jakarta on the test suite's TODAY (before the 2027 deadline, 30 Nov).
NOW = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10, 0)))
_serial = itertools.count(1)


@pytest.fixture
def fields(regions):
    return {code: VocationalFieldFactory(code=code, name=name) for code, name in (
        ("OTO", "Otomotif"), ("TIK", "Teknologi Informasi dan Komunikasi"), ("LAS", "Pengelasan"), ("JHT", "Garmen"))}


@pytest.fixture
def people(regions):
    """The officers and the ministry of the world."""
    return {
        "bandung": staff("regional_officer", region_code="32.73"),
        "kab_bandung": staff("regional_officer", region_code="32.04"),
        "jabar": staff("regional_officer", region_code="32"),
        "surabaya": staff("regional_officer", region_code="35.78"),
        "curator": staff("curator"),
        "pmo": staff("pmo_officer"),
        "citizen": PersonFactory().user,
    }


def vacancy(field, *, regency: str = "32.73", openings: int = 10, filled: int = 0, status: str = "published",
            closes_in: int = 30, today: dt.date = TODAY) -> Vacancy:
    company = CompanyFactory(regency=Regency.objects.get(code=regency))
    at = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=40), dt.time(9)))
    return Vacancy.objects.create(
        company=company, title=f"Lowongan {next(_serial)}", openings=openings, filled=filled,
        opens_on=today - dt.timedelta(days=40), closes_on=today + dt.timedelta(days=closes_in), skills="Uji",
        regency_id=regency, province_id=regency[:2], work_type="full_time", wage_min=4_000_000,
        occupation=Occupation.objects.order_by("code").first(), vocational_field=field, status=status,
        published_at=None if status == "draft" else at, created_at=at, updated_at=at)


def alumnus(field, *, domicile: str = "32.73.01", state: str = EnrollmentState.GRADUATED, ended_days_ago: int = 1,
            person=None, today: dt.date = TODAY):
    """A person living in ``domicile`` who completed a training of ``field`` (graduated unless ``state``)."""
    end = today - dt.timedelta(days=ended_days_ago)
    program = ProgramFactory(vocational_field=field, status=ProgramStatus.CLOSED, today=today,
                             start_date=end - dt.timedelta(days=30), end_date=end, closed_on=end,
                             registration_opens=end - dt.timedelta(days=60), registration_closes=end - dt.timedelta(days=31))
    person = person or PersonFactory(domicile=domicile, nik_district=domicile)
    return EnrollmentFactory(program=program, person=person, state=state)


def ak1_card(person, *, regency: str = "32.73", issued_days_ago: int = 30, ended: bool = False,
             today: dt.date = TODAY) -> JobSeekerCard:
    issued = today - dt.timedelta(days=issued_days_ago)
    n = next(_serial)
    officer = staff("regional_officer", region_code=regency)
    return JobSeekerCard.objects.create(
        person=person, regency_id=regency, status="issued", nik_encrypted=crypto.encrypt(person.nik),
        full_name=person.full_name, birth_place="Bandung", birth_date=person.birth_date, sex=person.sex,
        marital_status="single", religion="islam", address="Jl. Uji", education="smk", skills="Uji",
        submitted_at=NOW, number=f"{regency.replace('.', '')}-{issued.year}-{n:06d}", year=issued.year, sequence=n,
        issued_on=issued, decided_at=NOW, decided_by=officer, officer_name="Petugas",
        ended_on=issued + dt.timedelta(days=5) if ended else None)
