"""Certificates: the readiness gate (every missing step listed), numbers per institution per year with no
gap (also after a failed issue and across the year boundary), signatures, revocation, issue-all-eligible,
the PDF and the pages' permissions; readiness reads in a fixed number of queries.

``World`` (built with tests/factories.py) and the thin helpers at the top are reused by test_verify.py,
test_issuer.py, test_verifycert_pdf.py, test_certificate_concurrency.py and the API's Schemathesis run."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.certification import domain, selectors, services, signing
from sisnaker.certification.models import Assessment, Certificate, CertificateCounter, Review
from sisnaker.certification.services import certificates
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.surveys.models import Questionnaire, QuestionnaireVersion, Response
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment
from tests import factories
from tests.factories import InstitutionFactory, ManagerFactory, staff
from tests.tasks import DB_TASKS, queued, run_as_worker

NOW = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)
# When the World's institutions were approved: before every NOW the tests issue at.
# Assessed during the World's training (which started on 13 November 2026).
ASSESSED_AT = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
# The World's training ended the day before NOW (certificates are issued after the training's completion).
TRAINING_ENDS = dt.date(2026, 12, 9)
APPROVED_AT = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)


# --- data (tests/factories.py; World and these thin helpers are reused by the other certificate modules) ----

def readiness_questionnaire() -> Questionnaire:
    q, _ = Questionnaire.objects.get_or_create(code="kesiapan-kerja", defaults={"title": "Survei kesiapan kerja"})
    if not q.versions.filter(is_current=True).exists():
        QuestionnaireVersion.objects.create(questionnaire=q, version=1, is_current=True, published_at=timezone.now())
    return q


def assess(enrollment, units, instructor, result="competent"):
    for u in units:
        Assessment.objects.create(enrollment=enrollment, unit=u, result=result, assessed_by=instructor, assessed_at=ASSESSED_AT)


def review(enrollment):
    Review.objects.create(enrollment=enrollment, rating=5, text="Sangat bermanfaat.", created_at=NOW)


def survey(enrollment):
    q = readiness_questionnaire()
    Response.objects.create(version=q.versions.get(is_current=True), questionnaire=q, person=enrollment.person,
                            enrollment=enrollment, submitted_at=NOW)


def make_ready(enrollment, units, instructor):
    assess(enrollment, units, instructor)
    review(enrollment)
    survey(enrollment)


class World:
    """An institution approved on ``APPROVED_AT``, its manager and instructor, and a running program with two
    units whose ``participants`` were recorded by the manager before it started; the first ``ready`` of them
    (all by default) assessed competent, reviewed and surveyed. Its last training day has passed (by
    ``TRAINING_ENDS``): certificates are issued only after the training's completion."""

    NAMES = ["Siti Nurhaliza Putri", "Budi Santoso", "Citra Kirana", "Dedi Kurniawan", "Eka Saputra"]

    def __init__(self, *, participants: int = 3, ready: int | None = None, inst=None, manager=None, **program_kw):
        # The training is over by NOW and by the real today (pages issue at the real time).
        program_kw.setdefault("end_date", min(TRAINING_ENDS, timezone.localdate()))
        course = factories.course(participants=participants, inst=inst or InstitutionFactory(approved_at=APPROVED_AT),
                                  manager=manager, names=self.NAMES, source=Enrollment.Source.MANAGER,
                                  quota=max(10, participants), **program_kw)
        self.inst, self.manager, self.instructor = course.inst, course.manager, course.instructor
        self.units, self.people, self.program, self.enrollments = course.units, course.people, course.program, course.enrollments
        for e in self.enrollments[: participants if ready is None else ready]:
            make_ready(e, self.units, self.instructor)

    def issue(self, i=0, now=NOW):
        return services.certificate_issue(actor=self.manager, enrollment=self.enrollments[i], now=now)


@pytest.fixture
def world(regions):
    readiness_questionnaire()
    return World()


def make_curator():
    return staff(Role.CURATOR)


# --- readiness ------------------------------------------------------------------------------------

