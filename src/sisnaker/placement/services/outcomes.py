"""What alumni do after training, reported by the regional office of where they live (issue 12 "Placement records
and regional reporting"): one report for many alumni at once from the worklist (``outcomes_report``), and the
reminder to regions whose alumni's outcomes are mostly unknown (``completeness_remind``).

An officer reports for alumni who live in (or hold a KTP of) their area (``outcome.report`` on the person), also
those trained elsewhere (boarding programs): the training's place does not matter, the alumnus's home does. At
work, each report makes a placement record (source "officer") that links back to the training it follows.
Set-based: the enrolments are read in one query, placements and outcomes inserted in bulk, one audit row each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.errors import Msg, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.training.domain import EnrollmentState
from sisnaker.training.models import Enrollment

from .. import domain
from ..codes import JobsAudit, JobsCode
from ..models import Outcome, Placement


@dataclass(frozen=True)
class OutcomeData:
    status: str
    employer_name: str = ""
    position: str = ""
    start_date: dt.date | None = None
    sector: str = ""
    overseas: bool = False


def outcomes_report(*, actor: User, enrollment_ids: list[int], data: OutcomeData, now: dt.datetime) -> int:
    """Record ``data`` as the outcome of each of these graduated enrolments (at most ``OUTCOME_BULK_MAX``), for an
    officer who may report for every one of their people (``outcome.report``); all or nothing. Returns how many."""
    with transaction.atomic(durable=True):
        return _report_in(actor=actor, enrollment_ids=enrollment_ids, data=data, now=now)


def _report_in(*, actor: User, enrollment_ids: list[int], data: OutcomeData, now: dt.datetime) -> int:
    """``outcomes_report`` inside the caller's transaction."""
    require(actor, "outcome.worklist")  # a regional officer at all; each person is checked below
    ids = sorted({int(i) for i in enrollment_ids})
    if not ids:
        raise ValidationFailed(Msg("Pilih alumni yang dilaporkan.", "Choose the alumni to report."), code=JobsCode.OUTCOME_FIELD,
                               field="enrollments")
    if len(ids) > domain.OUTCOME_BULK_MAX:
        raise ValidationFailed(Msg("Paling banyak {n} alumni sekaligus.", "At most {n} alumni at once.").format(
            n=domain.OUTCOME_BULK_MAX), code=JobsCode.OUTCOME_FIELD, field="enrollments")
    employer, position = (data.employer_name or "").strip(), (data.position or "").strip()
    sector = (data.sector or "").strip().upper()
    blocker = domain.outcome_blocker(status=data.status, employer_name=employer, position=position, start_date=data.start_date,
                                     today=timezone.localtime(now).date())
    if blocker is not None:
        raise ValidationFailed(blocker, code=JobsCode.OUTCOME_FIELD, field="status")
    if sector and sector not in domain.KBLI_LETTERS:
        raise ValidationFailed(Msg("Sektor KBLI tidak dikenal.", "Unknown KBLI sector."), code=JobsCode.OUTCOME_FIELD, field="sector")
    if len(employer) > 200 or len(position) > domain.TITLE_MAX:
        raise ValidationFailed(Msg("Isian terlalu panjang.", "Too long."), code=JobsCode.OUTCOME_FIELD, field="employer_name")
    # Locked in id order: two reports of the same alumni are serialised (each sees the other's placement below).
    enrollments = list(Enrollment.objects.select_for_update(of=("self",)).filter(pk__in=ids, state=EnrollmentState.GRADUATED)
                       .select_related("person__domicile_district").order_by("pk"))
    if len(enrollments) != len(ids):
        raise ValidationFailed(Msg("Sebagian yang dipilih bukan alumni (lulus pelatihan) atau tidak ada.",
                                   "Some of those chosen are not alumni (graduated) or do not exist."),
                               code=JobsCode.OUTCOME_FIELD, field="enrollments")
    if data.status in domain.OutcomeStatus.AT_WORK and data.start_date is not None:
        for enrollment in enrollments:
            problem = domain.start_date_problem(start_date=data.start_date, birth_date=enrollment.person.birth_date,
                                                today=timezone.localtime(now).date())
            if problem is not None:
                raise ValidationFailed(problem, code=JobsCode.OUTCOME_FIELD, field="start_date")
    for enrollment in enrollments:
        if not can(actor, "outcome.report", enrollment.person):
            raise PermissionDenied(Msg("Anda hanya dapat melaporkan alumni yang tinggal di wilayah Anda.",
                                       "You can only report alumni who live in your area."))
    _supersede_officer_placements(actor=actor, enrollment_ids=ids, data=data, now=now)
    at_work = data.status in domain.OutcomeStatus.AT_WORK
    placements: dict[int, Placement] = {}
    if at_work:
        made = Placement.objects.bulk_create([
            Placement(person_id=e.person_id, employer_name=employer, position=position, start_date=data.start_date,
                      sector=sector, formal=data.status == domain.OutcomeStatus.EMPLOYED, domestic=not data.overseas,
                      source=domain.PlacementSource.OFFICER, regency_id=e.person.domicile_district.regency_id,
                      enrollment_id=e.pk, created_by=actor, created_at=now)
            for e in enrollments])
        # SQLite and PostgreSQL both return the new ids from bulk_create.
        placements = {p.enrollment_id: p for p in made}
    outcomes = Outcome.objects.bulk_create([
        Outcome(enrollment_id=e.pk, person_id=e.person_id, status=data.status, placement=placements.get(e.pk),
                source=domain.PlacementSource.OFFICER, reported_by=actor, reported_at=now)
        for e in enrollments])
    audit.record_many(actor=actor, action=JobsAudit.OUTCOME_REPORTED, object_type="placement.outcome",
                      rows=[(o.pk, str(o), None, {"enrollment": o.enrollment_id, "status": o.status,
                                                  "placement": o.placement_id, "source": o.source}) for o in outcomes],
                      at=now)
    return len(outcomes)


