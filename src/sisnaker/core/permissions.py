"""The one permission helper: ``can(actor, action, obj)``; services call ``require``.

Rules are a table: action → the roles that may do it and how their scope must match the object.
Objects expose their scope through small duck-typed methods, so this module knows no model:

* ``scope_institution_id()``  → the institution the object belongs to
* ``scope_region_codes()``    → region codes ("32", "32.73", "32.73.01") the object lies in
* ``scope_company_id()``      → the company the object belongs to (for the employers' rules, which come
  with placement: an action gets its row when something calls it)
* ``scope_user_id()``         → the user the object belongs to (a citizen's own records)
* ``scope_approval_authority()`` → who vets an institution: "regional" or "ministry"
* ``scope_instructor_ids()``   → the user ids of the instructors assigned to a program (empty: none assigned)
* ``scope_funding_source()``   → the funding source ("apbn", "apbd", "prakerja") of money the object moves

Institution roles come in two strengths: ``_institution`` matches any institution the grant names
(its staff may read and correct their own registration while it waits), ``_approved_institution``
only one that the authority has approved (``Grant.institution_approved``). Everything that touches
people, programs or certificates uses the second, so a self-registered, pending, rejected or
suspended institution can do none of it.

A region code is inside an officer's area when it equals it or starts with it plus a dot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import Msg, PermissionDenied
from .roles import Role


@dataclass(frozen=True, slots=True)
class Grant:
    role: Role
    institution_id: int | None = None
    # Whether the institution was approved (and not suspended) when the grants were loaded.
    institution_approved: bool = False
    region_code: str = ""
    company_id: int | None = None
    # Whether the company was approved (and not suspended) when the grants were loaded.
    company_approved: bool = False
    # A finance officer's funding source ("apbn", "apbd", "prakerja"); empty: national.
    funding_source: str = ""


# Scope matchers: (grant, obj, actor) -> bool
def _national(grant: Grant, obj: Any, actor: Any) -> bool:
    return True


def _own(grant: Grant, obj: Any, actor: Any) -> bool:
    owner = getattr(obj, "scope_user_id", None)
    return obj is not None and owner is not None and owner() == actor.pk


def _institution(grant: Grant, obj: Any, actor: Any) -> bool:
    fn = getattr(obj, "scope_institution_id", None)
    return fn is not None and grant.institution_id is not None and fn() == grant.institution_id


def _approved_institution(grant: Grant, obj: Any, actor: Any) -> bool:
    return grant.institution_approved and _institution(grant, obj, actor)


def _assigned_instructor(grant: Grant, obj: Any, actor: Any) -> bool:
    """An instructor of the object's approved institution who is assigned to it — or any instructor of the
    institution while the object names none (programs from before assignment, or not assigned yet)."""
    if not _approved_institution(grant, obj, actor):
        return False
    fn = getattr(obj, "scope_instructor_ids", None)
    if fn is None:
        return False
    assigned = fn()
    return not assigned or actor.pk in assigned


def _company(grant: Grant, obj: Any, actor: Any) -> bool:
    """Staff (employer role) of the object's company, whatever the company's status: its own registration and
    drafts while it waits."""
    fn = getattr(obj, "scope_company_id", None)
    return fn is not None and grant.company_id is not None and fn() == grant.company_id


def _approved_company(grant: Grant, obj: Any, actor: Any) -> bool:
    """Staff of the object's company once a regional officer has approved it (and it is not suspended):
    everything public or touching applicants."""
    return grant.company_approved and _company(grant, obj, actor)


def _company_manager(grant: Grant, obj: Any, actor: Any) -> bool:
    """The manager of the object's approved company (``scope_company_manager_id``)."""
    fn = getattr(obj, "scope_company_manager_id", None)
    return fn is not None and _approved_company(grant, obj, actor) and fn() == actor.pk


