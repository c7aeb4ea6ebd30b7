"""A NIK typed into a search box never appears in a URL (access logs keep URLs)."""

import pytest
from django.urls import reverse

from sisnaker.accounts import services as accounts
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.training import services as training
from tests.training.test_services import make_institution, make_program, make_staff

from ..conftest import TODAY

pytestmark = pytest.mark.django_db


def test_people_search_by_nik_redirects_to_a_hash(client, citizen):
    officer = accounts.staff_user_create(actor=None, username="o-nik", password="x-Secret-123", full_name="O")
    accounts.role_grant(actor=None, user=officer, role=Role.REGIONAL_OFFICER, region_code="32")
    client.force_login(officer)
    response = client.post(reverse("accounts:people"), {"q": " ".join(citizen.nik[i:i + 4] for i in range(0, 16, 4))})
    assert response.status_code == 302 and citizen.nik not in response["Location"] and "nik%3A" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert citizen.full_name in page and "Hasil pencarian berdasarkan NIK" in page
    assert "nik:" not in page.split('name="q"')[1][:80]  # the box does not show the hash
    # The look-up by NIK is recorded (found or not), without the NIK.
    event = AuditEvent.objects.get(action="person.searched_by_nik", actor=officer)
    assert event.after == {"found": 1} and citizen.nik not in str(event.after)
    client.get(reverse("accounts:people") + "?q=" + "nik%3A" + "0" * 64)
    assert AuditEvent.objects.filter(action="person.searched_by_nik", actor=officer).latest("id").after == {"found": 0}
    # A name search stays a plain query.
    response = client.post(reverse("accounts:people"), {"q": "Siti"})
    assert response["Location"].endswith("?q=Siti")


def test_enrollment_table_search_by_nik_redirects_to_a_hash(client, regions, citizen):
    inst = make_institution()
    manager = make_staff("m-nik", Role.INSTITUTION_MANAGER, inst)
    program = make_program(manager, inst)
    training.enrollment_register(actor=citizen.user, program=program, person=citizen, today=TODAY)
    client.force_login(manager)
    url = reverse("training:manage", args=[program.pk])
    response = client.post(url, {"q": citizen.nik, "state": "registered"})
    assert response.status_code == 302 and citizen.nik not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert citizen.full_name in html and "Hasil pencarian berdasarkan NIK" in html
