"""AK/1 through the pages: a citizen applies, the regency office's officer sees the queue and issues; a refusal
needs a reason; the pages speak English when asked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sisnaker.placement.models import JobSeekerCard
from tests.factories import PersonFactory, staff
from tests.placement.photos import upload

FORM = {"birth_place": "Bandung", "marital_status": "married", "religion": "catholic", "address": "Jl. Asia Afrika 8",
        "education": "sma", "other_training": "", "skills": "Menjahit, bordir"}


def _client(user, language: str = "id") -> Client:
    client = Client()
    client.force_login(user)
    if language != "id":
        client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


@pytest.mark.django_db
def test_apply_issue_and_see_the_card(regions):
    person = PersonFactory(full_name="Rina Marlina")
    citizen = _client(person.user)
    assert citizen.get(reverse("placement:ak1_apply")).status_code == 200
    response = citizen.post(reverse("placement:ak1_apply"), {**FORM, "photo": upload()})
    card = JobSeekerCard.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == reverse("placement:ak1_card", args=[card.pk])
    again = citizen.post(reverse("placement:ak1_apply"), {**FORM, "photo": upload()})  # a second one waits: refused on the form
    assert again.status_code == 200 and "masih menunggu" in again.content.decode()

    officer = _client(staff("regional_officer", region_code="32.73"), "en")
    queue = officer.get(reverse("placement:ak1_queue")).content.decode()
    assert "Rina Marlina" in queue and "AK/1 card queue" in queue
    page = officer.get(reverse("placement:ak1_card", args=[card.pk])).content.decode()
    assert "Issue the card" in page and person.nik not in page
    assert officer.post(reverse("placement:ak1_issue", args=[card.pk])).status_code == 302
    card.refresh_from_db()
    page = citizen.get(reverse("placement:ak1_card", args=[card.pk])).content.decode()
    assert card.number in page and "Berlaku" in page and "Pengantar kerja" in page and "Menjahit" in page
    assert page.count("belum waktunya") == 4
    assert card.number in citizen.get(reverse("placement:ak1_mine")).content.decode()


@pytest.mark.django_db
def test_a_refusal_needs_a_reason_and_other_offices_are_refused(regions):
    person = PersonFactory()
    _client(person.user).post(reverse("placement:ak1_apply"), {**FORM, "photo": upload()})
    card = JobSeekerCard.objects.get(person=person)
    outside = _client(staff("regional_officer", region_code="35.78"), "en")
    refused = outside.post(reverse("placement:ak1_issue", args=[card.pk]))
    assert refused.status_code == 403 and "not allowed" in refused.content.decode()
    officer = _client(staff("regional_officer", region_code="32.73"))
    assert officer.post(reverse("placement:ak1_refuse", args=[card.pk]), {"reason": ""}).status_code == 400
    assert officer.post(reverse("placement:ak1_refuse", args=[card.pk]), {"reason": "Foto KTP buram."}).status_code == 302
    page = _client(person.user, "en").get(reverse("placement:ak1_card", args=[card.pk])).content.decode()
    assert "Foto KTP buram." in page and "Reason for refusal" in page
