"""A small world for the figures: people of Kota Bandung (32.73) and Kota Surabaya (35.78) in trainings, with
certificates, a placement, an AK/1 card and a paid incentive — dated in two years."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from sisnaker.certification.models import Certificate
from sisnaker.placement.models import JobSeekerCard, Placement
from sisnaker.training.domain import EnrollmentState as E
from tests.factories import EnrollmentFactory, PersonFactory, ProgramFactory

T2025 = dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC)
T2026 = dt.datetime(2026, 8, 3, 9, tzinfo=dt.UTC)


@dataclass
class World:
    program: object
    people: dict = field(default_factory=dict)
    enrollments: dict = field(default_factory=dict)


def certificate(enrollment, *, at, revoked=False) -> Certificate:
    n = Certificate.objects.count() + 1
    return Certificate.objects.create(
        enrollment=enrollment, number=f"TEST/{n}", institution=enrollment.program.institution, year=at.year, sequence=n,
        verification_id=f"v{n:08d}", payload="{}", signature="x", key_id="k", issued_at=at,
        issued_by=enrollment.program.created_by or enrollment.program.institution.created_by,
        revoked_at=at + dt.timedelta(days=1) if revoked else None, revoke_reason="salah cetak" if revoked else "")


@pytest.fixture
def world(regions, django_user_model):
    program = ProgramFactory(status="closed", funding="apbn", dipa_reference="DIPA-026.01.1.123456/2025")
    issuer = django_user_model.objects.create(username="issuer")
    program.created_by = issuer
    program.save(update_fields=["created_by"])
    w = World(program=program)
    # Bandung residents: two women (one with a disability), one man. A man living in Surabaya with a Bandung KTP.
    w.people["ani"] = PersonFactory(full_name="Ani", sex="F", birth_date=dt.date(2000, 1, 2))
    w.people["rina"] = PersonFactory(full_name="Rina", sex="F", birth_date=dt.date(1980, 1, 2), has_disability=True,
                                     disability_kind="physical")
    w.people["budi"] = PersonFactory(full_name="Budi", sex="M", birth_date=dt.date(1999, 1, 2))
    w.people["eko"] = PersonFactory(full_name="Eko", sex="M", birth_date=dt.date(1990, 6, 1), domicile="35.78.01")
    e = w.enrollments
    e["ani"] = EnrollmentFactory(program=program, person=w.people["ani"], state=E.GRADUATED, registered_at=T2025,
                                 state_changed_at=T2025 + dt.timedelta(days=40))
    e["rina"] = EnrollmentFactory(program=program, person=w.people["rina"], state=E.GRADUATED, registered_at=T2025,
                                  state_changed_at=T2025 + dt.timedelta(days=40))
    e["budi"] = EnrollmentFactory(program=program, person=w.people["budi"], state=E.WITHDRAWN, registered_at=T2025,
                                  state_changed_at=T2025 + dt.timedelta(days=2))
    e["eko"] = EnrollmentFactory(program=program, person=w.people["eko"], state=E.DROPPED_OUT, registered_at=T2025,
                                 state_changed_at=T2025 + dt.timedelta(days=20))
    certificate(e["ani"], at=T2025 + dt.timedelta(days=45))
    certificate(e["rina"], at=T2025 + dt.timedelta(days=45), revoked=True)
    Placement.objects.create(person=w.people["ani"], employer_name="CV Maju", position="Teknisi", start_date=dt.date(2026, 2, 1),
                             source="employer", created_at=T2026, enrollment=e["ani"])
    JobSeekerCard.objects.create(
        person=w.people["budi"], regency_id="32.73", status="issued", full_name="Budi", birth_date=dt.date(1999, 1, 2),
        submitted_at=T2026, issued_on=dt.date(2026, 8, 4), decided_at=T2026, year=2026, sequence=1, number="AK1/32.73/2026/1",
        decided_by=issuer,
        **_card_extra())
    return w


def _card_extra() -> dict:
    from sisnaker.placement import domain

    return {"nik_encrypted": "x", "birth_place": "Bandung", "sex": "M", "marital_status": domain.MARITAL_STATUSES[0][0],
            "religion": domain.RELIGIONS[0][0], "address": "Jl. Asia Afrika 1", "education": "smk", "skills": "las"}
