"""Shared test setup: a fast password hasher, regions loaded once per test database, the fixtures every app's
tests use (built with tests/factories.py), and NIKs for tests to type."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from pathlib import Path

import pytest
from django.core.management.commands import flush
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from sisnaker.core import audit

# Tests never time things: Hypothesis's default 200 ms deadline per example and its "too slow" health check fail
# property tests on a loaded CI machine (a quota test failed so beside a benchmark). Every property test runs
# without them; a test may still set its own settings.
hypothesis_settings.register_profile("sisnaker", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("sisnaker")

_original_flush = flush.Command.handle


def _flush_with_audit_maintenance(self, *args, **kwargs):
    # Test databases are emptied between transactional tests; the audit table refuses DELETE
    # outside maintenance (see core/migrations/0002).
    with audit.maintenance():
        return _original_flush(self, *args, **kwargs)


flush.Command.handle = _flush_with_audit_maintenance


_DB_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                          "live_server"})
_VENDOR_WORDS = ("postgres", "vendor", "DATABASE_URL")
_mentions_vendor: dict[str, bool] = {}


def _database_free(item) -> bool:
    """A test that touches no database and whose module never speaks of one: its outcome cannot depend on which
    database the run uses."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("postgres") or _DB_FIXTURES & set(item.fixturenames):
        return False
    path = str(getattr(item, "path", "") or "")
    if path not in _mentions_vendor:  # each module read once
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            text = "postgres"
        _mentions_vendor[path] = any(word in text for word in _VENDOR_WORDS)
    return not _mentions_vendor[path]


def pytest_collection_modifyitems(config, items):
    """On a PostgreSQL run (DATABASE_URL=postgres://…, the second half of ./dev.sh test) the tests that touch no
    database are left out: the SQLite run of the same checkout has just run them, and they cannot answer
    differently (pure rules, parsers, Hypothesis properties). SISNAKER_TEST_EVERYTHING=1 keeps them."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or os.environ.get("SISNAKER_TEST_EVERYTHING"):
        return
    kept, left = [], []
    for item in items:
        (left if _database_free(item) else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run at once in tests (a test that checks queued progress sets its own backend).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # A task module imported while Django started (the admin imports services that import their tasks) made
    # its backend from the settings of then: Django's own receiver starts the task handler again from these.
    from django.core.signals import setting_changed

    setting_changed.send(sender=type(settings), setting="TASKS", value=settings.TASKS, enter=True)


@pytest.fixture(autouse=True)
def _forget_remembered_districts():
    """Each test starts without districts remembered by an earlier one (whose rows may have been rolled back)."""
    from sisnaker.regions.selectors import district_cache_clear

    district_cache_clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from sisnaker.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture
def regions(db):
    """Regions in the database (reloaded when a transactional test flushed them)."""
    from sisnaker.regions.models import District
    from sisnaker.regions.services import regions_load

    if not District.objects.exists():
        regions_load()
        # Data that migrations install (the work-readiness questionnaire) is also gone after a flush.
        from sisnaker.surveys.services import ensure_default_questionnaires

        ensure_default_questionnaires()
    from sisnaker.placement.models import Occupation
    from sisnaker.placement.reference import load_isco08

    if not Occupation.objects.exists():  # installed by a migration: gone after a flush too
        load_isco08(Occupation)


TODAY = dt.date(2026, 11, 23)
_serials = itertools.count(1)


def make_nik(*, district: str = "32.73.01", birth: dt.date = dt.date(1995, 5, 17), female: bool = False, serial: int | None = None) -> str:
    day = birth.day + (40 if female else 0)
    return f"{district.replace('.', '')}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial or next(_serials) % 9999 + 1:04d}"


@pytest.fixture
def signup_data(regions):
    from sisnaker.accounts.services import SignUp
    from sisnaker.regions.models import District

    counter = itertools.count(1)

    def build(**overrides) -> SignUp:
        n = next(counter)
        birth = overrides.pop("birth_date", dt.date(1995, 5, 17))
        sex = overrides.pop("sex", "M")
        nik = overrides.pop("nik", None) or make_nik(birth=birth, female=sex == "F")
        values = dict(
            nik=nik, full_name="Siti Rahmawati", birth_date=birth, sex=sex, education="smk",
            phone=f"0812{n:04d}{next(_serials) % 10000:04d}", email="", domicile_district=District.objects.get(code="32.73.01"),
            password="Rahasia-Kuat-2026", address="",
        )
        values.update(overrides)
        return SignUp(**values)

    return build


@pytest.fixture
def citizen(regions):
    """A citizen who signed up (account, citizen role, valid NIK in Kota Bandung): ``tests.factories.PersonFactory``."""
    from tests.factories import PersonFactory

    return PersonFactory()


def approved_institution(*, registry_number: str, name: str, kind: str = "blk_uptd", regency: str = "32.73", **extra):
    """An institution the authority has already approved (tests of what approved institutions do), approved
    long ago (``tests.factories.APPROVED_AT``), so that whatever date a test issues a certificate at, the
    institution was already approved then. The vetting itself is tested in tests/institutions/."""
    from tests.factories import InstitutionFactory

    return InstitutionFactory(registry_number=registry_number, name=name, kind=kind, regency_code=regency, **extra)


def approve(institution):
    """Approve a registered (pending) institution the way its authority would, through the service."""
    from sisnaker.accounts.models import User
    from sisnaker.accounts.services import role_grant
    from sisnaker.institutions.services import institution_review

    reviewer = User.objects.filter(username="test-approver").first()
    if reviewer is None:
        reviewer = User.objects.create(username="test-approver", first_name="Penyetuju Uji")
        role_grant(actor=None, user=reviewer, role="admin")
    return institution_review(actor=reviewer, institution=institution, action="approve", licence_number="SK-TEST-001")


@pytest.fixture
def sms(settings):
    """Every SMS of the test goes to ``tests.sms.SmsBox.sent`` (returned), emptied first."""
    from tests.sms import SmsBox

    settings.SISNAKER_SMS_GATEWAY = "tests.sms.SmsBox"
    SmsBox.sent = []
    return SmsBox.sent


@pytest.fixture
def long_round_trip():
    """For a test that goes back before an early migration of ``accounts`` and forward again: Django re-renders the
    states of some 200 migrations on the way (the person model is related to nearly everything), 70–100 s on SQLite
    and 40–80 s on PostgreSQL. A data migration's Python is the same on both databases, so such a test runs once, on
    PostgreSQL, the database production runs on; the SQLite run (the demo's database) skips it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a long migration round trip: run once, on PostgreSQL (DATABASE_URL=postgres://…)")
