"""Applicants hear the manager's decision: accepted as a participant (with the start date and the program's page) or
not selected (with the reason and the catalogue), by SMS in their own language, once. A QA pass found both decisions
silent: an imported applicant without an account never learnt they had been turned down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sisnaker.core.dates import long_id
from sisnaker.notifications.models import Notification
from sisnaker.training import domain, services
from tests.conftest import TODAY
from tests.factories import PersonFactory, ProgramFactory
from tests.sms import committed
from tests.training.test_services import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]


def _texts(phone: str) -> list[str]:
    return [text for to, text in committed() if to == phone]


def test_accepted_and_rejected_applicants_are_told(told_program):
    manager, program = told_program
    accepted, rejected, no_account = PersonFactory(), PersonFactory(), PersonFactory(provisional=True)
    english = PersonFactory()
    english.user.preferred_language = "en"
    english.user.save(update_fields=["preferred_language"])
    e = {p.pk: register(p, program) for p in (accepted, rejected, english)}
    e[no_account.pk] = services.enrollment_record(actor=manager, program=program, person=no_account, today=TODAY)
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[e[accepted.pk].pk, e[english.pk].pk],
                                    action="accept")
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[e[rejected.pk].pk, e[no_account.pk].pk],
                                    action="reject", reason="Kuota penuh oleh pelamar yang lebih dulu lolos tes.")
    told = _texts(accepted.phone)
    assert len(told) == 1 and "diterima sebagai peserta \"Operator Las Dasar\"" in told[0]
    assert long_id(program.start_date) in told[0] and reverse("training:program", args=[program.pk]) in told[0]
    assert "accepted as a participant" in _texts(english.phone)[0]
    for person in (rejected, no_account):  # someone without an account too: the phone the institution recorded
        text = _texts(person.phone)[0]
        assert "belum lolos seleksi" in text and "Alasan: Kuota penuh oleh pelamar yang lebih dulu lolos tes." in text
        assert reverse("training:catalogue") in text


def test_each_decision_is_told_once_and_refused_rows_are_not_told(told_program):
    manager, program = told_program
    person = PersonFactory()
    enrollment = register(person, program)
    for _ in range(2):
        services.enrollments_transition(actor=manager, program=program, enrollment_ids=[enrollment.pk], action="accept")
    topic = domain.decision_topic(action="accept", program_id=program.pk)
    assert Notification.objects.filter(topic=topic, channel="sms").count() == 1
    # Rejecting a participant is refused (not a selection decision any more): nothing is sent.
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[enrollment.pk], action="reject")
    assert not Notification.objects.filter(topic=domain.decision_topic(action="reject", program_id=program.pk)).exists()


def test_select_is_a_working_step_not_news(told_program):
    manager, program = told_program
    enrollment = register(PersonFactory(), program)
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[enrollment.pk], action="select")
    assert not Notification.objects.exists()


def test_applicants_left_over_at_the_start_and_everyone_in_a_cancelled_program_are_told(told_program):
    manager, program = told_program
    accepted, left_over = PersonFactory(), PersonFactory()
    a = register(accepted, program)
    register(left_over, program)
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[a.pk], action="accept")
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    text = _texts(left_over.phone)[0]
    assert "belum lolos seleksi" in text and "Alasan: Seleksi berakhir sebelum pelatihan dimulai." in text
    assert len(_texts(accepted.phone)) == 1  # only their acceptance

    other = ProgramFactory(institution=program.institution, created_by=manager, title="Menjahit Dasar", quota=10)
    applicant = PersonFactory()
    register(applicant, other)
    services.program_transition(actor=manager, program=other, action="cancel", today=TODAY, reason="Instruktur berhalangan.")
    text = _texts(applicant.phone)[0]
    assert "\"Menjahit Dasar\"" in text and "dibatalkan: Instruktur berhalangan. Pelatihan lain:" in text
