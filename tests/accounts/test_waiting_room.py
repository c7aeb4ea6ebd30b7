"""The waiting room of sign-up and log-in (issue 14 §3, core/gate.py): when the gate's slots are all taken, a
request is answered at once with 503, Retry-After and the same form still filled in; once a slot is free it goes
through. The slots are filled for real: advisory locks held by another PostgreSQL connection, or file locks held
by another open file on SQLite — what another process serving requests would hold."""

from __future__ import annotations

import contextlib
import datetime as dt
import os

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sisnaker.accounts import services
from sisnaker.accounts.models import Person, User
from sisnaker.core import gate
from tests.conftest import make_nik
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Kuat-2026"
FORM = {
    "full_name": "Dewi Lestari", "birth_date": "1995-05-17", "sex": "F", "phone": "081277771111", "email": "",
    "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "domicile": "32.73.01",
    "education": "smk", "password": PASSWORD, "password2": PASSWORD,
}


@contextlib.contextmanager
def occupied(name: str, slots: int):
    """Take ``slots`` of the gate's slots from outside this connection, as other requests would."""
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None), params.pop("context", None)
        other = psycopg.connect(**params, autocommit=True)
        try:
            for slot in range(slots):
                other.execute("SELECT pg_advisory_lock(%s, %s)", [gate._gate_key(name), slot])
            yield
        finally:
            other.close()  # frees them
    else:
        import fcntl

        from django.conf import settings

        folder = gate._FileSlots()._dir()
        fds = []
        try:
            for slot in range(slots):
                fd = os.open(folder / f"{name}.{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
                fds.append(fd)
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            assert settings.SISNAKER_GATE_DIR
            yield
        finally:
            for fd in fds:
                os.close(fd)


@pytest.fixture(autouse=True)
def gates(settings, tmp_path):
    settings.SISNAKER_GATES = {"signup": 2, "login": 2}
    settings.SISNAKER_GATE_RETRY_AFTER = 6
    settings.SISNAKER_GATE_DIR = str(tmp_path / "gate")


def test_a_full_sign_up_gate_answers_503_with_the_form_kept_then_lets_through(regions):
    nik = make_nik(female=True)
    client = Client(REMOTE_ADDR="198.51.100.30")
    with occupied("signup", 2):
        response = client.post(reverse("accounts:signup"), FORM | {"nik": nik})
        assert response.status_code == 503
        assert 6 <= int(response["Retry-After"]) <= 9
        page = response.content.decode()
        assert "coba lagi dalam" in page and 'id="busy"' in page
        # What was typed is still in the form (the password is never echoed by a page).
        assert f'value="{nik}"' in page and 'value="Dewi Lestari"' in page and 'value="081277771111"' in page
        assert PASSWORD not in page
        assert not Person.objects.exists()
    # One slot frees up: the same form sent again goes through.
    with occupied("signup", 1):
        response = client.post(reverse("accounts:signup"), FORM | {"nik": nik})
    assert response.status_code == 302 and Person.objects.get().full_name == "Dewi Lestari"


def test_a_full_log_in_gate_answers_503_then_lets_through(regions):
    person = PersonFactory(email="antri@example.id")
    client = Client(REMOTE_ADDR="198.51.100.31")
    with occupied("login", 2):
        response = client.post(reverse("accounts:login"), {"username": "antri@example.id", "password": PASSWORD})
        assert response.status_code == 503 and int(response["Retry-After"]) >= 6
        page = response.content.decode()
        assert 'value="antri@example.id"' in page and PASSWORD not in page
        assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login"), {"username": "antri@example.id", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.user_id)


def test_the_api_answers_busy_with_retry_after(regions):
    body = {"nik": make_nik(), "full_name": "Andi Wijaya", "birth_date": "1995-05-17", "sex": "M", "education": "sma",
            "phone": "081277772222", "domicile_district": "32.73.01", "password": PASSWORD}
    with occupied("signup", 2):
        response = Client().post("/api/v1/accounts/signup", body, content_type="application/json")
        assert response.status_code == 503 and response.json()["code"] == "busy"
        assert int(response["Retry-After"]) == response.json()["retry_after"] >= 6
    response = Client().post("/api/v1/accounts/signup", body, content_type="application/json")
    assert response.status_code == 201


def test_a_refused_sign_up_gives_its_slot_back(signup_data, settings):
    settings.SISNAKER_GATES = {"signup": 1}
    first = services.person_sign_up(data=signup_data(), today=dt.date(2026, 6, 1))
    for _ in range(3):
        with pytest.raises(services.Conflict):
            services.person_sign_up(data=signup_data(nik=first.nik), today=dt.date(2026, 6, 1))
    services.person_sign_up(data=signup_data(), today=dt.date(2026, 6, 1))  # the one slot is free again
    assert User.objects.count() == 2


def test_input_refused_without_the_database_never_waits_for_the_gate(signup_data):
    """A wrong NIK or a weak password is answered even while the gate is full: it costs no hash."""
    with occupied("signup", 2):
        with pytest.raises(services.ValidationFailed) as refused:
            services.person_sign_up(data=signup_data(password="12345678"), today=dt.date(2026, 6, 1))
        assert refused.value.code == "password_weak"
        with pytest.raises(gate.Busy):
            services.person_sign_up(data=signup_data(), today=dt.date(2026, 6, 1))


def test_a_gate_set_to_zero_is_off(signup_data, settings):
    settings.SISNAKER_GATES = {"signup": 0}
    with occupied("signup", 2):
        services.person_sign_up(data=signup_data(), today=dt.date(2026, 6, 1))
    assert Person.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_past_the_limit_are_refused_at_once(regions, settings):
    """Six at once through a gate of two, each holding its slot a while: two get in, four hear "busy" at once
    (real threads, each with its own database connection)."""
    import threading

    settings.SISNAKER_GATES = {"race": 2}
    barrier, outcomes, lock = threading.Barrier(6), [], threading.Lock()
    # The two let in hold their slots until the four others have been answered: a gate that made them wait
    # instead of refusing at once would never answer them, and the test fails on the wait below.
    release, four_busy = threading.Event(), threading.Event()

    def request():
        connection.ensure_connection()
        barrier.wait()
        try:
            with gate.admit("race"):
                release.wait(timeout=30)
                outcome = "in"
        except gate.Busy:
            outcome = "busy"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)
            if outcomes.count("busy") == 4:
                four_busy.set()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    answered_without_waiting = four_busy.wait(timeout=20)
    release.set()
    for t in threads:
        t.join()
    assert answered_without_waiting
    assert sorted(outcomes) == ["busy"] * 4 + ["in"] * 2
    with gate.admit("race"), gate.admit("race"):
        pass  # every slot was given back
