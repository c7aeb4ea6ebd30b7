"""Housekeeping deletes what must not be kept, on a schedule the task worker keeps (no cron line)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from sisnaker.core import housekeeping, ratelimit
from sisnaker.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_a_pass_runs_every_job_and_survives_a_broken_one(settings, signup_data):
    settings.SISNAKER_HOUSEKEEPING = [*settings.SISNAKER_HOUSEKEEPING, "sisnaker.core.no_such.job"]
    old = timezone.now() - dt.timedelta(days=3)
    ratelimit.hit("signup:ip:198.51.100.7", ratelimit.Limit(5, 3600), now=old)
    ratelimit.hit("signup:ip:198.51.100.7", ratelimit.Limit(5, 3600))
    results = housekeeping.run()
    assert results["sisnaker.core.ratelimit.purge"] == 1
    assert str(results["sisnaker.core.no_such.job"]).startswith("failed:")
    assert RateCounter.objects.count() == 1  # the current window stays


def test_old_sign_up_claims_are_deleted(regions):
    from sisnaker.accounts.models import SignUpClaim
    from sisnaker.accounts.services import signup_claims_purge
    from tests.factories import PersonFactory

    person = PersonFactory(provisional=True, full_name="A", birth_date=dt.date(1990, 1, 1), education="sma")
    now = timezone.now()
    for days, done in ((0, None), (3, None), (3, now - dt.timedelta(days=2))):
        SignUpClaim.objects.create(token=f"t{days}{bool(done)}", kind="claim", person=person, password_hash="x", phone="+62811",
                                   code_hash="h", expires_at=now - dt.timedelta(days=days), created_at=now, completed_at=done)
    assert signup_claims_purge(now=now) == 2
    assert list(SignUpClaim.objects.values_list("token", flat=True)) == ["t0False"]


def test_the_schedule_is_kept_once(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert housekeeping.ensure_scheduled() is True
    assert housekeeping.ensure_scheduled() is False  # one waiting run is enough
    queued = DBTaskResult.objects.get(task_path=housekeeping.TASK_PATH)
    assert queued.run_after > timezone.now() + dt.timedelta(minutes=50)


def test_a_pass_does_not_requeue_itself_on_a_backend_that_cannot_wait():
    from sisnaker.core.tasks import housekeeping as task

    result = task.enqueue()  # the immediate backend of the tests: would loop for ever if it requeued
    assert result.status == "SUCCESSFUL"


def test_the_command_runs_a_pass(capsys):
    call_command("housekeeping")
    assert "sisnaker.core.ratelimit.purge" in capsys.readouterr().out
