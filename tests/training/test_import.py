"""Spreadsheet import of applicants/participants (``training.spreadsheets.services.enrollments_import``): readers, every
kind of row error, both modes, idempotent re-import, late registrations, the error file, the pages,
and a bounded number of queries.

The small helpers at the top (spreadsheets; programs and managers from tests/factories.py) are reused by
the other io tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest
import python_calamine
import xlsxwriter
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import Person, User
from sisnaker.core import crypto
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.notifications.models import Notification
from sisnaker.regions.nik import mask
from sisnaker.training import selectors, services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment, Program
from sisnaker.training.spreadsheets import reading, writing
from sisnaker.training.spreadsheets import services as spreadsheets
from tests.conftest import TODAY, make_nik
from tests.factories import InstitutionFactory, ManagerFactory, ProgramFactory, staff

HEADERS = [c.header for c in reading.COLUMNS]
_nik_serials = itertools.cycle([n for n in range(1, 10000) if n % 10])  # 9,000 distinct serials, none ending in 0


# --- helpers --------------------------------------------------------------------------------------

def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def manager_and_institution():
    """A new approved institution and its manager (tests/factories.py)."""
    institution = InstitutionFactory()
    return ManagerFactory(institution=institution), institution


def program_for(institution, **overrides) -> Program:
    """A program of ``institution`` (published unless ``status`` says otherwise) with room for the files
    here: 50 seats."""
    overrides.setdefault("quota", 50)
    return ProgramFactory(institution=institution, **overrides)


def nik(*, female: bool = False, birth: dt.date = dt.date(1995, 5, 17), district: str = "32.73.04") -> str:
    # NIKs ending in 0 are refused when stored as numbers: test NIKs stay clear of that.
    return make_nik(district=district, birth=birth, female=female, serial=next(_nik_serials))


def row(**kw) -> list:
    """A data row in template column order."""
    female = kw.pop("female", False)
    birth = kw.pop("birth", dt.date(1995, 5, 17))
    values = {
        "nik": nik(female=female, birth=birth), "full_name": "Budi Santoso", "birth_date": birth.isoformat(),
        "sex": "P" if female else "L", "education": "SMK", "phone": "", "email": "", "address": "", "district": "", "disability": "",
        "disability_kind": "", "status": "",
    }
    values.update(kw)
    return [values[c.key] for c in reading.COLUMNS]


def xlsx(rows: list[list], headers: list | None = None, *, before: list[list] | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Data")
    r = 0
    for extra in before or []:
        sheet.write_row(r, 0, extra)
        r += 1
    sheet.write_row(r, 0, headers or HEADERS)
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for values in rows:
        r += 1
        for c, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date_fmt)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False, headers=None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers or HEADERS)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def read_xlsx(data: bytes) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def imported_lines(program, *, after: int = 0) -> list[AuditEvent]:
    """Each enrolment of ``program`` created by an import (with an audit id above ``after``), as its history shows the
    import's line for it (``selectors.imported_row``), by row."""
    lines = [selectors.imported_row(chunk, enrollment_id=eid)
             for chunk in AuditEvent.objects.filter(action__in=selectors.IMPORT_ACTIONS, object_id=str(program.pk), pk__gt=after)
             for eid in chunk.after["enrollments"]]
    return sorted(lines, key=lambda line: line.after["row"])


def do_import(manager, program, data: bytes, *, mode: str = "all_or_nothing", name: str = "peserta.xlsx", today=TODAY, **kw):
    return spreadsheets.enrollments_import(actor=manager, program=program, file_name=name, data=data, mode=mode, today=today, **kw)


def errors_of(report, row_number: int) -> dict[str, str]:
    r = next(r for r in report.rows if r.row == row_number)
    return {key: msg.id for key, msg in r.errors}


@pytest.fixture
def setup(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution)
    return manager, institution, program


# --- a valid file -----------------------------------------------------------------------------------

