"""Times are stored in UTC and shown in the user's own zone: WIB, WITA or WIT."""

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from sisnaker.accounts import services
from sisnaker.core.roles import Role
from sisnaker.regions.domain import WIB, WIT, WITA, time_zone_for
from sisnaker.regions.models import District

from ..conftest import TODAY, make_nik


@pytest.mark.parametrize(
    ("code", "zone"),
    [("31", WIB), ("61.71", WIB), ("62", WIB), ("51.71.01", WITA), ("64.72", WITA), ("73.71", WITA), ("76", WITA),
     ("81.71", WIT), ("91.71", WIT), ("93.01.01", WIT), ("96", WIT), ("", WIB), (None, WIB)],
)
def test_time_zone_of_each_region(code, zone):
    assert time_zone_for(code) == zone


@pytest.mark.django_db
def test_pages_show_times_in_the_users_zone(client, signup_data):
    person = services.person_sign_up(
        data=signup_data(nik=make_nik(district="91.71.01"), domicile_district=District.objects.get(code="91.71.01")), today=TODAY
    )
    admin = services.staff_user_create(actor=None, username="adm-papua", password="x-Secret-123", full_name="Adm")
    services.role_grant(actor=None, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    assert "Waktu (WIB)" in client.get(reverse("accounts:audit")).content.decode()
    officer = services.staff_user_create(actor=None, username="off-papua", password="x-Secret-123", full_name="Off")
    services.role_grant(actor=None, user=officer, role=Role.REGIONAL_OFFICER, region_code="91")
    services.role_grant(actor=None, user=officer, role=Role.ADMIN)
    client.force_login(officer)
    page = client.get(reverse("accounts:audit")).content.decode()
    assert "Waktu (WIT)" in page
    # The signed-up event at UTC 00:00 shows as 09:00 in Jayapura.
    # (In the pages' one date style, sisnaker/formats: "30 Nov 2026 09:00".)
    local = person.created_at.astimezone(__import__("zoneinfo").ZoneInfo(WIT))
    assert date_format(local, "DATETIME_FORMAT") in page


@pytest.mark.django_db
def test_audit_trail_names_each_action_in_the_readers_language(client, signup_data):
    services.person_sign_up(data=signup_data(), today=TODAY)
    admin = services.staff_user_create(actor=None, username="adm-label", password="x-Secret-123", full_name="Adm")
    services.role_grant(actor=None, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("accounts:audit")).content.decode()
    assert "Peran diberikan" in page and "role.granted" in page  # the label, and the stored value to filter on
    client.cookies["sisnaker_lang"] = "en"
    page = client.get(reverse("accounts:audit")).content.decode()
    assert "Role granted" in page
