"""Posko services against the database: consent, the NIK rule (provisional record, match on name and birth date,
nothing leaked otherwise), the claim of a posko-made record, scope, training and Prakerja applications, counts and
outcomes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sisnaker.accounts import services as accounts
from sisnaker.accounts.models import Person, SignUpClaim
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.posko import selectors, services
from sisnaker.posko.domain import CONSENT_VERSION, Consent
from sisnaker.posko.models import Assistance, Posko
from sisnaker.regions.models import District, Regency
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment
from tests.conftest import TODAY, make_nik
from tests.factories import (
    InstitutionFactory,
    ManagerFactory,
    PersonFactory,
    ProgramFactory,
    RegionalOfficerFactory,
)
from tests.sms import committed

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10, 0)))  # 10:00 WIB on TODAY
OK = Consent(given=True, version=CONSENT_VERSION)


@pytest.fixture
def officer(regions):
    return RegionalOfficerFactory(area="32.73")


@pytest.fixture
def posko(officer):
    return services.posko_create(actor=officer, now=NOW, data=services.PoskoData(
        name="Posko Disnaker Kota Bandung", kind="regional_office", regency=Regency.objects.get(code="32.73")))


def typed(**overrides) -> accounts.ProvisionalPerson:
    birth = overrides.pop("birth_date", dt.date(1999, 7, 14))
    values = dict(nik=make_nik(birth=birth, female=True), full_name="Wulan Sari", birth_date=birth, sex="F", education="sma",
                  domicile_district=District.objects.get(code="32.73.01"), phone="0812-7000-1234")
    values.update(overrides)
    return accounts.ProvisionalPerson(**values)


def test_a_new_citizen_gets_a_provisional_record_logged_against_the_posko_with_consent_and_audit(officer, posko):
    data = typed()
    assistance = services.assistance_register_person(actor=officer, posko=posko, data=data, consent=OK, now=NOW)
    person = assistance.person
    assert person.is_provisional and person.nik == data.nik and person.full_name == "Wulan Sari"
    assert person.registered_by == officer and person.added_by_institution is None
    assert (assistance.posko, assistance.officer, assistance.kind, assistance.record_outcome) == (posko, officer, "account", "created")
    assert assistance.consent_version == CONSENT_VERSION and assistance.consent_method == "signed_form"
    assert assistance.consent_at == NOW and assistance.day == TODAY
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"posko.created", "person.looked_up", "person.added_provisional", "posko.assisted_account"} <= actions
    row = AuditEvent.objects.get(action="posko.assisted_account")
    assert row.after["outcome"] == "created" and data.nik not in str(row.after)


@pytest.mark.parametrize("consent", [Consent(given=False, version=CONSENT_VERSION), Consent(given=True, version="lama")])
def test_no_consent_no_record_and_no_look_up(officer, posko, consent):
    with pytest.raises(ValidationFailed) as info:
        services.assistance_register_person(actor=officer, posko=posko, data=typed(), consent=consent, now=NOW)
    assert info.value.field == "consent" and info.value.code == "posko_consent_required"
    assert not Person.objects.exists() and not Assistance.objects.exists()
    assert not AuditEvent.objects.filter(action="person.looked_up").exists()


def test_a_registered_person_is_linked_only_when_name_and_birth_date_match(officer, posko):
    owner = PersonFactory(full_name="Rudi Hartono", birth_date=dt.date(1990, 1, 5))
    data = typed(nik=owner.nik, full_name="RUDI HARTONO", birth_date=dt.date(1990, 1, 5), sex="M")
    assistance = services.assistance_register_person(actor=officer, posko=posko, data=data, consent=OK, now=NOW)
    assert assistance.person == owner and assistance.record_outcome == "linked"
    assert Person.objects.count() == 1
    # The account holder is told that a posko recorded help in their name.
    from sisnaker.notifications.models import Notification
    assert Notification.objects.filter(person=owner, topic=f"posko_assisted.{posko.pk}").exists()


@pytest.mark.parametrize("change", [{"full_name": "Orang Lain Sama Sekali"}, {"birth_date": dt.date(1991, 1, 5)}])
def test_a_registered_nik_with_other_data_is_refused_saying_nothing_about_the_person(officer, posko, change):
    owner = PersonFactory(full_name="Rudi Hartono", birth_date=dt.date(1990, 1, 5), email="rudi@contoh.id")
    data = typed(**{"nik": owner.nik, "full_name": "Rudi Hartono", "birth_date": dt.date(1990, 1, 5), "sex": "M", **change})
    with pytest.raises(Conflict) as info:
        services.assistance_register_person(actor=officer, posko=posko, data=data, consent=OK, now=NOW)
    text = f"{info.value.message.id} {info.value.message.en} {info.value.details}"
    for secret in ("Rudi", "Hartono", "1990", "rudi@contoh.id", owner.phone[-4:], "05"):
        assert secret not in text
    assert not Assistance.objects.exists() and Person.objects.count() == 1
    looked = AuditEvent.objects.get(action="person.looked_up")
    assert looked.after["outcome"] == "mismatch" and owner.nik not in str(looked.after)


def test_the_owner_claims_a_posko_record_at_sign_up(officer, posko, signup_data, sms):
    data = typed(phone="0812-7000-5555")
    person = services.assistance_register_person(actor=officer, posko=posko, data=data, consent=OK, now=NOW).person
    assert selectors.outcomes(posko=posko).claimed == 0
    claim = accounts.person_sign_up(data=signup_data(nik=data.nik, full_name="Wulan Sari", birth_date=data.birth_date,
                                                     sex="F", phone="0812 7777 0009"), today=TODAY)
    assert isinstance(claim, SignUpClaim) and claim.kind == "claim" and claim.person_id == person.pk
    texts = [text for phone, text in committed() if phone == "+6281277770009"]
    code = re.search(r"\b(\d{6})\b", texts[-1]).group(1)
    outcome = accounts.signup_claim_verify(token=claim.token, code=code)
    person.refresh_from_db()
    assert outcome.person == person and not person.is_provisional and person.user == outcome.user
    # The posko's outcomes count it as claimed by its owner.
    assert selectors.outcomes(posko=posko).claimed == 1


def test_an_officer_outside_the_posko_area_is_refused(posko, regions):
    outsider = RegionalOfficerFactory(area="35.78")
    with pytest.raises(PermissionDenied):
        services.assistance_register_person(actor=outsider, posko=posko, data=typed(), consent=OK, now=NOW)
    assert not Person.objects.exists() and not AuditEvent.objects.filter(action="person.looked_up").exists()
    province = RegionalOfficerFactory(area="32")  # a province officer serves at its regencies' poskos
    assert services.assistance_register_person(actor=province, posko=posko, data=typed(), consent=OK, now=NOW).pk


def test_a_training_centre_posko_is_run_by_its_managers_only(regions):
    inst = InstitutionFactory()
    manager, other = ManagerFactory(institution=inst), ManagerFactory(institution=InstitutionFactory())
    data = services.PoskoData(name="Posko BLK", kind="training_centre", regency=inst.regency, institution=inst)
    with pytest.raises(PermissionDenied):
        services.posko_create(actor=other, data=data, now=NOW)
    posko = services.posko_create(actor=manager, data=data, now=NOW)
    with pytest.raises(PermissionDenied):
        services.assistance_register_person(actor=other, posko=posko, data=typed(), consent=OK, now=NOW)
    person = services.assistance_register_person(actor=manager, posko=posko, data=typed(), consent=OK, now=NOW).person
    assert person.added_by_institution == inst and person.is_provisional
    with pytest.raises(PermissionDenied):  # a manager opens no Disnaker posko
        services.posko_create(actor=manager, now=NOW, data=services.PoskoData(name="Posko X", kind="regional_office",
                                                                              regency=inst.regency))


def test_a_training_centre_posko_stands_at_an_approved_institution_of_its_regency(officer, regions):
    # Found trying it as an outsider: a Kota Bandung officer could open a "training centre" posko at an institution
    # in Surabaya (or one still pending), and every citizen recorded there became that institution's record.
    far = InstitutionFactory(regency_code="35.78")
    pending = InstitutionFactory(status="pending")
    bandung = Regency.objects.get(code="32.73")
    with pytest.raises(ValidationFailed) as info:
        services.posko_create(actor=officer, now=NOW, data=services.PoskoData(
            name="Posko LPK Surabaya", kind="training_centre", regency=bandung, institution=far))
    assert info.value.field == "regency"
    with pytest.raises(ValidationFailed) as info:
        services.posko_create(actor=officer, now=NOW, data=services.PoskoData(
            name="Posko LPK baru", kind="training_centre", regency=bandung, institution=pending))
    assert info.value.field == "institution"
    assert not Posko.objects.exists()
    own = InstitutionFactory()
    assert services.posko_create(actor=officer, now=NOW, data=services.PoskoData(
        name="Posko BLK Bandung", kind="training_centre", regency=bandung, institution=own)).institution == own


def test_a_closed_posko_helps_nobody(officer, posko):
    services.posko_set_active(actor=officer, posko=posko, active=False)
    with pytest.raises(Conflict):
        services.assistance_register_person(actor=officer, posko=posko, data=typed(), consent=OK, now=NOW)


def test_applying_a_recorded_citizen_to_an_open_training(officer, posko):
    program = ProgramFactory(today=TODAY)
    account = services.assistance_register_person(actor=officer, posko=posko, data=typed(), consent=OK, now=NOW)
    with pytest.raises(ValidationFailed):
        services.assistance_apply_training(actor=officer, posko=posko, assistance_id=account.pk, program_id=program.pk,
                                           consent=Consent(given=False, version=CONSENT_VERSION), now=NOW)
    assistance = services.assistance_apply_training(actor=officer, posko=posko, assistance_id=account.pk,
                                                    program_id=program.pk, consent=OK, now=NOW)
    enrollment = assistance.enrollment
    assert enrollment.person == account.person and enrollment.program == program and enrollment.state == E.REGISTERED
    assert AuditEvent.objects.filter(action="posko.assisted_training", object_id=str(assistance.pk)).exists()
    program.refresh_from_db()
    assert program.n_registered == 1
    with pytest.raises(Conflict):  # once per program, as for the citizen's own registration
        services.assistance_apply_training(actor=officer, posko=posko, assistance_id=account.pk, program_id=program.pk,
                                           consent=OK, now=NOW)


def test_only_citizens_recorded_at_this_posko_are_applied(officer, posko, regions):
    other_posko = services.posko_create(actor=officer, now=NOW, data=services.PoskoData(
        name="Posko Kecamatan", kind="regional_office", regency=Regency.objects.get(code="32.73")))
    elsewhere = services.assistance_register_person(actor=officer, posko=other_posko, data=typed(), consent=OK, now=NOW)
    with pytest.raises(NotFound):
        services.assistance_apply_training(actor=officer, posko=posko, assistance_id=elsewhere.pk,
                                           program_id=ProgramFactory(today=TODAY).pk, consent=OK, now=NOW)
    assert not Enrollment.objects.exists()


def test_a_prakerja_application_at_the_posko_is_logged(officer, posko):
    from sisnaker.prakerja.models import Wave
    from sisnaker.prakerja.services import ApplicationData

    wave = Wave.objects.create(number=1, name="Gelombang 1", opens_on=TODAY - dt.timedelta(days=1),
                               closes_on=TODAY + dt.timedelta(days=30), national_target=10, status="open", created_at=NOW,
                               training_balance=3_500_000, post_training_incentive=600_000, post_training_incentive_count=1,
                               incentive_interval_days=30, survey_incentive=50_000, survey_incentive_count=2,
                               purchase_deadline_days=30)
    person = services.assistance_register_person(actor=officer, posko=posko, data=typed(), consent=OK, now=NOW).person
    data = ApplicationData(nik=person.nik, kk_number="3273010101260001", full_name=person.full_name,
                           birth_date=person.birth_date, sex="F", education="sma", in_formal_education=False,
                           has_disability=False, domicile_district=person.domicile_district, phone="081270001234",
                           email="wulan@contoh.id", statement=True)
    assistance, token = services.assistance_apply_prakerja(actor=officer, posko=posko, wave=wave, data=data, consent=OK,
                                                           now=NOW)
    app = assistance.prakerja_application
    assert token and app.assisted_by == officer and app.person == person and assistance.person == person
    assert selectors.outcomes(posko=posko).prakerja_applied == 1


def test_counts_per_day_and_week_and_outcomes(officer, posko):
    program = ProgramFactory(today=TODAY)
    days = [TODAY, TODAY, TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=9)]
    accounts_made = []
    for i, day in enumerate(days):
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, i)))
        accounts_made.append(services.assistance_register_person(
            actor=officer, posko=posko, data=typed(full_name=f"Warga {i}", birth_date=dt.date(1990 + i, 3, 3)),
            consent=OK, now=at))
    for a in accounts_made[:3]:
        services.assistance_apply_training(actor=officer, posko=posko, assistance_id=a.pk, program_id=program.pk,
                                           consent=OK, now=NOW)
    # One is selected, one accepted then graduated (the training's own steps, written directly here).
    Enrollment.objects.filter(person=accounts_made[0].person).update(state=E.SELECTED)
    Enrollment.objects.filter(person=accounts_made[1].person).update(state=E.GRADUATED)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.posko_page(viewer=officer, posko_id=posko.pk, now=NOW)
    fixed = len(queries)
    assert page.today_count == 2 + 3 and page.total == 7
    assert page.by_kind == {"account": 4, "training": 3, "prakerja": 0}
    assert page.daily[-1] == (TODAY, 5) and page.daily[-2] == (TODAY - dt.timedelta(days=1), 1)
    week_start = TODAY - dt.timedelta(days=TODAY.weekday())
    assert page.week_count == sum(n for d, n in page.daily if d >= week_start)
    assert sum(n for _w, n in page.weekly) == 7
    o = page.outcomes
    assert (o.people, o.created, o.linked, o.claimed) == (4, 4, 0, 0)
    assert (o.applied, o.selected, o.trained, o.graduated) == (3, 2, 1, 1)
    rows = selectors.poskos_for(viewer=officer, now=NOW)
    assert [(r.posko, r.today, r.total) for r in rows] == [(posko, 5, 7)]
    # More people, more days: the same number of queries.
    for i in range(5):
        services.assistance_register_person(actor=officer, posko=posko, consent=OK, now=NOW - dt.timedelta(days=i),
                                            data=typed(full_name=f"Warga Lagi {i}", birth_date=dt.date(1980 + i, 4, 4)))
    with CaptureQueriesContext(connection) as queries:
        selectors.posko_page(viewer=officer, posko_id=posko.pk, now=NOW)
    assert len(queries) == fixed


def test_counts_are_seen_in_scope_only(officer, posko, regions):
    with pytest.raises(PermissionDenied):
        selectors.posko_page(viewer=RegionalOfficerFactory(area="35.78"), posko_id=posko.pk, now=NOW)
    assert selectors.poskos_for(viewer=RegionalOfficerFactory(area="35.78"), now=NOW) == []
    assert [r.posko for r in selectors.poskos_for(viewer=RegionalOfficerFactory(area="32"), now=NOW)] == [posko]
    assert Posko.objects.count() == 1
