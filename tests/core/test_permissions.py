"""The whole permission matrix, table-driven: every action × every role, in and out of scope."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sisnaker.core.errors import PermissionDenied
from sisnaker.core.permissions import ACTIONS, RULES, Grant, can, require
from sisnaker.core.roles import Role


@dataclass
class Actor:
    pk: int
    grants: tuple
    is_authenticated: bool = True
    is_active: bool = True


@dataclass
class Thing:
    """An object with every kind of scope, placed in Kota Bandung, BLK #1, company #1, owned by user 1."""

    institution: int = 1
    company: int = 1
    regions: tuple = ("32.73.01",)
    owner: int = 1
    authority: str = "regional"  # an institution licensed locally (BLK UPTD, BLK Komunitas, LPK)
    instructors: tuple = (11, 22)  # the program's assigned instructors (user ids)
    funding: str = "apbn"  # the funding source of the money it moves

    def scope_institution_id(self):
        return self.institution

    def scope_company_id(self):
        return self.company

    def scope_region_codes(self):
        return set(self.regions)

    def scope_nik_region_codes(self):
        return set(self.regions)

    def scope_provisional_institution_id(self):
        return self.institution

    def scope_user_id(self):
        return self.owner

    def scope_approval_authority(self):
        return self.authority

    def scope_instructor_ids(self):
        return set(self.instructors)

    def scope_funding_source(self):
        return self.funding

    def scope_company_manager_id(self):
        return 26  # "employer_approved" manages company #1


IN = Thing()
OUT = Thing(institution=2, company=2, regions=("35.78.01",), owner=2, funding="apbd")

ACTORS = {
    "citizen": Actor(1, (Grant(Role.CITIZEN),)),
    "manager": Actor(10, (Grant(Role.INSTITUTION_MANAGER, institution_id=1, institution_approved=True),)),
    "instructor": Actor(11, (Grant(Role.INSTRUCTOR, institution_id=1, institution_approved=True),)),
    # An instructor of the same institution who is not assigned to the program.
    "instructor_unassigned": Actor(19, (Grant(Role.INSTRUCTOR, institution_id=1, institution_approved=True),)),
    # Staff of an institution that is not approved (pending, rejected or suspended).
    "manager_pending": Actor(20, (Grant(Role.INSTITUTION_MANAGER, institution_id=1),)),
    "instructor_pending": Actor(21, (Grant(Role.INSTRUCTOR, institution_id=1),)),
    "officer_province": Actor(12, (Grant(Role.REGIONAL_OFFICER, region_code="32"),)),
    "officer_regency": Actor(13, (Grant(Role.REGIONAL_OFFICER, region_code="32.73"),)),
    "curator": Actor(14, (Grant(Role.CURATOR),)),
    "pmo": Actor(15, (Grant(Role.PMO_OFFICER),)),
    "employer": Actor(16, (Grant(Role.EMPLOYER, company_id=1),)),
    "admin": Actor(17, (Grant(Role.ADMIN),)),
    "finance": Actor(23, (Grant(Role.FINANCE_OFFICER),)),  # national
    "finance_apbn": Actor(24, (Grant(Role.FINANCE_OFFICER, funding_source="apbn"),)),
    "dpo": Actor(25, (Grant(Role.DATA_PROTECTION_OFFICER),)),
    # "employer" is staff of a company that is not approved (pending, rejected or suspended); this one's is.
    "employer_approved": Actor(26, (Grant(Role.EMPLOYER, company_id=1, company_approved=True),)),
    # The same manager (user 26) while company #1 is not approved (suspended): hands over and removes staff only.
    "employer_manager_suspended": Actor(26, (Grant(Role.EMPLOYER, company_id=1),)),
}