def test_valid_file_imports_people_and_enrollments(setup):
    manager, _, program = setup
    rows = [row(full_name="Budi Santoso", phone="0812-3456-7890", email="Budi@Contoh.id"),
            row(full_name="Siti Aminah", female=True, status="peserta", education="Diploma III", district="327302"),
            row(full_name="Andi", disability="ya", disability_kind="Netra", education="s1")]
    report = do_import(manager, program, xlsx(rows))
    assert (report.created, report.people_created, report.unchanged, report.errors, report.saved) == (3, 3, 0, 0, True)
    assert report.error_file is None
    people = {p.full_name: p for p in Person.objects.filter(registered_by=manager)}
    assert set(people) == {"Budi Santoso", "Siti Aminah", "Andi"}
    budi, siti, andi = people["Budi Santoso"], people["Siti Aminah"], people["Andi"]
    assert budi.user is None and budi.phone == "+6281234567890" and budi.email == "budi@contoh.id"
    assert budi.nik == rows[0][0] and budi.nik_index == crypto.blind_index(rows[0][0], label="nik")
    assert budi.nik_regency_id == "32.73" and budi.nik_district_id == "32.73.04" and budi.domicile_district_id == "32.73.04"
    assert siti.sex == "F" and siti.education == "d3" and siti.domicile_district_id == "32.73.02"
    assert andi.has_disability and andi.disability_kind == "sight" and andi.education == "s1"
    states = dict(Enrollment.objects.filter(program=program).values_list("person__full_name", "state"))
    assert states == {"Budi Santoso": E.REGISTERED, "Siti Aminah": E.PARTICIPANT, "Andi": E.REGISTERED}
    assert set(Enrollment.objects.filter(program=program).values_list("source", "late")) == {("import", False)}
    # One event for the chunk, on the program; each enrolment's history shows its own line of it.
    chunk = AuditEvent.objects.get(action="enrollment.imported", object_type="training.program", object_id=str(program.pk))
    assert sorted(chunk.after["names"]) == ["Andi", "Budi Santoso", "Siti Aminah"] and chunk.actor_id == manager.pk
    for enrollment in Enrollment.objects.filter(program=program).select_related("person"):
        first, *_ = selectors.enrollment_history(enrollment=enrollment)
        assert (first.action, first.actor_id, first.object_label) == ("enrollment.imported", manager.pk, enrollment.person.full_name)
        assert first.after == {"program": program.pk, "person": enrollment.person_id, "state": enrollment.state, "source": "import",
                               "late": False, "row": first.after["row"], "person_created": True}
    summary = AuditEvent.objects.get(action="program.import", object_id=str(program.pk))
    assert summary.after["created"] == 3 and summary.after["mode"] == "all_or_nothing"
    history = [e.action for e in selectors.program_history(program=program)]
    assert "program.import" in history and "enrollment.imported" not in history  # the summary; the chunk's list is the enrolments'


def test_reimporting_the_same_file_changes_nothing(setup):
    manager, _, program = setup
    data = xlsx([row(), row(female=True, status="peserta"), row()])
    first = do_import(manager, program, data)
    assert first.created == 3
    counts = (Person.objects.count(), Enrollment.objects.count())
    last_event = AuditEvent.objects.order_by("-pk").first().pk
    again = do_import(manager, program, data, mode="valid_only")
    assert (again.created, again.unchanged, again.errors, again.saved) == (0, 3, 0, False)
    assert {r.status for r in again.rows} == {"unchanged"}
    assert (Person.objects.count(), Enrollment.objects.count()) == counts
    # Only the record of what was done: three look-ups by NIK (matched) and a summary that saved nothing.
    events = list(AuditEvent.objects.filter(pk__gt=last_event).values_list("action", "after__outcome"))
    assert sorted(events, key=str) == sorted([("person.looked_up", "matched")] * 3 + [("program.import", None)], key=str)


def test_existing_person_is_reused_and_not_modified(setup, citizen):
    manager, _, program = setup
    report = do_import(manager, program, xlsx([row(nik=citizen.nik, full_name="Hj. SITI  RAHMAWATI, S.Kom.",
                                                    birth_date=citizen.birth_date.isoformat(), education="S1")]))
    assert (report.created, report.people_created, report.errors) == (1, 0, 0)
    enrollment = Enrollment.objects.get(program=program)
    assert enrollment.person_id == citizen.pk
    citizen.refresh_from_db()
    assert citizen.full_name == "Siti Rahmawati" and citizen.education == "smk" and citizen.registered_by is None
    assert citizen.added_by_institution is None  # the owner's own record stays theirs
    assert report.rows[0].warnings == []
    lookup = AuditEvent.objects.get(action="person.looked_up")
    assert lookup.object_id == str(citizen.pk) and lookup.actor_id == manager.pk
    assert lookup.after == {"outcome": "matched", "purpose": f"impor berkas program {program.pk}", "nik": mask(citizen.nik), "row": 2}
    assert citizen.nik not in str(lookup.after) + lookup.object_label + lookup.reason


