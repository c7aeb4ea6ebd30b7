"""Survey fixtures: the default questionnaire (reinstalled after a flush), programs in each stage with
an enrollment of a citizen (tests/factories.py), and a full set of valid answers to the work-readiness survey."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sisnaker.surveys import services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.domain import close_outcome
from tests.factories import (
    CuratorFactory,
    EnrollmentFactory,
    InstitutionFactory,
    ManagerFactory,
    ProgramFactory,
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
    return InstitutionFactory()


@pytest.fixture
def manager(inst):
    return ManagerFactory(institution=inst)


@pytest.fixture
def stage(inst):
    """stage(status, passed=True) → an enrollment of a new citizen (or ``person``) in a new program of that
    status: published (applicant), running (participant), closed (graduated or not passed)."""

    def build(status: str = P.RUNNING, *, passed: bool = True, person=None):
        extra = {"person": person} if person is not None else {}
        program = ProgramFactory(institution=inst, status=status)
        if status == P.PUBLISHED:
            return EnrollmentFactory(program=program, **extra)
        if status == P.CLOSED:
            result = "passed" if passed else "failed"
            state, reason = close_outcome(result=result)
            return EnrollmentFactory(program=program, state=state, result=result, reason=reason, **extra)
        return EnrollmentFactory(program=program, state=E.PARTICIPANT, **extra)

    return build


@pytest.fixture
def curator(regions):
    return CuratorFactory()