# action: set of actors allowed on IN; the subset of those also allowed on OUT (national/any scope).
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "person.view_own": ({"citizen", "admin"}, {"admin"}),
    "person.edit_own": ({"citizen", "admin"}, {"admin"}),
    "person.view": ({"officer_province", "officer_regency", "curator", "pmo", "dpo", "admin"}, {"curator", "pmo", "dpo", "admin"}),
    "person.view_nik": ({"officer_province", "officer_regency", "pmo", "admin"}, {"pmo", "admin"}),
    "person.resolve_identity": ({"officer_province", "officer_regency", "admin"}, {"admin"}),
    "person.correct_identity": ({"manager", "officer_province", "officer_regency", "admin"}, {"admin"}),
    "person.list": ({"officer_province", "officer_regency", "curator", "pmo", "admin"}, {"officer_province", "officer_regency", "curator", "pmo", "admin"}),
    "institution.view_own": ({"manager", "instructor", "instructor_unassigned", "manager_pending", "instructor_pending", "admin"},
                             {"admin"}),
    "institution.edit": ({"manager", "manager_pending", "curator", "admin"}, {"curator", "admin"}),
    "institution.review": ({"officer_province", "officer_regency", "admin"}, {"admin"}),
    "institution.manage_staff": ({"manager", "admin"}, {"admin"}),
    "institution.accredit": ({"curator", "admin"}, {"curator", "admin"}),
    "reference.edit": ({"curator", "admin"}, {"curator", "admin"}),
    "program.manage": ({"manager", "admin"}, {"admin"}),
    "program.assess": ({"instructor", "manager", "admin"}, {"admin"}),
    "certificate.issue": ({"manager", "admin"}, {"admin"}),
    "certificate.revoke": ({"manager", "curator", "admin"}, {"curator", "admin"}),
    "certificate.view": ({"citizen", "manager", "instructor", "instructor_unassigned", "curator", "admin"}, {"curator", "admin"}),
    "certificate.register": ({"curator", "admin"}, {"curator", "admin"}),
    "certificate.register_export": ({"curator", "admin"}, {"curator", "admin"}),
    "personal_link.send": ({"manager", "admin"}, {"admin"}),
    "personal_link.print": ({"manager", "admin"}, {"admin"}),
    "personal_link.revoke": ({"manager", "admin"}, {"admin"}),
    "enrollment.view": ({"manager", "instructor", "instructor_unassigned", "officer_province", "officer_regency", "curator", "admin"},
                        {"curator", "admin"}),
    "enrollment.view_nik": ({"manager", "officer_province", "officer_regency", "admin"}, {"admin"}),
    "program.lpj": ({"manager", "curator", "finance", "finance_apbn", "admin"}, {"curator", "finance", "admin"}),
    "enrollment.register_self": ({"citizen", "admin"}, {"admin"}),
    "institution.register": ({"citizen", "manager", "manager_pending", "curator", "admin"},
                             {"citizen", "manager", "manager_pending", "curator", "admin"}),
    # A national finance officer everywhere; one of APBN only on APBN money (IN), not on APBD (OUT).
    "payment.list": ({"finance", "finance_apbn", "admin"}, {"finance", "finance_apbn", "admin"}),
    "payment.view": ({"finance", "finance_apbn", "admin"}, {"finance", "admin"}),
    "payment.prepare": ({"finance", "finance_apbn", "admin"}, {"finance", "admin"}),
    "payment.approve": ({"finance", "finance_apbn", "admin"}, {"finance", "admin"}),
    "payment.settle": ({"finance", "finance_apbn", "admin"}, {"finance", "admin"}),
    "incentive_rule.set": ({"finance", "finance_apbn", "admin"}, {"finance", "admin"}),
    "payout_account.review": ({"finance", "finance_apbn", "admin"}, {"finance", "finance_apbn", "admin"}),
    "payout_account.set_own": ({"citizen", "admin"}, {"admin"}),
    # A citizen about their own record; the data-protection officer over everyone's requests.
    "privacy.request": ({"citizen", "admin"}, {"admin"}),
    "privacy.queue": ({"dpo", "admin"}, {"dpo", "admin"}),
    "privacy.answer": ({"dpo", "admin"}, {"dpo", "admin"}),
    "prakerja.apply_own": ({"citizen", "admin"}, {"admin"}),
    "prakerja.assist": ({"officer_province", "officer_regency", "admin"}, {"officer_province", "officer_regency", "admin"}),
    "prakerja.manage": ({"pmo", "admin"}, {"pmo", "admin"}),
    "prakerja.review": ({"pmo", "admin"}, {"pmo", "admin"}),
    "prakerja.propose": ({"manager", "admin"}, {"admin"}),
    "prakerja.curate_stage1": ({"curator", "admin"}, {"curator", "admin"}),
    "prakerja.curate_stage2": ({"pmo", "admin"}, {"pmo", "admin"}),
    "prakerja.buy": ({"citizen", "admin"}, {"admin"}),
    "prakerja.authorise": ({"pmo", "admin"}, {"pmo", "admin"}),
    "prakerja.redeem": ({"manager", "admin"}, {"admin"}),
    "integration.manage": ({"pmo", "admin"}, {"pmo", "admin"}),
    # Figures: the nation for PMO officers, their own area for regional officers (the scope comes from the grant).
    "prakerja.figures": ({"pmo", "officer_province", "officer_regency", "admin"}, {"pmo", "officer_province", "officer_regency", "admin"}),
    "prakerja.residents": ({"officer_province", "officer_regency", "admin"}, {"officer_province", "officer_regency", "admin"}),
    # Dashboards: national roles see the nation; a regional officer their area (reporting.domain.scope_for).
    "reporting.dashboard": ({"curator", "pmo", "officer_province", "officer_regency", "admin"},
                            {"curator", "pmo", "officer_province", "officer_regency", "admin"}),
    "ak1.apply_own": ({"citizen", "admin"}, {"admin"}),
    "ak1.view": ({"citizen", "officer_province", "officer_regency", "admin"}, {"admin"}),
    "ak1.queue": ({"officer_province", "officer_regency", "admin"}, {"officer_province", "officer_regency", "admin"}),
    "ak1.issue": ({"officer_regency", "admin"}, {"admin"}),
    "ak1.report_own": ({"citizen", "admin"}, {"admin"}),
    "ak1.photo": ({"citizen", "officer_regency", "admin"}, {"admin"}),
    "ak1.export": ({"officer_province", "officer_regency", "admin"}, {"admin"}),
    "alumni.export": ({"officer_province", "officer_regency", "admin"}, {"admin"}),
    "company.register": ({"citizen", "employer", "employer_approved", "employer_manager_suspended", "admin"},
                         {"citizen", "employer", "employer_approved", "employer_manager_suspended", "admin"}),
    "company.edit": ({"employer", "employer_approved", "employer_manager_suspended", "admin"}, {"admin"}),
    "company.manage_staff": ({"employer_approved", "admin"}, {"admin"}),
    "company.hand_over": ({"employer_approved", "employer_manager_suspended", "admin"}, {"admin"}),
    "company.remove_staff": ({"employer_approved", "employer_manager_suspended", "admin"}, {"admin"}),
    "company.leave": ({"employer", "employer_approved", "employer_manager_suspended", "admin"}, {"admin"}),
    "company.queue": ({"officer_province", "officer_regency", "admin"}, {"officer_province", "officer_regency", "admin"}),
    "company.view": ({"employer", "employer_approved", "employer_manager_suspended", "officer_province", "officer_regency", "admin"},
                     {"admin"}),
    "company.review": ({"officer_regency", "admin"}, {"admin"}),
    "vacancy.manage": ({"employer", "employer_approved", "employer_manager_suspended", "admin"}, {"admin"}),
    "application.apply_own": ({"citizen", "admin"}, {"admin"}),
    "application.view": ({"citizen", "employer_approved", "admin"}, {"admin"}),
    "application.move": ({"employer_approved", "admin"}, {"admin"}),
    "outcome.report": ({"officer_province", "officer_regency", "admin"}, {"admin"}),
    "outcome.worklist": ({"officer_province", "officer_regency", "admin"}, {"officer_province", "officer_regency", "admin"}),
    "outcome.completeness": ({"manager", "officer_province", "officer_regency", "curator", "admin"},
                             {"manager", "officer_province", "officer_regency", "curator", "admin"}),
    "outcome.remind": ({"curator", "admin"}, {"curator", "admin"}),
    "placement.manage": ({"employer_approved", "admin"}, {"admin"}),
    "outcome.report_own": ({"citizen", "admin"}, {"admin"}),
    "match.vacancies_own": ({"citizen", "admin"}, {"admin"}),
    "match.candidates": ({"employer_approved", "admin"}, {"admin"}),
    # Posko: regional officers of the posko's area and the managers of its (approved) training centre serve at it.
    "person.register_assisted": ({"officer_province", "officer_regency", "manager", "admin"}, {"admin"}),
    "posko.manage": ({"officer_province", "officer_regency", "manager", "admin"}, {"admin"}),
    "posko.view_counts": ({"officer_province", "officer_regency", "manager", "curator", "admin"}, {"curator", "admin"}),
    "posko.list": ({"officer_province", "officer_regency", "manager", "curator", "admin"},
                   {"officer_province", "officer_regency", "manager", "curator", "admin"}),
    "payout_account.set_institution": ({"manager", "admin"}, {"admin"}),
    "planning.list": ({"officer_province", "officer_regency", "curator", "pmo", "admin"},
                      {"officer_province", "officer_regency", "curator", "pmo", "admin"}),
    "planning.view": ({"officer_province", "officer_regency", "curator", "pmo", "admin"}, {"curator", "pmo", "admin"}),
    # Exactly the plan's own area: IN lies in a district (32.73.01), which no office's area equals.
    "planning.propose": ({"admin"}, {"admin"}),
    "planning.return": ({"curator", "admin"}, {"curator", "admin"}),
    "audit.view": ({"admin"}, {"admin"}),
    "role.grant": ({"admin"}, {"admin"}),
    "user.security_reset": ({"admin"}, {"admin"}),
}


