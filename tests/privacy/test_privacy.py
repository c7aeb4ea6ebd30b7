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


def test_requests_are_checked_and_limited(monkeypatch):
    person = PersonFactory()
    with pytest.raises(ValidationFailed):
        services.privacy_request_submit(actor=person.user, person=person, kind="deletion", details="hapus")
    monkeypatch.setattr(domain, "OPEN_LIMIT", 2)
    services.privacy_request_submit(actor=person.user, person=person, kind="access", details="")
    services.privacy_request_submit(actor=person.user, person=person, kind="correction", details="Nama ibu kandung saya salah eja.")
    with pytest.raises(Conflict) as limited:
        services.privacy_request_submit(actor=person.user, person=person, kind="objection", details="Hentikan pengiriman SMS promosi.")
    assert limited.value.code == "privacy_request_open_limit"
    assert PrivacyRequest.objects.filter(person=person).count() == 2
    page = _client(person.user).post(reverse("privacy:mine"), {"kind": "deletion", "details": "Hapus nomor HP lama saya."})
    assert page.status_code == 200 and "belum dijawab" in page.content.decode()


# --- one open request of each kind (a double tap) ------------------------------------------------------------

def test_a_second_open_request_of_the_same_kind_is_refused_and_names_the_open_one():
    person = PersonFactory()
    first = services.privacy_request_submit(actor=person.user, person=person, kind="access", details="", now=NOW)
    with pytest.raises(Conflict) as again:
        services.privacy_request_submit(actor=person.user, person=person, kind="access", details="", now=NOW)
    assert again.value.code == "privacy_request_already_open" and again.value.field == "kind"
    assert again.value.details == {"request": first.pk}
    assert f"#{first.pk}" in again.value.message.id and "tidak perlu mengirimnya lagi" in again.value.message.id
    assert f"#{first.pk}" in again.value.message.en and "Salinan data pribadi saya" in again.value.message.id
    assert "no need to send it again" in again.value.message.en
    # Another kind is another request; once the first is answered, a new one of its kind is welcome.
    services.privacy_request_submit(actor=person.user, person=person, kind="correction", details="Alamat saya salah, Jl. Merdeka 5.")
    services.privacy_request_answer(actor=staff(Role.DATA_PROTECTION_OFFICER), request_id=first.pk, outcome="done",
                                    answer="Salinan data sudah dikirim ke e-mail Anda.")
    services.privacy_request_submit(actor=person.user, person=person, kind="access", details="")
    assert sorted(PrivacyRequest.objects.filter(person=person).values_list("kind", "status")) == [
        ("access", "done"), ("access", "open"), ("correction", "open")]
    assert AuditEvent.objects.filter(action="privacy_request.submitted", object_type="privacy.privacyrequest").count() == 3


def test_a_double_tap_on_the_page_makes_one_request_and_says_which():
    person = PersonFactory()
    client = _client(person.user)
    assert client.post(reverse("privacy:mine"), {"kind": "access", "details": ""}).status_code == 302
    second = client.post(reverse("privacy:mine"), {"kind": "access", "details": ""})
    request = PrivacyRequest.objects.get(person=person)
    page = second.content.decode()
    assert second.status_code == 200 and f"#{request.pk}" in page and "tidak perlu mengirimnya lagi" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.post(reverse("privacy:mine"), {"kind": "access", "details": ""}).content.decode()
    assert f"Your request #{request.pk}" in page and "no need to send it again" in page
    assert PrivacyRequest.objects.filter(person=person).count() == 1


def test_the_database_holds_one_open_request_per_kind():
    person = PersonFactory()
    first = services.privacy_request_submit(actor=person.user, person=person, kind="access", details="", now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivacyRequest.objects.create(person=person, kind="access", submitted_at=NOW, due_at=domain.due_at(NOW))
    PrivacyRequest.objects.filter(pk=first.pk).update(status="done", answer="Sudah dikirim salinannya.", answered_at=NOW,
                                                      answered_by=staff(Role.DATA_PROTECTION_OFFICER))
    PrivacyRequest.objects.create(person=person, kind="access", submitted_at=NOW, due_at=domain.due_at(NOW))  # answered: fine


def test_a_request_that_loses_the_race_at_the_database_is_refused_like_any_second_one(monkeypatch):
    """Another transaction commits the same kind between the check and the insert: the unique index refuses the insert,
    and the person reads the same message (never a 500)."""
    person = PersonFactory()
    first = services.privacy_request_submit(actor=person.user, person=person, kind="access", details="", now=NOW)
    real, calls = services._open_of_kind, []

    def late(p, k):  # the check under the lock sees nothing yet; the look-up after the refusal sees the winner
        calls.append(k)
        return None if len(calls) == 1 else real(p, k)

    monkeypatch.setattr(services, "_open_of_kind", late)
    with pytest.raises(Conflict) as lost:
        services.privacy_request_submit(actor=person.user, person=person, kind="access", details="", now=NOW)
    assert lost.value.code == "privacy_request_already_open" and lost.value.details == {"request": first.pk}
    assert calls == ["access", "access"]  # refused by the index, then named
    assert PrivacyRequest.objects.filter(person=person).count() == 1


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
