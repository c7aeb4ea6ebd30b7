"""Issue 11 in a phone-sized Chromium: a citizen applies to an open Kartu Prakerja wave (the two codes read from
the SMS and e-mail they were sent), a PMO officer closes the wave and runs the draw through the pages, and the
citizen sees "Lolos" on their page and got the message saying so."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from sisnaker.core import crypto
from sisnaker.prakerja import services
from sisnaker.prakerja.models import Application
from tests.factories import PASSWORD, PersonFactory, staff
from tests.prakerja.conftest import kk_of, wave_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str):
    page.goto(page.base_url + "/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Keluar").first.click()
    expect(page.get_by_role("button", name="Keluar")).to_have_count(0)


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_citizen_applies_pmo_draws_citizen_is_told_lolos(page, sms):
    pmo = staff("pmo_officer", username="pmo.satu", first_name="Ratna PMO", password=PASSWORD)
    today = timezone.localdate()
    wave = services.wave_create(actor=pmo, data=wave_data(name="Gelombang Uji Peramban", national_target=1,
                                                          opens_on=today - dt.timedelta(days=1),
                                                          closes_on=today + dt.timedelta(days=10)), now=timezone.now())
    services.quotas_set(actor=pmo, wave=wave, quotas={"32": 1})
    services.wave_open(actor=pmo, wave=wave, now=timezone.now())
    siti = PersonFactory(full_name="Siti Rahmawati", email="siti@contoh.id")
    nik = crypto.decrypt(siti.nik_encrypted)

    # 1. The citizen applies on her phone; the codes come by SMS and e-mail.
    log_in(page, siti.user.username)
    page.goto(page.base_url + "/prakerja/")
    card = page.locator("section.card", has_text="Gelombang Uji Peramban")
    card.get_by_role("link", name="Daftar", exact=True).click()
    page.fill("#id_nik", nik)
    page.fill("#id_kk_number", kk_of(nik, 1))
    expect(page.locator("#id_full_name")).to_have_value("Siti Rahmawati")
    expect(page.locator("#id_email")).to_have_value("siti@contoh.id")
    page.locator("#id_statement").check()
    page.get_by_role("button", name="Kirim kode verifikasi").click()
    expect(page.get_by_role("heading", name="Masukkan kode verifikasi")).to_be_visible()
    sms_codes = [text for to, text in sms if to == siti.phone and "Kartu Prakerja" in text]
    emails = [m for m in mail.outbox if m.to == ["siti@contoh.id"]]
    assert len(sms_codes) == 1 and len(emails) == 1, (sms, [m.to for m in mail.outbox])
    page.fill("#id_phone_code", _code(sms_codes[0]))
    page.fill("#id_email_code", _code(emails[0].body))
    page.get_by_role("button", name="Kirim pendaftaran").click()
    expect(page.get_by_text("Pendaftaran terkirim")).to_be_visible()
    expect(page.get_by_role("heading", name="Prakerja saya")).to_be_visible()
    log_out(page)

    # 2. The PMO officer closes the wave and runs the draw, through the pages.
    log_in(page, "pmo.satu")
    page.goto(page.base_url + "/prakerja/pmo/")
    page.get_by_role("link", name="Gelombang Uji Peramban").first.click()
    page.get_by_role("button", name="Tutup dan periksa kelayakan").click()
    # Ten days before its announced closing day: the confirmation says so and asks why.
    expect(page.locator("#reason-needed")).to_be_visible()
    page.get_by_label("Alasan menutup lebih awal").fill("Kuota provinsi sudah terpenuhi; uji peramban")
    page.get_by_role("button", name="Ya, tutup gelombang sekarang").click()
    expect(page.get_by_role("button", name="Undi dan umumkan")).to_be_visible()
    page.get_by_role("button", name="Undi dan umumkan").click()
    expect(page.get_by_role("link", name="Hasil yang diumumkan")).to_be_visible()
    log_out(page)

    # 3. The citizen sees "Lolos" and was told so, once, by SMS and e-mail.
    app = Application.objects.select_related("wave").get(wave=wave)
    assert app.outcome == "selected"
    log_in(page, siti.user.username)
    page.goto(page.base_url + "/prakerja/saya/")
    expect(page.locator("dd.status-selected")).to_have_text("Lolos")
    told = [text for to, text in sms if to == siti.phone and f"(no. {app.pk})" in text]
    assert len(told) == 1, sms
    assert "LOLOS" in told[0] and "Gelombang Uji Peramban" in told[0] and "/prakerja/saya/" in told[0]
    told_by_mail = [m for m in mail.outbox if m.to == ["siti@contoh.id"] and m.subject.startswith("Selamat, Anda lolos")]
    assert len(told_by_mail) == 1
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert fits, "the page is wider than the phone"