def test_matrix_covers_every_action():
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("who", sorted(ACTORS))
def test_matrix(action, who):
    allowed_in, allowed_out = EXPECTED[action]
    assert can(ACTORS[who], action, IN) is (who in allowed_in), f"{who} {action} in scope"
    assert can(ACTORS[who], action, OUT) is (who in allowed_out), f"{who} {action} out of scope"


def test_region_prefix_needs_a_dot_boundary():
    officer = Actor(1, (Grant(Role.REGIONAL_OFFICER, region_code="32.7"),))
    # "32.7" is not a real area; it must not match "32.73" by plain string prefix.
    assert not can(officer, "person.view", Thing(regions=("32.73.01",)))
    officer = Actor(1, (Grant(Role.REGIONAL_OFFICER, region_code="3"),))
    assert not can(officer, "person.view", Thing(regions=("32.73.01",)))
    officer = Actor(1, (Grant(Role.REGIONAL_OFFICER, region_code="32.73"),))
    assert can(officer, "person.view", Thing(regions=("32.73.01",)))


def test_ministry_institutions_are_vetted_by_curators_not_regional_officers():
    central = Thing(authority="ministry")
    allowed = {who for who, actor in ACTORS.items() if can(actor, "institution.review", central)}
    assert allowed == {"curator", "admin"}
    assert can(ACTORS["curator"], "institution.review", Thing(authority="ministry", regions=("35.78.01",)))


