"""When a published program's days move, everyone still in it (applicants, those through selection, participants) is
told the new dates by SMS/e-mail, in their language, with the program's page where they can withdraw. A review found
a date change silent: an applicant would have come on the old day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.dates import long_en, long_id
from sisnaker.core.models import AuditEvent
from sisnaker.notifications import services as notifications
from sisnaker.notifications.models import Notification
from sisnaker.training import domain, services
from sisnaker.training.domain import EnrollmentState as E
from tests.conftest import TODAY
from tests.factories import (
    EnrollmentFactory,
    PersonFactory,
    ProgramFactory,
)
from tests.sms import committed
from tests.training.test_decision_news import _texts
from tests.training.test_services import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]


def _data(program, **changes) -> services.ProgramData:
    data = services.ProgramData(**{n: getattr(program, n) for n in services.PROGRAM_FIELDS},
                                competency_unit_ids=tuple(program.competency_units.values_list("pk", flat=True)))
    return dataclasses.replace(data, **changes)


def test_applicants_and_participants_hear_the_new_dates_and_those_who_left_do_not(told_program):
    manager, program = told_program
    applicant, participant, withdrawn, english = PersonFactory(), PersonFactory(), PersonFactory(), PersonFactory()
    english.user.preferred_language = "en"
    english.user.save(update_fields=["preferred_language"])
    e = {p.pk: register(p, program) for p in (applicant, participant, withdrawn, english)}
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[e[participant.pk].pk], action="accept")
    services.enrollment_withdraw_self(actor=withdrawn.user, enrollment=e[withdrawn.pk])
    start, end = program.start_date + dt.timedelta(days=7), program.end_date + dt.timedelta(days=7)

    services.program_update(actor=manager, program=program, data=_data(program, start_date=start, end_date=end))

    for person in (applicant, participant):
        told = [t for t in _texts(person.phone) if "berubah" in t]
        assert len(told) == 1 and f"{long_id(start)} s.d. {long_id(end)}" in told[0]
        assert "\"Operator Las Dasar\"" in told[0] and reverse("training:program", args=[program.pk]) in told[0]
    assert any(f"{long_en(start)} to {long_en(end)}" in t for t in _texts(english.phone))
    assert not [t for t in _texts(withdrawn.phone) if "berubah" in t]


def test_only_a_change_of_days_is_news_and_each_change_is_told_once(told_program):
    manager, program = told_program
    person = PersonFactory()
    register(person, program)
    services.program_update(actor=manager, program=program, data=_data(program, quota=12, title="Operator Las Dasar 2"))
    assert not Notification.objects.filter(topic__startswith="program_dates:").exists()

    later = _data(program, start_date=program.start_date + dt.timedelta(days=3))
    services.program_update(actor=manager, program=program, data=later)
    services.program_update(actor=manager, program=program, data=later)  # saved again unchanged: nothing new to say
    assert Notification.objects.filter(topic__startswith="program_dates:", channel="sms").count() == 1
    # Moved again the same day: news again; and back to the first dates: news again too (the last word counts).
    first = program.start_date
    services.program_update(actor=manager, program=program, data=_data(program, start_date=program.start_date + dt.timedelta(days=1)))
    assert Notification.objects.filter(topic__startswith="program_dates:", channel="sms").count() == 2
    services.program_update(actor=manager, program=program, data=_data(program, start_date=first))
    assert Notification.objects.filter(topic__startswith="program_dates:", channel="sms").count() == 3
    last = Notification.objects.filter(topic__startswith="program_dates:", channel="sms").latest("pk")
    assert long_id(first) in last.body


def test_a_draft_has_nobody_to_tell():
    assert not domain.schedule_changed(status="draft", before=(dt.date(2026, 12, 1), dt.date(2026, 12, 20)),
                                       after=(dt.date(2026, 12, 8), dt.date(2026, 12, 27)))
    assert domain.schedule_changed(status="published", before=(dt.date(2026, 12, 1), dt.date(2026, 12, 20)),
                                   after=(dt.date(2026, 12, 1), dt.date(2026, 12, 21)))


def test_the_edit_page_says_who_will_be_told(told_program, client):
    manager, program = told_program
    client.force_login(manager)
    page = client.get(reverse("training:program_edit", args=[program.pk])).content.decode()
    assert "diberi tahu jadwal barunya" in page



def _busy_and_free(program):
    """Two applicants of ``program``; the first also in "Menjahit Busana", after this program's current days."""
    busy, free = PersonFactory(), PersonFactory()
    register(busy, program)
    register(free, program)
    elsewhere = ProgramFactory(title="Menjahit Busana", today=TODAY + dt.timedelta(days=40))
    EnrollmentFactory(program=elsewhere, person=busy, state=E.REGISTERED, source="self")
    assert elsewhere.start_date > program.end_date
    return busy, free, elsewhere