def test_readiness_rows_show_each_step(regions):
    readiness_questionnaire()
    w = World(participants=4, ready=0)
    e = w.enrollments
    make_ready(e[0], w.units, w.instructor)
    assess(e[1], w.units, w.instructor)
    assess(e[2], w.units[:1], w.instructor)  # one unit missing
    review(e[2])
    assess(e[3], w.units[:1], w.instructor)
    assess(e[3], w.units[1:], w.instructor, result="not_yet_competent")
    survey(e[3])
    rows = {r.enrollment.pk: r for r in selectors.readiness_for_program(program=w.program)}
    assert rows[e[0].pk].readiness.eligible and rows[e[0].pk].missing == []
    r1 = rows[e[1].pk].readiness
    assert (r1.assessed, r1.reviewed, r1.survey, r1.program_allows, r1.certified) == (True, False, False, True, False)
    r2 = rows[e[2].pk].readiness
    assert (r2.assessed, r2.reviewed, r2.survey) == (False, True, False)
    r3 = rows[e[3].pk].readiness
    assert (r3.assessed, r3.reviewed, r3.survey) == (False, False, True)
    assert rows[e[0].pk].name == e[0].person.full_name
    one = selectors.readiness_for(enrollment=e[1])
    assert one.readiness == r1


def test_readiness_for_program_uses_a_fixed_number_of_queries(regions, django_assert_max_num_queries):
    readiness_questionnaire()
    small = World(participants=2)
    big = World(participants=12, inst=small.inst, manager=small.manager)
    big.issue(0)
    with django_assert_max_num_queries(3):
        rows_small = selectors.readiness_for_program(program=small.program)
    with django_assert_max_num_queries(3):
        rows_big = selectors.readiness_for_program(program=big.program)
        for r in rows_big:  # the rows' person and program are loaded
            _ = (r.enrollment.person.full_name, r.enrollment.program.institution.name, r.missing)
    assert len(rows_small) == 2 and len(rows_big) == 12
    assert sum(r.readiness.certified for r in rows_big) == 1
    ids = [e.pk for e in small.enrollments + big.enrollments]
    with django_assert_max_num_queries(3):
        many = selectors.readiness_for_enrollments(enrollment_ids=ids)
    assert set(many) == set(ids)


# --- the gate -------------------------------------------------------------------------------------

def test_issue_refused_with_every_missing_step_listed(regions):
    readiness_questionnaire()
    w = World(participants=2, ready=0)
    with pytest.raises(Conflict) as info:
        w.issue(0)
    exc = info.value
    assert exc.code == "certificate_not_ready"
    missing = exc.details["missing"]
    assert len(missing) == 3
    assert any("dinilai kompeten" in m for m in missing)
    assert any("ulasan" in m for m in missing)
    assert any("survei kesiapan kerja" in m for m in missing)
    assert "survei kesiapan kerja" in exc.message.id and "work-readiness survey" in exc.message.en
    # Only the survey left: exactly that one is listed.
    assess(w.enrollments[1], w.units, w.instructor)
    review(w.enrollments[1])
    with pytest.raises(Conflict) as info:
        w.issue(1)
    assert info.value.details["missing"] == [str(domain.missing_steps(domain.Readiness(True, True, False, True, False))[0])]
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.filter(last__gt=0).exists()


def test_issue_refused_when_program_does_not_allow_it(regions):
    readiness_questionnaire()
    course = factories.course(participants=1, units=1, status=P.PUBLISHED, source=Enrollment.Source.MANAGER)
    manager, units, e = course.manager, course.units, course.enrollments[0]
    make_ready(e, units, manager)
    with pytest.raises(Conflict) as info:  # program not started yet
        services.certificate_issue(actor=manager, enrollment=e, now=NOW)
    assert len(info.value.details["missing"]) == 1 and "status program" in info.value.details["missing"][0]


def test_only_the_institutions_manager_may_issue(world):
    other = ManagerFactory()
    for actor in (other, world.instructor, make_curator()):
        with pytest.raises(PermissionDenied):
            services.certificate_issue(actor=actor, enrollment=world.enrollments[0], now=NOW)
    assert not Certificate.objects.exists()


def test_second_issue_for_the_same_enrollment_refused(world):
    cert = world.issue(0)
    with pytest.raises(Conflict) as info:
        world.issue(0)
    assert info.value.code == "certificate_already_issued" and cert.number in info.value.message.id


# --- numbers --------------------------------------------------------------------------------------