def test_a_pending_institution_touches_no_people():
    for action in ("program.manage", "program.assess", "enrollment.view", "enrollment.view_nik", "institution.manage_staff",
                   "certificate.issue", "certificate.revoke", "certificate.view", "personal_link.send", "personal_link.print",
                   "personal_link.revoke"):
        assert not can(ACTORS["manager_pending"], action, IN), action
        assert can(ACTORS["manager"], action, IN), action


def test_assessment_is_for_the_assigned_instructors_or_any_instructor_when_none_is_assigned():
    """A program with assigned instructors is assessed by them and the institution's managers; one with none
    assigned (programs from before assignment) by every instructor of the institution, as before."""
    assigned, unassigned = ACTORS["instructor"], ACTORS["instructor_unassigned"]
    assert can(assigned, "program.assess", IN) and not can(unassigned, "program.assess", IN)
    nobody = Thing(instructors=())
    assert can(assigned, "program.assess", nobody) and can(unassigned, "program.assess", nobody)
    assert can(ACTORS["manager"], "program.assess", IN) and can(ACTORS["manager"], "program.assess", nobody)
    # Assignment never reaches across institutions, nor past an institution that is not approved.
    assert not can(assigned, "program.assess", Thing(institution=2, instructors=(11,)))
    assert not can(ACTORS["instructor_pending"], "program.assess", Thing(instructors=(21,)))
    # An object that says nothing about instructors is not assessed by instructors at all.

    class Bare:
        def scope_institution_id(self):
            return 1
    assert not can(assigned, "program.assess", Bare()) and can(ACTORS["manager"], "program.assess", Bare())


