"""A database that cannot be reached (restart, fail-over, SQLite locked too long) gives "try again in a
moment" — 503 with Retry-After, the product's page or the API's JSON — never a 500, and the next request
after the database is back is served again."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client

from tests.factories import PersonFactory


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_locked_database_answers_try_again_not_server_error(monkeypatch):
    client = _client(PersonFactory().user)

    def locked(self):
        raise OperationalError("database is locked")

    # The session is read (from the database) by the middleware, before any view runs.
    monkeypatch.setattr(SessionStore, "load", locked)
    page = client.get("/")
    assert page.status_code == 503
    assert page["Retry-After"] == "10"
    body = page.content.decode()
    assert "coba lagi dalam 10 detik" in body and 'http-equiv="refresh"' in body
    assert "Traceback" not in body

    form = client.post("/akun/masuk/", {"username": "x", "password": "y"})
    assert form.status_code == 503
    assert 'http-equiv="refresh"' not in form.content.decode()  # a form is never re-sent unasked

    api = client.get("/api/v1/programs")
    assert api.status_code == 503 and api["Retry-After"] == "10"
    assert api.json()["code"] == "unavailable"


@pytest.mark.django_db
def test_a_bug_is_still_a_server_error(monkeypatch):
    class Broken:
        def cursor(self):
            raise RuntimeError("a bug")

    monkeypatch.setattr("sisnaker.web.views.connection", Broken())
    page = _client().get("/healthz")
    assert page.status_code == 500 and "Retry-After" not in page


@pytest.mark.django_db(transaction=True)
def test_postgresql_going_away_and_coming_back():
    if connection.vendor != "postgresql":
        pytest.skip("a server that goes away: PostgreSQL (run with DATABASE_URL=postgres://…)")
    client = _client()
    assert client.get("/").status_code == 200
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: like the server while it restarts
    try:
        down = client.get("/pelatihan/")
        assert down.status_code == 503 and "coba lagi" in down.content.decode()
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get("/pelatihan/").status_code == 200