def test_someone_the_new_days_put_in_a_clash_is_told_which_training_and_the_history_counts_them(told_program):
    manager, program = told_program
    busy, free, elsewhere = _busy_and_free(program)

    services.program_update(actor=manager, program=program, data=_data(
        program, start_date=elsewhere.start_date + dt.timedelta(days=2), end_date=elsewhere.start_date + dt.timedelta(days=20)))

    told = [t for t in _texts(busy.phone) if "berubah" in t]
    assert len(told) == 1 and "bentrok dengan pelatihan Anda \"Menjahit Busana\"" in told[0]
    assert not [t for t in _texts(free.phone) if "bentrok" in t] and [t for t in _texts(free.phone) if "berubah" in t]
    event = AuditEvent.objects.filter(action="program.updated", object_id=str(program.pk)).latest("id")
    assert event.after["schedule_clashes"] == 1


def test_the_manager_sees_how_many_are_told_and_how_many_now_clash(told_program, client):
    manager, program = told_program
    _busy, _free, elsewhere = _busy_and_free(program)
    start = elsewhere.start_date + dt.timedelta(days=2)
    data = {name: getattr(program, name) for name in ("title", "hours", "registration_opens", "registration_closes", "quota",
                                                      "mode", "funding", "selection_method", "fee", "description",
                                                      "dipa_reference", "min_education")}
    data |= {"vocational_field": program.vocational_field_id, "province": program.regency_id[:2], "regency": program.regency_id,
             "competency_units": list(program.competency_units.values_list("pk", flat=True)),
             "start_date": start, "end_date": start + dt.timedelta(days=18)}
    client.force_login(manager)

    page = client.post(reverse("training:program_edit", args=[program.pk]), data, follow=True).content.decode()

    assert "kepada orang yang masih terdaftar (2 orang;" in page
    assert "Di antara mereka, 1 orang kini punya pelatihan lain pada hari yang sama" in page
    quota_only = client.post(reverse("training:program_edit", args=[program.pk]), data | {"quota": program.quota + 1},
                             follow=True).content.decode()
    assert "Perubahan program tersimpan" in quota_only and "Jadwal baru dikabarkan" not in quota_only


@pytest.fixture
def small_inline(monkeypatch):
    """Three people are a "large audience" here (the real bound is thousands)."""
    monkeypatch.setattr(notifications, "TELL_INLINE_MAX", 2)


def test_a_large_audience_is_told_after_the_change_commits_not_in_its_transaction(told_program, small_inline):
    manager, program = told_program
    people = [PersonFactory() for _ in range(3)]
    people[2].user.preferred_language = "en"
    people[2].user.save(update_fields=["preferred_language"])
    for person in people:
        register(person, program)
    start, end = program.start_date + dt.timedelta(days=7), program.end_date + dt.timedelta(days=7)

    services.program_update(actor=manager, program=program, data=_data(program, start_date=start, end_date=end))

    # Nothing written by the edit itself: the messages wait for its commit.
    assert not Notification.objects.filter(topic__startswith="program_dates").exists()
    sent = committed()
    for person in people[:2]:
        told = [text for to, text in sent if to == person.phone and "berubah" in text]
        assert len(told) == 1 and long_id(start) in told[0]
    assert [text for to, text in sent if to == people[2].phone and "changed" in text]
    assert Notification.objects.filter(topic__startswith="program_dates", channel="sms").count() == 3


def test_a_small_audience_is_written_with_the_change(told_program):
    manager, program = told_program
    person = PersonFactory()
    register(person, program)

    services.program_update(actor=manager, program=program, data=_data(program, start_date=program.start_date + dt.timedelta(days=3),
                                                                      end_date=program.end_date + dt.timedelta(days=3)))

    assert Notification.objects.filter(person=person, topic__startswith="program_dates").exists()


def test_the_edit_is_its_own_transaction(told_program):
    # Durable: never a part of a caller's transaction, so its messages go out only once the edit is stored. (A
    # decorator once slipped onto the class above the service and the edit ran without a transaction of its own.)
    manager, program = told_program
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        services.program_update(actor=manager, program=program, data=_data(program, quota=program.quota + 1))


def _registered(program, n: int) -> list:
    people = [PersonFactory() for _ in range(n)]
    for person in people:
        register(person, program)
    return people