def _company_manager_any_status(grant: Grant, obj: Any, actor: Any) -> bool:
    """The manager of the object's company whatever its status: handing the role over and removing staff take
    powers away or move them, which a suspended company must still be able to do (someone left)."""
    fn = getattr(obj, "scope_company_manager_id", None)
    return fn is not None and _company(grant, obj, actor) and fn() == actor.pk


def _in_area(grant: Grant, codes: Any) -> bool:
    """Whether one of the region ``codes`` lies in the grant's area (see the module's docstring)."""
    if codes is None or not grant.region_code:
        return False
    area = grant.region_code
    return any(code and (code == area or code.startswith(area + ".")) for code in codes())


def _region(grant: Grant, obj: Any, actor: Any) -> bool:
    return _in_area(grant, getattr(obj, "scope_region_codes", None))


def _regency_office(grant: Grant, obj: Any, actor: Any) -> bool:
    """A regional officer of a regency (kabupaten/kota) office whose area holds the object: a province
    officer's grant ("32") does not count, for acts that the law gives the regency office (the AK/1 card)."""
    return "." in grant.region_code and _region(grant, obj, actor)


def _office_of_area(grant: Grant, obj: Any, actor: Any) -> bool:
    """A regional officer of exactly the object's area: a province office ("32") does not write its regencies'
    plans, nor a regency office ("32.73") its province's (training-needs planning)."""
    fn = getattr(obj, "scope_region_codes", None)
    return fn is not None and bool(grant.region_code) and grant.region_code in fn()


def _nik_region(grant: Grant, obj: Any, actor: Any) -> bool:
    """A regional officer of the area that issued the person's NIK (the ID card's office), not of their domicile."""
    return _in_area(grant, getattr(obj, "scope_nik_region_codes", None))


def _own_provisional(grant: Grant, obj: Any, actor: Any) -> bool:
    """A provisional record (no owner's account yet) that the manager's own, approved institution added."""
    fn = getattr(obj, "scope_provisional_institution_id", None)
    return (fn is not None and grant.institution_approved and grant.institution_id is not None
            and fn() == grant.institution_id)


def _regional_authority(grant: Grant, obj: Any, actor: Any) -> bool:
    """A regional officer of the object's area, for institutions licensed locally."""
    fn = getattr(obj, "scope_approval_authority", None)
    return fn is not None and fn() == "regional" and _region(grant, obj, actor)


def _ministry_authority(grant: Grant, obj: Any, actor: Any) -> bool:
    """A ministry role, for institutions the ministry runs (UPTP, overseas BLK)."""
    fn = getattr(obj, "scope_approval_authority", None)
    return fn is not None and fn() == "ministry"


def _funding_source(grant: Grant, obj: Any, actor: Any) -> bool:
    """A national finance officer (no funding source in the grant), or one of the object's funding source."""
    if not grant.funding_source:
        return True
    fn = getattr(obj, "scope_funding_source", None)
    return fn is not None and fn() == grant.funding_source


def _approved_staff(grant: Grant, obj: Any, actor: Any) -> bool:
    """Staff of an approved (not suspended) institution, for views of their own institution as a whole."""
    return grant.institution_id is not None and grant.institution_approved


def _any(grant: Grant, obj: Any, actor: Any) -> bool:
    """The role alone suffices (no object, or an action on the role's own scope as a whole)."""
    return True


