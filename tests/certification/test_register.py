"""The national certificate register (DESIGN.md: the ministry curator keeps it): curators search every certificate
of every institution by number, holder's NIK or name, status and year, and open one to revoke it. A review found it
missing: a curator could revoke a certificate only by typing its database id into a URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sisnaker.certification import selectors
from sisnaker.certification.models import Certificate
from sisnaker.core.errors import PermissionDenied
from sisnaker.core.models import AuditEvent
from tests.factories import CuratorFactory, ManagerFactory, course

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 20, 9, 0))


def _certify(c, i: int, number: str, *, year: int = 2026, revoked: bool = False) -> Certificate:
    return Certificate.objects.create(
        enrollment=c.enrollments[i], number=number, institution=c.inst, year=year, sequence=int(number[-6:]),
        verification_id=f"v{number.replace('/', '')[-14:]}".ljust(20, "x"), payload="{}", signature="s", key_id="k", issued_at=NOW,
        issued_by=c.manager, revoked_at=NOW if revoked else None, revoke_reason="Data salah" if revoked else "",
        revoked_by=c.manager if revoked else None)


@pytest.fixture
def register(regions):
    bandung = course(participants=2, names=["Siti Rahmawati", "Budi Santoso"])
    surabaya = course(participants=1, names=["Dewi Lestari"])
    certs = {
        "siti": _certify(bandung, 0, "BLK-BDG/2026/000001"),
        "budi": _certify(bandung, 1, "BLK-BDG/2025/000002", year=2025, revoked=True),
        "dewi": _certify(surabaya, 0, "BLK-SBY/2026/000001"),
    }
    return certs, bandung


def _numbers(qs) -> set[str]:
    return {c.number for c in qs}


def test_a_curator_finds_certificates_of_every_institution_by_number_nik_name_status_and_year(register):
    certs, bandung = register
    curator = CuratorFactory()
    assert _numbers(selectors.register_search(viewer=curator)) == {c.number for c in certs.values()}
    assert _numbers(selectors.register_search(viewer=curator, q="blk-sby/2026/000001")) == {"BLK-SBY/2026/000001"}
    assert _numbers(selectors.register_search(viewer=curator, q="rahmawati")) == {"BLK-BDG/2026/000001"}
    nik = bandung.enrollments[1].person.nik
    assert _numbers(selectors.register_search(viewer=curator, q=nik)) == {"BLK-BDG/2025/000002"}
    assert _numbers(selectors.register_search(viewer=curator, status="revoked")) == {"BLK-BDG/2025/000002"}
    assert _numbers(selectors.register_search(viewer=curator, status="valid", year=2026)) == {
        "BLK-BDG/2026/000001", "BLK-SBY/2026/000001"}


def test_an_institution_manager_is_refused(register):
    _, bandung = register
    with pytest.raises(PermissionDenied):
        selectors.register_search(viewer=bandung.manager)
    with pytest.raises(PermissionDenied):
        selectors.register_search(viewer=ManagerFactory())


def test_the_page_keeps_a_nik_out_of_the_url_records_the_look_up_and_links_each_certificate(client, register):
    certs, bandung = register
    curator = CuratorFactory()
    client.force_login(curator)
    url = reverse("certification:register")
    nik = bandung.enrollments[0].person.nik
    response = client.post(url, {"q": nik, "status": "", "year": ""})
    assert response.status_code == 302 and nik not in response["Location"] and "nik%3A" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert reverse("certification:certificate", args=[certs["siti"].pk]) in page and "BLK-SBY" not in page
    assert nik not in page  # masked in the list
    assert AuditEvent.objects.filter(action="certificate.register_searched_by_nik", actor_id=curator.pk).exists()

    # The whole register, then a status: each certificate one click from its page, where the curator may revoke it.
    page = client.get(url, {"status": "revoked"}).content.decode()
    assert "BLK-BDG/2025/000002" in page and "BLK-BDG/2026/000001" not in page
    detail = client.get(reverse("certification:certificate", args=[certs["siti"].pk])).content.decode()
    assert reverse("certification:revoke", args=[certs["siti"].pk]) in detail
    # The menu offers it.
    assert f'href="{url}"' in client.get(reverse("web:home")).content.decode()


def test_bad_filters_answer_the_whole_register_not_an_error(client, register):
    client.force_login(CuratorFactory())
    response = client.get(reverse("certification:register"), {"year": "20x6", "status": "x' OR 1=1", "page": "-3"})
    assert response.status_code == 200 and "BLK-SBY/2026/000001" in response.content.decode()


def test_a_mistyped_nik_never_reaches_the_url_and_an_impossible_year_is_ignored(client, register):
    client.force_login(CuratorFactory())
    url = reverse("certification:register")
    response = client.post(url, {"q": "327301570595000", "status": "", "year": ""})  # 15 digits
    assert response.status_code == 302 and response["Location"] == url
    assert "NIK harus 16 digit" in client.get(url).content.decode()
    page = client.get(url, {"year": "0000"}).content.decode()
    assert "BLK-SBY/2026/000001" in page and 'value=""' in page.split('id="year"')[1][:80]
