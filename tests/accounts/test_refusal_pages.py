"""Account pages refuse one way (issue 8 §4): the view lets a ``SisnakerError`` rise and the product's error
page answers at its status with the bilingual message, in the reader's language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from sisnaker.accounts import services
from sisnaker.core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Kuat-2026"


def staff(username: str, role: Role, **scope):
    return factories.staff(role, username=username, first_name=username, **scope)


def page(client, url: str, *, english: bool = False):
    if english:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_staff_pages_refuse_citizens_with_the_pages_own_reason(client, citizen):
    client.force_login(citizen.user)
    status, html = page(client, reverse("accounts:audit"))
    assert status == 403 and "Hanya administrator yang dapat membaca jejak audit." in html and "Akses ditolak" in html
    status, html = page(client, reverse("accounts:people"), english=True)
    assert status == 403 and "This page is for officers." in html
    status, html = page(client, reverse("accounts:disputes"), english=True)
    assert status == 403 and "This page is for manpower office (Disnaker) officers." in html


def test_a_person_outside_the_officers_area_and_an_unknown_one(client, regions):
    far = factories.PersonFactory(nik_district="35.78.01", domicile="35.78.01")
    officer = staff("disnaker.bdg", Role.REGIONAL_OFFICER, region_code="32.73")
    client.force_login(officer)
    status, html = page(client, reverse("accounts:person", args=[far.pk]))
    assert status == 403 and "Orang ini di luar wilayah kerja Anda." in html
    status, html = page(client, reverse("accounts:person", args=[far.pk + 1000]), english=True)
    assert status == 404 and "This person&#x27;s record does not exist." in html
    status, html = page(client, reverse("accounts:dispute", args=[999]))  # still in English (the cookie)
    assert status == 404 and "Data dispute not found in your area of responsibility." in html


def test_an_unknown_sign_up_verification(client, regions):
    status, html = page(client, reverse("accounts:signup_verify", args=["tidak-ada"]))
    assert status == 404 and "Permintaan verifikasi tidak ditemukan atau sudah selesai." in html


def test_the_admin_refuses_a_non_administrator_on_the_error_page(client, regions):
    client.force_login(staff("kurator.x", Role.CURATOR))
    status, html = page(client, reverse("admin:login"), english=True)
    assert status == 403 and "The administration pages are only for administrators." in html


def test_top_level_services_refuse_to_run_inside_another_transaction(regions):
    """Durable services: a caller's transaction cannot hide their commit (Django raises instead)."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.staff_user_create(actor=None, username="bersarang", password=PASSWORD, full_name="Bersarang")


def test_a_citizen_opening_someone_elses_record_is_not_told_about_a_work_area(client, regions):
    # A QA pass: a citizen opening /akun/orang/<id>/ read "Orang ini di luar wilayah kerja Anda".
    other = factories.PersonFactory()
    client.force_login(factories.PersonFactory().user)
    status, html = page(client, reverse("accounts:person", args=[other.pk]))
    assert status == 403 and "wilayah kerja" not in html and "hanya untuk petugas" in html


def test_a_refusal_does_not_show_the_permission_s_internal_name(client, regions):
    # A QA pass: an employer opening the dashboards read "(reporting.dashboard)".
    client.force_login(factories.PersonFactory().user)
    status, html = page(client, reverse("reporting:dashboard"))
    assert status == 403 and "reporting.dashboard" not in html