@pytest.mark.parametrize("mode", ["all_or_nothing", "valid_only"])
@pytest.mark.parametrize("overrides", [
    {"full_name": "Budi Santoso"},  # another name
    {"birth_date": "1990-01-01"},  # another birth date
    {"birth_date": ""},  # a birth date taken from the NIK proves nothing
])
def test_a_registered_nik_with_other_data_is_refused_without_showing_the_registered_data(setup, citizen, mode, overrides):
    manager, _, program = setup
    values = {"nik": citizen.nik, "full_name": citizen.full_name, "birth_date": citizen.birth_date.isoformat(), **overrides}
    report = do_import(manager, program, xlsx([row(**values), row()]), mode=mode)
    refused = next(r for r in report.rows if r.row == 2)
    assert refused.status == "error"
    assert [(k, m.id, m.en) for k, m in refused.errors] == [
        ("nik", "Data tidak cocok dengan data terdaftar untuk NIK ini.", "The data does not match the registered data for this NIK.")]
    assert refused.full_name == values["full_name"]  # what the row said, never the registered name
    assert not Enrollment.objects.filter(person=citizen).exists()
    shown = repr([(r.full_name, [(m.id, m.en) for _, m in r.errors + r.warnings]) for r in report.rows])
    sheet = read_xlsx(report.error_file)
    registered = {citizen.full_name} - {values["full_name"]}
    assert not any(name in shown or name in str(sheet) for name in registered)
    assert citizen.birth_date.isoformat() not in str(sheet) or values["birth_date"] == citizen.birth_date.isoformat()
    lookups = dict(AuditEvent.objects.filter(action="person.looked_up").values_list("after__row", "after__outcome"))
    if mode == "all_or_nothing":  # nothing kept: every look-up is on record
        assert lookups == {2: "mismatch", 3: "not_found"}
    else:  # row 3 created its person: its enrolment's row says so (and that nobody had the NIK) instead
        assert lookups == {2: "mismatch"}
        created = imported_lines(program)
        assert [(line.after["row"], line.after["person_created"]) for line in created] == [(3, True)]
    assert AuditEvent.objects.get(action="person.looked_up", after__row=2).object_id == str(citizen.pk)
    summary = AuditEvent.objects.get(action__in=["program.import", "program.import_refused"])
    assert summary.action == ("program.import_refused" if mode == "all_or_nothing" else "program.import")
    assert summary.after["errors"] == 1 and summary.after["saved"] is (mode == "valid_only")


def test_reimporting_a_file_without_birth_dates_is_still_a_no_op_for_the_institutions_own_people(setup, citizen):
    manager, _, program = setup
    data = xlsx([row(birth_date=""), row(birth_date="")])
    assert do_import(manager, program, data).created == 2
    again = do_import(manager, program, data)
    assert (again.created, again.unchanged, again.errors) == (0, 2, 0)
    # Another institution's file without birth dates does not link those people (nor the citizen's own record).
    other_manager, other_institution = manager_and_institution()
    other = program_for(other_institution, title="Program Lain", start_date=TODAY + dt.timedelta(days=50),
                         end_date=TODAY + dt.timedelta(days=80))
    refused = do_import(other_manager, other, xlsx([*read_xlsx(data)[1:], row(nik=citizen.nik, full_name=citizen.full_name,
                                                                               birth_date="")]), mode="valid_only")
    assert refused.errors == 3 and {k for r in refused.rows for k, _ in r.errors} == {"nik"}


def test_people_created_by_an_import_are_provisional_and_name_the_institution(setup):
    manager, institution, program = setup
    value = nik()
    do_import(manager, program, xlsx([row(nik=value)]))
    person = Person.objects.get(nik_index=crypto.blind_index(value, label="nik"))
    assert person.is_provisional and person.added_by_institution_id == institution.pk and person.registered_by_id == manager.pk


