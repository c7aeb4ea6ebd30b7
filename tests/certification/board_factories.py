"""A running program with two competency units and participants at every stage of readiness, built
with the training services and plain rows for the steps (assessment, review, readiness survey)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.certification.models import Assessment, Review
from sisnaker.core.roles import Role
from sisnaker.surveys.models import Questionnaire, Response
from sisnaker.training import services
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program
from tests.training.test_services import (
    make_institution,
    make_person,
    make_program,
    make_staff,
    vocational_field,
)


@dataclass
class Setup:
    institution: object
    manager: User
    instructor: User
    program: Program
    units: list[CompetencyUnit]
    enrollments: dict[str, Enrollment]  # by first name


def units_for(prefix: str = "UJI") -> list[CompetencyUnit]:
    field = vocational_field()
    return [CompetencyUnit.objects.get_or_create(code=f"{prefix}.{i}", defaults={"title": f"Unit uji {i}", "vocational_field": field})[0]
            for i in (1, 2)]


def today():
    return timezone.localdate()


def running_program(manager, institution, *, units, title="Pemrograman Web Dasar", **overrides) -> Program:
    """A published program (start it with ``start``) ending in 25 days: "closing soon"."""
    overrides.setdefault("end_date", today() + dt.timedelta(days=25))
    overrides.setdefault("quota", 40)
    return make_program(manager, institution, status=P.PUBLISHED, title=title, today=today(), base=today(),
                        competency_unit_ids=tuple(u.pk for u in units), **overrides)


def start(manager, program) -> Program:
    return services.program_transition(actor=manager, program=program, action="start", today=today())


def enroll(manager, program, person) -> Enrollment:
    late = "" if program.status == P.PUBLISHED else "Peserta pengganti"
    return services.enrollment_record(actor=manager, program=program, person=person, today=today(), as_participant=True,
                                      late_reason=late)


def assess(enrollment, units, instructor, result="competent"):
    for u in units:
        Assessment.objects.create(enrollment=enrollment, unit=u, result=result, assessed_by=instructor, assessed_at=timezone.now())


def review(enrollment):
    Review.objects.create(enrollment=enrollment, rating=5, text="Materinya jelas dan praktis.", created_at=timezone.now())


def survey(enrollment):
    q = Questionnaire.objects.get(code="kesiapan-kerja")
    Response.objects.create(version=q.versions.get(is_current=True), questionnaire=q, person=enrollment.person,
                            enrollment=enrollment, submitted_at=timezone.now())


def build(signup_data) -> Setup:
    """Ani: all three steps (eligible). Budi: assessed only. Citra: assessed and reviewed. Dedi: reviewed and
    surveyed, not assessed yet. Eko: assessed on one unit only, nothing else, and no e-mail."""
    inst = make_institution()
    manager = make_staff(None, Role.INSTITUTION_MANAGER, inst)
    instructor = make_staff(None, Role.INSTRUCTOR, inst)
    units = units_for()
    program = running_program(manager, inst, units=units)
    people = {
        "Ani": make_person(signup_data, full_name="Ani Lengkap", email="ani@contoh.id"),
        "Budi": make_person(signup_data, full_name="Budi Santoso", email="budi@contoh.id"),
        "Citra": make_person(signup_data, full_name="Citra Kirana", email="citra@contoh.id"),
        "Dedi": make_person(signup_data, full_name="Dedi Menunggu", email="dedi@contoh.id"),
        "Eko": make_person(signup_data, full_name="Eko Prasetyo", email=""),
    }
    enrollments = {name: enroll(manager, program, person) for name, person in people.items()}
    program = start(manager, program)
    e = enrollments
    assess(e["Ani"], units, instructor)
    review(e["Ani"])
    survey(e["Ani"])
    assess(e["Budi"], units, instructor)
    assess(e["Citra"], units, instructor)
    review(e["Citra"])
    review(e["Dedi"])
    survey(e["Dedi"])
    assess(e["Eko"], units[:1], instructor)
    return Setup(institution=inst, manager=manager, instructor=instructor, program=program, units=units, enrollments=enrollments)
