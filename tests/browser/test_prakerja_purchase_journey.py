"""Kartu Prakerja on a phone (issue 11 "done when"): a beneficiary with a card buys a curated training with the
balance and gets the voucher code; the institution's manager exchanges it for the session's redeem code, redeems it
in the session's window, reports attendance and completion; once the certificate exists the hourly job makes the
post-training incentive due, and the beneficiary sees it on "Insentif saya"."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sisnaker.prakerja import purchases, services, tasks
from sisnaker.prakerja.models import Card, Purchase
from sisnaker.training.models import Enrollment, Program
from tests.factories import PASSWORD, InstitutionFactory, ManagerFactory, PersonFactory, ProgramFactory, staff
from tests.prakerja.conftest import wave_data
from tests.prakerja.market import certify
from tests.prakerja.test_cards import drawn_wave

from .conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sms")]


def _beneficiary_and_course():
    """A drawn wave whose first beneficiary holds a card (deadline ahead), and a curated course of an approved
    institution whose one session starts in 30 minutes (so that its redeem code can be used now)."""
    from tests.prakerja.conftest import NOW

    pmo = staff("pmo_officer")

    def open_wave(quotas=None, **over):
        wave = services.wave_create(actor=pmo, data=wave_data(**over), now=NOW)
        services.quotas_set(actor=pmo, wave=wave, quotas=quotas or {"32": wave.national_target})
        return services.wave_open(actor=pmo, wave=wave, now=NOW)

    wave, _people = drawn_wave(open_wave, lambda **kw: PersonFactory(**kw), pmo, applicants=1, seats=1)
    today = timezone.localdate()
    Card.objects.update(deadline=today + dt.timedelta(days=30))
    card = Card.objects.select_related("person__user").get()
    inst = InstitutionFactory(name="LPK Digital Nusantara")
    manager = ManagerFactory(institution=inst, username="pengelola.lpkdigital")
    program = ProgramFactory(institution=inst, funding=Program.Funding.PRAKERJA, title="Pemasaran Digital untuk UMKM", today=today,
                             start_date=today, end_date=today + dt.timedelta(days=30), registration_opens=today - dt.timedelta(days=5),
                             registration_closes=today, quota=10)
    session = timezone.now() + dt.timedelta(minutes=30)
    entry = purchases.catalogue_propose(actor=manager, program=program, price=1_500_000, sessions=[session], now=timezone.now())
    entry = purchases.catalogue_decide(actor=staff("curator"), entry=entry, stage=1, accept=True, note="", now=timezone.now())
    purchases.catalogue_decide(actor=pmo, entry=entry, stage=2, accept=True, note="Sesuai.", now=timezone.now())
    return wave, card, inst, manager, program


def test_beneficiary_buys_institution_redeems_and_completes_incentive_due(page):
    wave, card, inst, manager, program = _beneficiary_and_course()
    citizen = card.person.user

    # 1. The beneficiary buys the curated training with the balance and gets the voucher code.
    log_in(page, citizen.username, PASSWORD)
    page.goto(page.base_url + "/prakerja/saya/")
    row = page.locator("tr", has_text="Pemasaran Digital untuk UMKM")
    expect(row).to_contain_text("1.500.000")
    row.get_by_role("button", name="Beli").click()
    expect(page.get_by_text(re.compile("Pembelian dikirim ke PMO"))).to_be_visible()
    page.reload()  # the PMO's rule check ran after the request committed
    voucher = page.locator("dt:has-text('Kode voucher') + dd strong")
    expect(voucher).to_have_text(re.compile(r"^V[A-Z0-9]{10}$"))
    voucher_code = voucher.inner_text()
    expect(page.get_by_text("Disetujui, voucher terbit")).to_be_visible()
    log_out(page)

    # 2. The institution's manager exchanges the voucher, redeems the session, reports attendance and completion.
    log_in(page, manager.username, PASSWORD)
    page.goto(page.base_url + f"/prakerja/lembaga/{inst.pk}/")
    page.fill("#id_v-code", voucher_code)
    page.get_by_role("button", name="Dapatkan kode redeem").click()
    redeem = page.locator("table td strong").first
    expect(redeem).to_have_text(re.compile(r"^R[A-Z0-9]{10}$"))
    redeem_code = redeem.inner_text()
    page.fill("#id_code", redeem_code)
    page.get_by_role("button", name="Pakai (redeem)").click()
    expect(page.get_by_text("Kode redeem dipakai.")).to_be_visible()
    expect(page.locator("dt:text-is('status') + dd")).to_have_text("used")
    page.get_by_role("button", name="Hadir", exact=True).click()
    expect(page.get_by_text("Kehadiran dilaporkan.")).to_be_visible()
    expect(page.locator("dt:text-is('attendance_status') + dd")).to_have_text("present")
    page.get_by_role("button", name="Laporkan selesai").click()
    expect(page.get_by_text("Penyelesaian pelatihan dilaporkan.")).to_be_visible()
    expect(page.locator("tr", has_text=card.person.full_name)).to_contain_text("Selesai")
    log_out(page)

    # 3. The certificate is issued (training's normal flow) and the hourly job makes the incentive due.
    purchase = Purchase.objects.get()
    certify(Enrollment.objects.get(pk=purchase.enrollment_id), by=manager, at=timezone.now())
    assert tasks.incentives_due(now=timezone.now()) == "made 1"

    # 4. The beneficiary sees it on "Insentif saya".
    log_in(page, citizen.username, PASSWORD)
    page.goto(page.base_url + "/pembayaran/saya/")
    item = page.locator("li.card", has_text="Pemasaran Digital untuk UMKM")
    expect(item).to_contain_text("600.000")
    expect(item).not_to_contain_text("Dibayar pada")
