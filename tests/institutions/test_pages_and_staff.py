"""Institution pages refuse one way (the error page at the refusal's status, issue 8 §4); the page shows
certification's rating through a fragment, never an import; attaching staff checks permission before it
looks for the account (the API no longer checks twice)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sisnaker.core import extensions
from sisnaker.core.errors import NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.roles import Role
from sisnaker.core.templatetags import fragments
from sisnaker.institutions import services
from tests import factories
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def staff(username: str, role: Role, **scope):
    return factories.staff(role, username=username, first_name=username, email=f"{username}@contoh.id", **scope)


@pytest.fixture
def blk(regions):
    return InstitutionFactory(registry_number="BLK-PG-01", name="BLK Halaman Uji")


def test_refusals_are_the_error_page_with_the_pages_reason(client, citizen, blk):
    client.force_login(citizen.user)
    response = client.get(reverse("institutions:detail", args=[blk.pk]))
    assert response.status_code == 403
    assert "Halaman lembaga ini hanya untuk pengelola, instruktur lembaga, dan kurator Kementerian." in response.content.decode()
    response = client.get(reverse("institutions:review_queue"))
    assert response.status_code == 403 and "yang menyetujui lembaga" in response.content.decode()
    response = client.get(reverse("institutions:detail", args=[blk.pk + 999]))
    assert response.status_code == 404 and "Lembaga tidak ditemukan." in response.content.decode()


def test_the_page_shows_certifications_rating_as_a_fragment_of_approved_institutions(client, blk, monkeypatch):
    asked = []
    real = fragments.reverse

    def recording(name, *args, **kwargs):
        asked.append((name, tuple(kwargs.get("args") or ())))
        return real(name, *args, **kwargs)

    monkeypatch.setattr(fragments, "reverse", recording)
    client.force_login(staff("pengelola.pg", Role.INSTITUTION_MANAGER, institution=blk))
    assert client.get(reverse("institutions:detail", args=[blk.pk])).status_code == 200
    assert asked == [("certification:fragment_institution_rating", (blk.pk,))]
    blk.status = "suspended"
    blk.save(update_fields=["status"])
    asked.clear()
    assert client.get(reverse("institutions:detail", args=[blk.pk])).status_code == 200
    assert asked == []


def test_staff_are_attached_by_contact_only_after_the_permission_check(blk, regions):
    manager = staff("pengelola.st", Role.INSTITUTION_MANAGER, institution=blk)
    other = InstitutionFactory(registry_number="BLK-PG-02", name="BLK Lain Uji")
    stranger = staff("pengelola.lain", Role.INSTITUTION_MANAGER, institution=other)
    teacher = staff("guru.st", Role.CURATOR)
    # Another institution's manager learns nothing: the same refusal for a real and an unknown account.
    for username in ("guru.st", "tidak-ada"):
        with pytest.raises(PermissionDenied):
            services.institution_add_staff(actor=stranger, institution=blk, role="instructor", username=username)
    with pytest.raises(ValidationFailed) as refused:
        services.institution_add_staff(actor=manager, institution=blk, role="instructor")
    assert refused.value.code == "staff_identifier"
    with pytest.raises(NotFound) as refused:
        services.institution_add_staff(actor=manager, institution=blk, role="instructor", username="tidak-ada")
    assert refused.value.code == "user_not_found" and refused.value.field == "username"
    assignment = services.institution_add_staff(actor=manager, institution=blk, role="instructor", email="GURU.ST@contoh.id")
    assert assignment.user == teacher and assignment.institution == blk


def test_the_admin_finds_an_institution_by_registry_number_through_the_extension_point(blk):
    found = extensions.collect_one("accounts.institution_by_registry_number", number="blk.pg.0l")
    assert found == blk
    assert extensions.collect_one("accounts.institution_by_registry_number", number="BLK-XX-99") is None
