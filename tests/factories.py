"""Test data, built with factory-boy: one way to make each kind of row the tests need.

Every factory writes the rows directly (no service, no audit row, no notification) and makes **valid**
data by default, the way the product would have left it:

* users with each role, scoped like ``accounts.services.role_grant`` scopes them (``ManagerFactory``,
  ``InstructorFactory``, ``RegionalOfficerFactory``, ``CuratorFactory``, ``PmoOfficerFactory``,
  ``AdminFactory``, ``CitizenUserFactory``; ``staff(role, ...)`` picks one by role; password ``PASSWORD``);
* institutions, **approved** by default with the status history an approval leaves
  (``InstitutionFactory(status="pending" | "rejected" | "suspended")`` for the others);
* vocational fields and SKKNI competency units;
* programs in any status (``ProgramFactory(status=P.RUNNING)``), with dates, quota and regency that pass
  ``training.domain.validate_program_fields`` (checked on every create);
* people: a signed-up citizen (account, citizen role, valid NIK) by default, or a provisional record
  added by an institution (``PersonFactory(provisional=True, added_by_institution=inst)``);
* enrollments in any state.

``course(...)`` (a program with its institution, manager, instructor, units and N participants) and
``enrollments_in(program, ...)`` say what one factory cannot.

Unique values come from sequences: usernames, phones, registry numbers and unit codes from
``factory.Sequence``; NIK serials from the counter ``tests.conftest.make_nik`` uses for NIKs made without
an explicit serial, so a factory's NIK never equals one a test made up that way.

A test about a service still calls the service; these are for the data around it. tests/test_factories.py
checks that the defaults pass the product's own rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from sisnaker.accounts.models import Person, RoleAssignment, User
from sisnaker.core import crypto
from sisnaker.core.roles import Role
from sisnaker.institutions.domain import registry_key
from sisnaker.institutions.models import Institution, InstitutionStatusChange
from sisnaker.placement.models import Company
from sisnaker.regions import nik as nik_rules
from sisnaker.regions.models import District, Regency
from sisnaker.training import domain as training_domain
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program, VocationalField
from sisnaker.training.services import program_counters_apply
from tests.conftest import TODAY, make_nik

PASSWORD = "Rahasia-Kuat-2026"
# When factory institutions were approved: long before any date a test issues a certificate at
# (certificates show whether their issuer was approved on their date).
APPROVED_AT = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


# --- users and roles ----------------------------------------------------------------------------------

class UserFactory(DjangoModelFactory):
    """A log-in without a role (what ``staff_user_create`` makes); the password is ``PASSWORD``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    first_name = "Staf Uji"
    email = ""
    password = factory.django.Password(PASSWORD)


