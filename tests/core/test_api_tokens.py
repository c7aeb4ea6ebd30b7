"""API tokens for staff scripts: only the hash is stored, the secret is shown once, revocation and
inactive accounts are refused (401), the management command creates/lists/revokes."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sisnaker.accounts.models import User
from sisnaker.core.api_auth import token_create, token_revoke, user_for_secret
from sisnaker.core.errors import Conflict, NotFound, ValidationFailed
from sisnaker.core.models import ApiToken, AuditEvent
from tests.factories import CuratorFactory

ME = "/api/v1/training/programs"  # any endpoint behind SESSION_OR_TOKEN


@pytest.fixture
def officer(db):
    return CuratorFactory(username="skrip-kurator", first_name="Kurator Skrip")


@pytest.mark.django_db
def test_only_the_hash_is_stored_and_the_secret_works(officer):
    token, secret = token_create(user=officer, name="  rekap   mingguan ")
    assert secret.startswith("snk_") and len(secret) > 40
    assert token.name == "rekap mingguan" and token.prefix == secret[:12]
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert user_for_secret(secret) == officer
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()

    r = Client().get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 200 and r.json() == []


@pytest.mark.django_db
def test_token_acts_with_its_users_permissions(officer):
    _, secret = token_create(user=officer, name="referensi")
    c = Client()
    r = c.post("/api/v1/training/vocational-fields", {"code": "AGR", "name": "Pertanian"}, content_type="application/json",
               HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 200, r.content
    assert AuditEvent.objects.get(action="reference.vocational_field_saved").actor_id == officer.pk
    nobody = User.objects.create_user(username="tanpa-peran", password="Rahasia-Kuat-2026")
    _, other = token_create(user=nobody, name="coba")
    r = c.post("/api/v1/training/vocational-fields", {"code": "AGR", "name": "Diubah"}, content_type="application/json",
               HTTP_AUTHORIZATION=f"Bearer {other}")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


@pytest.mark.django_db
def test_revoked_unknown_malformed_and_inactive_are_401(officer):
    token, secret = token_create(user=officer, name="sementara")
    c = Client()
    assert c.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token_revoke(token_id=token.pk)
    assert c.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    with pytest.raises(Conflict):
        token_revoke(token_id=token.pk)
    with pytest.raises(NotFound):
        token_revoke(token_id=999999)
    for header in ("Bearer snk_salah", "Bearer ", "Bearer " + "x" * 500, f"Bearer {secret[:-1]}"):
        assert c.get(ME, HTTP_AUTHORIZATION=header).status_code == 401, header
    assert c.get(ME).status_code == 401

    _, fresh = token_create(user=officer, name="baru")
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert c.get(ME, HTTP_AUTHORIZATION=f"Bearer {fresh}").status_code == 401


@pytest.mark.django_db
def test_token_needs_a_name_and_an_active_user(officer):
    with pytest.raises(ValidationFailed) as exc:
        token_create(user=officer, name="  ")
    assert exc.value.field == "name"
    officer.is_active = False
    with pytest.raises(ValidationFailed):
        token_create(user=officer, name="x")


@pytest.mark.django_db
def test_management_command_create_list_revoke(officer):
    out = StringIO()
    call_command("apitoken", "create", officer.username, "--name", "ekspor harian", stdout=out)
    lines = out.getvalue().strip().splitlines()
    secret = lines[-1]
    assert secret.startswith("snk_") and "shown only now" in out.getvalue()
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and token.name == "ekspor harian"

    out = StringIO()
    call_command("apitoken", "list", stdout=out)
    listing = out.getvalue()
    assert f"{token.pk}\t{token.prefix}…\t{officer.username}\tekspor harian" in listing
    assert secret not in listing and "last used never" in listing

    out = StringIO()
    call_command("apitoken", "revoke", str(token.pk), stdout=out)
    assert "revoked" in out.getvalue()
    assert Client().get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    out = StringIO()
    call_command("apitoken", "list", stdout=out)
    assert out.getvalue().strip() == "No tokens."
    out = StringIO()
    call_command("apitoken", "list", "--all", stdout=out)
    assert "revoked" in out.getvalue()

    with pytest.raises(CommandError, match="sudah dicabut|already revoked"):
        call_command("apitoken", "revoke", str(token.pk))
    with pytest.raises(CommandError, match="tidak ditemukan|not found"):
        call_command("apitoken", "create", "tidak-ada", "--name", "x")