def test_number_format_and_sequence_per_institution_per_year(regions):
    readiness_questionnaire()
    a = World(participants=3)
    b = World(participants=2)
    certs_a = [a.issue(i) for i in range(3)]
    certs_b = [b.issue(i) for i in range(2)]
    assert [c.number for c in certs_a] == [f"{a.inst.registry_number}/2026/{n:06d}" for n in (1, 2, 3)]
    assert [c.sequence for c in certs_b] == [1, 2]
    assert re.fullmatch(r"BLK-\d{5}/2026/\d{6}", certs_b[1].number)
    assert CertificateCounter.objects.get(institution=a.inst, year=2026).last == 3
    c = certs_a[0]
    assert (c.year, c.institution_id, c.issued_by_id) == (2026, a.inst.pk, a.manager.pk)
    assert len(c.verification_id) >= 20 and c.verification_id != str(c.pk)


def test_year_rollover_restarts_at_000001_in_jakarta_time(regions):
    readiness_questionnaire()
    w = World(participants=3)
    # 31 Dec 2026 16:59 UTC = 23:59 WIB → 2026; 17:00 UTC = 1 Jan 2027 00:00 WIB → 2027.
    first = w.issue(0, now=dt.datetime(2026, 12, 31, 16, 59, tzinfo=dt.UTC))
    second = w.issue(1, now=dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC))
    third = w.issue(2, now=dt.datetime(2027, 1, 2, 3, 0, tzinfo=dt.UTC))
    assert first.number.endswith("/2026/000001")
    assert second.number.endswith("/2027/000001") and third.number.endswith("/2027/000002")
    assert json.loads(second.payload)["issued_on"] == "2027-01-01"


def test_a_failed_issue_leaves_no_gap(world, monkeypatch):
    first = world.issue(0)

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(certificates.audit, "record", broken)
    with pytest.raises(RuntimeError):
        world.issue(1)
    monkeypatch.undo()
    assert not Certificate.objects.filter(enrollment=world.enrollments[1]).exists()
    assert CertificateCounter.objects.get(institution=world.inst).last == 1
    second = world.issue(1)
    assert (first.sequence, second.sequence) == (1, 2)


def test_issue_writes_an_audit_row_in_the_same_transaction(world):
    cert = world.issue(0)
    ev = AuditEvent.objects.get(action="certificate.issued")
    assert ev.object_id == str(cert.pk) and ev.after["number"] == cert.number and ev.actor_id == world.manager.pk


# --- payload and signature ------------------------------------------------------------------------

def test_payload_is_canonical_and_signed(world):
    cert = world.issue(0)
    fields = json.loads(cert.payload)
    assert domain.canonical_payload(fields) == cert.payload
    person = world.enrollments[0].person
    assert fields["v"] == 3
    assert fields["person"] == {"name": person.full_name, "nik_masked": person.nik_masked, "birth_year": person.birth_date.year}
    assert person.nik not in cert.payload
    assert fields["number"] == cert.number and fields["verification_id"] == cert.verification_id
    assert fields["program"]["hours"] == world.program.hours
    assert [u["code"] for u in fields["units"]] == sorted(u.code for u in world.units)
    assert fields["institution"] == {
        "name": world.inst.name, "registry_number": world.inst.registry_number,
        "region": {"regency_code": "32.73", "regency": "Kota Bandung", "province_code": "32", "province": "Jawa Barat"},
    }
    assert (fields["year"], fields["sequence"], fields["issued_on"]) == (2026, 1, "2026-12-10")
    # Dated by the training's end, not by the click; numbered in the year of issue.
    assert fields["certificate_date"] == world.program.end_date.isoformat() != fields["issued_on"]
    assert cert.key_id == signing.keyring().key_id
    assert signing.verify(cert.payload, cert.signature, cert.key_id)
    assert not signing.verify(cert.payload.replace(person.full_name, "Orang Lain"), cert.signature, cert.key_id)


# --- issue all eligible ---------------------------------------------------------------------------

def test_issue_all_eligible_issues_the_ready_and_explains_the_rest(regions):
    readiness_questionnaire()
    w = World(participants=5, ready=3)
    w.issue(0)
    calls = []
    out = services.certificates_issue_eligible(actor=w.manager, program=w.program, now=NOW,
                                                   progress=lambda d, t: calls.append((d, t)))
    assert out["issued"] == 2 and out["already_certified"] == 1 and out["total"] == 2
    assert sorted(s["enrollment_id"] for s in out["skipped"]) == sorted(e.pk for e in w.enrollments[3:])
    assert all(len(s["reasons"]) == 3 for s in out["skipped"])
    assert calls == [(0, 2), (1, 2), (2, 2)]
    assert sorted(Certificate.objects.filter(institution=w.inst).values_list("sequence", flat=True)) == [1, 2, 3]
    json.dumps(out)  # plain data for the background task's result
    with pytest.raises(PermissionDenied):
        services.certificates_issue_eligible(actor=w.instructor, program=w.program, now=NOW)


