"""Closing a wave before its announced closing day (found by QA on a production server: one click closed a wave two
weeks early, the applications still waiting for their codes lapsed and the announced deadline was cut, with no
confirmation, no reason and only "Selesai." afterwards).

Before the closing day the service refuses without a written reason (kept in the audit row), however it is asked
(``wave_close``, ``wave_step_request``); the page confirms first and says what will happen; afterwards the message
and the wave's page say what closing did. On or after the closing day a wave closes as before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.errors import ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.prakerja import domain, services
from sisnaker.prakerja.codes import Code
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application, Wave
from tests.conftest import make_nik
from tests.factories import staff
from tests.sms import committed

from .conftest import NOW, apply_confirmed, codes_sent, data_for, kk_of, wave_data

pytestmark = pytest.mark.usefixtures("sms")

CLOSES_ON = dt.date(2026, 3, 31)  # the fixtures' waves: open 1–31 March; NOW is 10 March


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9, 0))


def _wave_with_one_of_each(open_wave, applicant):
    """An open wave with one registered application and one still waiting for its verification codes."""
    wave = open_wave()
    registered = apply_confirmed(wave, applicant(), kk=kk_of(make_nik(), serial=301))
    waiting = applicant()
    services.application_start(actor=waiting.user, wave=wave, data=data_for(waiting, kk=kk_of(make_nik(), serial=302)), now=NOW)
    committed()
    return wave, registered


def _closed_rows(wave):
    return AuditEvent.objects.filter(action="prakerja_wave.closed", object_id=str(wave.pk))


# --- the rule ---------------------------------------------------------------------------------------------------

def test_a_reason_is_needed_only_before_the_announced_closing_day():
    assert domain.close_reason_needed(closes_on=CLOSES_ON, today=dt.date(2026, 3, 30)) is not None
    needed = domain.close_reason_needed(closes_on=CLOSES_ON, today=dt.date(2026, 3, 2))
    assert "31 Maret 2026" in needed.id and "31 March 2026" in needed.en and "reason" in needed.en
    assert domain.close_reason_needed(closes_on=CLOSES_ON, today=CLOSES_ON) is None
    assert domain.close_reason_needed(closes_on=CLOSES_ON, today=dt.date(2026, 4, 1)) is None


def test_the_confirmation_says_what_closing_will_do():
    early = [m.en for m in domain.close_effects(lapse=3, check=1, review=0, closes_on=CLOSES_ON, today=dt.date(2026, 3, 17))]
    assert any("31 March 2026" in e and "cut short by 14 days" in e for e in early)
    assert any(e.startswith("3 applications still waiting for their verification codes will lapse") for e in early)
    assert any(e.startswith("1 application registered will be checked") for e in early)
    on_time = [m.en for m in domain.close_effects(lapse=0, check=2, review=1, closes_on=CLOSES_ON, today=CLOSES_ON)]
    assert not any("cut short" in e or "lapse" in e for e in on_time)
    assert any("identity check" in e for e in on_time)


def test_the_outcome_says_how_many_were_checked_and_lapsed():
    msg = domain.close_outcome(lapsed=1, eligible=2, ineligible=1, closes_on=CLOSES_ON, closed_on=dt.date(2026, 3, 10))
    assert msg.id.startswith("Gelombang ditutup: 3 pendaftaran diperiksa kelayakannya (2 memenuhi syarat, 1 tidak")
    assert "1 pendaftaran kedaluwarsa" in msg.id and "10 Maret 2026" in msg.id and "31 Maret 2026" in msg.id
    assert msg.en.startswith("Wave closed: 3 applications checked for eligibility (2 eligible, 1 not eligible); 1 application lapsed")
    assert "before the announced closing date" not in domain.close_outcome(lapsed=0, eligible=1, ineligible=0).en


# --- the service ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   \n"])
def test_closing_early_without_a_reason_is_refused_and_nothing_changes(open_wave, applicant, pmo, reason):
    wave, registered = _wave_with_one_of_each(open_wave, applicant)
    before = dict(Application.objects.filter(wave=wave).values_list("pk", "status"))
    with pytest.raises(ValidationFailed) as refused:
        services.wave_close(actor=pmo, wave=wave, reason=reason, now=NOW)
    assert refused.value.code == Code.CLOSE_REASON_REQUIRED and refused.value.field == "reason"
    assert "31 Maret 2026" in refused.value.message.id
    wave.refresh_from_db()
    assert (wave.status, wave.seed, wave.closed_at, wave.counts.get("close")) == ("open", "", None, None)
    assert dict(Application.objects.filter(wave=wave).values_list("pk", "status")) == before
    assert S.UNVERIFIED in before.values() and not _closed_rows(wave).exists()


def test_closing_early_with_a_reason_closes_and_the_audit_row_keeps_it(open_wave, applicant, pmo):
    wave, registered = _wave_with_one_of_each(open_wave, applicant)
    counts = services.wave_close(actor=pmo, wave=wave, reason="  Anggaran gelombang dipotong; ditutup atas surat Menko.  ",
                                 now=NOW)
    assert counts == {"lapsed": 1, "eligible": 1, "ineligible": 0}
    wave.refresh_from_db()
    assert wave.status == "closed"
    assert wave.counts["close"] == {**counts, "closes_on": "2026-03-31", "closed_on": "2026-03-10"}
    row = _closed_rows(wave).get()
    assert row.reason == "Anggaran gelombang dipotong; ditutup atas surat Menko."
    assert row.after["closes_on"] == "2026-03-31" and row.after["closed_on"] == "2026-03-10" and row.after["lapsed"] == 1


@pytest.mark.parametrize("day", [CLOSES_ON, dt.date(2026, 4, 2)])
def test_closing_on_or_after_the_closing_day_needs_no_reason(open_wave, applicant, pmo, day):
    wave, registered = _wave_with_one_of_each(open_wave, applicant)
    counts = services.wave_close(actor=pmo, wave=wave, now=_at(day))
    assert counts == {"lapsed": 1, "eligible": 1, "ineligible": 0}
    wave.refresh_from_db()
    assert wave.status == "closed" and wave.counts["close"] == counts  # not early: no dates kept
    row = _closed_rows(wave).get()
    assert row.reason == "" and "closes_on" not in row.after


def test_asking_for_the_background_close_early_needs_the_reason_and_hands_it_to_the_task(open_wave, applicant, pmo):
    wave, registered = _wave_with_one_of_each(open_wave, applicant)
    with pytest.raises(ValidationFailed) as refused:  # refused at once, before anything is queued
        services.wave_step_request(actor=pmo, wave=wave, step="close", now=NOW)
    assert refused.value.code == Code.CLOSE_REASON_REQUIRED
    wave.refresh_from_db()
    assert not wave.step_pending
    assert not AuditEvent.objects.filter(action="prakerja_wave.step_requested", object_id=str(wave.pk)).exists()
    services.wave_step_request(actor=pmo, wave=wave, step="close", reason="Kuota sudah terpenuhi.", now=NOW)
    assert AuditEvent.objects.get(action="prakerja_wave.step_requested", object_id=str(wave.pk)).reason == "Kuota sudah terpenuhi."
    committed()  # the task runs
    wave.refresh_from_db()
    assert (wave.status, wave.step_pending, wave.step_error) == ("closed", "", {})
    assert _closed_rows(wave).get().reason == "Kuota sudah terpenuhi."


def test_a_close_queued_without_a_reason_is_refused_when_it_runs_early(open_wave, applicant, pmo):
    """A task queued before this rule (no reason) that runs before the closing day: refused, kept on the wave."""
    wave, registered = _wave_with_one_of_each(open_wave, applicant)
    Wave.objects.filter(pk=wave.pk).update(step_pending="close", step_requested_at=NOW, step_requested_by=pmo)
    result = services.wave_step_run(actor=pmo, wave_id=wave.pk, step="close", now=NOW)
    assert "failed" in result
    wave.refresh_from_db()
    assert wave.status == "open" and not wave.step_pending and "alasan" in wave.step_error["id"]
    assert Application.objects.filter(wave=wave, status=S.UNVERIFIED).count() == 1


# --- the pages --------------------------------------------------------------------------------------------------

def _pmo_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _wave_open_today(pmo, applicant, *, closes_in: int):
    """A wave open since yesterday, closing ``closes_in`` days from today (the pages use the real clock), with one
    registered application and one still waiting for its codes."""
    today, now = timezone.localdate(), timezone.now()
    wave = services.wave_create(actor=pmo, data=wave_data(opens_on=today - dt.timedelta(days=1),
                                                         closes_on=today + dt.timedelta(days=closes_in)), now=now)
    services.quotas_set(actor=pmo, wave=wave, quotas={"32": wave.national_target})
    wave = services.wave_open(actor=pmo, wave=wave, now=now)
    registered, waiting = applicant(), applicant()
    data = data_for(registered, kk=kk_of(make_nik(), serial=401))
    _, token = services.application_start(actor=registered.user, wave=wave, data=data, now=now)
    phone_code, email_code = codes_sent(data.phone[-6:], data.email)
    services.application_confirm(actor=registered.user, token=token, phone_code=phone_code, email_code=email_code, now=now)
    services.application_start(actor=waiting.user, wave=wave, data=data_for(waiting, kk=kk_of(make_nik(), serial=402)), now=now)
    committed()
    return wave


def test_closing_early_on_the_page_confirms_says_what_happens_and_asks_the_reason(applicant, pmo):
    wave = _wave_open_today(pmo, applicant, closes_in=14)
    client = _pmo_client(pmo)
    url = reverse("prakerja:wave_close", args=[wave.pk])
    page = client.get(reverse("prakerja:wave", args=[wave.pk])).content.decode()
    assert 'id="close-early"' in page
    # The wave page's button: no longer one click; it leads to the confirmation.
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    wave.refresh_from_db()
    assert wave.status == "open" and not wave.step_pending
    confirm = client.get(url)
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert "1 pendaftaran yang masih menunggu kode verifikasi akan kedaluwarsa" in text
    assert "dipotong 14 hari" in text and "1 pendaftaran terdaftar akan diperiksa kelayakannya" in text
    assert 'id="reason-needed"' in text and "wajib, dicatat di jejak audit" in text
    # Confirmed without a reason: refused on the field, nothing asked for.
    refused = client.post(url, {"confirm": "1", "reason": "  "})
    assert refused.status_code == 400 and "tuliskan alasan menutupnya lebih awal" in refused.content.decode()
    wave.refresh_from_db()
    assert wave.status == "open" and not wave.step_pending
    # With a reason: asked for, runs in the background, the reason kept.
    done = client.post(url, {"confirm": "1", "reason": "Anggaran dipotong."})
    assert done.status_code == 302 and done["Location"] == reverse("prakerja:wave", args=[wave.pk])
    committed()
    wave.refresh_from_db()
    assert wave.status == "closed"
    assert _closed_rows(wave).get().reason == "Anggaran dipotong."
    page = client.get(reverse("prakerja:wave", args=[wave.pk])).content.decode()
    assert "Gelombang ditutup: 1 pendaftaran diperiksa kelayakannya (1 memenuhi syarat, 0 tidak memenuhi syarat); " \
           "1 pendaftaran kedaluwarsa" in page
    assert "lebih awal dari tanggal tutup yang diumumkan" in page and "Selesai." not in page


def test_the_confirmation_is_for_pmo_officers_only(applicant, pmo):
    wave = _wave_open_today(pmo, applicant, closes_in=5)
    url = reverse("prakerja:wave_close", args=[wave.pk])
    for role in ("regional_officer", "curator"):
        client = _pmo_client(staff(role))
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirm": "1", "reason": "x"}).status_code == 403
    wave.refresh_from_db()
    assert wave.status == "open" and not wave.step_pending


def test_closing_on_the_closing_day_is_one_click_as_before(applicant, pmo):
    wave = _wave_open_today(pmo, applicant, closes_in=0)
    client = _pmo_client(pmo)
    assert 'id="close-early"' not in client.get(reverse("prakerja:wave", args=[wave.pk])).content.decode()
    response = client.post(reverse("prakerja:wave_close", args=[wave.pk]))
    assert response["Location"] == reverse("prakerja:wave", args=[wave.pk])
    committed()
    wave.refresh_from_db()
    assert wave.status == "closed" and _closed_rows(wave).get().reason == ""


@pytest.mark.django_db(transaction=True)
def test_the_message_after_the_close_says_what_it_did(applicant, regions, settings):
    """With a worker that has already run the close when the page answers (here the immediate backend, whose task runs
    when the request commits), the message is what closing did instead of "Selesai."."""
    pmo = staff("pmo_officer")
    wave = _wave_open_today(pmo, applicant, closes_in=3)
    client = _pmo_client(pmo)
    response = client.post(reverse("prakerja:wave_close", args=[wave.pk]), {"confirm": "1", "reason": "Kuota terpenuhi."},
                           follow=True)
    text = response.content.decode()
    assert Wave.objects.get(pk=wave.pk).status == "closed"
    assert text.count("Gelombang ditutup: 1 pendaftaran diperiksa kelayakannya") == 2  # the message, and the page
    assert "1 pendaftaran kedaluwarsa karena kode verifikasinya tidak dimasukkan" in text
    assert "Selesai." not in text and "Sedang diproses di latar belakang" not in text
