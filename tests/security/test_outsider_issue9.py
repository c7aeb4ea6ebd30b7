"""Issue 9's new pages attacked as an outsider would (a fresh citizen, the manager and the instructor of
another institution, an anonymous visitor, whoever holds a printed QR card), replayed at the service and
Django test-client level after a run against a production-mode demo server.

Tests marked ``xfail(strict=True)`` are findings: they fail today and the fix flips them. The others are
attacks that are refused correctly today and must stay refused."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sisnaker.accounts import services as account_services
from sisnaker.accounts.models import PasswordResetCode
from sisnaker.certification import services as cert_services
from sisnaker.certification.models import Assessment, PersonalLink, Review
from sisnaker.core.errors import PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.training import services as training_services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment, Program
from tests.conftest import make_nik
from tests.factories import (
    PASSWORD,
    EnrollmentFactory,
    InstitutionFactory,
    InstructorFactory,
    ManagerFactory,
    PersonFactory,
    course,
)
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

TOKEN_RE = re.compile(r"/l/([A-Za-z0-9_-]{22})/")
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _print_links(c) -> dict[int, str]:
    """New links for the course's participants, as the printed QR sheet gets them: enrollment id → token."""
    issued = cert_services.personal_links_print(actor=c.manager, program=c.program, base_url="http://testserver/")
    return {i.enrollment.pk: TOKEN_RE.search(i.url).group(1) for i in issued}


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def c(regions):
    return course(participants=2, units=2)


@pytest.fixture
def other(regions):
    """Staff of another approved institution."""
    inst = InstitutionFactory()
    return {"manager": ManagerFactory(institution=inst), "instructor": InstructorFactory(institution=inst)}


# --- personal links ------------------------------------------------------------------------------------

def test_link_forms_need_the_csrf_token(c):
    token = _print_links(c)[c.enrollments[0].pk]
    client = Client(enforce_csrf_checks=True)
    assert client.get(f"/l/{token}/").status_code == 302
    posted = client.post(reverse("links:review"), {"rating": "5", "text": "Pelatihan yang sangat bermanfaat sekali."})
    assert posted.status_code == 403
    assert not Review.objects.exists()


def test_opening_a_link_sends_no_referrer_and_nothing_is_cached(c):
    token = _print_links(c)[c.enrollments[0].pk]
    client = Client()
    opened = client.get(f"/l/{token}/")
    assert opened.status_code == 302 and token not in opened["Location"]
    assert opened["Referrer-Policy"] == "no-referrer"
    assert "no-store" in opened["Cache-Control"]
    page = client.get(opened["Location"])
    assert "no-store" in page["Cache-Control"] and token not in page.content.decode()


def test_the_link_session_opens_no_account_page_nor_the_api(c):
    token = _print_links(c)[c.enrollments[0].pk]
    client = Client()
    client.get(f"/l/{token}/")
    for url in ("/akun/saya/", "/akun/saya/unduh/", "/pelatihan/saya/", reverse("certification:mine"),
                reverse("certification:review", kwargs={"enrollment_id": c.enrollments[0].pk})):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/akun/masuk/"), url
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_a_tampered_session_cannot_point_the_link_at_another_enrollment(c):
    tokens = _print_links(c)
    first, second = c.enrollments
    client = Client()
    client.get(f"/l/{tokens[first.pk]}/")
    session = client.session
    held = session["sisnaker_personal_link"]
    session["sisnaker_personal_link"] = held | {"enrollment": second.pk, "person": second.person_id}
    session.save()
    answer = client.get(reverse("links:steps"))
    assert answer.status_code == 404
    assert second.person.full_name.split()[0] not in answer.content.decode()


def test_a_reprinted_sheet_kills_the_earlier_cards_even_in_an_open_session(c):
    old = _print_links(c)[c.enrollments[0].pk]
    client = Client()
    client.get(f"/l/{old}/")
    _print_links(c)
    assert client.get(reverse("links:steps")).status_code == 410
    assert Client().get(f"/l/{old}/").status_code == 410


def test_other_institutions_staff_cannot_send_print_or_revoke_links(c, other):
    _print_links(c)
    before = PersonalLink.objects.count()
    for user in other.values():
        client = _login(user)
        for url in (reverse("certification:board_remind", kwargs={"program_id": c.program.pk}),
                    reverse("certification:board_links_print", kwargs={"program_id": c.program.pk}),
                    reverse("certification:link_revoke", kwargs={"enrollment_id": c.enrollments[0].pk}),
                    reverse("certification:link_print_one", kwargs={"enrollment_id": c.enrollments[0].pk})):
            answer = client.post(url)
            assert answer.status_code == 403, (user.username, url)
            assert TOKEN_RE.search(answer.content.decode()) is None
        with pytest.raises(PermissionDenied):
            cert_services.personal_links_print(actor=user, program=c.program, base_url="http://testserver/")
    assert PersonalLink.objects.count() == before
    assert PersonalLink.objects.filter(revoked_at__isnull=True).count() == 2


