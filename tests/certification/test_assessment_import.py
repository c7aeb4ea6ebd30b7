"""The assessment grid as a spreadsheet: the template (participants × units with the results so far, an
instructions sheet), the cell syntax (K, BK, K/85; Hypothesis), and the import of a filled-in template —
all or nothing with a report per row, set-based writes, the guards of training's reader, the pages."""

from __future__ import annotations

import io

import pytest
import python_calamine
import xlsxwriter
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.certification import assessment_sheet as sheet
from sisnaker.certification import services
from sisnaker.certification.models import Assessment
from sisnaker.core.errors import NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from tests.training.test_services import make_institution, make_staff

from .test_assessment import BK, K, certify, close, make_course, refreshed

K_, BK_ = "competent", "not_yet_competent"


def xlsx(rows: list[list]) -> bytes:
    """A real workbook written by XlsxWriter, as a spreadsheet program would save it."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("Penilaian")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.close()
    return buffer.getvalue()


def header(course) -> list:
    return ["ID pendaftaran", "Nama", "NIK"] + [u.code for u in course.units]


def person_row(e, *cells) -> list:
    return [e.pk, e.person.full_name, "3273********0001", *cells]


def do_import(course, rows, actor=None, **kw):
    return services.assessments_import(actor=actor or course.instructor, program=course.program, file_name="nilai.xlsx",
                                       data=xlsx(rows), **kw)


def results(course) -> dict:
    return {(a.enrollment_id, a.unit_id): (a.result, a.score) for a in Assessment.objects.filter(enrollment__program=course.program)}


# --- the cell syntax (pure) -------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("K", (K_, None)), ("bk", (BK_, None)), (" K / 85 ", (K_, 85)), ("BK/0", (BK_, 0)), ("k/100", (K_, 100)),
    ("Kompeten", (K_, None)), ("Belum kompeten/40", (BK_, 40)), ("not yet competent", (BK_, None)),
    ("", None), ("   ", None), (None, None),
])
def test_cells_that_are_understood(value, expected):
    assert sheet.parse_result_cell(value) == expected


@pytest.mark.parametrize("value", ["KB", "K/101", "K/-1", "K/8.5", "K/", "BK/40/2", "L", 85, 85.0, True, "K" * 50, "K/٣"])
def test_cells_that_are_refused_say_how_to_fix_them(value):
    with pytest.raises(ValidationFailed) as exc:
        sheet.parse_result_cell(value)
    assert exc.value.code in ("assessment_import_cell", "assessment_score")
    assert "K/85" in exc.value.message.id and "K/85" in exc.value.message.en


@given(st.one_of(st.none(), st.text(max_size=60), st.integers(), st.floats(allow_nan=True), st.booleans()))
def test_the_cell_parser_never_fails_otherwise(value):
    try:
        parsed = sheet.parse_result_cell(value)
    except ValidationFailed:
        return
    if parsed is not None:
        result, score = parsed
        assert result in (K_, BK_) and (score is None or 0 <= score <= 100)


@given(st.sampled_from([K_, BK_]), st.one_of(st.none(), st.integers(0, 100)))
def test_what_the_template_writes_reads_back(result, score):
    assert sheet.parse_result_cell(sheet.cell_text(result, score)) == (result, score)


@given(st.one_of(st.integers(), st.text(max_size=25), st.floats()))
def test_enrollment_ids_are_positive_ints_or_none(value):
    got = sheet.parse_enrollment_id(value)
    assert got is None or (isinstance(got, int) and 0 < got < 2**63)


# --- the template ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_template_lists_participants_units_and_results_with_instructions(signup_data, client):
    course = make_course(signup_data, participants=2, units=2)
    (e1, _e2), (u1, _u2) = course.enrollments, course.units
    services.assessment_record(actor=course.instructor, enrollment=e1, unit=u1, result=BK, score=40)
    client.force_login(course.instructor)
    response = client.get(reverse("certification:assess_template", args=(course.program.pk,)))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["Penilaian", "Petunjuk"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == header(course)
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id[str(e1.pk)][1] == e1.person.full_name and by_id[str(e1.pk)][3:] == ["BK/40", ""]
    assert "*" in by_id[str(e1.pk)][2] and e1.person.nik not in str(rows)  # masked NIK only
    help_text = " ".join(str(c) for r in book.get_sheet_by_index(1).to_python() for c in r)
    assert "K/85" in help_text and u1.code in help_text and "Sel kosong tidak mengubah" in help_text
    # The template as downloaded imports as "no change".
    report = services.assessments_import(actor=course.instructor, program=course.program, file_name="t.xlsx", data=response.content)
    assert report.ok and report.saved == 0 and {r.status for r in report.rows} == {"unchanged"}


# --- the import -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_good_file_saves_every_change_in_one_go(signup_data):
    course = make_course(signup_data, participants=3, units=2)
    (e1, e2, e3), (u1, u2) = course.enrollments, course.units
    services.assessment_record(actor=course.instructor, enrollment=e1, unit=u1, result=K, note="rapi")
    before = AuditEvent.objects.filter(action="assessment.recorded").count()
    report = do_import(course, [
        ["Penilaian kompetensi"],  # a title line above the header is fine
        header(course),
        person_row(e1, "K", "bk/40"),
        person_row(e2, "K/90", "K"),
        person_row(e3, "", None),  # empty: no change
    ])
    assert report.ok and report.saved == 3
    assert [r.status for r in report.rows] == ["saved", "saved", "unchanged"] and report.rows[0].changes == 1
    assert results(course) == {(e1.pk, u1.pk): (K_, None), (e1.pk, u2.pk): (BK_, 40), (e2.pk, u1.pk): (K_, 90), (e2.pk, u2.pk): (K_, None)}
    assert Assessment.objects.get(enrollment=e1, unit=u1).note == "rapi"
    assert AuditEvent.objects.filter(action="assessment.recorded").count() == before + 3
    assert refreshed(e2).result == "passed" and refreshed(e1).result == "failed"


@pytest.mark.django_db
def test_a_bad_file_saves_nothing_and_reports_every_row(signup_data):
    course = make_course(signup_data, participants=3, units=2)
    (e1, e2, e3), (u1, u2) = course.enrollments, course.units
    other = make_course(signup_data, participants=1, units=1)
    report = do_import(course, [
        header(course),
        person_row(e1, "K", "K"),                          # fine, but not saved
        person_row(e2, "KB", "K/150"),                     # two bad cells
        [e3.pk, "Orang Lain", "", "K", "K"],               # ID and name do not match
        person_row(other.enrollments[0], "K", "K"),        # not in this program
        ["abc", "Tanpa ID", "", "K", ""],                  # no ID
        person_row(e1, "BK", ""),                          # the same participant twice
    ])
    assert not report.ok and report.saved == 0 and not Assessment.objects.exists()
    status = [r.status for r in report.rows]
    assert status == ["valid", "error", "error", "error", "error", "error"]
    assert [col for col, _ in report.rows[1].errors] == [u1.code, u2.code]
    assert "Orang Lain" not in str(report.rows[2].errors[0][1]) and e3.person.full_name in str(report.rows[2].errors[0][1])
    assert report.rows[3].errors[0][0] == "ID pendaftaran"
    assert "baris 2" in report.rows[5].errors[0][1].id


@pytest.mark.django_db
def test_certified_participants_cannot_change_through_a_file(signup_data):
    course = make_course(signup_data, participants=2, units=1)
    (e1, e2), (u1,) = course.enrollments, course.units
    services.assessment_record(actor=course.instructor, enrollment=e1, unit=u1, result=K)
    close(course)
    certify(refreshed(e1), course.manager)
    report = do_import(course, [header(course), person_row(e1, "BK"), person_row(e2, "K")])
    assert not report.ok and report.rows[0].status == "error" and "Sertifikat" in report.rows[0].errors[0][1].id
    assert results(course) == {(e1.pk, u1.pk): (K_, None)}
    report = do_import(course, [header(course), person_row(e1, "K"), person_row(e2, "K")])  # unchanged cell: fine
    assert report.ok and report.saved == 1 and refreshed(e2).state == "graduated"


@pytest.mark.django_db
def test_file_level_refusals(signup_data):
    course = make_course(signup_data, participants=1, units=1)
    e = course.enrollments[0]
    cases = [
        (xlsx([["Nama", "X"], ["a", "b"]]), "assessment_import_header"),
        (xlsx([header(course) + ["J.TIDAK.ADA"], person_row(e, "K", "K")]), "assessment_import_columns"),
        (xlsx([header(course)]), "assessment_import_empty"),
        (b"", "import_file_empty"),
        (b"PK\x03\x04 not really a zip", "import_file_corrupt"),
    ]
    for data, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.assessments_import(actor=course.instructor, program=course.program, file_name="x.xlsx", data=data)
        assert exc.value.code == code, (code, exc.value.code)
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_only_those_who_assess_may_import(signup_data):
    inst = make_institution()
    teacher = make_staff(None, Role.INSTRUCTOR, inst)
    course = make_course(signup_data, participants=1, units=1, inst=inst, instructors=[teacher])
    rows = [header(course), person_row(course.enrollments[0], "K")]
    with pytest.raises(PermissionDenied):
        do_import(course, rows, actor=course.instructor)  # of the institution, not assigned
    assert do_import(course, rows, actor=teacher).saved == 1


@pytest.mark.django_db
def test_the_import_is_set_based(signup_data):
    def queries(n: int) -> int:
        course = make_course(signup_data, participants=n, units=3)
        rows = [header(course)] + [person_row(e, "K", "BK/50", "K/70") for e in course.enrollments]
        data = xlsx(rows)
        with CaptureQueriesContext(connection) as ctx:
            assert services.assessments_import(actor=course.instructor, program=course.program, file_name="x.xlsx", data=data).saved == 3 * n
        return len(ctx.captured_queries)

    assert queries(2) == queries(9)


# --- pages ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_import_pages(client, signup_data):
    course = make_course(signup_data, participants=2, units=1)
    (e1, e2), (u1,) = course.enrollments, course.units
    url = reverse("certification:assess_import", args=(course.program.pk,))
    assert client.get(url).status_code == 302
    client.force_login(course.instructor)
    html = client.get(reverse("certification:assess", args=(course.program.pk,))).content.decode()
    assert url in html and reverse("certification:assess_template", args=(course.program.pk,)) in html
    html = client.get(url).content.decode()
    assert "K/85" in html and 'enctype="multipart/form-data"' in html

    bad = io.BytesIO(xlsx([header(course), person_row(e1, "X"), person_row(e2, "K")]))
    bad.name = "nilai.xlsx"
    response = client.post(url, {"file": bad})
    html = response.content.decode()
    assert response.status_code == 400 and "Tidak ada yang disimpan" in html and "salah" in html and "K/85" in html
    assert not Assessment.objects.exists()

    good = io.BytesIO(xlsx([header(course), person_row(e1, "BK/30"), person_row(e2, "K")]))
    good.name = "nilai.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 200 and "2 nilai disimpan" in response.content.decode()
    assert results(course) == {(e1.pk, u1.pk): (BK_, 30), (e2.pk, u1.pk): (K_, None)}

    junk = io.BytesIO(b"\x00\x01binary")
    junk.name = "nilai.csv"
    response = client.post(url, {"file": junk})
    assert response.status_code == 400 and "bukan CSV atau Excel" in response.content.decode()


@pytest.mark.django_db
def test_an_upload_needs_a_log_in_before_the_body_is_read(client, signup_data):
    course = make_course(signup_data, participants=0, units=1)
    url = reverse("certification:assess_import", args=(course.program.pk,))
    f = io.BytesIO(b"x")
    f.name = "a.xlsx"
    response = client.post(url, {"file": f})
    assert response.status_code == 302 and "/akun/" in response["Location"]
    from sisnaker.core.uploads import upload_for
    assert upload_for(url) is not None


# --- the refused file back, with its reasons (as the enrolment import's error file) ---------------------

def _upload(content: bytes, name: str = "nilai.xlsx") -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


@pytest.mark.django_db
def test_a_refused_import_offers_the_file_back_with_reasons_which_imports_once_fixed(client, signup_data):
    course = make_course(signup_data, participants=3, units=2)
    (e1, e2, e3), (u1, u2) = course.enrollments, course.units
    url = reverse("certification:assess_import", args=(course.program.pk,))
    client.force_login(course.instructor)
    rows = [header(course), person_row(e1, "K", "K/80"), person_row(e2, "KB", "K/150"), person_row(e3, "BK", None)]
    response = client.post(url, {"file": _upload(xlsx(rows))})
    assert response.status_code == 400 and not Assessment.objects.exists()
    link = response.context["token"] and reverse("certification:assess_import_error_file",
                                                 args=(course.program.pk, response.context["token"]))
    assert link in response.content.decode()

    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="program.import_error_file_downloaded").count() == 1
    got = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(download.content)).get_sheet_by_index(0).to_python()
    assert got[0] == ["ID pendaftaran", "Nama", u1.code, u2.code, "Alasan"]
    assert [r[:4] for r in got[1:]] == [[str(e1.pk), e1.person.full_name, "K", "K/80"], [str(e2.pk), e2.person.full_name, "KB", "K/150"],
                                        [str(e3.pk), e3.person.full_name, "BK", ""]]
    assert got[1][4] == "" and got[3][4] == ""
    assert got[2][4].startswith(f"{u1.code}: “KB” tidak dikenal") and f"{u2.code}: Nilai angka sesudah garis miring" in got[2][4]
    assert e1.person.nik not in str(got)  # the NIK column is not kept

    # Fixed in place and imported as it is: the "Alasan" column is not read, the rows that were right are saved too.
    got[2][2:4] = ["BK", "K/90"]
    response = client.post(url, {"file": _upload(xlsx(got))})
    assert response.status_code == 200 and "5 nilai disimpan" in response.content.decode()
    assert results(course)[(e2.pk, u2.pk)] == (K_, 90) and len(results(course)) == 5


@pytest.mark.django_db
def test_the_file_back_is_only_for_the_session_that_imported_and_those_who_assess(client, signup_data):
    course = make_course(signup_data, participants=1, units=1)
    url = reverse("certification:assess_import", args=(course.program.pk,))
    client.force_login(course.instructor)
    response = client.post(url, {"file": _upload(xlsx([header(course), person_row(course.enrollments[0], "X")]))})
    token = response.context["token"]
    link = reverse("certification:assess_import_error_file", args=(course.program.pk, token))
    assert client.get(link).status_code == 200
    # The manager (who may assess too) in another session: not offered.
    client.force_login(course.manager)
    assert client.get(link).status_code == 404
    # An enrolment import's error file is not an assessment file, nor the other way round.
    from sisnaker.training.spreadsheets import services as spreadsheets
    with pytest.raises(NotFound):
        spreadsheets.error_file_open(actor=course.manager, program=course.program, token=token)
    assert spreadsheets.error_file_open(actor=course.manager, program=course.program, token=token, kind="assessments")
    enrolment_token = spreadsheets.error_file_store(actor=course.manager, program=course.program, content=b"x")
    with pytest.raises(NotFound):
        spreadsheets.error_file_open(actor=course.manager, program=course.program, token=enrolment_token, kind="assessments")
    # An instructor of the institution not assigned to an assigned program may neither keep nor open one.
    inst_teacher = make_staff(None, Role.INSTRUCTOR, course.inst)
    course.program.instructors.set([course.instructor])
    with pytest.raises(PermissionDenied):
        spreadsheets.error_file_open(actor=inst_teacher, program=course.program, token=token, kind="assessments")
    with pytest.raises(PermissionDenied):
        spreadsheets.error_file_store(actor=inst_teacher, program=course.program, content=b"x", kind="assessments")


def _encrypted_like() -> bytes:
    """The start of an OLE2 compound file, as Excel saves a password-protected workbook."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