class RoleAssignmentFactory(DjangoModelFactory):
    """One role with exactly the scope it needs (``RoleAssignment``'s check constraint)."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.CITIZEN
    institution = None
    region_code = ""
    funding_source = ""


def _grant(role: Role, **scope):
    return factory.RelatedFactory(RoleAssignmentFactory, factory_related_name="user", role=role, **scope)


class CitizenUserFactory(UserFactory):
    """The account of a citizen (a ``PersonFactory`` person has one)."""

    username = factory.Sequence(lambda n: f"warga{n}")
    phone = factory.Sequence(lambda n: f"+62858{n:08d}")  # PersonFactory's are +62857…, signup_data's +62812…
    citizen_role = _grant(Role.CITIZEN)


class ManagerFactory(UserFactory):
    """An institution manager (of ``institution``, a new approved one unless given)."""

    class Params:
        institution = factory.SubFactory("tests.factories.InstitutionFactory")

    username = factory.Sequence(lambda n: f"pengelola{n}")
    first_name = "Pengelola Uji"
    manager_role = _grant(Role.INSTITUTION_MANAGER, institution=factory.SelfAttribute("..institution"))


class InstructorFactory(UserFactory):
    """An instructor of ``institution`` (a new approved one unless given)."""

    class Params:
        institution = factory.SubFactory("tests.factories.InstitutionFactory")

    username = factory.Sequence(lambda n: f"instruktur{n}")
    first_name = "Instruktur Uji"
    instructor_role = _grant(Role.INSTRUCTOR, institution=factory.SelfAttribute("..institution"))


def _known_area(code: str) -> str:
    # role_grant refuses an unknown region code; so does the factory (the check constraint only checks its shape).
    known = Regency.objects.filter(code=code) if "." in code else Regency.objects.filter(province_id=code)
    if not known.exists():
        raise ValueError(f"unknown region code {code!r} for a regional officer")
    return code


class RegionalOfficerFactory(UserFactory):
    """A Disnaker officer of ``area``: a province ("32") or a regency ("32.73") that exists."""

    class Params:
        area = "32.73"

    username = factory.Sequence(lambda n: f"disnaker{n}")
    first_name = "Petugas Disnaker Uji"
    officer_role = _grant(Role.REGIONAL_OFFICER, region_code=factory.LazyAttribute(lambda o: _known_area(o.factory_parent.area)))


class CuratorFactory(UserFactory):
    """A ministry curator (national scope)."""

    username = factory.Sequence(lambda n: f"kurator{n}")
    first_name = "Kurator Uji"
    curator_role = _grant(Role.CURATOR)


class PmoOfficerFactory(UserFactory):
    """A Prakerja PMO officer (national scope)."""

    username = factory.Sequence(lambda n: f"pmo{n}")
    first_name = "Petugas PMO Uji"
    pmo_role = _grant(Role.PMO_OFFICER)


class FinanceOfficerFactory(UserFactory):
    """A finance officer (bendahara/PPK): national unless ``funding_source`` names one ("apbn", "apbd", "prakerja")."""

    class Params:
        funding_source = ""

    username = factory.Sequence(lambda n: f"bendahara{n}")
    first_name = "Bendahara Uji"
    finance_role = _grant(Role.FINANCE_OFFICER, funding_source=factory.SelfAttribute("..funding_source"))


class DataProtectionOfficerFactory(UserFactory):
    """The data-protection officer (Pejabat Pelindungan Data; national scope)."""

    username = factory.Sequence(lambda n: f"ppdp{n}")
    first_name = "Pejabat PDP Uji"
    dpo_role = _grant(Role.DATA_PROTECTION_OFFICER)


class AdminFactory(UserFactory):
    """An administrator; like ``role_grant``, the role also opens the Django admin (staff + superuser)."""

    username = factory.Sequence(lambda n: f"admin{n}")
    first_name = "Administrator Uji"
    is_staff = True
    is_superuser = True
    admin_role = _grant(Role.ADMIN)


STAFF_FACTORIES = {
    Role.INSTITUTION_MANAGER: ManagerFactory,
    Role.INSTRUCTOR: InstructorFactory,
    Role.REGIONAL_OFFICER: RegionalOfficerFactory,
    Role.CURATOR: CuratorFactory,
    Role.PMO_OFFICER: PmoOfficerFactory,
    Role.FINANCE_OFFICER: FinanceOfficerFactory,
    Role.DATA_PROTECTION_OFFICER: DataProtectionOfficerFactory,
    Role.ADMIN: AdminFactory,
    Role.CITIZEN: CitizenUserFactory,
}


def staff(role: Role | str | None = None, *, institution: Institution | None = None, region_code: str = "", **kwargs) -> User:
    """A user holding ``role`` (none: a plain log-in) with its scope: ``institution`` for managers and
    instructors, ``region_code`` for regional officers. ``kwargs`` go to the user (username, email...)."""
    if role is None:
        return UserFactory(**kwargs)
    role = Role(role)
    if role not in STAFF_FACTORIES:
        raise ValueError(f"no factory for {role} yet (an employer needs a placement.Company)")
    if role in (Role.INSTITUTION_MANAGER, Role.INSTRUCTOR):
        if institution is not None:
            kwargs["institution"] = institution
    elif institution is not None:
        raise ValueError(f"{role} has no institution")
    if role == Role.REGIONAL_OFFICER:
        kwargs["area"] = region_code or "32.73"
    elif region_code:
        raise ValueError(f"{role} has no region")
    return STAFF_FACTORIES[role](**kwargs)


# --- institutions ---------------------------------------------------------------------------------------

class InstitutionFactory(DjangoModelFactory):
    """A BLK UPTD in Kota Bandung, **approved** (on ``APPROVED_AT``) unless ``status`` says otherwise.

    The status history is what vetting leaves behind: approved → [approved]; pending → [pending];
    rejected → [pending, rejected]; suspended → [approved, suspended]. ``regency_code`` must exist."""

    class Meta:
        model = Institution
        skip_postgeneration_save = True

    class Params:
        regency_code = "32.73"
        approved_at = APPROVED_AT

    registry_number = factory.Sequence(lambda n: f"BLK-{n + 1:05d}")
    registry_key = factory.LazyAttribute(lambda o: registry_key(o.registry_number))
    name = factory.LazyAttribute(lambda o: f"BLK Uji {o.registry_number}")
    kind = Institution.Kind.BLK_UPTD
    regency = factory.LazyAttribute(lambda o: Regency.objects.get(code=o.regency_code))
    licence_number = "SK-TEST-001"
    status = Institution.Status.APPROVED
    status_reason = factory.LazyAttribute(
        lambda o: "Data belum lengkap (uji)." if o.status in (Institution.Status.REJECTED, Institution.Status.SUSPENDED) else ""
    )
    status_changed_at = factory.LazyAttribute(
        lambda o: o.approved_at if o.status == Institution.Status.APPROVED else timezone.now()
    )

    @factory.post_generation
    def history(institution, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        s = Institution.Status
        final = (institution.status, institution.status_changed_at, institution.status_reason)
        before = {s.APPROVED: [], s.PENDING: [], s.REJECTED: [(s.PENDING, institution.status_changed_at, "")],
                  s.SUSPENDED: [(s.APPROVED, min(APPROVED_AT, institution.status_changed_at), "")]}[institution.status]
        InstitutionStatusChange.objects.bulk_create([
            InstitutionStatusChange(institution=institution, status=status, at=at, reason=reason)
            for status, at, reason in [*before, final]
        ])


# --- reference data ---------------------------------------------------------------------------------------

class VocationalFieldFactory(DjangoModelFactory):
    """The test vocational field "UJI-TIK" (shared: got, not created twice), or another ``code``."""

    class Meta:
        model = VocationalField
        django_get_or_create = ("code",)

    code = "UJI-TIK"
    name = "Teknologi Informasi (uji)"


class CompetencyUnitFactory(DjangoModelFactory):
    class Meta:
        model = CompetencyUnit

    code = factory.Sequence(lambda n: f"J.UJI.{n + 1:05d}")
    title = factory.Sequence(lambda n: f"Unit uji {n + 1}")
    vocational_field = factory.SubFactory(VocationalFieldFactory)


# --- programs ---------------------------------------------------------------------------------------------

_START_OFFSET = {P.RUNNING: -10, P.CLOSED: -31}
_BEGUN = (P.RUNNING, P.CLOSED)


class ProgramFactory(DjangoModelFactory):
    """A program of ``institution`` (a new approved one unless given), **published** unless ``status``
    says otherwise, with dates around ``today`` (default ``tests.conftest.TODAY``): registration open
    from 5 days before to 5 days after, training from day 10 to day 40. The regency is the institution's
    unless ``regency_code`` is given. ``units=n`` (or a list of units) attaches competency units.

    Every program made passes ``training.domain.validate_program_fields``: overriding a date or the
    quota into something the product would refuse fails here, not somewhere later."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    class Params:
        today = TODAY
        regency_code = None

    institution = factory.SubFactory(InstitutionFactory)
    title = "Pemrograman Web Dasar"
    vocational_field = factory.SubFactory(VocationalFieldFactory)
    hours = 160
    # Training ends on day 40 and starts on day 10 with registration open until day 5; a running program
    # began 10 days ago instead (assessment opens on the start date); a closed one ended yesterday.
    start_date = factory.LazyAttribute(lambda o: o.today + dt.timedelta(days=_START_OFFSET.get(o.status, 10)))
    end_date = factory.LazyAttribute(
        lambda o: o.today - dt.timedelta(days=1) if o.status == P.CLOSED
        else max(o.start_date + dt.timedelta(days=30), o.today + dt.timedelta(days=40)) if o.status == P.RUNNING
        else o.start_date + dt.timedelta(days=30))
    registration_opens = factory.LazyAttribute(lambda o: min(o.today, o.start_date) - dt.timedelta(days=15 if o.status in _BEGUN else 5))
    registration_closes = factory.LazyAttribute(lambda o: o.start_date - dt.timedelta(days=1) if o.status in _BEGUN else o.today + dt.timedelta(days=5))
    quota = 10
    regency = factory.LazyAttribute(
        lambda o: Regency.objects.get(code=o.regency_code) if o.regency_code else o.institution.regency
    )
    funding = Program.Funding.APBD
    status = P.PUBLISHED
    closed_on = factory.LazyAttribute(lambda o: o.end_date if o.status == P.CLOSED else None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        training_domain.validate_program_fields(
            **{name: kwargs.get(name, model_class._meta.get_field(name).get_default()) for name in (
                "title", "hours", "start_date", "end_date", "registration_opens", "registration_closes", "quota",
                "funding", "dipa_reference", "fee", "min_age", "max_age", "min_education")}
        )
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def units(program, create, extracted, **kwargs):  # noqa: N805
        if not create or not extracted:
            return
        if isinstance(extracted, int):
            extracted = CompetencyUnitFactory.create_batch(extracted, vocational_field=program.vocational_field)
        program.competency_units.set(extracted)


# --- people and enrollments -----------------------------------------------------------------------------

class PersonFactory(DjangoModelFactory):
    """A citizen who signed up: an account (citizen role; the same phone and e-mail as the profile; password
    ``PASSWORD``) and a profile whose NIK is valid for its district, birth date and sex (``nik_district``,
    default Kota Bandung's 32.73.01; ``domicile`` is 32.73.01 too). ``provisional=True``: a record an
    institution added (no account; pass ``added_by_institution``). ``nik=...`` uses that NIK (it must parse)."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    class Params:
        nik_district = "32.73.01"
        domicile = "32.73.01"
        nik = factory.LazyAttribute(lambda o: make_nik(district=o.nik_district, birth=o.birth_date, female=o.sex == "F"))
        parsed = factory.LazyAttribute(lambda o: nik_rules.parse(o.nik, today=TODAY))
        provisional = factory.Trait(user=None)

    user = factory.SubFactory(CitizenUserFactory, first_name=factory.LazyAttribute(lambda u: u.factory_parent.full_name[:150]),
                              phone=factory.SelfAttribute("..phone"), email=factory.SelfAttribute("..email"))
    full_name = "Siti Rahmawati"
    birth_date = dt.date(1995, 5, 17)
    sex = Person.Sex.MALE
    education = Person.Education.SMK
    phone = factory.Sequence(lambda n: f"+62857{n:08d}")  # E.164, as sign-up stores it; signup_data's are +62812…
    email = ""
    domicile_district = factory.LazyAttribute(lambda o: District.objects.get(code=o.domicile))
    nik_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.parsed.nik))
    nik_index = factory.LazyAttribute(lambda o: crypto.blind_index(o.parsed.nik, label="nik"))
    nik_regency_id = factory.LazyAttribute(lambda o: o.parsed.region.regency.code)
    nik_district_id = factory.LazyAttribute(lambda o: o.parsed.region.district.code if o.parsed.region.district else None)
    # What sign-up records when the NIK and the declared data differ (never a refusal): empty by default.
    nik_warnings = factory.LazyAttribute(lambda o: [
        {"code": w.code, "id": w.message.id, "en": w.message.en}
        for w in (*o.parsed.warnings, *nik_rules.compare_declared(o.parsed, birth_date=o.birth_date, sex=o.sex))
    ])


class EnrollmentFactory(DjangoModelFactory):
    """``person`` (a new citizen unless given) in ``program`` (a new published program unless given), a
    self-registered applicant unless ``state``/``source`` say otherwise."""

    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    person = factory.SubFactory(PersonFactory)
    state = E.REGISTERED
    source = Enrollment.Source.SELF
    registered_at = factory.LazyFunction(timezone.now)
    state_changed_at = factory.SelfAttribute("registered_at")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """The row as a service would leave it: the program's maintained counters count it."""
        enrollment = super()._create(model_class, *args, **kwargs)
        program_counters_apply(program_id=enrollment.program_id, deltas={enrollment.state: 1}, late=int(enrollment.late))
        return enrollment


# --- helpers for what one factory cannot say ---------------------------------------------------------------

@dataclass
class Course:
    """An institution with a manager and an instructor, and a program with competency units and
    participants (see ``course``)."""

    inst: Institution
    manager: User
    instructor: User
    program: Program
    units: list[CompetencyUnit]
    people: list[Person] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)


