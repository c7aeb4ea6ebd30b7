"""Closing and drawing a wave run as background tasks (minutes at national size, longer than a web request may
take): asked for, checked at once, run after commit, shown on the wave's page; a refusal or a failure is kept on
the wave with its message, and a lost step can be asked for again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sisnaker.core.errors import Conflict
from sisnaker.core.models import AuditEvent
from sisnaker.prakerja import services
from sisnaker.prakerja.codes import Code
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application, Wave
from tests.conftest import make_nik
from tests.factories import PASSWORD
from tests.sms import committed

from .conftest import NOW, apply_confirmed, kk_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]


def _wave_with_applicants(open_wave, applicant, n=3):
    # Asked for on the wave's announced closing day: no reason needed (closing early: test_services.py).
    wave = open_wave(quotas={"32": 2}, national_target=2, closes_on=NOW.date())
    for i in range(n):
        apply_confirmed(wave, applicant(), kk=kk_of(make_nik(), serial=500 + i))
    return wave


def test_a_step_is_asked_for_once_and_runs_after_commit(open_wave, applicant, pmo):
    wave = _wave_with_applicants(open_wave, applicant)
    services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW)
    wave.refresh_from_db()
    assert (wave.status, wave.step_pending, wave.step_requested_by) == ("open", "close", pmo)
    # Asked again before it ran: refused, nothing queued twice.
    with pytest.raises(Conflict) as busy:
        services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW + dt.timedelta(minutes=1))
    assert busy.value.code == Code.WAVE_BUSY
    committed()  # the task runs
    wave.refresh_from_db()
    assert (wave.status, wave.step_pending, wave.step_error) == ("closed", "", {})
    assert Application.objects.filter(wave=wave, status=S.ELIGIBLE).count() == 3
    services.wave_step_request(actor=pmo, wave=wave, step="draw", now=NOW)
    committed()
    wave.refresh_from_db()
    assert wave.status == "drawn" and Application.objects.filter(wave=wave, selection__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action="prakerja_wave.step_requested", object_id=str(wave.pk)).count() == 2


def test_refusals_come_at_once_when_they_can(open_wave, applicant, pmo):
    wave = _wave_with_applicants(open_wave, applicant, n=1)
    with pytest.raises(Conflict) as wrong:  # a wave that is open cannot be drawn
        services.wave_step_request(actor=pmo, wave=wave, step="draw", now=NOW)
    assert wrong.value.code == Code.WAVE_STATE
    Application.objects.filter(wave=wave).update(status=S.REVIEW)
    with pytest.raises(Conflict) as review:  # identities wait for a PMO officer
        services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW)
    assert review.value.code == Code.REVIEWS_PENDING
    wave.refresh_from_db()
    assert not wave.step_pending


def test_a_step_refused_when_it_runs_is_kept_with_its_message_on_the_page(open_wave, applicant, pmo):
    wave = _wave_with_applicants(open_wave, applicant, n=2)
    services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW)
    # Meanwhile an application went to review: the task's close refuses, and says why.
    Application.objects.filter(wave=wave).update(status=S.REVIEW)
    committed()
    wave.refresh_from_db()
    assert wave.status == "open" and not wave.step_pending
    assert "pemeriksaan identitas" in wave.step_error["id"] and "identity check" in wave.step_error["en"]
    assert AuditEvent.objects.filter(action="prakerja_wave.step_failed", object_id=str(wave.pk)).exists()
    client = Client()
    assert client.login(username=pmo.username, password=PASSWORD)
    page = client.get(reverse("prakerja:wave", args=[wave.pk])).content.decode()
    assert "Langkah terakhir gagal" in page and "pemeriksaan identitas" in page and "every 10s" not in page
    # Decided, asked again: it runs, and the old message goes.
    Application.objects.filter(wave=wave).update(status=S.SUBMITTED)
    services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW)
    committed()
    wave.refresh_from_db()
    assert wave.status == "closed" and wave.step_error == {}


def test_a_lost_step_may_be_asked_for_again(open_wave, applicant, pmo, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # the worker never runs it
    wave = _wave_with_applicants(open_wave, applicant, n=1)
    services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW)
    committed()
    with pytest.raises(Conflict):
        services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW + dt.timedelta(hours=1))
    services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW + services.STEP_STALE + dt.timedelta(minutes=1))
    wave.refresh_from_db()
    assert wave.step_pending == "close"


def test_only_pmo_officers_ask_for_steps(open_wave, applicant, pmo):
    from sisnaker.core.errors import PermissionDenied
    from tests.factories import staff

    wave = _wave_with_applicants(open_wave, applicant, n=1)
    for role in ("regional_officer", "curator", "finance_officer"):
        with pytest.raises(PermissionDenied):
            services.wave_step_request(actor=staff(role), wave=wave, step="close", now=NOW)
    assert not Wave.objects.get(pk=wave.pk).step_pending
