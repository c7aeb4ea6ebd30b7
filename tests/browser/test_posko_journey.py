"""Assisted registration at a posko on a phone (issue 13): a Disnaker officer of Kota Bandung records a citizen who came
to the posko, with the citizen's signed consent, applies her to an open training, and sees the count on the posko's
page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sisnaker.posko.models import Assistance, Posko
from sisnaker.regions.models import Regency
from sisnaker.training.models import Enrollment
from tests.conftest import make_nik
from tests.factories import PASSWORD, ProgramFactory, RegionalOfficerFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_a_citizen_with_consent_applies_her_to_a_training_and_sees_the_count(page):
    import datetime as dt

    RegionalOfficerFactory(username="disnaker.posko", first_name="Asep Sunandar", area="32.73")
    program = ProgramFactory(title="Menjahit Busana Dasar", today=timezone.localdate())
    Posko.objects.create(name="Posko Disnaker Kota Bandung", kind="regional_office",
                         regency=Regency.objects.get(code="32.73"), created_at=timezone.now())
    nik = make_nik(birth=dt.date(1998, 2, 9), female=True)

    log_in(page, "disnaker.posko", PASSWORD)
    page.get_by_role("link", name="Posko", exact=True).click()
    page.get_by_role("link", name="Posko Disnaker Kota Bandung").click()
    expect(page.locator("#count-today")).to_have_text("0")
    page.get_by_role("link", name="Catat warga").click()

    # The citizen's data, as on her KTP; first without ticking her consent: refused, nothing saved.
    page.fill("#id_nik", nik)
    page.fill("#id_full_name", "Ratna Dewi")
    page.fill("#id_birth_date", "1998-02-09")
    page.select_option("#id_sex", "F")
    page.fill("#id_phone", "0813-4444-5555")
    page.select_option("#id_domicile_0", "32")
    expect(page.locator("#id_domicile_1 option[value='32.73']")).to_have_count(1)
    page.select_option("#id_domicile_1", "32.73")
    expect(page.locator("#id_domicile_2 option[value='32.73.01']")).to_have_count(1)
    page.select_option("#id_domicile_2", "32.73.01")
    page.select_option("#id_education", "sma")
    page.get_by_role("button", name="Catat data warga").click()
    expect(page.get_by_text("Catat persetujuan warga")).to_be_visible()
    assert not Assistance.objects.exists()

    # She signs the consent form: recorded, a provisional record until she signs up herself.
    page.get_by_label(re.compile("Warga sudah menandatangani formulir persetujuan")).check()
    page.get_by_role("button", name="Catat data warga").click()
    expect(page.get_by_text("Data warga dicatat")).to_be_visible()
    expect(page.get_by_role("heading", name="Ratna Dewi")).to_be_visible()
    assert nik not in page.content()

    # She chooses a training; the officer applies her with her consent.
    page.select_option("#id_program", str(program.pk))
    page.get_by_label(re.compile("Warga sudah menandatangani formulir persetujuan")).check()
    page.get_by_role("button", name="Daftarkan pada pelatihan").click()
    expect(page.get_by_text("Warga didaftarkan pada pelatihan.")).to_be_visible()
    expect(page.get_by_text("Menjahit Busana Dasar").first).to_be_visible()
    enrollment = Enrollment.objects.get(program=program)
    assert enrollment.person.full_name == "Ratna Dewi" and enrollment.person.user_id is None

    # The posko's page counts today's two acts of help and the person who applied to a training.
    page.get_by_role("link", name="Kembali ke posko").click()
    expect(page.locator("#count-today")).to_have_text("2")
    expect(page.locator("#count-training")).to_have_text("1")
    expect(page.locator("#outcome-people")).to_have_text("1")
    expect(page.locator("#outcome-applied")).to_have_text("1")
    expect(page.get_by_role("link", name="Ratna Dewi")).to_be_visible()
