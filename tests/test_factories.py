"""tests/factories.py makes valid data by default: the product's own rules accept what it builds (role
scopes, the NIK parser, the program field rules, the vetting history), and its unique values do not
collide."""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.core.roles import Role
from sisnaker.institutions import domain as institution_rules
from sisnaker.regions import nik as nik_rules
from sisnaker.training import domain as training_rules
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from tests import factories as f
from tests.conftest import TODAY, make_nik

pytestmark = pytest.mark.django_db


def test_each_role_with_its_scope(regions):
    inst = f.InstitutionFactory()
    cases = {
        Role.INSTITUTION_MANAGER: (f.ManagerFactory(institution=inst), {"institution_id": inst.pk}),
        Role.INSTRUCTOR: (f.InstructorFactory(institution=inst), {"institution_id": inst.pk}),
        Role.REGIONAL_OFFICER: (f.RegionalOfficerFactory(area="32"), {"region_code": "32"}),
        Role.CURATOR: (f.CuratorFactory(), {}),
        Role.PMO_OFFICER: (f.PmoOfficerFactory(), {}),
        Role.ADMIN: (f.AdminFactory(), {}),
        Role.CITIZEN: (f.CitizenUserFactory(), {}),
    }
    for role, (user, scope) in cases.items():
        (grant,) = user.grants
        assert grant.role == role and user.check_password(f.PASSWORD)
        assert {k: getattr(grant, k) for k in scope} == scope
    assert cases[Role.INSTITUTION_MANAGER][0].grants[0].institution_approved
    admin = cases[Role.ADMIN][0]
    assert admin.is_staff and admin.is_superuser  # as role_grant leaves an administrator
    assert f.staff(Role.INSTRUCTOR, institution=inst).grants[0].institution_id == inst.pk
    assert f.staff(Role.REGIONAL_OFFICER).grants[0].region_code == "32.73"
    with pytest.raises(ValueError):
        f.RegionalOfficerFactory(area="99")  # no such province
    with pytest.raises(ValueError):
        f.staff(Role.CURATOR, institution=inst)  # a national role has no institution


def test_institutions_in_each_status_with_the_history_vetting_leaves(regions):
    for status, history in {"approved": ["approved"], "pending": ["pending"], "rejected": ["pending", "rejected"],
                            "suspended": ["approved", "suspended"]}.items():
        inst = f.InstitutionFactory(status=status)
        assert list(inst.status_changes.values_list("status", flat=True)) == history
        assert institution_rules.status_at(list(inst.status_changes.values_list("at", "status")), inst.status_changed_at) == status
        assert inst.registry_key == institution_rules.registry_key(inst.registry_number)
    a, b = f.InstitutionFactory.create_batch(2)
    assert a.registry_number != b.registry_number and a.regency_id == "32.73"
    assert f.InstitutionFactory(regency_code="35.78").regency.name == "Kota Surabaya"


def test_people_have_valid_niks_that_match_what_they_declared(regions):
    people = [f.PersonFactory(), f.PersonFactory(sex="F", birth_date=dt.date(2001, 2, 28)),
              f.PersonFactory(nik_district="35.78.01", domicile="35.78.01"), f.PersonFactory(provisional=True)]
    for person in people:
        parsed = nik_rules.parse(person.nik, today=TODAY)
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex) and person.nik_warnings == []
        assert person.nik_district_id == parsed.region.district.code
    assert people[2].nik_regency_id == "35.78" and people[2].domicile_district_id == "35.78.01"
    citizen, provisional = people[0], people[3]
    assert citizen.user.has_role(Role.CITIZEN) and citizen.user.phone == citizen.phone and not citizen.is_provisional
    assert provisional.is_provisional
    assert len({p.nik for p in people} | {make_nik()}) == len(people) + 1
    mismatch = f.PersonFactory(nik=make_nik(birth=dt.date(1990, 1, 1)))  # a NIK whose date differs from the declared one
    assert [w["code"] for w in mismatch.nik_warnings] == ["birth_date_mismatch"]


@pytest.mark.parametrize("status", list(P))
def test_programs_in_each_status_pass_the_program_rules(regions, status):
    program = f.ProgramFactory(status=status, units=2)
    assert program.status == status and program.competency_units.count() == 2
    assert program.registration_opens <= program.registration_closes < program.start_date < program.end_date
    if status == "running":  # began (assessment is open), not over
        assert program.start_date <= TODAY <= program.end_date
    elif status == "closed":
        assert program.end_date < TODAY
    else:  # registration open now
        assert program.registration_opens <= TODAY <= program.registration_closes
    assert program.regency_id == program.institution.regency_id and program.institution.is_approved


def test_a_program_the_product_would_refuse_is_refused_here(regions):
    with pytest.raises(Exception, match="Kuota"):
        f.ProgramFactory(quota=0)
    with pytest.raises(Exception, match="DIPA"):
        f.ProgramFactory(funding="apbn")
    with pytest.raises(Exception, match="ditutup"):
        f.ProgramFactory(registration_closes=TODAY + dt.timedelta(days=60))  # after the training ends


def test_a_course_is_a_program_with_accepted_participants(regions):
    course = f.course(participants=4, units=3)
    assert course.program.status == P.RUNNING and len(course.units) == 3
    assert [e.state for e in course.enrollments] == [E.PARTICIPANT] * 4
    assert course.program.quota == 14 and course.manager.grants[0].institution_id == course.inst.pk
    assert len({p.full_name for p in course.people}) == 4
    assert not training_rules.SEAT_STATES.isdisjoint({e.state for e in course.enrollments})
    with pytest.raises(ValueError):
        f.course(status=P.DRAFT)
