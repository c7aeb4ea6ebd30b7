"""The certificate's date is the training's completion — the program's end date, or the participant's last
assessment when later — never the click, and never before the end of the training. Version 3 payloads
sign it as ``certificate_date``; version 1 and 2 certificates (dated the day of issue) keep verifying."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.certification import domain, export, pdf, services, signing
from sisnaker.certification.models import Assessment, Certificate
from sisnaker.core.models import AuditEvent
from sisnaker.training import services as training

from .test_certificates import NOW, World, _pdf_text, readiness_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    readiness_questionnaire()
    return World()


# --- the rule ----------------------------------------------------------------------------------------

@given(st.dates(), st.one_of(st.none(), st.dates()))
def test_the_date_is_never_before_the_end_and_is_the_later_of_the_two(end, assessed):
    dated = domain.certificate_date(end_date=end, last_assessed_on=assessed)
    assert dated >= end
    assert dated in (end, assessed)
    if assessed is not None:
        assert dated >= assessed


def test_date_of_a_payload_falls_back_to_the_issue_date_of_old_versions():
    assert domain.certificate_date_of({"v": 3, "certificate_date": "2027-01-02", "issued_on": "2026-12-10"}) == dt.date(2027, 1, 2)
    assert domain.certificate_date_of({"v": 2, "issued_on": "2026-12-10"}) == dt.date(2026, 12, 10)
    assert domain.certificate_date_of({"v": 3, "certificate_date": "not a date"}) is None
    assert domain.certificate_date_of({}) is None


# --- issuing -----------------------------------------------------------------------------------------

def test_issued_before_the_end_it_bears_the_end_date_and_the_number_of_the_year_of_issue(world):
    assert world.program.end_date == dt.date(2027, 1, 2) and NOW.date() < world.program.end_date
    cert = world.issue(0)
    fields = json.loads(cert.payload)
    assert fields["certificate_date"] == "2027-01-02"  # not 2026-12-10, the click
    assert fields["issued_on"] == "2026-12-10"
    assert cert.number.endswith("/2026/000001") and cert.year == 2026  # numbering: the year of issue
    event = AuditEvent.objects.get(action="certificate.issued", object_id=str(cert.pk))
    assert event.after["certificate_date"] == "2027-01-02"


def test_a_later_assessment_dates_the_certificate(world):
    # The last unit was assessed (corrected) after the training ended: that is the completion.
    late = dt.datetime(2027, 1, 14, 20, 0, tzinfo=dt.UTC)  # 15 January in Jakarta
    Assessment.objects.filter(enrollment=world.enrollments[0], unit=world.units[1]).update(assessed_at=late)
    cert = world.issue(0)
    assert json.loads(cert.payload)["certificate_date"] == "2027-01-15"
    # Another participant assessed earlier is dated by the end date.
    assert json.loads(world.issue(1).payload)["certificate_date"] == "2027-01-02"


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
    cert = world.issue(0)
    text = _pdf_text(pdf.render_certificate_pdf(payload=cert.payload, key_id=cert.key_id))
    assert "Diterbitkan 2 Januari 2027" in text
    result = services.certificate_verify(verification_id=cert.verification_id)
    assert result.status == "valid" and result.certificate_date == dt.date(2027, 1, 2) and result.issued_on == dt.date(2026, 12, 10)
    assert result.as_dict()["certificate_date"] == "2027-01-02"
    html = client.get(reverse("verify:by_id", args=[cert.verification_id])).content.decode()
    assert 'data-field="certificate-date">2 Jan 2027<' in html and 'data-field="issued-on">10 Des 2026<' in html
    client.force_login(world.manager)
    html = client.get(reverse("certification:certificate", args=[cert.pk])).content.decode()
    assert 'data-field="certificate-date">2 Jan 2027<' in html


# --- old certificates --------------------------------------------------------------------------------

def _resign(cert: Certificate, fields: dict) -> Certificate:
    payload = domain.canonical_payload(fields)
    signature, _key = signing.sign(payload)
    Certificate.objects.filter(pk=cert.pk).update(payload=payload, signature=signature)
    cert.refresh_from_db()
    return cert


def test_version_2_certificates_keep_verifying_dated_by_their_issue_day(world):
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
    cert = world.issue(0)
    fields = json.loads(cert.payload)
    del fields["certificate_date"]
    cert = _resign(cert, fields)  # signed, but not what version 3 signs
    assert services.certificate_verify(verification_id=cert.verification_id).status == "invalid"