def _move(manager, program, *, days: int) -> dt.date:
    """The program's days moved ``days`` later by its manager; returns the new start date."""
    program.refresh_from_db()
    start = program.start_date + dt.timedelta(days=days)
    services.program_update(actor=manager, program=program, data=_data(program, start_date=start,
                                                                      end_date=program.end_date + dt.timedelta(days=days)))
    return start


def _dates_texts(people) -> dict[int, list[str]]:
    sent = committed()
    return {p.pk: [text for to, text in sent if to == p.phone and "berubah" in text] for p in people}


def test_new_dates_not_yet_sent_are_withdrawn_when_the_program_is_cancelled(told_program):
    # The dates message of a small audience is written with the change and sent after it; cancelled before it went
    # out, nobody hears new dates for a training that will not happen: only the cancellation.
    manager, program = told_program
    [person] = _registered(program, 1)
    _move(manager, program, days=7)
    services.program_transition(actor=manager, program=program, action="cancel", today=TODAY, reason="Instruktur berhalangan.")

    sent = [text for to, text in committed() if to == person.phone]
    assert not [t for t in sent if "berubah" in t]
    assert [t for t in sent if "dibatalkan" in t and "Instruktur berhalangan." in t]
    dates = Notification.objects.get(person=person, channel="sms", topic__startswith="program_dates:")
    assert dates.status == Notification.Status.WITHDRAWN and "program dibatalkan" in dates.error


def test_a_large_audience_task_stops_once_the_program_is_cancelled(told_program, small_inline):
    # The dates of a large audience are written by a task after the change; the program is cancelled before the task
    # runs (a busy queue): it writes nothing, and the people hear only the cancellation.
    manager, program = told_program
    people = _registered(program, 3)
    _move(manager, program, days=7)
    services.program_transition(actor=manager, program=program, action="cancel", today=TODAY, reason="Instruktur berhalangan.")

    assert _dates_texts(people) == {p.pk: [] for p in people}
    assert not Notification.objects.filter(topic__startswith="program_dates:").exists()
    assert Notification.objects.filter(topic=domain.decision_topic(action="cancel", program_id=program.pk), channel="sms").count() == 3


def test_dates_changed_twice_before_the_first_message_went_out_tell_only_the_last(told_program, small_inline):
    manager, program = told_program
    people = _registered(program, 3)
    first = _move(manager, program, days=7)
    last = _move(manager, program, days=7)

    told = _dates_texts(people)
    for person in people:
        assert len(told[person.pk]) == 1 and long_id(last) in told[person.pk][0] and long_id(first) not in told[person.pk][0]


def test_the_task_of_a_change_still_true_tells_everyone(told_program, small_inline):
    # The guard stops only what is no longer true: selection closing meanwhile does not silence the new dates.
    manager, program = told_program
    people = _registered(program, 3)
    start = _move(manager, program, days=7)
    services.program_transition(actor=manager, program=program, action="close_registration", today=TODAY)

    told = _dates_texts(people)
    assert all(len(told[p.pk]) == 1 and long_id(start) in told[p.pk][0] for p in people)


@pytest.mark.django_db(transaction=True)
def test_a_chunk_waits_for_a_cancellation_in_flight_and_then_writes_nothing(regions):
    # Real threads on PostgreSQL: the cancellation holds the program's row (its transaction not yet committed) when the
    # task's chunk begins; the chunk waits for it, then sees the program cancelled, and writes nothing. Read without
    # the lock, the chunk would have seen the dates still standing and written them.
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (run with DATABASE_URL=postgres://…)")
    program = ProgramFactory()
    people = [PersonFactory() for _ in range(3)]
    still = {"model": "training.program", "pk": program.pk,
             "values": {"start_date": program.start_date.isoformat(), "end_date": program.end_date.isoformat(),
                        "status__in": [s for s in domain.ProgramStatus.values if s != domain.ProgramStatus.CANCELLED]}}
    groups = [{"subject": ["Jadwal", "Dates"], "text": ["Jadwal baru", "New dates"], "people": [p.pk for p in people]}]
    written: list[int] = []

    def task() -> None:
        try:
            written.append(notifications.tell_groups(topic="program_dates:race", groups=groups, at=timezone.now(),
                                                     channels=["sms"], while_true=still))
        finally:
            connection.close()

    worker = threading.Thread(target=task)
    with transaction.atomic():
        type(program).objects.select_for_update().get(pk=program.pk)
        type(program).objects.filter(pk=program.pk).update(status=domain.ProgramStatus.CANCELLED)
        worker.start()
        time.sleep(0.5)  # the chunk is waiting for the row meanwhile
        assert worker.is_alive()
    worker.join(timeout=30)

    assert written == [0]
    assert not Notification.objects.filter(topic="program_dates:race").exists()