_participant_numbers = itertools.count(1)


def enrollments_in(program: Program, *, people: list[Person] | None = None, n: int = 0, state: str = E.PARTICIPANT,
                   source: str = Enrollment.Source.SELF, **person_kw) -> list[Enrollment]:
    """``people`` (or ``n`` new citizens made with ``person_kw``) enrolled in ``program``, by default as
    accepted participants who had registered themselves."""
    people = people if people is not None else PersonFactory.create_batch(n, **person_kw)
    return [EnrollmentFactory(program=program, person=p, state=state, source=source) for p in people]


def course(*, participants: int = 3, units: int = 2, status: str = P.RUNNING, inst: Institution | None = None,
           manager: User | None = None, names: list[str] | None = None, source: str = Enrollment.Source.SELF,
           instructors: list[User] | None = None, **program_kw) -> Course:
    """A program whose ``participants`` participants were accepted ("a running program with N
    participants"), with ``units`` competency units, its institution (``inst``, new and approved unless
    given), a manager and an instructor. ``status``: running (default), or published / selection (accepted
    before it starts). The quota leaves 10 seats free. Participants are named "Peserta 0001", "Peserta
    0002"... unless ``names`` names them in turn. ``instructors``: the program's assigned instructors (default
    none: every instructor of the institution assesses)."""
    if status not in (P.PUBLISHED, P.SELECTION, P.RUNNING):
        raise ValueError("a course's participants were accepted: the program is published, in selection or running")
    inst = inst or InstitutionFactory()
    manager = manager or ManagerFactory(institution=inst)
    instructor = InstructorFactory(institution=inst)
    program_kw.setdefault("quota", max(participants, 1) + 10)
    program = ProgramFactory(institution=inst, status=status, created_by=manager, units=units, **program_kw)
    if instructors:
        program.instructors.set(instructors)
    people = [PersonFactory(full_name=names[i % len(names)] if names else f"Peserta {next(_participant_numbers):04d}")
              for i in range(participants)]
    return Course(inst=inst, manager=manager, instructor=instructor, program=program,
                  units=list(program.competency_units.all()), people=people,
                  enrollments=enrollments_in(program, people=people, source=source))


# --- employers ---------------------------------------------------------------------------------------------

class CompanyFactory(DjangoModelFactory):
    """A company in Kota Bandung (32.73), manufacturing (KBLI C), **approved** unless ``status`` says otherwise."""

    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"PT Uji Karya {n + 1}")
    nib = factory.Sequence(lambda n: f"{9120000000000 + n + 1:013d}")
    sector = "C"
    regency = factory.LazyFunction(lambda: Regency.objects.get(code="32.73"))
    phone = "+62224200000"
    status = "approved"
    status_changed_at = factory.LazyFunction(lambda: APPROVED_AT)


def employer(company: Company | None = None, *, manager: bool = True, **kwargs) -> User:
    """A user with the employer role of ``company`` (a new approved one unless given), its manager unless
    ``manager=False``."""
    company = company or CompanyFactory()
    user = UserFactory(**kwargs)
    RoleAssignmentFactory(user=user, role=Role.EMPLOYER, company=company)
    if manager and company.manager_id is None:
        company.manager = user
        company.save(update_fields=["manager"])
    return user