# --- revocation -----------------------------------------------------------------------------------

def test_revoke_by_manager_keeps_the_row_and_audits(world):
    cert = world.issue(0)
    with pytest.raises(ValidationFailed) as info:
        services.certificate_revoke(actor=world.manager, certificate=cert, reason="   ", now=NOW)
    assert info.value.field == "reason"
    later = NOW + dt.timedelta(days=3)
    services.certificate_revoke(actor=world.manager, certificate=cert, reason="Data  peserta  dipalsukan", now=later)
    cert.refresh_from_db()
    assert cert.revoked_at == later and cert.revoke_reason == "Data peserta dipalsukan" and cert.revoked_by == world.manager
    ev = AuditEvent.objects.get(action="certificate.revoked")
    assert ev.reason == "Data peserta dipalsukan"
    with pytest.raises(Conflict):
        services.certificate_revoke(actor=world.manager, certificate=cert, reason="lagi", now=later)


def test_a_revoked_certificates_pdf_is_stamped_revoked_on_every_page(world):
    """The holder, logged in, still downloaded a clean PDF "dinyatakan KOMPETEN" after the revocation."""
    import io

    from pypdf import PdfReader

    from sisnaker.certification import pdf

    cert = world.issue(0)
    assert "DICABUT" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.certificate_pdf(cert))).pages)
    services.certificate_revoke(actor=world.manager, certificate=cert, reason="Data peserta dipalsukan", now=NOW)
    cert.refresh_from_db()
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.certificate_pdf(cert))).pages]
    assert all("DICABUT" in text for text in pages)
    assert "Data peserta dipalsukan" in pages[0]


def test_a_revoked_certificates_json_download_says_so_and_verifycert_shows_it(world, client, tmp_path):
    """The JSON file downloaded after a revocation passed for a valid certificate (its PDF was already stamped)."""
    from django.core.management import call_command

    cert = world.issue(0)
    url = reverse("certification:json", args=[cert.pk])
    _login(client, world.manager)
    assert "revoked" not in json.loads(client.get(url).content)
    services.certificate_revoke(actor=world.manager, certificate=cert, reason="Data peserta dipalsukan", now=NOW)
    data = json.loads(client.get(url).content)
    assert data["revoked"] == {"on": "2026-12-10", "reason": "Data peserta dipalsukan"}
    assert data["payload"] == cert.payload  # the signed part is unchanged
    path = tmp_path / "sertifikat.json"
    path.write_text(json.dumps(data))
    out = io.StringIO()
    call_command("verifycert", str(path), "--json", stdout=out)  # the signature is still valid: exit 0
    assert json.loads(out.getvalue())["revoked_on"] == "2026-12-10"


def test_revoking_withdraws_the_queued_certificate_ready_message(world):
    """A certificate revoked before the worker sent "Sertifikat Anda sudah terbit" must not be announced after all."""
    from sisnaker.certification.services.reminders import ready_topic
    from sisnaker.notifications.models import Notification

    cert = world.issue(0)
    person = world.enrollments[0].person

    def queued(topic, who=person):
        return Notification.objects.create(channel="sms", person=who, recipient="+6281234567890", topic=topic, body="…",
                                           sealed="v1:x:y", status=Notification.Status.QUEUED)

    ready, other_topic = queued(ready_topic(world.program)), queued("certificate.reminder.x")
    someone_else = queued(ready_topic(world.program), who=world.enrollments[1].person)
    services.certificate_revoke(actor=world.manager, certificate=cert, reason="Data peserta dipalsukan", now=NOW)
    ready.refresh_from_db()
    assert ready.status == Notification.Status.WITHDRAWN and "dicabut" in ready.error and ready.sealed == ""
    assert Notification.objects.get(pk=other_topic.pk).status == Notification.Status.QUEUED
    assert Notification.objects.get(pk=someone_else.pk).status == Notification.Status.QUEUED
    assert AuditEvent.objects.get(action="certificate.revoked").after["messages_withdrawn"] == 1