def _supersede_officer_placements(*, actor: User, enrollment_ids: list[int], data: OutcomeData, now: dt.datetime) -> None:
    """The office's new report of these trainings replaces its earlier reports of them: each earlier job still open
    is ended or corrected as ``domain.superseded_by_report`` says (without this, a second report of the same alumnus
    made a second placement and counted them twice). Set-based: one read, one UPDATE per end date, audit in bulk."""
    today = timezone.localtime(now).date()
    open_ = list(Placement.objects.select_for_update().filter(
        enrollment_id__in=enrollment_ids, source=domain.PlacementSource.OFFICER, end_date__isnull=True,
        corrected_at__isnull=True).order_by("pk").values_list("pk", "start_date"))
    corrected: list[int] = []
    ended: dict[dt.date, list[int]] = {}
    for pk, start in open_:
        last_day = domain.superseded_by_report(previous_start=start, status=data.status, start_date=data.start_date, today=today)
        if last_day is None:
            corrected.append(pk)
        else:
            ended.setdefault(last_day, []).append(pk)
    if corrected:
        Placement.objects.filter(pk__in=corrected).update(corrected_at=now, updated_at=now)
        audit.record_many(actor=actor, action=JobsAudit.PLACEMENT_CORRECTED, object_type="placement.placement", at=now,
                          rows=[(pk, "", {"corrected_at": None}, {"corrected_at": now.isoformat()}) for pk in corrected])
    for last_day, pks in ended.items():
        Placement.objects.filter(pk__in=pks).update(end_date=last_day, updated_at=now)
        audit.record_many(actor=actor, action=JobsAudit.PLACEMENT_ENDED, object_type="placement.placement", at=now,
                          rows=[(pk, "", {"end_date": None}, {"end_date": last_day.isoformat(), "source": "officer"})
                                for pk in pks])


