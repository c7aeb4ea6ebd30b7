"""Races on PostgreSQL with real threads: parallel guesses cannot slip past the per-account count or
the per-address ceiling, and one TOTP code cannot be used twice."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.accounts import security, throttle
from sisnaker.accounts.models import LoginCounter

from ..concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from ..factories import PersonFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def _request(ip: str):
    request = RequestFactory().post("/akun/masuk/", REMOTE_ADDR=ip)
    request.client_ip = ip
    return request


def test_parallel_guesses_get_only_the_free_attempts(regions, settings):
    settings.SISNAKER_GATES = {"login": 0}  # the throttle is tested here, not the waiting room (test_waiting_room.py)
    person = PersonFactory()
    identifiers = [person.phone, person.nik] * 10

    def guess(identifier, i):
        return lambda: throttle.password_login(request=_request(f"198.51.100.{i}"), identifier=identifier,
                                               password="tebakan-salah")

    outcomes = race([guess(identifier, i) for i, identifier in enumerate(identifiers)])
    tried = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] == "refused"]
    assert len(tried) == settings.SISNAKER_LOGIN_FREE_FAILURES
    assert all(isinstance(o[1], throttle.LoginThrottled) for o in refused)
    assert LoginCounter.objects.get(key=f"user:{person.user_id}").failures == settings.SISNAKER_LOGIN_FREE_FAILURES


def test_parallel_spraying_from_one_address_stops_at_the_ceiling(regions, settings):
    settings.SISNAKER_LOGIN_IP_FAILURES = 4
    settings.SISNAKER_GATES = {"login": 0}
    people = PersonFactory.create_batch(12)
    outcomes = race([
        (lambda p=p: throttle.password_login(request=_request("203.0.113.5"), identifier=p.phone, password="salah"))
        for p in people
    ])
    assert sum(1 for o in outcomes if o[0] == "ok") == 4


def test_one_code_is_accepted_once(citizen):
    device = TOTPDevice.objects.create(user=citizen.user, name="HP", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    outcomes = race([lambda: security.verify_code(citizen.user, code) for _ in range(6)])
    assert sum(1 for o in outcomes if o[0] == "ok" and o[1] is not None) == 1