@pytest.mark.parametrize("chunk", [spreadsheets.IMPORT_CHUNK, 2, 3])
def test_each_enrollment_and_its_audit_row_belong_to_the_person_of_its_row(setup, chunk, monkeypatch):
    """New people among known ones in one file, after people the institution added before: every enrollment is the
    person named on its row, and its history's import line names that enrollment and row (ids are matched, not guessed
    by order). In
    chunks of 2 or 3 rows, each chunk is read before the one before it is written (``_import_rows``)."""
    monkeypatch.setattr(spreadsheets, "IMPORT_CHUNK", chunk)
    manager, _, program = setup
    known = [row(nik=nik(), full_name=f"Lama {i}") for i in range(3)]
    do_import(manager, program, xlsx(known))
    rows = [row(nik=nik(), full_name=f"Baru {i}") for i in range(7)]
    rows[1:1], rows[5:5], rows[8:8] = [known[0]], [known[2]], [known[1]]
    report = do_import(manager, program, xlsx(rows))
    assert (report.created, report.unchanged) == (7, 3)
    keys = [c.key for c in reading.COLUMNS]
    by_name = {e.person.full_name: e for e in Enrollment.objects.filter(program=program).select_related("person")}
    assert set(by_name) == {r[keys.index("full_name")] for r in rows}
    for r in rows:
        enrollment = by_name[r[keys.index("full_name")]]
        assert enrollment.person.nik_index == crypto.blind_index(r[keys.index("nik")], label="nik")
        event, *_ = selectors.enrollment_history(enrollment=enrollment)
        assert event.action == "enrollment.imported" and event.object_id == str(enrollment.pk)
        assert event.after["person"] == enrollment.person_id and event.object_label == enrollment.person.full_name
        assert event.after["row"] == (rows if r not in known else known).index(r) + 2  # its row in the file that enrolled it


@pytest.mark.parametrize("chunk", [spreadsheets.IMPORT_CHUNK, 2])
def test_a_kept_import_records_the_look_ups_that_did_not_create_their_person(setup, chunk, monkeypatch):
    """Every NIK looked up stays on record, except the look-ups of rows that then created their person: the row's
    ``enrollment.imported`` event tells it (``person_created``) and the person's id. A wrong row's look-up stays."""
    monkeypatch.setattr(spreadsheets, "IMPORT_CHUNK", chunk)
    manager, _, program = setup
    known = row(full_name="Sudah Ada")
    do_import(manager, program, xlsx([known]))
    last = AuditEvent.objects.latest("pk").pk
    rows = [row(full_name="Baru Satu"), row(full_name="Salah Wilayah", district="32.73.99"), known, row(full_name="Baru Dua")]
    report = do_import(manager, program, xlsx(rows), mode="valid_only")
    assert (report.created, report.unchanged, report.errors) == (2, 1, 1)
    events = AuditEvent.objects.filter(pk__gt=last)
    lookups = dict(events.filter(action="person.looked_up").values_list("after__row", "after__outcome"))
    assert lookups == {3: "not_found", 4: "matched"}  # the unknown district's row, and the registered person
    created = {e.after["row"]: e for e in imported_lines(program, after=last) if e.after["person_created"]}
    assert sorted(created) == [2, 5] and (created[2].object_label, created[5].object_label) == ("Baru Satu", "Baru Dua")
    for event in (created[2], created[5]):
        enrollment = Enrollment.objects.get(pk=event.object_id)
        assert enrollment.person_id == event.after["person"] and enrollment.person.full_name == event.object_label


def test_warnings_for_birth_date_and_sex_mismatch_are_not_errors(setup):
    manager, _, program = setup
    value = nik(birth=dt.date(1995, 5, 17))
    report = do_import(manager, program, xlsx([row(nik=value, birth_date="18/05/1995", sex="P")]))
    assert report.created == 1 and report.warnings == 1
    assert {k for k, _ in report.rows[0].warnings} == {"birth_date", "sex"}
    person = Person.objects.get(nik_index=crypto.blind_index(value, label="nik"))
    assert person.birth_date == dt.date(1995, 5, 18) and person.sex == "F"
    assert {w["code"] for w in person.nik_warnings} == {"birth_date_mismatch", "sex_mismatch"}


def test_empty_birth_date_sex_and_district_come_from_the_nik(setup):
    manager, _, program = setup
    value = nik(female=True, birth=dt.date(1990, 1, 2), district="32.73.02")
    report = do_import(manager, program, xlsx([row(nik=value, birth_date="", sex="", district="")]))
    assert report.created == 1 and report.warnings == 0
    person = Person.objects.get(nik_index=crypto.blind_index(value, label="nik"))
    assert (person.birth_date, person.sex, person.domicile_district_id) == (dt.date(1990, 1, 2), "F", "32.73.02")