def test_revoke_by_curator_allowed_others_refused(world):
    cert = world.issue(0)
    for actor in (world.instructor, ManagerFactory(),
                  User.objects.get(pk=world.people[0].user_id)):
        with pytest.raises(PermissionDenied):
            services.certificate_revoke(actor=actor, certificate=cert, reason="salah", now=NOW)
    services.certificate_revoke(actor=make_curator(), certificate=cert, reason="Lembaga tidak terakreditasi", now=NOW)
    assert Certificate.objects.get(pk=cert.pk).revoked_at is not None


# --- PDF ------------------------------------------------------------------------------------------

def _pdf_text(data: bytes) -> str:
    """The PDF's content streams, decompressed (enough to find the strings ReportLab wrote)."""
    out = [data.decode("latin-1")]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\n?endstream", data, re.S):
        raw = m.group(1).strip()
        try:
            if raw.endswith(b"~>"):  # ReportLab: /ASCII85Decode then /FlateDecode
                raw = base64.a85decode(raw, adobe=True)
            out.append(zlib.decompress(raw).decode("latin-1"))
        except (ValueError, zlib.error):
            pass
    return "\n".join(out)


def _month_year(day: dt.date) -> str:
    # The certificate is dated on the training's completion (its end date here), in Indonesian.
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]
    return f"{months[day.month - 1]} {day.year}"


def test_pdf_has_the_fields_and_the_qr_url(world, settings):
    settings.SISNAKER_PUBLIC_URL = "https://sisnaker.example.go.id"
    cert = world.issue(0)
    from sisnaker.certification import pdf

    body = pdf.render_certificate_pdf(payload=cert.payload, key_id=cert.key_id)
    assert body.startswith(b"%PDF")
    text = _pdf_text(body)
    url = f"https://sisnaker.example.go.id/v/{cert.verification_id}/"
    assert f"/URI ({url})" in text  # the QR code's link
    assert url in text  # printed under the QR code
    for s in ("SERTIFIKAT KOMPETENSI", cert.number, world.enrollments[0].person.full_name, world.program.title,
              world.units[0].code, _month_year(world.program.end_date), "Kepala/Pengelola", f"{world.program.hours} JP"):
        assert s in text, s
    # The QR modules drawn are exactly segno's encoding of that URL.
    import segno

    qr = segno.make(url, error="m", micro=False)
    assert sum(map(sum, qr.matrix)) > 100


def test_pdf_with_many_units_continues_on_a_second_page(regions):
    from sisnaker.certification import pdf

    fields = {"title": "SERTIFIKAT KOMPETENSI", "number": "X/2026/000001", "verification_id": "abc",
              "person": {"name": "A"}, "program": {"title": "P", "hours": 10, "start_date": "2026-01-01", "end_date": "2026-02-01"},
              "units": [{"code": f"U.{i}", "title": "Judul unit kompetensi yang cukup panjang " * 3} for i in range(40)],
              "institution": {"name": "BLK", "registry_number": "X"}, "issued_on": "2026-02-02", "signatory": {}}
    body = pdf.render_certificate_pdf(payload=fields)
    assert len(re.findall(rb"/Type /Page[^s]", body)) >= 2
    assert "U.39" in _pdf_text(body)


# --- pages ----------------------------------------------------------------------------------------

def _login(client, user):
    client.force_login(user)
    return client


def test_issue_page_posts_redirects_and_lists_what_is_missing(client, regions):
    readiness_questionnaire()
    w = World(participants=2, ready=1)
    _login(client, w.manager)
    url = reverse("certification:issue", args=[w.enrollments[1].pk])
    assert client.get(url).status_code == 405
    r = client.post(url, {"next": "/sertifikasi/"}, follow=False)
    assert r.status_code == 302 and r["Location"] == "/sertifikasi/"
    r = client.post(url, {"next": "https://evil.example/"}, follow=True)
    msgs = [str(m) for m in r.context["messages"]]
    assert any("survei kesiapan kerja" in m and "ulasan" in m for m in msgs)
    r = client.post(reverse("certification:issue", args=[w.enrollments[0].pk]))
    cert = Certificate.objects.get(enrollment=w.enrollments[0])
    assert r.status_code == 302 and r["Location"] == reverse("certification:certificate", args=[cert.pk])