def _zip_without_workbook() -> bytes:
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "words"), [
    ("nilai.xlsx", b"", "kosong"),  # Django's own "the submitted file is empty"
    ("nilai.xlsx", b"PK\x03\x04 rusak", "rusak"),
    ("nilai.xlsx", _zip_without_workbook(), "tidak dapat dibaca"),
    ("nilai.xls", _encrypted_like(), "tidak dapat dibaca"),
    ("nilai.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "bukan CSV atau Excel"),
    ("nilai.csv", "ID pendaftaran;Nama\n".encode("utf-16"), "tidak berisi baris peserta"),
    ("nilai.csv", b"Nama,Hasil\nBudi,K\n", "ID pendaftaran"),
    ("nilai.csv", b"ID pendaftaran,Nama,J.TIDAK.ADA\n1,Budi,K\n", "J.TIDAK.ADA"),
    ("nilai.csv", b"ID pendaftaran,Nama\n", "tidak berisi baris peserta"),
])
def test_bad_files_get_a_clear_message_never_a_500_and_nothing_is_saved(client, signup_data, name, content, words):
    course = make_course(signup_data, participants=1, units=1)
    client.force_login(course.instructor)
    response = client.post(reverse("certification:assess_import", args=(course.program.pk,)), {"file": _upload(content, name)})
    assert response.status_code == 400
    html = response.content.decode()
    errors = html.split('class="form-errors" role="alert">', 1)[1].split("</div>", 1)[0]
    if 'class="errorlist"' in html:  # a refusal of the upload itself, on its field
        errors += html.split('class="errorlist"', 1)[1].split("</ul>", 1)[0]
    assert words in errors
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_the_template_saved_as_csv_imports_too(client, signup_data):
    course = make_course(signup_data, participants=2, units=1)
    (e1, e2), (u1,) = course.enrollments, course.units
    csv = f"ID pendaftaran;Nama;NIK;{u1.code}\n{e1.pk};{e1.person.full_name};;K/70\n{e2.pk};{e2.person.full_name};;bk\n"
    client.force_login(course.instructor)
    response = client.post(reverse("certification:assess_import", args=(course.program.pk,)), {"file": _upload(csv.encode(), "nilai.csv")})
    assert response.status_code == 200 and results(course) == {(e1.pk, u1.pk): (K_, 70), (e2.pk, u1.pk): (BK_, None)}