# --- row errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"nik": "32730117059500"}, "nik", "16 digit"),
        ({"nik": "3273011705950O01"}, "nik", "huruf 'O'"),
        ({"nik": ""}, "nik", "wajib"),
        ({"full_name": ""}, "full_name", "Nama lengkap wajib"),
        ({"birth_date": "17 Mai 1995"}, "birth_date", "tidak dikenali"),
        ({"birth_date": "17/05/95"}, "birth_date", "tahun 4 digit"),
        ({"birth_date": "5/17/1995"}, "birth_date", "bulan/hari/tahun"),
        ({"birth_date": "31/02/1995"}, "birth_date", "hanya sampai tanggal 28"),
        ({"birth_date": "2100-01-01"}, "birth_date", "masa depan"),
        ({"sex": "X"}, "sex", "L (laki-laki) atau P"),
        ({"education": "TK"}, "education", "tidak dikenali"),
        ({"education": ""}, "education", "wajib"),
        ({"phone": "12345"}, "phone", "Nomor HP"),
        ({"email": "bukan-email"}, "email", "tidak sah"),
        ({"district": "32.73"}, "district", "6 digit"),
        ({"district": "32.73.99"}, "district", "tidak ada dalam daftar"),
        ({"disability": "mungkin"}, "disability", "ya"),
        ({"disability": "ya"}, "disability_kind", "jenis disabilitas"),
        ({"status": "alumni"}, "status", "pendaftar atau peserta"),
    ],
)
def test_each_kind_of_row_error_names_row_and_column(setup, overrides, column, fragment):
    manager, _, program = setup
    report = do_import(manager, program, xlsx([row(), row(**overrides)]))
    assert report.errors == 1 and report.created == 0 and not report.saved
    errors = errors_of(report, 3)  # header is row 1, so the second data row is row 3
    assert column in errors, errors
    assert fragment.lower() in errors[column].lower()
    assert Enrollment.objects.count() == 0


def test_duplicate_nik_in_file_second_row_is_the_error(setup):
    manager, _, program = setup
    same = nik()
    report = do_import(manager, program, xlsx([row(nik=same), row(), row(nik=same)]), mode="valid_only")
    assert report.created == 2 and report.errors == 1
    assert "baris 2" in errors_of(report, 4)["nik"]


def test_eligibility_age_and_education(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, min_age=18, max_age=35, min_education="sma")
    rows = [row(birth=dt.date(2012, 1, 1)), row(birth=dt.date(1970, 1, 1)), row(education="SMP"), row()]
    report = do_import(manager, program, xlsx(rows), mode="valid_only")
    assert report.created == 1 and report.errors == 3
    assert "Usia minimal 18" in errors_of(report, 2)["birth_date"]
    assert "Usia maksimal 35" in errors_of(report, 3)["birth_date"]
    assert "Pendidikan minimal SMA" in errors_of(report, 4)["education"]


def test_schedule_clash_with_another_active_enrollment(setup, citizen):
    manager, institution, program = setup
    other = program_for(institution, title="Desain Grafis Dasar")
    services.enrollment_record(actor=manager, program=other, person=citizen, today=TODAY)
    report = do_import(manager, program, xlsx([row(nik=citizen.nik, full_name=citizen.full_name)]))
    assert "bentrok" in errors_of(report, 2)["nik"] and "Desain Grafis Dasar" in errors_of(report, 2)["nik"]


def test_quota_participants_beyond_seats_left_are_errors(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, quota=2)
    rows = [row(status="peserta"), row(status="pendaftar"), row(status="peserta"), row(status="peserta")]
    report = do_import(manager, program, xlsx(rows), mode="valid_only")
    assert report.created == 3 and report.errors == 1
    assert "Kuota" in errors_of(report, 5)["status"]
    assert Enrollment.objects.filter(program=program, state=E.PARTICIPANT).count() == 2


# --- modes and the error file ---------------------------------------------------------------------

def test_all_or_nothing_saves_nothing_when_a_row_is_wrong(setup):
    manager, _, program = setup
    before = (Person.objects.count(), Enrollment.objects.count())
    report = do_import(manager, program, xlsx([row(), row(sex="?"), row()]))
    assert not report.saved and report.created == 0 and report.errors == 1
    assert [r.status for r in report.rows] == ["valid", "error", "valid"]
    assert (Person.objects.count(), Enrollment.objects.count()) == before
    assert report.error_file is not None
    # The refusal is on record: its summary, and the look-ups of the rows that were checked.
    refusal = AuditEvent.objects.get(action="program.import_refused", object_id=str(program.pk))
    assert refusal.actor_id == manager.pk and refusal.after["errors"] == 1 and refusal.after["saved"] is False
    assert AuditEvent.objects.filter(action="person.looked_up", after__outcome="not_found").count() == 2
    assert not AuditEvent.objects.filter(action__startswith="enrollment.").exists()