def test_certificate_pages_permissions(client, world):
    cert = world.issue(0)
    owner = User.objects.get(pk=world.people[0].user_id)
    other_citizen = User.objects.get(pk=world.people[1].user_id)
    urls = [reverse(n, args=[cert.pk]) for n in ("certification:certificate", "certification:pdf", "certification:json")]
    for user in (owner, world.manager, world.instructor, make_curator()):
        _login(client, user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
    for user in (other_citizen, ManagerFactory()):
        _login(client, user)
        for url in urls:
            r = client.get(url)
            assert r.status_code == 403 and b"Akses ditolak" in r.content
    client.logout()
    assert client.get(urls[1]).status_code == 302  # to the log-in page
    _login(client, owner)
    r = client.get(urls[1])
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert reverse("certification:certificate", args=[cert.pk]) in client.get(reverse("certification:mine")).content.decode()
    r = client.get(urls[0])
    assert b"Cabut sertifikat" not in r.content  # the citizen cannot revoke
    _login(client, world.manager)
    assert b"Cabut sertifikat" in client.get(urls[0]).content


def test_revoke_page(client, world):
    cert = world.issue(0)
    _login(client, world.manager)
    url = reverse("certification:revoke", args=[cert.pk])
    r = client.post(url, {"reason": ""}, follow=True)
    assert any("alasan" in str(m).lower() for m in r.context["messages"])
    assert Certificate.objects.get(pk=cert.pk).revoked_at is None
    client.post(url, {"reason": "Salah cetak nama"})
    assert Certificate.objects.get(pk=cert.pk).revoke_reason == "Salah cetak nama"
    _login(client, world.instructor)
    assert client.post(url, {"reason": "x"}).status_code == 302  # refused with a message, no change
    assert AuditEvent.objects.filter(action="certificate.revoked").count() == 1


def test_api_issue_and_revoke(client, regions):
    readiness_questionnaire()
    w = World(participants=2, ready=1)
    _login(client, w.manager)
    r = client.post(f"/api/v1/certification/enrollments/{w.enrollments[1].pk}/certificate")
    assert r.status_code == 409 and r.json()["code"] == "certificate_not_ready" and len(r.json()["missing"]) == 3
    r = client.post(f"/api/v1/certification/enrollments/{w.enrollments[0].pk}/certificate")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"].endswith("/2026/000001") or body["sequence"] == 1
    r = client.post(f"/api/v1/certification/certificates/{body['id']}/revoke", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = client.post(f"/api/v1/certification/certificates/{body['id']}/revoke", {"reason": "Duplikat"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["revoke_reason"] == "Duplikat"
    _login(client, User.objects.get(pk=w.people[1].user_id))
    assert client.get(f"/api/v1/certification/certificates/{body['id']}").status_code == 403
    client.logout()
    assert client.post(f"/api/v1/certification/enrollments/{w.enrollments[0].pk}/certificate").status_code == 401


# --- "Sertifikat Anda sudah terbit": queued with the issue itself --------------------------------------------

def _ready_messages(world, i=0):
    from sisnaker.certification.services.reminders import ready_topic
    from sisnaker.notifications.models import Notification

    return Notification.objects.filter(person=world.enrollments[i].person, topic=ready_topic(world.program))


def test_certificate_ready_is_queued_in_the_issue_transaction_not_after_it(world, settings, django_capture_on_commit_callbacks):
    """With the database task backend the announcement is a task row written in the issue's own transaction: a server
    killed right after the COMMIT, before any after-commit hook ran (here: none runs), still has it to send."""
    settings.TASKS = DB_TASKS
    with django_capture_on_commit_callbacks(execute=False):
        world.issue(0)
    [announcement] = queued("announce_certificates_ready")
    assert announcement.args_kwargs["kwargs"]["enrollment_ids"] == [world.enrollments[0].pk]
    assert not _ready_messages(world).exists()
    run_as_worker(announcement)
    assert _ready_messages(world).count() == 1
    assert AuditEvent.objects.get(action="certificate.ready_sent").actor_id == world.manager.pk


def test_a_certificate_revoked_before_its_announcement_ran_is_not_announced(world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DB_TASKS
    with django_capture_on_commit_callbacks(execute=False):
        cert = world.issue(0)
        world.issue(1)
        services.certificate_revoke(actor=make_curator(), certificate=cert, reason="Data peserta dipalsukan", now=NOW)
    for row in queued("announce_certificates_ready"):
        run_as_worker(row)
    assert not _ready_messages(world, 0).exists()
    assert _ready_messages(world, 1).count() == 1