R = Role
# action → {role: scope matcher}. The administrator may do everything listed (see ``can``).
RULES: dict[str, dict[Role, Any]] = {
    # A person's own data (UU PDP: see, download, correct).
    "person.view_own": {R.CITIZEN: _own},
    "person.edit_own": {R.CITIZEN: _own},
    # A person's full record by staff (logged by the service), unmasked NIK.
    "person.view": {R.REGIONAL_OFFICER: _region, R.CURATOR: _national, R.PMO_OFFICER: _national,
                    R.DATA_PROTECTION_OFFICER: _national},
    "person.view_nik": {R.REGIONAL_OFFICER: _region, R.PMO_OFFICER: _national},
    # A sign-up whose name/birth date differ from a provisional record of that NIK: decided by an officer
    # of the NIK's region after checking the ID card (obj: the IdentityDispute).
    "person.resolve_identity": {R.REGIONAL_OFFICER: _region},
    # Correcting the identity data (name, birth date, sex) of a record: the institution that typed or imported a
    # provisional one, while nobody has claimed it; an officer of the NIK's region, after checking the ID card.
    "person.correct_identity": {R.INSTITUTION_MANAGER: _own_provisional, R.REGIONAL_OFFICER: _nik_region},
    "person.list": {R.REGIONAL_OFFICER: _any, R.CURATOR: _any, R.PMO_OFFICER: _any},
    # Institutions. Registering one makes the registrant its manager of a *pending* institution.
    "institution.register": {R.CITIZEN: _any, R.INSTITUTION_MANAGER: _any, R.CURATOR: _any},
    # Its own staff see and correct a registration while it waits (or after a rejection).
    "institution.view_own": {R.INSTITUTION_MANAGER: _institution, R.INSTRUCTOR: _institution},
    "institution.edit": {R.INSTITUTION_MANAGER: _institution, R.CURATOR: _national},
    "institution.manage_staff": {R.INSTITUTION_MANAGER: _approved_institution},
    "institution.accredit": {R.CURATOR: _national},
    # Vetting (approve, reject, suspend, reinstate) by the real authority (institutions/domain.py).
    "institution.review": {R.REGIONAL_OFFICER: _regional_authority, R.CURATOR: _ministry_authority},
    # Reference data (vocational fields, competency units).
    "reference.edit": {R.CURATOR: _national},
    # Training work inside one institution.
    # Only an approved institution's staff: pending/rejected/suspended ones touch no people.
    "program.manage": {R.INSTITUTION_MANAGER: _approved_institution},
    # Assessment: the program's assigned instructors (every instructor of the institution while none is
    # assigned) and the institution's managers, who stand in for an absent instructor.
    "program.assess": {R.INSTRUCTOR: _assigned_instructor, R.INSTITUTION_MANAGER: _approved_institution},
    # Certificates (obj: the program for issue, the certificate otherwise). Only an approved institution's
    # manager issues; revoking is also for ministry curators, who keep the national register; a
    # certificate is seen by its holder, the issuing institution's staff and curators.
    "certificate.issue": {R.INSTITUTION_MANAGER: _approved_institution},
    "certificate.revoke": {R.INSTITUTION_MANAGER: _approved_institution, R.CURATOR: _national},
    "certificate.view": {R.CITIZEN: _own, R.INSTITUTION_MANAGER: _approved_institution, R.INSTRUCTOR: _approved_institution,
                         R.CURATOR: _national},
    # The national certificate register: searched on its page (certification.selectors.register_search) and as an
    # export (exports app, certification/exports.py; obj: none).
    "certificate.register": {R.CURATOR: _national},
    "certificate.register_export": {R.CURATOR: _national},
    # Personal links (certification.PersonalLink: a participant's review, survey and certificate of one
    # enrollment without a password; obj: the program, or the link for revoking): sent from the readiness
    # board, printed as a sheet of QR codes, revoked — by the managers of the approved institution that
    # runs the program.
    "personal_link.send": {R.INSTITUTION_MANAGER: _approved_institution},
    "personal_link.print": {R.INSTITUTION_MANAGER: _approved_institution},
    "personal_link.revoke": {R.INSTITUTION_MANAGER: _approved_institution},
    # Enrollment data of an institution's programs (tables, exports); unmasked NIK for its manager.
    "enrollment.view": {R.INSTITUTION_MANAGER: _approved_institution, R.INSTRUCTOR: _approved_institution,
                        R.REGIONAL_OFFICER: _region, R.CURATOR: _national},
    "enrollment.view_nik": {R.INSTITUTION_MANAGER: _approved_institution, R.REGIONAL_OFFICER: _region},
    # A program's accountability report (LPJ, the accountability app; obj: the program): its institution's managers,
    # ministry curators, and the finance officers of its funding source (national ones too).
    "program.lpj": {R.INSTITUTION_MANAGER: _approved_institution, R.CURATOR: _national, R.FINANCE_OFFICER: _funding_source},
    # A citizen registers themself for a program, or withdraws.
    "enrollment.register_self": {R.CITIZEN: _own},
    # Payments (the payments app): finance officers (bendahara/PPK), national or of the money's funding source
    # (obj: a batch, a payable, or the funding source an action is about). The lists show each officer only
    # their source; approving a batch is never for its maker (payments.services.batches, and a database check).
    "payment.list": {R.FINANCE_OFFICER: _any},
    "payment.view": {R.FINANCE_OFFICER: _funding_source},
    "payment.prepare": {R.FINANCE_OFFICER: _funding_source},
    "payment.approve": {R.FINANCE_OFFICER: _funding_source},
    "payment.settle": {R.FINANCE_OFFICER: _funding_source},
    "incentive_rule.set": {R.FINANCE_OFFICER: _funding_source},
    # Holder names the fuzzy match was unsure of (obj: none; the queue holds people, not money of a source).
    "payout_account.review": {R.FINANCE_OFFICER: _any},
    # Data subjects' rights (the privacy app, UU PDP): a citizen asks about their own record; the
    # data-protection officer sees the queue and answers.
    "privacy.request": {R.CITIZEN: _own},
    "privacy.queue": {R.DATA_PROTECTION_OFFICER: _any},
    "privacy.answer": {R.DATA_PROTECTION_OFFICER: _any},
    # A person records where their own money goes (obj: the person).
    "payout_account.set_own": {R.CITIZEN: _own},
    # Kartu Prakerja (the prakerja app). A citizen applies with their own NIK (obj: their person); a regional
    # officer helps anyone who comes to a posko (recorded as assisted, with the citizen's consent); PMO officers
    # run the waves (quotas, exclusion lists, closing, the draw) and decide identity mismatches.
    "prakerja.apply_own": {R.CITIZEN: _own},
    "prakerja.assist": {R.REGIONAL_OFFICER: _any},
    "prakerja.manage": {R.PMO_OFFICER: _national},
    "prakerja.review": {R.PMO_OFFICER: _national},
    # Curation and purchase (issue 11): an approved institution's manager proposes its program for the Prakerja
    # catalogue (obj: the program) and exchanges vouchers, redeems and reports attendance and completion for its
    # own institution (obj: the institution); stage 1 is a ministry curator's, stage 2 a PMO officer's; a card's
    # holder buys with it (obj: the card); the PMO's rule check authorises purchases (the system, or an officer).
    "prakerja.propose": {R.INSTITUTION_MANAGER: _approved_institution},
    "prakerja.curate_stage1": {R.CURATOR: _national},
    "prakerja.curate_stage2": {R.PMO_OFFICER: _national},
    "prakerja.buy": {R.CITIZEN: _own},
    "prakerja.authorise": {R.PMO_OFFICER: _national},
    "prakerja.redeem": {R.INSTITUTION_MANAGER: _approved_institution},
    # Partners of the Kartu Prakerja integration API (the integration app): PMO officers register platforms and
    # institutions, issue, rotate and revoke their signing keys, and revoke partners.
    "integration.manage": {R.PMO_OFFICER: _national},
    # Inclusion figures (prakerja.figures; obj: none): PMO officers for the nation, a regional officer for the
    # residents of their own area (the scope comes from the grant, never from the request). The list of those
    # residents who applied (names, masked NIK) is the regional officer's only, and every opening is logged.
    "prakerja.figures": {R.PMO_OFFICER: _national, R.REGIONAL_OFFICER: _any},
    # The dashboards of the reporting app (obj: none): the ministry's curators and PMO officers see the nation, a
    # regional officer the residents of their own area — the scope comes from the grant (reporting.domain.scope_for),
    # a region asked for in the request only narrows it. Aggregates only: persons are opened through person.view.
    "reporting.dashboard": {R.CURATOR: _national, R.PMO_OFFICER: _national, R.REGIONAL_OFFICER: _any},
    "prakerja.residents": {R.REGIONAL_OFFICER: _any},
    # The AK/1 job-seeker card (placement.JobSeekerCard, kartu kuning). A citizen applies with their own
    # person (obj: the person); the card is seen by its holder and by regional officers of the regency office
    # it went to (province officers too); only an officer of that regency office (kabupaten/kota, not the
    # province) issues or refuses it, signing as the placement officer (pengantar kerja). The queue lists
    # each officer's own area (obj: none).
    "ak1.apply_own": {R.CITIZEN: _own},
    "ak1.view": {R.CITIZEN: _own, R.REGIONAL_OFFICER: _region},
    "ak1.queue": {R.REGIONAL_OFFICER: _any},
    "ak1.issue": {R.REGIONAL_OFFICER: _regency_office},
    # The holder reports every six months, reports found work and changed data (obj: the card).
    "ak1.report_own": {R.CITIZEN: _own},
    # The card's photo (personal data, never public): its holder and the officers of the card's regency office, who
    # issue it — not the province, which sees the card without the photo (obj: the card).
    "ak1.photo": {R.CITIZEN: _own, R.REGIONAL_OFFICER: _regency_office},
    # The AK/1 holders of a region as an export (placement/exports.py; obj: the province or regency): its officers.
    "ak1.export": {R.REGIONAL_OFFICER: _region},
    # The alumni living in a region as an export (placement/exports.py; obj: the province or regency): its officers.
    "alumni.export": {R.REGIONAL_OFFICER: _region},
    # Employers (placement.Company). Anyone signed in as a citizen (or already an employer) registers a company:
    # it is pending, and its registrant becomes its manager. The company's own staff see it and its drafts
    # while it waits; only an approved company publishes vacancies or sees applicants. A regional officer of
    # the company's regency office (not the province) approves, rejects, suspends and reinstates it.
    "company.register": {R.CITIZEN: _any, R.EMPLOYER: _any},
    "company.edit": {R.EMPLOYER: _company},
    "company.manage_staff": {R.EMPLOYER: _company_manager},
    # The manager hands the role over to another staff member, and removes staff (never the manager), whatever
    # the company's status: someone who left loses access even while the company is suspended.
    "company.hand_over": {R.EMPLOYER: _company_manager_any_status},
    "company.remove_staff": {R.EMPLOYER: _company_manager_any_status},
    # A staff member leaves the company by themselves, whatever its status (the service refuses the manager, who
    # hands the role over first).
    "company.leave": {R.EMPLOYER: _company},
    "company.queue": {R.REGIONAL_OFFICER: _any},
    "company.view": {R.EMPLOYER: _company, R.REGIONAL_OFFICER: _region},
    "company.review": {R.REGIONAL_OFFICER: _regency_office},
    # Vacancies (obj: the vacancy, or the company for a new one): drafts by the company's staff; publishing is
    # refused by the service unless the company is approved (placement.domain.publish_blocker).
    "vacancy.manage": {R.EMPLOYER: _company},
    # Applications: a citizen applies with their own person (obj: the person) and sees their own; the
    # approved company's staff see and move its vacancies' applicants, never another company's.
    "application.apply_own": {R.CITIZEN: _own},
    "application.view": {R.CITIZEN: _own, R.EMPLOYER: _approved_company},
    "application.move": {R.EMPLOYER: _approved_company},
    # Alumni outcomes: the regional office of where the alumnus lives (or whose KTP they hold) reports what they do
    # now (obj: the person); the worklist and the completeness view are per the officer's own area; institution
    # managers see their own alumni's completeness; the ministry sees the nation and reminds the regions.
    "outcome.report": {R.REGIONAL_OFFICER: _region},
    "outcome.worklist": {R.REGIONAL_OFFICER: _any},
    "outcome.completeness": {R.REGIONAL_OFFICER: _any, R.INSTITUTION_MANAGER: _approved_staff, R.CURATOR: _national},
    "outcome.remind": {R.CURATOR: _national},
    # Placements reported outside a hire (placement/services/reports.py). An approved company's staff report that a
    # person works for them, see and end its placements — those it hired or reported (obj: the company, or the
    # placement: ``scope_company_id`` is empty for an officer's or alumnus's report), never another company's. An
    # alumnus reports their own work status (obj: their person; a personal link acts through require_link_scope).
    "placement.manage": {R.EMPLOYER: _approved_company},
    "outcome.report_own": {R.CITIZEN: _own},
    # Matching (placement.matching): a citizen sees the vacancies recommended to their own person (obj: the
    # person); the approved company's staff see the candidates suggested for its vacancy (obj: the vacancy) —
    # only job seekers with a valid AK/1 card, never another company's vacancy.
    "match.vacancies_own": {R.CITIZEN: _own},
    "match.candidates": {R.EMPLOYER: _approved_company},
    # Assistance posts (the posko app; obj: the posko). A regional officer serves at every posko of their area (a
    # province officer at those of its regencies), an approved training centre's managers at their own centre's posko:
    # they record a citizen's data (a provisional record, or the registered one only when NIK, name and birth date
    # match) and apply them to trainings and Kartu Prakerja, with the citizen's consent. The same people open, close
    # and see the counts of their poskos; ministry curators see every posko's counts. The list shows each their own.
    "person.register_assisted": {R.REGIONAL_OFFICER: _region, R.INSTITUTION_MANAGER: _approved_institution},
    "posko.manage": {R.REGIONAL_OFFICER: _region, R.INSTITUTION_MANAGER: _approved_institution},
    "posko.view_counts": {R.REGIONAL_OFFICER: _region, R.INSTITUTION_MANAGER: _approved_institution, R.CURATOR: _national},
    "posko.list": {R.REGIONAL_OFFICER: _any, R.INSTITUTION_MANAGER: _approved_staff, R.CURATOR: _national},
    # Training-needs planning (the planning app; obj: the plan, or the area a new plan is for). The office of exactly
    # the plan's area proposes (writes lines, submits, reopens until the deadline); a province office also sees its
    # regencies' plans and the province roll-up; the ministry (curators) and the PMO see the nation; curators return a
    # submitted plan with a reason. ``planning.list`` opens the index (each viewer's own scope; obj: none).
    "planning.list": {R.REGIONAL_OFFICER: _any, R.CURATOR: _national, R.PMO_OFFICER: _national},
    "planning.view": {R.REGIONAL_OFFICER: _region, R.CURATOR: _national, R.PMO_OFFICER: _national},
    "planning.propose": {R.REGIONAL_OFFICER: _office_of_area},
    "planning.return": {R.CURATOR: _national},
    # An approved institution's manager records where its training fees go (obj: the institution).
    "payout_account.set_institution": {R.INSTITUTION_MANAGER: _approved_institution},
    # Administration.
    "audit.view": {},
    "role.grant": {},
    # Remove someone else's authenticators (a lost phone), with a reason.
    "user.security_reset": {},
}

ACTIONS = frozenset(RULES)


def can(actor: Any, action: str, obj: Any = None) -> bool:
    """True when ``actor`` may do ``action`` (on ``obj``). Unknown actions raise KeyError, so a
    typo never silently allows or denies."""
    rules = RULES[action]
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    grants = getattr(actor, "grants", ())
    for grant in grants:
        if grant.role == Role.ADMIN:
            return True
        matcher = rules.get(grant.role)
        if matcher is not None and matcher(grant, obj, actor):
            return True
    return False


def require(actor: Any, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless ``can(actor, action, obj)``."""
    if not can(actor, action, obj):
        # The action's name is for integrators and support (``details``), not for the person reading the page.
        raise PermissionDenied(Msg("Anda tidak berwenang untuk tindakan ini.", "You are not allowed to do this."),
                               details={"action": action})