def test_valid_only_saves_good_rows_and_the_error_file_reimports_after_fixing(setup):
    manager, _, program = setup
    bad_nik = nik()
    rows = [row(), row(nik=bad_nik, education="TK", full_name="Rina"), row()]
    report = do_import(manager, program, xlsx(rows), mode="valid_only")
    assert (report.created, report.errors) == (2, 1)
    sheet = read_xlsx(report.error_file)
    assert sheet[0] == [*HEADERS, "Alasan"]
    assert len(sheet) == 2 and sheet[1][0] == bad_nik and sheet[1][1] == "Rina"
    assert "Pendidikan" in sheet[1][-1] and "tidak dikenali" in sheet[1][-1]
    # The operator fixes the education cell in the error file and imports it as it is.
    fixed = [list(sheet[0])] + [[*sheet[1][:4], "SMA", *sheet[1][5:]]]
    again = do_import(manager, program, xlsx(fixed[1:], headers=fixed[0]), mode="valid_only", name="baris-bermasalah.xlsx")
    assert (again.created, again.errors) == (1, 0)
    assert Enrollment.objects.filter(program=program).count() == 3


# --- late registrations, program state, permission ------------------------------------------------

def test_late_import_needs_a_reason_and_flags_every_enrollment(setup):
    manager, _, program = setup
    later = program.registration_closes + dt.timedelta(days=1)
    data = xlsx([row(), row()])
    with pytest.raises(ValidationFailed) as exc:
        do_import(manager, program, data, today=later)
    assert exc.value.code == "late_reason_required" and "susulan" in exc.value.message.id
    report = do_import(manager, program, data, today=later, late_reason="Surat dinas no. 12/2026")
    assert report.created == 2 and report.late
    assert set(Enrollment.objects.filter(program=program).values_list("late", "late_reason")) == {(True, "Surat dinas no. 12/2026")}
    assert [(line.action, line.reason) for line in imported_lines(program)] == [("enrollment.late_imported", "Surat dinas no. 12/2026")] * 2


def test_only_the_institution_manager_may_import(setup):
    _, institution, program = setup
    instructor = staff(Role.INSTRUCTOR, institution=institution)
    with pytest.raises(PermissionDenied):
        do_import(instructor, program, xlsx([row()]))
    other_manager, _ = manager_and_institution()
    with pytest.raises(PermissionDenied):
        do_import(other_manager, program, xlsx([row()]))


def test_draft_program_refuses_imports(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, status=P.DRAFT)
    with pytest.raises(Conflict):
        do_import(manager, program, xlsx([row()]))


# --- readers ------------------------------------------------------------------------------------

def test_csv_with_semicolons_and_bom(setup):
    manager, _, program = setup
    data = csv_bytes([row(full_name="Dédé Sunarya"), row(female=True, birth_date="17/05/1995")], delimiter=";", bom=True)
    report = do_import(manager, program, data, name="peserta.csv")
    assert report.created == 2, [(r.row, r.errors) for r in report.rows]
    assert Person.objects.filter(full_name="Dédé Sunarya").exists()


def test_csv_in_cp1252_with_commas(setup):
    manager, _, program = setup
    data = csv_bytes([row(full_name="Renée Wijaya")], encoding="cp1252")
    report = do_import(manager, program, data, name="peserta.csv")
    assert report.created == 1 and Person.objects.filter(full_name="Renée Wijaya").exists()


def test_headers_are_matched_tolerantly_and_may_start_lower(setup):
    manager, _, program = setup
    headers = ["nik ", "FULL NAME", "Date of birth", "gender", "Pendidikan Terakhir", "No. HP", "email", "Catatan operator"]
    values = row()[:7] + ["abaikan kolom ini"]
    data = xlsx([values], headers=headers, before=[["Daftar peserta pelatihan 2026"], []])
    report = do_import(manager, program, data)
    assert report.created == 1 and report.rows[0].row == 4


def test_nik_stored_as_a_number_in_xlsx(setup):
    manager, _, program = setup
    good = nik()  # never ends in 0 (see nik())
    lost = 3.27301570595e15  # what Excel keeps of a typed 16-digit number shown in scientific notation
    report = do_import(manager, program, xlsx([row(nik=int(good)), row(nik=lost)]), mode="valid_only")
    assert report.created == 1
    assert Person.objects.filter(nik_index=crypto.blind_index(good, label="nik")).exists()
    message = errors_of(report, 3)["nik"]
    assert "NIK tersimpan sebagai angka dan kehilangan digit" in message and "Teks" in message