def completeness_remind(*, actor: User, now: dt.datetime) -> int:
    """Remind the regional officers of every regency whose alumni's known outcomes are under
    ``domain.COMPLETENESS_REMIND_BELOW`` percent (``outcome.remind``: the ministry or an administrator) by e-mail.
    Returns how many officers were told."""
    from sisnaker.accounts.models import RoleAssignment
    from sisnaker.core.links import public_url
    from sisnaker.notifications import services as notifications

    from .. import selectors

    require(actor, "outcome.remind")
    rows = selectors.completeness(viewer=actor, by="regency")
    behind = {r.code: r for r in rows if r.percent is not None and r.percent < domain.COMPLETENESS_REMIND_BELOW}
    if not behind:
        return 0
    told = 0
    url = f"{public_url().rstrip('/')}/penempatan/luaran/"
    officers = RoleAssignment.objects.filter(role="regional_officer", region_code__in=list(behind)).select_related("user")
    with transaction.atomic():
        for grant in officers:
            row = behind[grant.region_code]
            sent = notifications.notify_user(
                user=grant.user, topic="outcome_completeness", subject="Laporan penempatan alumni",
                text=(f"Sisnaker: baru {row.percent}% alumni yang tinggal di {row.name} diketahui keadaan kerjanya "
                      f"({row.known} dari {row.alumni}). Laporkan di {url}"),
                channels=("email",))
            told += 1 if sent else 0
        audit.record(actor=actor, action=JobsAudit.OUTCOME_REMINDED, object_type="placement.outcome", at=now,
                     after={"regencies": sorted(behind), "officers": told})
    return told


# --- the Excel/CSV import of placement reports ----------------------------------------------------------------

IMPORT_HEADERS = {
    "nik": "nik", "noktp": "nik", "nomorindukkependudukan": "nik",
    "status": "status", "keadaan": "status", "keadaankerja": "status",
    "pemberikerja": "employer_name", "perusahaan": "employer_name", "namausaha": "employer_name",
    "jabatan": "position", "pekerjaan": "position",
    "mulaibekerja": "start_date", "tanggalmulai": "start_date", "tmt": "start_date",
    "sektor": "sector", "kbli": "sector",
    "luarnegeri": "overseas",
}
# What officers type in the status column (lower case, without spaces), mapped to ``domain.OutcomeStatus``.
STATUS_WORDS = {
    "bekerja": domain.OutcomeStatus.EMPLOYED, "employed": domain.OutcomeStatus.EMPLOYED,
    "penerimaupah": domain.OutcomeStatus.EMPLOYED, "wirausaha": domain.OutcomeStatus.SELF_EMPLOYED,
    "berwirausaha": domain.OutcomeStatus.SELF_EMPLOYED, "selfemployed": domain.OutcomeStatus.SELF_EMPLOYED,
    "belumbekerja": domain.OutcomeStatus.NOT_WORKING, "tidakbekerja": domain.OutcomeStatus.NOT_WORKING,
    "notworking": domain.OutcomeStatus.NOT_WORKING, "melanjutkanpendidikan": domain.OutcomeStatus.STUDYING,
    "sekolah": domain.OutcomeStatus.STUDYING, "kuliah": domain.OutcomeStatus.STUDYING, "studying": domain.OutcomeStatus.STUDYING,
}
YES = {"ya", "y", "yes", "1", "true", "luarnegeri"}


def _key(value) -> str:
    return "".join(ch for ch in str(value or "").lower() if ch.isalnum())


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class ImportResult:
    reported: int
    problems: list[dict]  # {"row", "id", "en"}: rows not imported, with why


