"""The first administrator of a new installation is made from the shell, through the audited services."""

import io

import pytest
from django.core.management import CommandError, call_command

from sisnaker.accounts.models import User
from sisnaker.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_creates_a_staff_login_and_grants_roles(monkeypatch, regions):
    monkeypatch.setattr("sys.stdin", io.StringIO("Kata-Sandi-Aman-2026\n"))
    call_command("staffuser", "root", "--name", "Administrator", "--role", "admin", "--password-stdin", stdout=io.StringIO())
    user = User.objects.get(username="root")
    assert user.check_password("Kata-Sandi-Aman-2026") and user.has_role("admin") and user.is_superuser
    call_command("staffuser", "root", "--role", "regional_officer", "--region", "32.73", stdout=io.StringIO())
    assert User.objects.get(username="root").has_role("regional_officer")
    assert AuditEvent.objects.filter(action="role.granted").count() == 2
    with pytest.raises(CommandError, match="wilayah|region"):
        call_command("staffuser", "root", "--role", "regional_officer", "--region", "99.99", stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError):
        call_command("staffuser", "weak", "--role", "curator", "--password-stdin", stdout=io.StringIO())
    assert not User.objects.filter(username="weak").exists()


def test_a_refused_role_leaves_no_new_log_in_behind(monkeypatch, regions):
    """The log-in and its role are one transaction (``services.staff_login_set_up``)."""
    monkeypatch.setattr("sys.stdin", io.StringIO("Kata-Sandi-Aman-2026\n"))
    with pytest.raises(CommandError, match="wilayah|region"):
        call_command("staffuser", "baru", "--role", "regional_officer", "--region", "99.99", "--password-stdin",
                     stdout=io.StringIO())
    assert not User.objects.filter(username="baru").exists()
