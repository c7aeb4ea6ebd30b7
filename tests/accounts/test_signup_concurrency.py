"""Sign-ups racing on PostgreSQL with real threads: the same NIK, phone or e-mail typed by several people at the same
moment gives one account and, to everyone else, the same clear refusal as when they come one after another —
never a 500, never half an account."""

from __future__ import annotations

import pytest

from sisnaker.accounts.codes import Code
from sisnaker.accounts.models import Person, RoleAssignment, User
from sisnaker.accounts.services import person_sign_up
from sisnaker.core.models import AuditEvent

from ..concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from ..conftest import TODAY, make_nik

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def _settle(settings):
    settings.SISNAKER_GATES = {"signup": 0}  # the waiting room is tested in test_waiting_room.py


def _accounts_are_whole():
    """Every account has its citizen role, its person and its audit row: nothing half-written."""
    users = User.objects.filter(is_staff=False)
    for user in users:
        assert RoleAssignment.objects.filter(user=user, role="citizen").count() == 1
        person = Person.objects.get(user=user)
        assert AuditEvent.objects.filter(action="person.signed_up", object_id=str(person.pk), actor=user).count() == 1
    return users.count()


def test_the_same_nik_at_once_makes_one_account(signup_data, settings):
    _settle(settings)
    nik = make_nik()
    attempts = [signup_data(nik=nik) for _ in range(6)]  # each with its own phone
    outcomes = race([lambda data=data: person_sign_up(data=data, today=TODAY) for data in attempts])
    made = [o for o in outcomes if o[0] == "ok"]
    refused = [o[1] for o in outcomes if o[0] == "refused"]
    assert len(made) == 1
    assert refused and all(exc.code == Code.NIK_TAKEN for exc in refused)
    assert Person.objects.filter(user__isnull=False).count() == 1
    assert _accounts_are_whole() == 1


def test_the_same_phone_at_once_makes_one_account(signup_data, settings):
    _settle(settings)
    attempts = [signup_data(phone="081234500099") for _ in range(6)]  # different NIKs
    outcomes = race([lambda data=data: person_sign_up(data=data, today=TODAY) for data in attempts])
    made = [o for o in outcomes if o[0] == "ok"]
    refused = [o[1] for o in outcomes if o[0] == "refused"]
    assert len(made) == 1
    assert refused and {exc.code for exc in refused} <= {Code.PHONE_TAKEN, Code.CONTACT_TAKEN}
    assert User.objects.filter(phone="+6281234500099").count() == 1
    assert _accounts_are_whole() == 1


def test_the_same_email_in_any_case_at_once_makes_one_account(signup_data, settings):
    _settle(settings)
    spellings = ["warga@contoh.id", "Warga@Contoh.id", "WARGA@CONTOH.ID", "warga@CONTOH.id"]
    attempts = [signup_data(phone="", email=email) for email in spellings]
    outcomes = race([lambda data=data: person_sign_up(data=data, today=TODAY) for data in attempts])
    assert sum(o[0] == "ok" for o in outcomes) == 1
    assert {o[1].code for o in outcomes if o[0] == "refused"} <= {Code.EMAIL_TAKEN, Code.CONTACT_TAKEN}
    assert _accounts_are_whole() == 1


def test_different_people_at_once_all_get_their_accounts(signup_data, settings):
    _settle(settings)
    attempts = [signup_data() for _ in range(8)]
    outcomes = race([lambda data=data: person_sign_up(data=data, today=TODAY) for data in attempts])
    assert [o[0] for o in outcomes] == ["ok"] * 8
    assert _accounts_are_whole() == 8
