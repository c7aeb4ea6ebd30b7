"""A person's requests under real concurrency on PostgreSQL: the same request sent at once from several taps or tabs
makes one open request (the person's row is locked before the check; the partial unique index holds it anyway);
requests of different kinds sent at once are all taken.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/privacy/test_privacy_concurrency.py
"""

from __future__ import annotations

import pytest

from sisnaker.privacy import services
from sisnaker.privacy.models import PrivacyRequest
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from tests.factories import PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

THREADS = 6


def test_the_same_request_sent_at_once_is_one_request(regions):
    person = PersonFactory()
    user = person.user
    user.grants  # noqa: B018 — loaded before the threads share these objects
    outcomes = race([lambda: services.privacy_request_submit(actor=user, person=person, kind="access", details="")
                     for _ in range(THREADS)])
    assert [kind for kind, _ in outcomes].count("ok") == 1
    made = next(value for kind, value in outcomes if kind == "ok")
    refused = [value for kind, value in outcomes if kind == "refused"]
    assert len(refused) == THREADS - 1
    assert all(e.code == "privacy_request_already_open" and e.details == {"request": made.pk} for e in refused)
    assert PrivacyRequest.objects.filter(person=person).count() == 1


def test_requests_of_different_kinds_sent_at_once_are_all_taken(regions):
    person = PersonFactory()
    user = person.user
    user.grants  # noqa: B018
    kinds = {"access": "", "correction": "Alamat saya salah, Jl. Merdeka 5.", "deletion": "Hapus nomor HP lama saya.",
             "objection": "Hentikan pengiriman SMS promosi."}
    outcomes = race([lambda k=k, d=d: services.privacy_request_submit(actor=user, person=person, kind=k, details=d)
                     for k, d in kinds.items()])
    assert [kind for kind, _ in outcomes] == ["ok"] * len(kinds)
    assert sorted(PrivacyRequest.objects.filter(person=person).values_list("kind", flat=True)) == sorted(kinds)
