"""The readiness board: the matrix and its counts, filters and search, reminders (who, what, once a day,
nothing on rollback), the manager's overview with a bounded number of queries, and permissions.

``build`` (a running program with participants at every stage of readiness, from tests/factories.py) and
the thin helpers at the top are reused by test_tasks.py, tests/institutions and the browser journey."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.certification import selectors as cert_selectors
from sisnaker.certification import services as cert_services
from sisnaker.certification.models import Assessment, Certificate, Review
from sisnaker.core.models import AuditEvent
from sisnaker.notifications.models import Notification
from sisnaker.surveys.models import Questionnaire, Response
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program
from tests.factories import (
    CompetencyUnitFactory,
    EnrollmentFactory,
    InstitutionFactory,
    InstructorFactory,
    ManagerFactory,
    PersonFactory,
    ProgramFactory,
    enrollments_in,
)

pytestmark = pytest.mark.django_db


# --- data (tests/factories.py; these thin helpers are shared with test_tasks.py and the browser journey) ------

@dataclass
class Setup:
    institution: object
    manager: User
    instructor: User
    program: Program
    units: list[CompetencyUnit]
    enrollments: dict[str, Enrollment]  # by first name


def units_for(prefix: str = "UJI") -> list[CompetencyUnit]:
    return [CompetencyUnitFactory(code=f"{prefix}.{i}", title=f"Unit uji {i}") for i in (1, 2)]


def today():
    return timezone.localdate()


def running_program(institution, *, units, title="Pemrograman Web Dasar", status=P.RUNNING, **overrides) -> Program:
    """A program of ``institution`` (running unless ``status`` says otherwise) "closing soon": a running one has
    its last training day today (so its certificates may be issued: never before the training's completion), any
    other ends in 25 days."""
    overrides.setdefault("end_date", today() if status == P.RUNNING else today() + dt.timedelta(days=25))
    overrides.setdefault("quota", 40)
    return ProgramFactory(institution=institution, title=title, status=status, today=today(), units=units, **overrides)


def enroll(program, person, *, late: bool = False) -> Enrollment:
    """``person`` recorded by the manager as a participant (``late``: a replacement after the start)."""
    return EnrollmentFactory(program=program, person=person, state=E.PARTICIPANT, source=Enrollment.Source.MANAGER,
                             late=late, late_reason="Peserta pengganti" if late else "")


def assess(enrollment, units, instructor, result="competent"):
    for u in units:
        Assessment.objects.create(enrollment=enrollment, unit=u, result=result, assessed_by=instructor, assessed_at=timezone.now())


def review(enrollment):
    Review.objects.create(enrollment=enrollment, rating=5, text="Materinya jelas dan praktis.", created_at=timezone.now())


def survey(enrollment):
    q = Questionnaire.objects.get(code="kesiapan-kerja")
    Response.objects.create(version=q.versions.get(is_current=True), questionnaire=q, person=enrollment.person,
                            enrollment=enrollment, submitted_at=timezone.now())


def build() -> Setup:
    """A running program whose participants were recorded before it started. Ani: all three steps
    (eligible). Budi: assessed only. Citra: assessed and reviewed. Dedi: reviewed and surveyed, not assessed
    yet. Eko: assessed on one unit only, nothing else, and no e-mail."""
    inst = InstitutionFactory()
    manager = ManagerFactory(institution=inst)
    instructor = InstructorFactory(institution=inst)
    units = units_for()
    program = running_program(inst, units=units)
    people = {
        "Ani": PersonFactory(full_name="Ani Lengkap", email="ani@contoh.id"),
        "Budi": PersonFactory(full_name="Budi Santoso", email="budi@contoh.id"),
        "Citra": PersonFactory(full_name="Citra Kirana", email="citra@contoh.id"),
        "Dedi": PersonFactory(full_name="Dedi Menunggu", email="dedi@contoh.id"),
        "Eko": PersonFactory(full_name="Eko Prasetyo", email=""),
    }
    enrollments = dict(zip(people, enrollments_in(program, people=list(people.values()), source=Enrollment.Source.MANAGER)))
    e = enrollments
    assess(e["Ani"], units, instructor)
    review(e["Ani"])
    survey(e["Ani"])
    assess(e["Budi"], units, instructor)
    assess(e["Citra"], units, instructor)
    review(e["Citra"])
    review(e["Dedi"])
    survey(e["Dedi"])
    assess(e["Eko"], units[:1], instructor)
    return Setup(institution=inst, manager=manager, instructor=instructor, program=program, units=units, enrollments=enrollments)


@pytest.fixture
def setup(regions):
    return build()


def login(client, user: User):
    client.force_login(user)
    return client


def board_url(program, **query) -> str:
    url = reverse("certification:board", kwargs={"program_id": program.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def row_html(html: str, enrollment) -> str:
    match = re.search(rf'<tr id="e{enrollment.pk}".*?</tr>', html, re.S)
    assert match, f"row of enrollment {enrollment.pk} not on the page"
    return match.group(0)


def cells(row: str) -> dict[str, bool]:
    return {step: done == "1" for step, done in re.findall(r'data-step="(\w+)" data-done="([01])"', row)}


# --- the matrix -----------------------------------------------------------------------------------------

def test_board_shows_who_blocks_what_with_text_not_just_colour(client, setup):
    html = login(client, setup.manager).get(board_url(setup.program)).content.decode()
    e = setup.enrollments
    assert cells(row_html(html, e["Ani"])) == {"assessed": True, "reviewed": True, "survey": True, "certificate": False}
    assert 'data-status="eligible"' in row_html(html, e["Ani"]) and "siap diterbitkan" in row_html(html, e["Ani"])
    assert cells(row_html(html, e["Budi"])) == {"assessed": True, "reviewed": False, "survey": False, "certificate": False}
    assert cells(row_html(html, e["Citra"])) == {"assessed": True, "reviewed": True, "survey": False, "certificate": False}
    assert cells(row_html(html, e["Dedi"])) == {"assessed": False, "reviewed": True, "survey": True, "certificate": False}
    # One unit of two assessed is not "assessed competent".
    assert cells(row_html(html, e["Eko"]))["assessed"] is False
    # Each cell says it in words for screen readers, and the missing steps are listed.
    budi = row_html(html, e["Budi"])
    assert "Ulasan pelatihan: belum" in budi and "Dinilai kompeten: sudah" in budi
    assert "belum mengisi survei kesiapan kerja" in budi and "✘" in budi and "✔" in budi
    # Counts per step: assessed Ani, Budi, Citra (3); reviewed Ani, Citra, Dedi (3); survey Ani, Dedi (2).
    assert 'data-count="assessed-done">3<' in html and 'data-count="assessed-missing">2<' in html
    assert 'data-count="reviewed-done">3<' in html and 'data-count="survey-done">2<' in html
    assert 'data-count="certificate-done">0<' in html and 'data-count="eligible">1<' in html
    assert 'data-count="blocking">4<' in html
    assert "Kirim tautan pribadi" in html and "Cetak kode QR" in html and "Terbitkan semua yang memenuhi syarat" in html


def test_board_reads_are_bounded(client, setup, django_assert_max_num_queries):
    client = login(client, setup.manager)
    client.get(board_url(setup.program))
    with django_assert_max_num_queries(9) as few:  # session, user, grants, program, counts, rows (3), links
        client.get(board_url(setup.program))
    for i in range(6):
        enroll(setup.program, PersonFactory(full_name=f"Tambahan {i}"), late=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(board_url(setup.program)).status_code == 200


def test_blocking_only_filter_and_search_by_name(client, setup):
    client = login(client, setup.manager)
    e = setup.enrollments
    html = client.get(board_url(setup.program, blocking="1")).content.decode()
    assert f'id="e{e["Ani"].pk}"' not in html
    assert all(f'id="e{e[n].pk}"' in html for n in ("Budi", "Citra", "Dedi", "Eko"))
    assert "4 peserta ditampilkan dari 5" in html
    html = client.get(board_url(setup.program, q="santoso")).content.decode()
    assert f'id="e{e["Budi"].pk}"' in html and f'id="e{e["Ani"].pk}"' not in html
    html = client.get(board_url(setup.program, q="ani", blocking="1")).content.decode()
    assert "Tidak ada peserta yang cocok" in html
    # htmx asks for the matrix only.
    partial = client.get(board_url(setup.program, q="citra"), headers={"HX-Request": "true", "HX-Target": "board"})
    body = partial.content.decode()
    assert body.startswith('<div id="board">') and "<html" not in body and f'id="e{e["Citra"].pk}"' in body


# --- reminders ------------------------------------------------------------------------------------------

def test_reminders_go_to_those_missing_their_own_steps_listing_exactly_those(client, setup, django_capture_on_commit_callbacks):
    """Issue 9 §1: the reminder carries a personal link (no account needed), not the log-in pages."""
    client = login(client, setup.manager)
    e = setup.enrollments
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certification:board_remind", kwargs={"program_id": setup.program.pk}), follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tautan pribadi terkirim ke 3 peserta." in text and "1 hanya menunggu penilaian instruktur." in text
    by_to = {m.to[0]: m for m in mail.outbox}
    # Ani (complete) and Dedi (waits for the instructor only) get nothing; Eko has no e-mail: SMS only.
    assert set(by_to) == {"budi@contoh.id", "citra@contoh.id"}
    budi = by_to["budi@contoh.id"].body
    assert budi.startswith("Sisnaker: Budi,") and "ulasan & survei" in budi
    assert re.search(r"http://testserver/l/[A-Za-z0-9_-]{22}/", budi)
    assert "/sertifikasi/ulasan/" not in budi and "Masuk ke Sisnaker" not in budi and "akun" not in budi
    citra = by_to["citra@contoh.id"].body
    assert "isi survei" in citra and "ulasan" not in citra.lower()
    eko = Notification.objects.get(person=e["Eko"].person)
    assert eko.channel == "sms" and eko.status == "sent" and "ulasan & survei" in eko.body
    assert Notification.objects.filter(status="sent").count() == 5  # e-mail + SMS for Budi and Citra, SMS for Eko
    assert not Notification.objects.filter(person__in=[e["Ani"].person, e["Dedi"].person]).exists()
    event = AuditEvent.objects.get(action="certificate.reminders_sent")
    assert sorted(event.after["reminded"]) == sorted([e["Budi"].pk, e["Citra"].pk, e["Eko"].pk])


def test_reminders_once_a_day(client, setup, django_capture_on_commit_callbacks):
    client = login(client, setup.manager)
    url = reverse("certification:board_remind", kwargs={"program_id": setup.program.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        text = client.post(url, follow=True).content.decode()
    assert "Tautan pribadi terkirim ke 0 peserta." in text and "3 sudah dikirimi hari ini." in text
    assert len(mail.outbox) == sent
    assert Notification.objects.count() == 5


def test_reminders_are_sent_after_commit_and_never_inside_another_transaction(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = cert_services.send_reminders(actor=setup.manager, program=setup.program, base_url="http://x")
        assert len(report.reminded) == 3
    assert callbacks and mail.outbox == []  # queued for after the commit, nothing sent yet
    # A top-level service opens its own (durable) transaction: it refuses to run inside another one, so
    # no surrounding change can roll back reminders that were already sent.
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        cert_services.send_reminders(actor=setup.manager, program=setup.program, base_url="http://x")


def test_link_message_fits_an_sms(setup):
    expires = timezone.now() + dt.timedelta(days=30)
    url = "https://sisnaker.kemnaker.go.id/l/" + "A" * 22 + "/"
    subject, body = cert_services.link_message(purpose="reminder", name="Budi Santoso", program=setup.program, todo=["survey"],
                                               url=url, expires_at=expires)
    assert subject.startswith("Pengingat sertifikat: ")
    assert url in body and "survei" in body and "ulasan" not in body and "Santoso" not in body
    assert len(body) <= 160, len(body)
    subject, body = cert_services.link_message(purpose="certificate_ready", name="Budi Santoso", program=setup.program, todo=[],
                                               url=url, expires_at=expires)
    assert subject.startswith("Sertifikat Anda sudah terbit") and "sudah terbit" in body and url in body
    assert len(body) <= 160, len(body)
    # The worst case: a long first name, a long title, both steps. Plain ASCII (GSM 7-bit), one SMS.
    setup.program.title = "Operator Alat Berat Excavator dan Bulldozer Tingkat Lanjut"
    for purpose, todo in (("reminder", ["reviewed", "survey"]), ("certificate_ready", [])):
        _, body = cert_services.link_message(purpose=purpose, name="Muhammadiyahrizal Putra", program=setup.program, todo=todo,
                                             url=url, expires_at=expires)
        assert len(body) <= 160 and body.isascii(), (len(body), body)


# --- permissions ----------------------------------------------------------------------------------------

def test_instructor_views_the_board_but_cannot_remind_or_issue(client, setup):
    client = login(client, setup.instructor)
    response = client.get(board_url(setup.program))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kirim tautan pribadi" not in html and "Cetak kode QR" not in html and "Terbitkan semua" not in html
    assert ">Terbitkan<" not in html
    for name in ("certification:board_remind", "certification:board_issue_all", "certification:board_links_print"):
        refused = client.post(reverse(name, kwargs={"program_id": setup.program.pk}))
        assert refused.status_code == 403 and "Akses ditolak" in refused.content.decode()
    assert not Notification.objects.exists()


def test_others_are_refused_with_a_page_not_an_error(client, setup, citizen):
    other_manager = ManagerFactory()
    url = board_url(setup.program)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (other_manager, User.objects.get(pk=citizen.user_id)):
        client.logout()
        login(client, user)
        assert client.get(url).status_code == 403
        assert client.post(reverse("certification:board_remind", kwargs={"program_id": setup.program.pk})).status_code == 403
        assert client.post(reverse("certification:board_issue_all", kwargs={"program_id": setup.program.pk})).status_code == 403
        assert client.post(reverse("certification:board_links_print", kwargs={"program_id": setup.program.pk})).status_code == 403
    assert client.get(reverse("certification:board", kwargs={"program_id": 999999})).status_code == 404
    assert client.get(reverse("certification:board_remind", kwargs={"program_id": setup.program.pk})).status_code == 405
    # The overview is for institution staf
    assert client.get(reverse("certification:overview")).status_code == 403


# --- the manager's overview ------------------------------------------------------------------------------

def test_overview_counts_per_program(client, setup):
    html = login(client, setup.manager).get(reverse("certification:overview")).content.decode()
    row = re.search(rf'<tr id="p{setup.program.pk}">.*?</tr>', html, re.S).group(0)
    values = dict(re.findall(r'data-col="(\w+)">(?:<strong>)?(\d+)', row))
    assert values == {"participants": "5", "not_assessed": "2", "not_reviewed": "2", "no_survey": "3", "blocking": "4",
                      "eligible": "1", "issued": "0"}
    # Agrees with the board's own reads.
    b = cert_selectors.board(program=setup.program)
    assert b.eligible == 1 and b.blocking == 4


def test_overview_lists_closing_soon_and_overdue_only(setup):
    inst, manager = setup.institution, setup.manager
    units = setup.units
    far = running_program(inst, units=units, title="Program Jauh", end_date=today() + dt.timedelta(days=90))
    enroll(far, PersonFactory())
    empty = running_program(inst, units=units, title="Program Tanpa Peserta", end_date=today() + dt.timedelta(days=25))
    draft_like = running_program(inst, units=units, title="Masih dibuka", status=P.PUBLISHED)  # published: not listed
    rows = cert_selectors.overview(user=User.objects.get(pk=manager.pk), today=today() + dt.timedelta(days=20))
    titles = [r.program.title for r in rows]
    assert setup.program.title in titles and empty.title in titles
    assert "Program Jauh" not in titles and draft_like.title not in titles
    assert far.status == P.RUNNING
    # Long after its end, a program still appears while someone lacks a certificate (not an empty one).
    rows = cert_selectors.overview(user=User.objects.get(pk=manager.pk), today=today() + dt.timedelta(days=200))
    assert {r.program.title for r in rows} == {setup.program.title, "Program Jauh"}


def test_a_program_closed_early_is_listed_by_the_day_it_closed(setup):
    """Closed today, weeks before its planned end: it ended today (it showed "in 90 days", and past 30 days not at all
    while its alumni waited for their certificates)."""
    inst, manager = setup.institution, setup.manager
    early = running_program(inst, units=setup.units, title="Ditutup Lebih Awal", end_date=today() + dt.timedelta(days=90))
    enroll(early, PersonFactory())
    Program.objects.filter(pk=early.pk).update(status=P.CLOSED, closed_on=today())
    Enrollment.objects.filter(program=early).update(state=E.GRADUATED)
    rows = {r.program.title: r for r in cert_selectors.overview(user=User.objects.get(pk=manager.pk), today=today())}
    assert "Ditutup Lebih Awal" in rows and rows["Ditutup Lebih Awal"].ended_on == today()
    assert rows["Ditutup Lebih Awal"].closing_in == 0


def test_overview_is_one_aggregate_query_whatever_the_number_of_programs(client, setup, django_assert_max_num_queries):
    client = login(client, setup.manager)
    client.get(reverse("certification:overview"))
    with django_assert_max_num_queries(5) as one_program:  # session, user, grants, the programs, ONE aggregate
        client.get(reverse("certification:overview"))
    for i in range(4):
        program = running_program(setup.institution, units=setup.units, title=f"Program tambahan {i}")
        for _ in range(2):
            enroll(program, PersonFactory())
    with django_assert_max_num_queries(len(one_program.captured_queries)) as five_programs:
        response = client.get(reverse("certification:overview"))
    assert response.content.decode().count('<tr id="p') == 5
    aggregates = [q["sql"] for q in five_programs.captured_queries if q["sql"].startswith('SELECT "training_enrollment"."program_id"')]
    assert len(aggregates) == 1 and "GROUP BY" in aggregates[0]


def test_per_row_issue_returns_to_the_board(client, setup):
    client = login(client, setup.manager)
    ani = setup.enrollments["Ani"]
    html = client.get(board_url(setup.program)).content.decode()
    issue_url = reverse("certification:issue", kwargs={"enrollment_id": ani.pk})
    row = row_html(html, ani)
    assert f'action="{issue_url}"' in row and 'name="next"' in row
    # Only the eligible row has the button.
    assert issue_url.replace(str(ani.pk), str(setup.enrollments["Budi"].pk)) not in html
    response = client.post(issue_url, {"next": board_url(setup.program)}, follow=True)
    assert response.redirect_chain[-1][0] == board_url(setup.program)
    row = row_html(response.content.decode(), ani)
    assert 'data-status="certified"' in row and 'data-done="0"' not in row
    certificate = Certificate.objects.get(enrollment=ani)
    # The manager opens the certificate's page from the row (details, PDF, revoke, verification count).
    assert certificate.number in row and reverse("certification:certificate", args=[certificate.pk]) in row


# --- a big class: links sent by the worker, no printed sheet of thousands ----------------------------

def test_a_big_class_is_sent_its_links_by_the_worker(client, setup, monkeypatch, django_capture_on_commit_callbacks):
    """96,000 participants' links took 70 s inside the request: past a threshold the worker sends them, same rules."""
    from sisnaker.certification.services import reminders

    monkeypatch.setattr(reminders, "LINKS_INLINE_MAX", 2)
    client = login(client, setup.manager)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        text = client.post(reverse("certification:board_remind", kwargs={"program_id": setup.program.pk}), follow=True).content.decode()
    assert "sedang dikirim di latar" in text and not Notification.objects.exists()
    assert AuditEvent.objects.filter(action="certificate.reminders_queued", object_id=str(setup.program.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:  # the worker
            callback()
    assert {m.to[0] for m in mail.outbox} == {"budi@contoh.id", "citra@contoh.id"}  # as when sent at once
    sent = AuditEvent.objects.get(action="certificate.reminders_sent", object_id=str(setup.program.pk))
    assert sent.actor_id == setup.manager.pk and len(sent.after["reminded"]) + len(sent.after["results"]) == 3


def test_a_printed_sheet_is_for_a_class_not_thousands(client, setup, monkeypatch):
    from sisnaker.certification.models import PersonalLink
    from sisnaker.certification.services import links

    monkeypatch.setattr(links, "PRINT_MAX", 2)
    client = login(client, setup.manager)
    response = client.post(reverse("certification:board_links_print", kwargs={"program_id": setup.program.pk}), follow=True)
    assert response.status_code == 200 and "terlalu banyak untuk satu lembar cetak" in response.content.decode()
    assert not PersonalLink.objects.exists()