def test_a_link_stops_when_the_person_says_not_me(c):
    person = PersonFactory()  # has an account; the institution enrolled them by import
    enrollment = EnrollmentFactory(program=c.program, person=person, state=E.PARTICIPANT, source=Enrollment.Source.IMPORT)
    token = _print_links(c)[enrollment.pk]
    training_services.enrollment_withdraw_self(actor=person.user, enrollment=enrollment, not_me=True)
    assert Enrollment.objects.get(pk=enrollment.pk).state == E.WITHDRAWN
    assert Client().get(f"/l/{token}/").status_code in (404, 410)


def test_claiming_the_record_revokes_links_sent_to_the_typed_phone(c, signup_data, sms):
    nik = make_nik(birth=dt.date(1998, 3, 4))
    person = PersonFactory(provisional=True, added_by_institution=c.inst, nik=nik, full_name="Fajar Nugraha",
                           birth_date=dt.date(1998, 3, 4), phone="+6281300000077")
    enrollment = EnrollmentFactory(program=c.program, person=person, state=E.PARTICIPANT, source=Enrollment.Source.IMPORT)
    token = _print_links(c)[enrollment.pk]
    claim = account_services.person_sign_up(data=signup_data(nik=nik, full_name="Fajar Nugraha", birth_date=dt.date(1998, 3, 4),
                                                             phone="081399990001"), today=dt.date.today())
    code = re.search(r"\b(\d{6})\b", committed()[-1][1]).group(1)
    outcome = account_services.signup_claim_verify(token=claim.token, code=code)
    assert outcome.person is not None and outcome.person.user_id is not None
    assert Client().get(f"/l/{token}/").status_code in (404, 410)


# --- assessment grid, template and import --------------------------------------------------------------

def test_other_institutions_staff_reach_no_grid_template_or_import(c, other):
    for user in other.values():
        client = _login(user)
        for name in ("assess", "assess_template", "assess_import"):
            assert client.get(reverse(f"certification:{name}", kwargs={"program_id": c.program.pk})).status_code == 403, name
        assert client.post(reverse("certification:assess_fill", kwargs={"program_id": c.program.pk}),
                           {"target": "all"}).status_code == 403
        with pytest.raises(PermissionDenied):
            cert_services.assessments_fill_competent(actor=user, program=c.program, today=dt.date.today())
        with pytest.raises(PermissionDenied):
            cert_services.assessments_import(actor=user, program=c.program, file_name="x.xlsx", data=b"PK\x03\x04")
    assert not Assessment.objects.exists()


def test_an_instructor_not_assigned_to_the_program_cannot_assess_it(regions):
    c = course(participants=1, units=1)
    assigned = InstructorFactory(institution=c.inst)
    c.program.instructors.set([assigned])
    with pytest.raises(PermissionDenied):
        cert_services.assessments_fill_competent(actor=c.instructor, program=c.program, today=dt.date.today())
    assert _login(c.instructor).get(reverse("certification:assess", kwargs={"program_id": c.program.pk})).status_code == 403
    cert_services.assessments_fill_competent(actor=assigned, program=c.program, today=dt.date.today())
    assert Assessment.objects.count() == 1


def _sheet(rows: list[list[str]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Penilaian")
    for r, row in enumerate(rows):
        for col, value in enumerate(row):
            sheet.write_string(r, col, value)
    book.close()
    return buffer.getvalue()


def test_the_import_cannot_reach_an_enrollment_of_another_program(c, regions):
    elsewhere = course(participants=1, units=0)
    foreign = elsewhere.enrollments[0]
    codes = [u.code for u in c.units]
    data = _sheet([["ID pendaftaran", "Nama", "NIK", *codes], [str(foreign.pk), foreign.person.full_name, "", "K", "K"]])
    report = cert_services.assessments_import(actor=c.manager, program=c.program, file_name="p.xlsx", data=data,
                                              today=dt.date.today())
    assert not report.ok and not Assessment.objects.exists()
    assert foreign.person.full_name not in " ".join(str(m) for r in report.rows for _, m in r.errors)


def test_a_zip_bomb_or_a_huge_sheet_is_refused_before_reading_cells(c):
    # One sheet whose XML claims XFD200000 and inflates to many MB from a few KB.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
        z.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:XFD200000"/><sheetData>'
                   + "<row/>" * 3_000_000 + "</sheetData></worksheet>")
    with pytest.raises(ValidationFailed):
        cert_services.assessments_import(actor=c.manager, program=c.program, file_name="bomb.xlsx", data=buffer.getvalue(),
                                         today=dt.date.today())


def test_the_template_writes_a_formula_like_name_as_text(regions):
    c = course(participants=1, units=1, names=['=HYPERLINK("http://evil.example","klik")'])
    client = _login(c.manager)
    answer = client.get(reverse("certification:assess_template", kwargs={"program_id": c.program.pk}))
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and re.search(r'<c r="B2"[^>]* t="s"', sheet)  # a shared string, never a formula
    assert "=HYPERLINK" in strings


# --- lifecycle steps and new batch -------------------------------------------------------------------

def test_other_institutions_manager_cannot_confirm_steps_or_copy_a_batch(c, other):
    client = _login(other["manager"])
    for action in ("start", "close", "cancel"):
        url = reverse("training:program_confirm", kwargs={"pk": c.program.pk, "action": action})
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "diserang"}).status_code == 403
    assert client.post(reverse("training:program_copy", kwargs={"pk": c.program.pk}), {
        "registration_opens": "2027-01-01", "registration_closes": "2027-01-20", "start_date": "2027-02-01",
        "end_date": "2027-03-01", "quota": "10"}).status_code == 403
    assert Program.objects.count() == 1 and Program.objects.get().status == P.RUNNING