def test_date_cells_and_excel_serials(setup):
    manager, _, program = setup
    born = dt.date(1995, 5, 17)
    report = do_import(manager, program, xlsx([row(birth_date=born), row(birth_date=float((born - dt.date(1899, 12, 30)).days))]))
    assert report.created == 2 and report.warnings == 0


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("kosong.xlsx", b"", "import_file_empty"),
        ("rusak.xlsx", b"PK\x03\x04 this is not a zip", "import_file_corrupt"),
        ("ganti-nama.xlsx", b"NIK,Nama\n1,2\n", "import_file_corrupt"),
        ("lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "import_file_corrupt"),
        ("gambar.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "import_file_format"),
        ("tanpa-judul.csv", b"1,2,3\n4,5,6\n", "import_header_missing"),
        ("kurang-kolom.csv", b"NIK,Nama lengkap\n3273011705950001,Budi\n", "import_columns_missing"),
        ("judul-saja.csv", ",".join(HEADERS).encode() + b"\n", "import_no_rows"),
        ("dobel.csv", b"NIK,nik,Nama lengkap,Pendidikan\n", "import_header_duplicate"),
    ],
)
def test_refused_files_get_a_clear_message(setup, name, data, code):
    manager, _, program = setup
    with pytest.raises(reading.ImportRefused) as exc:
        do_import(manager, program, data, name=name)
    assert exc.value.code == code
    assert exc.value.message.id and exc.value.message.en


def test_too_many_rows_is_refused(setup, monkeypatch):
    manager, _, program = setup
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    with pytest.raises(reading.ImportRefused) as exc:
        do_import(manager, program, csv_bytes([row() for _ in range(20)]), name="besar.csv")
    assert exc.value.code == "import_too_many_rows"
    with pytest.raises(reading.ImportRefused):
        do_import(manager, program, xlsx([row() for _ in range(20)]))


def test_too_large_file_is_refused(setup, monkeypatch):
    manager, _, program = setup
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    with pytest.raises(reading.ImportRefused) as exc:
        do_import(manager, program, xlsx([row()]))
    assert exc.value.code == "import_file_too_large"


def test_template_is_readable_by_the_importer():
    content, content_type, name = writing.template_bytes("xlsx")
    assert name.endswith(".xlsx") and "spreadsheet" in content_type
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["Data", "Contoh", "Petunjuk"]
    table_header = book.get_sheet_by_index(0).to_python()[0]
    assert reading.map_headers(table_header) == {c.key: i for i, c in enumerate(reading.COLUMNS)}
    # The instructions sheet documents what counts as an empty row and the Status column, in both languages.
    guide = book.get_sheet_by_index(2).to_python()
    text_id, text_en = (" ".join(str(r[i]) for r in guide) for i in (0, 1))
    assert "Baris kosong" in text_id and "Empty rows" in text_en
    assert all(reading.COLUMN_BY_KEY[k].header in text_id for k in reading.CONTENT_KEYS)
    assert "\"peserta\" langsung menerimanya sebagai peserta" in text_id and "accepts the person as a participant" in text_en
    assert "No. HP / WA" in text_id and "17 Agustus 1995" in text_id and "Paket C (SMA)" in text_en
    content, content_type, _ = writing.template_bytes("csv")
    assert content.startswith(b"\xef\xbb\xbf") and content.decode("utf-8-sig").strip() == ",".join(HEADERS)


# --- bounded queries ------------------------------------------------------------------------------

def test_import_of_200_rows_uses_a_bounded_number_of_queries(setup, citizen, django_assert_max_num_queries):
    manager, _, program = setup
    rows = [row(nik=citizen.nik, full_name=citizen.full_name)] + [row(female=i % 2 == 0, status="peserta" if i < 10 else "")
                                                                 for i in range(199)]
    data = xlsx(rows)
    manager = fresh(manager)
    manager.grants  # noqa: B018 - load the role grants before counting (one query per request anyway)
    # A constant number: look-ups and their audit rows, the writes, the notice to the one person with an account, and
    # whether a step of the program runs in the background (training.moves: then it is refused at once).
    with django_assert_max_num_queries(25):
        report = do_import(manager, program, data)
    assert report.created == 200 and report.people_created == 199
    assert Notification.objects.filter(person=citizen, topic=f"enrolled_by_other:{program.pk}").exists()


# --- pages --------------------------------------------------------------------------------------

@pytest.fixture
def live_setup(regions):
    """A program whose registration is open today (the pages use the real date)."""
    manager, institution = manager_and_institution()
    program = program_for(institution, today=timezone.localdate())
    return manager, institution, program


