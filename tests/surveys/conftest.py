"""Survey fixtures: the default questionnaire (reinstalled after a flush), programs in each stage with
an enrollment of a citizen, and a full set of valid answers to the work-readiness survey."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sisnaker.core.roles import Role
from sisnaker.surveys import services
from sisnaker.training import services as training
from sisnaker.training.domain import ProgramStatus as P
from tests.training.test_services import (
    fresh,
    make_institution,
    make_person,
    make_program,
    make_staff,
    register,
)

CODE = "kesiapan-kerja"


def valid_answers(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "kegiatan_saat_ini": "mencari_kerja",
        "keyakinan_bekerja": "4",
        "kesediaan_pindah": "dalam_provinsi",
        "gaji_harapan": "3.500.000",
        "siap_mulai": (today + dt.timedelta(days=7)).isoformat(),
        "saluran_cari_kerja": ["karirhub", "media_sosial"],
        "bantuan_penempatan": "ya",
        "cv_siap": "belum",
        "keterampilan_dibutuhkan": "  Bahasa Inggris untuk wawancara  ",
    }


@pytest.fixture
def readiness(db):
    services.ensure_default_questionnaires()
    return services.questionnaire_current(code=CODE)


@pytest.fixture
def inst(regions):
    return make_institution()


@pytest.fixture
def manager(inst):
    return make_staff(None, Role.INSTITUTION_MANAGER, inst)


def participant_of(manager, program, person):
    """``person`` accepted into ``program`` (published) — returns the enrollment."""
    enrollment = register(person, program)
    training.enrollments_transition(actor=manager, program=program, enrollment_ids=[enrollment.pk], action="accept")
    enrollment.refresh_from_db()
    return enrollment


@pytest.fixture
def stage(manager, inst, signup_data):
    """stage(status, passed=True) → an enrollment of a new citizen in a program of that status:
    published (applicant), running (participant), closed (graduated or not passed)."""

    def build(status: str = P.RUNNING, *, passed: bool = True, person=None):
        person = person or make_person(signup_data)
        program = make_program(manager, inst)
        if status == P.PUBLISHED:
            return register(person, program)
        enrollment = participant_of(manager, program, person)
        program = training.program_transition(actor=manager, program=program, action="start", today=program.start_date)
        if status == P.CLOSED:
            training.enrollments_set_result(actor=manager, program=program, enrollment_ids=[enrollment.pk],
                                            result="passed" if passed else "failed")
            training.program_transition(actor=manager, program=program, action="close", today=program.end_date)
        enrollment.refresh_from_db()
        return enrollment

    return build


@pytest.fixture
def curator(regions):
    return fresh(make_staff(None, Role.CURATOR))
