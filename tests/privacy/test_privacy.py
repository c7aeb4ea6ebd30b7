"""UU PDP for the person: who opened my full record, and requests about my data answered within 3 × 24 hours
by the data-protection officer, whose queue puts the most urgent first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from sisnaker.accounts import services as account_services
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.privacy import domain, selectors, services
from sisnaker.privacy.models import PrivacyRequest
from tests.factories import PASSWORD, PersonFactory, staff
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

NOW = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- pure rules ----------------------------------------------------------------------------------------

def test_the_deadline_is_three_times_24_hours_and_the_queue_says_how_urgent():
    due = domain.due_at(NOW)
    assert due - NOW == dt.timedelta(hours=72)
    assert domain.urgency(due=due, now=NOW) == "ok"
    assert domain.urgency(due=due, now=due - dt.timedelta(hours=23)) == "today"
    assert domain.urgency(due=due, now=due + dt.timedelta(minutes=1)) == "overdue"
    assert domain.left_words(due=due, now=NOW + dt.timedelta(hours=2)).id == "sisa 70 jam"
    assert domain.left_words(due=due, now=due + dt.timedelta(hours=5)).en == "5 hours late"


def test_what_a_request_and_an_answer_need():
    assert domain.details_problem(kind="access", details="") is None  # a copy needs no explanation
    assert domain.details_problem(kind="correction", details="salah") is not None
    assert domain.details_problem(kind="rumor", details="x" * 20) is not None
    assert domain.answer_problem(outcome="done", answer="ok") is not None
    assert domain.answer_problem(outcome="open", answer="Sudah kami perbaiki datanya.") is not None


# --- who opened my record ------------------------------------------------------------------------------

def test_a_person_sees_which_officer_opened_their_record_and_why_and_nobody_else_does():
    person, other = PersonFactory(), PersonFactory()
    officer = staff(Role.REGIONAL_OFFICER, region_code="32.73", first_name="Rudi Disnaker")
    account_services.person_record_view(actor=officer, person=person, purpose="verifikasi kartu kuning")
    page = _client(person.user).get(reverse("privacy:mine")).content.decode()
    assert "verifikasi kartu kuning" in page and officer.get_full_name() in page
    assert "verifikasi kartu kuning" not in _client(other.user).get(reverse("privacy:mine")).content.decode()
    assert [v.reason for v in selectors.record_views(person=person)] == ["verifikasi kartu kuning"]


# --- requests and answers ------------------------------------------------------------------------------

@pytest.mark.usefixtures("sms")
def test_a_request_goes_to_the_officers_queue_is_answered_and_the_person_is_told():
    person = PersonFactory(full_name="Siti Aminah")
    dpo = staff(Role.DATA_PROTECTION_OFFICER, first_name="Pejabat PDP")
    request = services.privacy_request_submit(actor=person.user, person=person, kind="correction",
                                              details="Alamat domisili saya salah, seharusnya Jl. Merdeka 5.", now=NOW)
    assert request.due_at == NOW + dt.timedelta(hours=72) and request.status == "open"

    rows, _answered = selectors.queue(actor=dpo, now=NOW + dt.timedelta(hours=73))
    assert [(r.request.pk, r.urgency) for r in rows] == [(request.pk, "overdue")]
    page = _client(dpo).get(reverse("privacy:queue")).content.decode()
    assert "Siti Aminah" in page and f"#{request.pk}" in page

    reply = _client(dpo).post(reverse("privacy:detail", args=[request.pk]),
                              {"outcome": "done", "answer": "Alamat domisili sudah kami perbaiki sesuai KTP."})
    assert reply.status_code == 302
    request.refresh_from_db()
    assert request.status == "done" and request.answered_by == dpo
    assert any(f"#{request.pk}" in text for _to, text in committed())
    mine = _client(person.user).get(reverse("privacy:mine")).content.decode()
    assert "Alamat domisili sudah kami perbaiki sesuai KTP." in mine
    actions = set(AuditEvent.objects.filter(object_type="privacy.privacyrequest").values_list("action", flat=True))
    assert actions == {"privacy_request.submitted", "privacy_request.answered"}

    with pytest.raises(Conflict):
        services.privacy_request_answer(actor=dpo, request_id=request.pk, outcome="refused", answer="Tidak dapat dipenuhi sekarang.")


def test_requests_are_checked_and_limited():
    person = PersonFactory()
    with pytest.raises(ValidationFailed):
        services.privacy_request_submit(actor=person.user, person=person, kind="deletion", details="hapus")
    for _ in range(domain.OPEN_LIMIT):
        services.privacy_request_submit(actor=person.user, person=person, kind="access", details="")
    with pytest.raises(Conflict):
        services.privacy_request_submit(actor=person.user, person=person, kind="access", details="")
    assert PrivacyRequest.objects.filter(person=person).count() == domain.OPEN_LIMIT
    page = _client(person.user).post(reverse("privacy:mine"), {"kind": "access", "details": ""})
    assert page.status_code == 200 and "belum dijawab" in page.content.decode()


def test_only_the_person_asks_and_only_the_officer_answers():
    person, other = PersonFactory(), PersonFactory()
    with pytest.raises(PermissionDenied):
        services.privacy_request_submit(actor=other.user, person=person, kind="access", details="")
    request = services.privacy_request_submit(actor=person.user, person=person, kind="access", details="")
    manager = staff(Role.INSTITUTION_MANAGER)
    for user in (person.user, manager, staff(Role.REGIONAL_OFFICER, region_code="32.73")):
        with pytest.raises(PermissionDenied):
            services.privacy_request_answer(actor=user, request_id=request.pk, outcome="done", answer="Sudah dikirim salinannya.")
        assert _client(user).get(reverse("privacy:queue")).status_code == 403
    assert _client(manager).get(reverse("privacy:mine")).status_code == 403  # staff have no person record here


def test_the_database_refuses_an_answered_request_without_its_answer():
    person = PersonFactory()
    request = services.privacy_request_submit(actor=person.user, person=person, kind="access", details="")
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivacyRequest.objects.filter(pk=request.pk).update(status="done")


def test_the_officers_home_counts_open_requests():
    person = PersonFactory()
    services.privacy_request_submit(actor=person.user, person=person, kind="access", details="")
    dpo = staff(Role.DATA_PROTECTION_OFFICER, password=PASSWORD)
    home = _client(dpo).get("/").content.decode()
    assert 'data-work="privacy"' in home and reverse("privacy:queue") in home