def test_import_page_reports_rows_and_offers_the_error_file(client, live_setup):
    manager, _, program = live_setup
    client.force_login(manager)
    url = reverse("training:import", args=[program.pk])
    page = client.get(url)
    assert page.status_code == 200 and reverse("training:import_template") in page.content.decode()
    upload = io.BytesIO(xlsx([row(), row(sex="?")]))
    upload.name = "peserta.xlsx"
    result = client.post(url, {"file": upload, "mode": "valid_only"})
    body = result.content.decode()
    assert result.status_code == 200 and "Hasil impor" in body and "Jenis kelamin" in body
    link = next(part.split('"')[0] for part in body.split('href="')[1:] if "/impor/galat/" in part)
    download = client.get(link)
    assert download.status_code == 200 and read_xlsx(download.content)[0][-1] == "Alasan"
    # The imported enrolment's page shows its line of the import's event: who imported it, in words.
    enrollment = Enrollment.objects.get(program=program)
    page = client.get(reverse("training:enrollment", args=[program.pk, enrollment.pk])).content.decode()
    assert "Pendaftar diimpor dari berkas" in page and manager.get_username() in page and "enrollment.imported" not in page
    # Another manager cannot fetch it, even with the link.
    other, _ = manager_and_institution()
    client.force_login(other)
    assert client.get(link).status_code == 403


def test_import_page_shows_refusals_as_form_errors(client, live_setup):
    manager, _, program = live_setup
    client.force_login(manager)
    upload = io.BytesIO(b"hello")
    upload.name = "x.xlsx"
    response = client.post(reverse("training:import", args=[program.pk]), {"file": upload, "mode": "valid_only"})
    assert response.status_code == 400 and "bukan berkas Excel" in response.content.decode()


def test_import_page_is_forbidden_to_an_instructor(client, live_setup):
    _, institution, program = live_setup
    client.force_login(staff(Role.INSTRUCTOR, institution=institution))
    assert client.get(reverse("training:import", args=[program.pk])).status_code == 403


def test_template_download(client):
    response = client.get(reverse("training:import_template") + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    response = client.get(reverse("training:import_template") + "?format=csv")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")


# --- the error file holds each refused cell exactly as it was read ------------------------------------

@pytest.mark.parametrize("stored", [3273011705959400.0, 3273011705959398.5, 9273011705959398.0, 3.2730117e15])
def test_a_nik_refused_as_a_number_stays_refused_when_the_error_file_comes_back(setup, stored):
    """Real NIK …9398 typed as a number: Excel keeps 15 digits (…9400). The error file used to write it as
    the text '…9400', a valid-looking NIK that the next upload enrolled."""
    from tests.training.spreadsheets import inline, sheet_xml, xlsx_package

    manager, _, program = setup
    header = '<row r="1">' + "".join(inline(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADERS)) + "</row>"
    cells = [f'<c r="A2"><v>{stored!r}</v></c>'] + [inline(f"{chr(65 + i)}2", v) for i, v in enumerate(row()) if i and v != ""]
    first = do_import(manager, program, xlsx_package(sheet_xml(header + '<row r="2">' + "".join(cells) + "</row>")), mode="valid_only")
    assert first.errors == 1 and "kehilangan digit" in errors_of(first, 2)["nik"]
    sheet = read_xlsx(first.error_file)
    assert sheet[1][0] == stored and isinstance(sheet[1][0], float)  # the cell as read: a number, every digit
    again = do_import(manager, program, first.error_file, mode="valid_only", name="baris-bermasalah.xlsx")
    assert again.errors == 1 and again.created == 0 and "kehilangan digit" in errors_of(again, 2)["nik"]
    assert not Person.objects.filter(nik_index=crypto.blind_index(str(int(stored)), label="nik")).exists()
    assert not Enrollment.objects.exists()


def test_every_refused_cell_comes_back_with_its_value_and_type(setup):
    manager, _, program = setup
    born = dt.date(1995, 5, 17)
    cells = row(nik="3273041705950001", full_name="  =HYPERLINK(\"http://x\")  ", education="TK", birth_date=born,
                phone="0812 3456 7890", disability="tidak")
    cells[5] = 81234567890.0  # a phone number typed as a number
    cells.append(dt.datetime(2026, 1, 2, 3, 4, 5))  # an extra column the template does not have
    headers = [*HEADERS, "Dicatat"]
    report = do_import(manager, program, xlsx([cells], headers=headers), mode="valid_only")
    assert report.errors == 1
    read = read_xlsx(xlsx([cells], headers=headers))[1]
    back = read_xlsx(report.error_file)[1][:len(read)]
    assert back == read and [type(v) for v in back] == [type(v) for v in read]
    assert read_xlsx(report.error_file)[1][-1].startswith("Pendidikan")