def outcomes_import(*, actor: User, file_name: str, data: bytes, now: dt.datetime) -> ImportResult:
    """The office's placement reports from a spreadsheet (.xlsx/.xls/.csv; columns NIK, Status, Pemberi kerja,
    Jabatan, Mulai bekerja, Sektor, Luar negeri): each row reports the latest graduated enrolment of the person
    with that NIK (blind index), who must live in the officer's area. Good rows are recorded (one
    ``outcomes_report`` per distinct report, set-based); every other row is listed with its row number and why.
    Nothing is stored from a row that is refused."""
    from sisnaker.accounts.models import Person
    from sisnaker.core import crypto
    from sisnaker.regions import nik as nik_rules
    from sisnaker.training.spreadsheets.reading import CellError, nik_text, read_rows

    require(actor, "outcome.worklist")
    rows = read_rows(file_name, data)
    header_at = next((i for i, row in enumerate(rows[:10]) if any(IMPORT_HEADERS.get(_key(c)) == "nik" for c in row)), None)
    if header_at is None:
        raise ValidationFailed(Msg("Berkas harus punya kolom berjudul \"NIK\" dan \"Status\" (pada salah satu dari 10 baris "
                                   "pertama).", "The file needs columns headed \"NIK\" and \"Status\" (in one of its first 10 rows)."),
                               code=JobsCode.OUTCOME_FIELD, field="file")
    columns = {}
    for i, cell in enumerate(rows[header_at]):
        name = IMPORT_HEADERS.get(_key(cell))
        if name and name not in columns:
            columns[name] = i
    if "status" not in columns:
        raise ValidationFailed(Msg("Kolom \"Status\" tidak ada.", "There is no \"Status\" column."), code=JobsCode.OUTCOME_FIELD,
                               field="file")

    def cell(row, name):
        i = columns.get(name)
        return row[i] if i is not None and i < len(row) else None

    today = timezone.localtime(now).date()
    problems: list[dict] = []
    wanted: list[tuple[int, str, OutcomeData]] = []  # (row number, NIK index, report)
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(str(c or "").strip() for c in row):
            continue
        try:
            parsed = nik_rules.parse(nik_text(cell(row, "nik")), today=today)
        except (CellError, ValidationFailed) as exc:
            problems.append({"row": number, "id": exc.message.id, "en": exc.message.en})
            continue
        status = STATUS_WORDS.get(_key(cell(row, "status")), _key(cell(row, "status")))
        report = OutcomeData(status=status, employer_name=str(cell(row, "employer_name") or "").strip(),
                             position=str(cell(row, "position") or "").strip(), start_date=_date(cell(row, "start_date")),
                             sector=str(cell(row, "sector") or "").strip().upper()[:1],
                             overseas=_key(cell(row, "overseas")) in YES)
        blocker = domain.outcome_blocker(status=report.status, employer_name=report.employer_name, position=report.position,
                                         start_date=report.start_date, today=today)
        if blocker is not None:
            problems.append({"row": number, "id": blocker.id, "en": blocker.en})
            continue
        wanted.append((number, crypto.blind_index(parsed.nik, label="nik"), report))
    people = dict(Person.objects.filter(nik_index__in=[w[1] for w in wanted]).values_list("nik_index", "pk"))
    latest: dict[int, Enrollment] = {}
    for e in (Enrollment.objects.filter(person_id__in=list(people.values()), state=EnrollmentState.GRADUATED)
              .select_related("person").order_by("person_id", "state_changed_at", "id")):
        latest[e.person_id] = e  # the last one wins: the most recent graduation
    groups: dict[OutcomeData, list[int]] = {}
    seen: dict[int, int] = {}
    for number, index, report in wanted:
        person_id = people.get(index)
        enrollment = latest.get(person_id) if person_id else None
        if enrollment is None:
            problems.append({"row": number, "id": "Tidak ada alumni (lulus pelatihan) dengan NIK ini.",
                             "en": "No alumnus (graduated from a training) has this NIK."})
        elif not can(actor, "outcome.report", enrollment.person):
            problems.append({"row": number, "id": "Alumni ini tidak tinggal di wilayah Anda.", "en": "This alumnus does not live in your area."})
        elif enrollment.pk in seen:
            problems.append({"row": number, "id": f"Sama dengan baris {seen[enrollment.pk]}.", "en": f"Same as row {seen[enrollment.pk]}."})
        else:
            seen[enrollment.pk] = number
            groups.setdefault(report, []).append(enrollment.pk)
    reported = 0
    with transaction.atomic(durable=True):
        for report, ids in groups.items():
            for start in range(0, len(ids), domain.OUTCOME_BULK_MAX):
                reported += _report_in(actor=actor, enrollment_ids=ids[start:start + domain.OUTCOME_BULK_MAX], data=report, now=now)
    problems.sort(key=lambda p: p["row"])
    return ImportResult(reported=reported, problems=problems)
