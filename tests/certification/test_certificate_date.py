"""The certificate's date is the training's completion — the program's end date, or the day it was closed
early, or the participant's last assessment when later — never the click, never before the completion, and
never in the future: nothing is issued before the completion. Version 3 payloads sign it as
``certificate_date``; version 1 and 2 certificates (dated the day of issue) keep verifying."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.certification import domain, export, pdf, services, signing
from sisnaker.certification.models import Assessment, Certificate
from sisnaker.core.errors import Conflict
from sisnaker.core.models import AuditEvent
from sisnaker.training import domain as training_domain
from sisnaker.training import services as training
from sisnaker.training.models import Program

from .test_certificates import NOW, World, _pdf_text, readiness_questionnaire

END = dt.date(2027, 1, 2)  # the world's training ends after NOW (2026-12-10)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    readiness_questionnaire()
    return World(end_date=END)


# --- the rule ----------------------------------------------------------------------------------------

@given(st.dates(), st.one_of(st.none(), st.dates()))
def test_the_date_is_never_before_the_completion_and_is_the_later_of_the_two(completed, assessed):
    dated = domain.certificate_date(completed_on=completed, last_assessed_on=assessed)
    assert dated >= completed
    assert dated in (completed, assessed)
    if assessed is not None:
        assert dated >= assessed


@given(st.dates(), st.one_of(st.none(), st.dates()))
def test_the_completion_is_the_end_or_an_earlier_close(end, closed):
    completed = training_domain.completion_date(end_date=end, closed_on=closed)
    assert completed <= end and completed in (end, closed)
    if closed is not None and closed < end:
        assert completed == closed


@given(st.dates(), st.dates())
def test_nothing_is_issued_before_the_completion(completed, today):
    blocker = domain.issue_date_blocker(completed_on=completed, today=today)
    assert (blocker is None) == (today >= completed)
    if blocker is not None:
        assert domain.format_date_id(completed) in blocker.id and "tutup program lebih awal" in blocker.id


def test_date_of_a_payload_falls_back_to_the_issue_date_of_old_versions():
    assert domain.certificate_date_of({"v": 3, "certificate_date": "2027-01-02", "issued_on": "2026-12-10"}) == dt.date(2027, 1, 2)
    assert domain.certificate_date_of({"v": 2, "issued_on": "2026-12-10"}) == dt.date(2026, 12, 10)
    assert domain.certificate_date_of({"v": 3, "certificate_date": "not a date"}) is None
    assert domain.certificate_date_of({}) is None


# --- issuing -----------------------------------------------------------------------------------------

def test_nothing_is_issued_while_the_training_runs_single_bulk_or_queued(world, client):
    assert NOW.date() < world.program.end_date == END
    with pytest.raises(Conflict) as refused:
        world.issue(0)
    assert refused.value.code == "certificate_before_completion" and "2 Januari 2027" in refused.value.message.id
    assert "close the programme early" in refused.value.message.en
    with pytest.raises(Conflict):
        services.certificates_issue_eligible(actor=world.manager, program=world.program, now=NOW)
    with pytest.raises(Conflict):
        services.certificates_issue_all_start(actor=world.manager, program=world.program, now=NOW)
    client.force_login(world.manager)
    r = client.post(f"/api/v1/certification/enrollments/{world.enrollments[0].pk}/certificate")
    assert r.status_code == 409 and r.json()["code"] == "certificate_before_completion"
    r = client.post(reverse("certification:issue", args=[world.enrollments[0].pk]), follow=True)
    assert any("tutup program lebih awal" in str(m) for m in r.context["messages"])
    r = client.post(reverse("certification:board_issue_all", args=[world.program.pk]), follow=True)
    assert "tutup program lebih awal" in r.content.decode()
    assert not Certificate.objects.exists()


def _close_early(world, on: dt.date) -> Program:
    training.enrollments_set_result(actor=world.manager, program=world.program, enrollment_ids=[e.pk for e in world.enrollments],
                                    result="passed")
    return training.program_transition(actor=world.manager, program=world.program, action="close", today=on,
                                       reason="Materi selesai lebih cepat; uji kompetensi sudah dilaksanakan.")


def test_closed_early_the_completion_is_the_close_date_and_numbers_keep_the_year_of_issue(world):
    program = _close_early(world, on=dt.date(2026, 12, 8))
    assert program.closed_on == dt.date(2026, 12, 8)
    cert = world.issue(0)
    fields = json.loads(cert.payload)
    assert fields["certificate_date"] == "2026-12-08"  # the close, not the planned end (2 January 2027) nor the click
    assert fields["program"]["end_date"] == "2026-12-08"  # the period printed ("… s.d. 8 Desember 2026") ends with the training
    assert fields["issued_on"] == "2026-12-10"
    assert cert.number.endswith("/2026/000001") and cert.year == 2026  # numbering: the year of issue
    event = AuditEvent.objects.get(action="certificate.issued", object_id=str(cert.pk))
    assert event.after["certificate_date"] == "2026-12-08"


def test_a_later_assessment_dates_the_certificate(world):
    _close_early(world, on=dt.date(2026, 12, 8))
    # The last unit was assessed (corrected) after the training was closed: that is the completion.
    late = dt.datetime(2026, 12, 8, 20, 0, tzinfo=dt.UTC)  # 9 December in Jakarta
    Assessment.objects.filter(enrollment=world.enrollments[0], unit=world.units[1]).update(assessed_at=late)
    cert = world.issue(0)
    assert json.loads(cert.payload)["certificate_date"] == "2026-12-09"
    # Another participant assessed earlier is dated by the completion.
    assert json.loads(world.issue(1).payload)["certificate_date"] == "2026-12-08"


def test_closed_programs_from_before_closed_on_existed_are_dated_by_their_end(world):
    program = _close_early(world, on=dt.date(2026, 12, 8))
    Program.objects.filter(pk=program.pk).update(closed_on=None)  # as a program closed before the column existed
    cert = services.certificate_issue(actor=world.manager, enrollment=world.enrollments[0],
                                      now=dt.datetime(2027, 1, 5, 3, 0, tzinfo=dt.UTC))
    assert json.loads(cert.payload)["certificate_date"] == "2027-01-02"


def test_issued_long_after_the_end_it_still_bears_the_completion_date(world):
    program = world.program
    training.enrollments_set_result(actor=world.manager, program=program, enrollment_ids=[e.pk for e in world.enrollments],
                                    result="passed")
    training.program_transition(actor=world.manager, program=program, action="close", today=program.end_date)
    much_later = dt.datetime(2027, 3, 20, 3, 0, tzinfo=dt.UTC)
    out = services.certificates_issue_eligible(actor=world.manager, program=program, now=much_later)
    assert out["issued"] == 3
    for cert in Certificate.objects.filter(enrollment__program=program):
        fields = json.loads(cert.payload)
        assert fields["certificate_date"] == "2027-01-02" and fields["issued_on"] == "2027-03-20"
        assert domain.certificate_date_of(fields) >= program.end_date


def test_pages_pdf_and_verification_show_the_certificate_date(world, client):
    _close_early(world, on=dt.date(2026, 12, 8))
    cert = world.issue(0)
    text = _pdf_text(pdf.render_certificate_pdf(payload=cert.payload, key_id=cert.key_id))
    assert "Diterbitkan 8 Desember 2026" in text
    result = services.certificate_verify(verification_id=cert.verification_id)
    assert result.status == "valid" and result.certificate_date == dt.date(2026, 12, 8) and result.issued_on == dt.date(2026, 12, 10)
    assert result.as_dict()["certificate_date"] == "2026-12-08"
    html = client.get(reverse("verify:by_id", args=[cert.verification_id])).content.decode()
    assert 'data-field="certificate-date">8 Des 2026<' in html and 'data-field="issued-on">10 Des 2026<' in html
    client.force_login(world.manager)
    html = client.get(reverse("certification:certificate", args=[cert.pk])).content.decode()
    assert 'data-field="certificate-date">8 Des 2026<' in html


# --- old certificates --------------------------------------------------------------------------------

def _resign(cert: Certificate, fields: dict) -> Certificate:
    payload = domain.canonical_payload(fields)
    signature, _key = signing.sign(payload)
    Certificate.objects.filter(pk=cert.pk).update(payload=payload, signature=signature)
    cert.refresh_from_db()
    return cert


def test_version_2_certificates_keep_verifying_dated_by_their_issue_day(world):
    _close_early(world, on=dt.date(2026, 12, 8))
    cert = world.issue(0)
    fields = json.loads(cert.payload)
    fields["v"] = 2
    del fields["certificate_date"]
    cert = _resign(cert, fields)
    result = services.certificate_verify(verification_id=cert.verification_id)
    assert result.status == "valid" and result.payload_version == 2
    assert result.certificate_date == result.issued_on == dt.date(2026, 12, 10)
    assert export.verify_export(export.certificate_export(cert)).valid
    assert "Diterbitkan 10 Desember 2026" in _pdf_text(pdf.render_certificate_pdf(payload=cert.payload, key_id=cert.key_id))


def test_a_version_3_payload_without_its_date_is_not_valid(world):
    _close_early(world, on=dt.date(2026, 12, 8))
    cert = world.issue(0)
    fields = json.loads(cert.payload)
    del fields["certificate_date"]
    cert = _resign(cert, fields)  # signed, but not what version 3 signs
    assert services.certificate_verify(verification_id=cert.verification_id).status == "invalid"
