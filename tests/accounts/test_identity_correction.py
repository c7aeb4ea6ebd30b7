"""Correcting a record's identity data (name, birth date, sex): the institution that imported or typed a provisional
record, while nobody has claimed it, and an officer of the NIK's region. A wrong birth date in an import file used to
become the record for good: the institution's own corrected re-import and the real person's sign-up were refused as a
mismatch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sisnaker.accounts import services
from sisnaker.accounts.models import Person
from sisnaker.core import crypto
from sisnaker.core.errors import PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.notifications.models import Notification
from tests.conftest import TODAY, make_nik
from tests.factories import PersonFactory, staff
from tests.training.test_import import do_import, fresh, manager_and_institution, program_for, row, xlsx

RIGHT = dt.date(1995, 5, 17)  # what the NIK says (and the ID card)
TYPO = dt.date(1995, 7, 15)


@pytest.fixture
def imported(regions):
    """A manager's import whose only row carries a birth date typed wrong: the provisional record holds it."""
    manager, institution = manager_and_institution()
    program = program_for(institution)
    the_nik = make_nik(district="32.73.01", birth=RIGHT, serial=4321)
    report = do_import(manager, program, xlsx([row(nik=the_nik, full_name="Budi Santoso", birth_date=TYPO.isoformat())]))
    assert report.created == 1
    person = Person.objects.get(nik_index=crypto.blind_index(the_nik, label="nik"))
    assert person.birth_date == TYPO and person.is_provisional
    return manager, institution, person, the_nik


def test_the_institution_corrects_its_import_and_its_right_file_then_matches(imported):
    manager, institution, person, the_nik = imported
    right_file = xlsx([row(nik=the_nik, full_name="Budi Santoso", birth_date=RIGHT.isoformat())])
    # A later program of the same institution (not at the same time: no schedule clash).
    other = program_for(institution, start_date=TODAY + dt.timedelta(days=60), end_date=TODAY + dt.timedelta(days=90))
    refused = do_import(manager, other, right_file)
    # Its own record: the refusal says where to correct it (a stranger's record would say nothing about it).
    assert refused.errors == 1 and "Perbaiki nama, tanggal lahir" in refused.rows[0].errors[0][1].id
    assert person.nik_warnings  # the typed date disagrees with the NIK's
    services.person_correct_identity(actor=fresh(manager), person=person, full_name="Budi  Santoso", birth_date=RIGHT,
                                     sex=person.sex, reason="Salah ketik tanggal lahir pada berkas impor", today=TODAY)
    person.refresh_from_db()
    assert person.birth_date == RIGHT and person.nik_warnings == []
    event = AuditEvent.objects.get(action="person.identity_corrected")
    assert event.reason == "Salah ketik tanggal lahir pada berkas impor" and "birth_date" in event.after
    report = do_import(manager, other, right_file)
    assert (report.created, report.errors) == (1, 0), [(r.row, [(k, m.id) for k, m in r.errors]) for r in report.rows]


def test_refusals_say_what_to_fix_and_change_nothing(imported):
    manager, _, person, _ = imported
    actor = fresh(manager)
    cases = [
        ({"reason": " "}, "reason"),
        ({"full_name": " "}, "full_name"),
        ({"sex": "X"}, "sex"),
        ({"birth_date": TODAY + dt.timedelta(days=1)}, "birth_date"),
        ({"birth_date": dt.date(1895, 5, 17)}, "birth_date"),
        ({"birth_date": None}, "birth_date"),
        ({"birth_date": TYPO}, None),  # nothing changes
    ]
    for change, field in cases:
        data = {"full_name": person.full_name, "birth_date": RIGHT, "sex": person.sex, "reason": "KTP diperiksa"} | change
        with pytest.raises(ValidationFailed) as info:
            services.person_correct_identity(actor=actor, person=person, today=TODAY, **data)
        assert info.value.field == field, change
    person.refresh_from_db()
    assert person.birth_date == TYPO and not AuditEvent.objects.filter(action="person.identity_corrected").exists()


def test_who_may_correct(imported):
    manager, _, person, _ = imported
    data = {"full_name": person.full_name, "birth_date": RIGHT, "sex": person.sex, "reason": "KTP diperiksa", "today": TODAY}
    other_manager, _ = manager_and_institution()
    for actor in (other_manager, staff(Role.REGIONAL_OFFICER, region_code="35.78"), staff(Role.CURATOR)):
        with pytest.raises(PermissionDenied):
            services.person_correct_identity(actor=fresh(actor), person=person, **data)
    # Once its owner has claimed it, the institution may no longer: an officer of the NIK's region may.
    claimed = PersonFactory(nik_district="32.73.01", birth_date=TYPO, full_name="Siti Aminah")
    with pytest.raises(PermissionDenied):
        services.person_correct_identity(actor=fresh(manager), person=claimed, **data | {"full_name": "Siti Aminah"})
    officer = staff(Role.REGIONAL_OFFICER, region_code="32.73")
    services.person_correct_identity(actor=officer, person=claimed, **data | {"full_name": "Siti Aminah"})
    claimed.refresh_from_db()
    assert claimed.birth_date == RIGHT
    told = Notification.objects.filter(person=claimed, topic=f"person.identity_corrected.{claimed.pk}")
    assert told.exists() and all("17 Mei 1995" in n.body and "KTP diperiksa" in n.body for n in told)


def test_the_enrollment_page_leads_the_institution_to_the_correction_and_back(client, imported):
    manager, _, person, _ = imported
    enrollment = person.enrollments.get()
    page_url = reverse("training:enrollment", kwargs={"pk": enrollment.program_id, "enrollment_id": enrollment.pk})
    client.force_login(manager)
    page = client.get(page_url).content.decode()
    assert 'id="correct-identity"' in page
    url = reverse("accounts:person_correct", args=[person.pk])
    form = client.get(url, {"next": page_url})
    assert form.status_code == 200 and TYPO.isoformat() in form.content.decode()
    r = client.post(url, {"full_name": "Budi Santoso", "birth_date": RIGHT.isoformat(), "sex": "M", "reason": "", "next": page_url})
    assert r.status_code == 400 and Person.objects.get(pk=person.pk).birth_date == TYPO
    r = client.post(url, {"full_name": "Budi Santoso", "birth_date": RIGHT.isoformat(), "sex": "M", "reason": "Salah ketik",
                          "next": "https://contoh.example/"})
    assert r.status_code == 302 and r.url == url  # never to another site: back to the record as corrected
    assert Person.objects.get(pk=person.pk).birth_date == RIGHT
    shown = client.get(r.url).content.decode()
    assert "Data identitas diperbaiki" in shown and RIGHT.isoformat() in shown
    # Claimed since: no link, and the page refuses.
    Person.objects.filter(pk=person.pk).update(user=staff())
    assert 'id="correct-identity"' not in client.get(page_url).content.decode()
    assert client.get(url).status_code == 404


def test_opening_the_correction_is_on_the_owners_record_of_who_viewed_it(client, imported):
    manager, _, person, _ = imported
    client.force_login(manager)
    assert client.get(reverse("accounts:person_correct", args=[person.pk])).status_code == 200
    viewed = AuditEvent.objects.filter(action="person.viewed", object_id=str(person.pk))
    assert viewed.count() == 1 and viewed.get().reason == "perbaikan data identitas"
    # Someone who may not correct it learns nothing and leaves no trace of a view.
    client.force_login(staff(Role.CURATOR))
    assert client.get(reverse("accounts:person_correct", args=[person.pk])).status_code == 404
    assert viewed.count() == 1
