"""An officer's opening of a person's AK/1 card (its page, its PDF) is an opening of their full record: logged as
``person.viewed`` on the holder, with what was opened, and listed on the holder's "Data pribadi saya" page
(``/privasi/saya/``); the holder's own openings are not. ``/penempatan/ak1/`` sends each role where its AK/1 work is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.errors import NotFound, PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.placement import services
from sisnaker.privacy import selectors as privacy_selectors
from tests.factories import PersonFactory, staff
from tests.placement.photos import PHOTO

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
DATA = services.Ak1Application(birth_place="Bandung", marital_status="single", religion="islam", address="Jl. Merdeka 1",
                               education="smk", other_training="", skills="Las listrik")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _views(person) -> list[tuple[str, str]]:
    return [(e.actor_label, e.reason) for e in privacy_selectors.record_views(person=person)]


@pytest.fixture
def officer(regions):
    return staff("regional_officer", region_code="32.73", first_name="Rudi Pengantar")


def test_an_officer_opening_a_card_is_logged_on_the_holder_and_the_holder_is_not(regions, officer):
    person = PersonFactory()
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=DATA, now=NOW)
    services.ak1_card_open(actor=person.user, card_id=card.pk, today=NOW.date())
    assert _views(person) == []  # the holder's own card
    page = services.ak1_card_open(actor=officer, card_id=card.pk, today=NOW.date())
    assert page.card.pk == card.pk
    event = AuditEvent.objects.get(action="person.viewed")
    assert (event.object_type, event.object_id, event.actor_id) == ("accounts.person", str(person.pk), officer.pk)
    assert event.reason == f"permohonan kartu AK/1 #{card.pk}"
    # Printing a card not issued yet is refused, and nothing is logged; the issued card's print is.
    with pytest.raises(NotFound):
        services.ak1_card_open(actor=officer, card_id=card.pk, today=NOW.date(), printed=True)
    assert AuditEvent.objects.filter(action="person.viewed").count() == 1
    card = services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)
    services.ak1_card_open(actor=officer, card_id=card.pk, today=NOW.date(), printed=True)
    assert [reason for _who, reason in _views(person)] == [f"cetak kartu AK/1 {card.number}", f"permohonan kartu AK/1 #{card.pk}"]


def test_who_may_not_see_the_card_is_refused_and_nothing_is_logged(regions):
    person = PersonFactory()
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=DATA, now=NOW)
    for user in (staff("regional_officer", region_code="35.78"), PersonFactory().user):
        with pytest.raises(PermissionDenied):
            services.ak1_card_open(actor=user, card_id=card.pk, today=NOW.date())
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


def test_the_holder_sees_the_officers_openings_of_the_card_page_and_its_pdf(regions, officer):
    person = PersonFactory()
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=DATA, now=NOW)
    holder = _client(person.user)
    assert holder.get(reverse("placement:ak1_card", args=[card.pk])).status_code == 200
    assert "kartu AK/1" not in holder.get(reverse("privacy:mine")).content.decode()  # the holder's own opening is not listed

    office = _client(officer)
    assert office.get(reverse("placement:ak1_card", args=[card.pk])).status_code == 200
    assert office.get(reverse("placement:ak1_pdf", args=[card.pk])).status_code == 404  # not issued: nothing to print
    assert office.post(reverse("placement:ak1_issue", args=[card.pk])).status_code == 302
    card.refresh_from_db()
    response = office.get(reverse("placement:ak1_pdf", args=[card.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert holder.get(reverse("placement:ak1_pdf", args=[card.pk])).status_code == 200

    page = holder.get(reverse("privacy:mine")).content.decode()
    assert "Rudi Pengantar" in page
    assert f"permohonan kartu AK/1 #{card.pk}" in page and f"cetak kartu AK/1 {card.number}" in page
    assert [who.startswith("Rudi Pengantar") for who, _reason in _views(person)] == [True, True]  # the card page, then the print


# --- /penempatan/ak1/ ------------------------------------------------------------------------------------------

def test_the_ak1_index_sends_each_role_to_its_page(regions, officer):
    assert reverse("placement:ak1_index") == "/penempatan/ak1/"
    citizen = _client(PersonFactory().user).get("/penempatan/ak1/")
    assert citizen.status_code == 302 and citizen["Location"] == reverse("placement:ak1_mine")
    for user in (officer, staff("regional_officer", region_code="35.78"), staff("admin")):
        response = _client(user).get("/penempatan/ak1/")
        assert response.status_code == 302 and response["Location"] == reverse("placement:ak1_queue"), user
    refused = _client(staff("pmo_officer")).get("/penempatan/ak1/")
    assert refused.status_code == 403 and "tidak punya halaman AK/1" in refused.content.decode()
    anonymous = Client().get("/penempatan/ak1/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
