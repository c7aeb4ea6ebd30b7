"""Passwords are hashed with Argon2id at OWASP's parameters (issue 14 §3); PBKDF2 hashes made before keep
working and become Argon2id at their owner's next log-in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.test import Client

from sisnaker.accounts.hashers import Argon2idPasswordHasher
from sisnaker.accounts.models import User
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Kuat-2026"
PRODUCTION_HASHERS = [
    "sisnaker.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_the_hash_is_argon2id_at_owasp_parameters(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = User(username="w1")
    user.set_password(PASSWORD)
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(user.password), Argon2idPasswordHasher)
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


def test_production_settings_put_argon2id_first():
    """What the settings say outside tests (tests/conftest.py swaps in MD5 for speed)."""
    import importlib
    import os

    from sisnaker import settings as module

    saved = os.environ.pop("SISNAKER_FAST_HASHER", None)
    try:
        assert importlib.reload(module).PASSWORD_HASHERS[0] == "sisnaker.accounts.hashers.Argon2idPasswordHasher"
        assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in module.PASSWORD_HASHERS
    finally:
        if saved is not None:
            os.environ["SISNAKER_FAST_HASHER"] = saved
        importlib.reload(module)


def test_a_pbkdf2_hash_logs_in_and_is_upgraded_to_argon2id(regions, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    person = PersonFactory(email="lama@example.id")
    # An account from before: PBKDF2 (few iterations, to keep the test fast; the upgrade is the same).
    old = PBKDF2PasswordHasher().encode(PASSWORD, "garamlama123", iterations=1000)
    User.objects.filter(pk=person.user_id).update(password=old)
    client = Client(REMOTE_ADDR="198.51.100.20")
    response = client.post("/akun/masuk/", {"username": "lama@example.id", "password": PASSWORD})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(person.user_id)
    upgraded = User.objects.get(pk=person.user_id).password
    assert upgraded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert User.objects.get(pk=person.user_id).check_password(PASSWORD)


def test_a_wrong_password_does_not_touch_the_old_hash(regions, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    person = PersonFactory(email="lama2@example.id")
    old = PBKDF2PasswordHasher().encode(PASSWORD, "garamlama456", iterations=1000)
    User.objects.filter(pk=person.user_id).update(password=old)
    response = Client(REMOTE_ADDR="198.51.100.21").post("/akun/masuk/", {"username": "lama2@example.id", "password": "salah-sandi"})
    assert response.status_code == 400
    assert User.objects.get(pk=person.user_id).password == old