def test_the_confirmation_refuses_an_unknown_action_and_a_foreign_next(c):
    client = _login(c.manager)
    assert client.get(reverse("training:program_confirm", kwargs={"pk": c.program.pk, "action": "delete"})).status_code == 404
    url = reverse("training:program_confirm", kwargs={"pk": c.program.pk, "action": "close"})
    answer = client.post(url, {"reason": "Ditutup lebih awal oleh penguji keamanan.", "next": "//evil.example/x"})
    assert answer.status_code == 302 and "evil.example" not in answer["Location"]


def test_a_manager_cannot_assign_another_institutions_instructor(c, other):
    with pytest.raises(ValidationFailed):
        training_services._instructors(c.program.institution_id, (other["instructor"].pk,))


# --- password reset --------------------------------------------------------------------------------------

def test_a_reset_code_works_once_and_an_older_code_stops(regions, sms):
    person = PersonFactory()
    first = account_services.password_reset_request(identifier=person.phone)
    first_code = re.search(r"\b(\d{6})\b", committed()[-1][1]).group(1)
    second = account_services.password_reset_request(identifier=person.phone)
    second_code = re.search(r"\b(\d{6})\b", committed()[-1][1]).group(1)
    with pytest.raises(SisnakerError):
        account_services.password_reset_with_code(token=first.token, code=first_code, password="Sandi-Baru-Kuat-2026")
    account_services.password_reset_with_code(token=second.token, code=second_code, password="Sandi-Baru-Kuat-2026")
    with pytest.raises(SisnakerError):
        account_services.password_reset_with_code(token=second.token, code=second_code, password="Sandi-Lain-Kuat-2027")


def test_reset_answers_the_same_for_known_and_unknown_identifiers(regions, sms):
    person = PersonFactory()
    known = Client().post(reverse("accounts:password_reset"), {"identifier": person.phone})
    unknown = Client().post(reverse("accounts:password_reset"), {"identifier": "+6289999999999"})
    assert known.status_code == unknown.status_code == 302
    assert PasswordResetCode.objects.filter(user__isnull=True).count() == 1
    for answer in (known, unknown):
        page = Client().get(answer["Location"]).content.decode()
        assert person.phone[-4:] not in page


def test_reset_codes_cannot_be_brute_forced(regions, sms):
    person = PersonFactory()
    reset = account_services.password_reset_request(identifier=person.phone)
    code = re.search(r"\b(\d{6})\b", committed()[-1][1]).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(account_services.RESET_MAX_ATTEMPTS):
        with pytest.raises(SisnakerError):
            account_services.password_reset_with_code(token=reset.token, code=wrong, password="Sandi-Baru-Kuat-2026")
    with pytest.raises(SisnakerError):  # locked: even the right code no longer works
        account_services.password_reset_with_code(token=reset.token, code=code, password="Sandi-Baru-Kuat-2026")


# --- what people see ------------------------------------------------------------------------------------

def test_home_counts_and_sertifikat_saya_stay_inside_ones_own_scope(c, other):
    home = _login(other["manager"]).get("/").content.decode()
    assert c.program.title not in home
    home = _login(other["instructor"]).get("/").content.decode()
    assert c.program.title not in home
    stranger = PersonFactory()
    page = _login(stranger.user).get(reverse("certification:mine")).content.decode()
    assert c.people[0].full_name not in page


# --- operations ------------------------------------------------------------------------------------------

def test_operations_tells_to_keep_personal_link_tokens_out_of_access_logs():
    text = (DOCS / "operations.md").read_text()
    section = text[text.index("**Access logs"):].split("\n\n", 1)[0]
    assert "/l/" in section


def test_access_logs_never_write_a_personal_link_token(caplog):
    import logging

    token = "bVgSSy1KzfP38uDmFThhRA"
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info('"%s" %s %s', f"GET /l/{token}/ HTTP/1.1", "302", "0")
        logging.getLogger("django.server").info('"%s" %s %s', "GET /l/langkah/ HTTP/1.1", "200", "10")
    assert token not in caplog.text
    assert "/l/-/" in caplog.text and "/l/langkah/" in caplog.text