def test_a_plan_is_proposed_by_the_office_of_its_own_area_only():
    """planning.propose: the regency office writes the regency's plan, the province office the province's;
    neither writes the other's (a province office sees its regencies' plans, planning.view)."""
    regency_plan, province_plan = Thing(regions=("32.73",)), Thing(regions=("32",))
    province, regency = ACTORS["officer_province"], ACTORS["officer_regency"]
    assert can(regency, "planning.propose", regency_plan) and not can(regency, "planning.propose", province_plan)
    assert can(province, "planning.propose", province_plan) and not can(province, "planning.propose", regency_plan)
    assert can(province, "planning.view", regency_plan) and not can(regency, "planning.view", province_plan)
    other = Actor(30, (Grant(Role.REGIONAL_OFFICER, region_code="32.04"),))
    assert not can(other, "planning.propose", regency_plan) and not can(other, "planning.view", regency_plan)


def test_several_roles_combine():
    both = Actor(5, (Grant(Role.INSTRUCTOR, institution_id=2, institution_approved=True),
                     Grant(Role.INSTITUTION_MANAGER, institution_id=1, institution_approved=True)))
    assert can(both, "program.manage", IN)
    assert can(both, "program.assess", Thing(institution=2, instructors=(5,)))
    assert not can(both, "program.assess", OUT)  # institution 2's program taught by others
    assert not can(both, "program.manage", OUT)


def test_anonymous_and_inactive_may_do_nothing():
    anon = Actor(0, (Grant(Role.ADMIN),), is_authenticated=False)
    inactive = Actor(0, (Grant(Role.ADMIN),), is_active=False)
    for action in ACTIONS:
        assert not can(anon, action, IN)
        assert not can(inactive, action, IN)
        assert not can(None, action, IN)


def test_unknown_action_is_an_error_not_a_silent_answer():
    with pytest.raises(KeyError):
        can(ACTORS["admin"], "person.veiw", IN)


def test_require_raises_a_clear_refusal():
    with pytest.raises(PermissionDenied) as info:
        require(ACTORS["citizen"], "audit.view")
    # The action's name is in the details (integrators, support), not in the sentence people read.
    assert info.value.details == {"action": "audit.view"} and "audit.view" not in str(info.value)
    assert RULES["audit.view"] == {}


def test_no_rule_waits_for_a_caller():
    """Every action in the table is checked somewhere in the code or the templates: a rule without a
    caller is added by the change that needs it (with its matrix row), not ahead of time."""
    from pathlib import Path

    import sisnaker

    src = Path(sisnaker.__file__).parent
    text = "\n".join(p.read_text(encoding="utf-8") for pattern in ("**/*.py", "**/*.html") for p in src.glob(pattern)
                     if p.name != "permissions.py" and "migrations" not in p.parts)
    unused = sorted(action for action in ACTIONS if f'"{action}"' not in text and f"'{action}'" not in text)
    assert not unused, f"Rules nothing checks: {unused}"
