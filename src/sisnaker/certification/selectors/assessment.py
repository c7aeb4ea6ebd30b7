"""Reads of competency assessment and reviews: the programs and enrollments the pages work on, the
instructor's grid (participants × units, three queries whatever the size), a participant's review and
the instructors they may rate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef

from sisnaker.accounts.models import User
from sisnaker.core import crypto
from sisnaker.core.errors import Msg, NotFound
from sisnaker.core.roles import Role
from sisnaker.regions.nik import mask as mask_nik
from sisnaker.training import domain as training_domain
from sisnaker.training.codes import Code as TrainingCode
from sisnaker.training.models import CompetencyUnit, Enrollment, Program
from sisnaker.training.selectors import program_not_found

from .. import assessment_sheet, domain
from ..codes import Code
from ..models import Assessment, Certificate, Review


def get_program(*, program_id: int) -> Program:
    """The program a certification page works on (institution and vocational field loaded), or NotFound."""
    program = Program.objects.select_related("institution", "vocational_field").filter(pk=program_id).first()
    if program is None:
        raise program_not_found()
    return program


def own_enrollment(*, user: User, enrollment_id: int) -> Enrollment:
    """The signed-in citizen's own enrollment; NotFound for anyone else's (they must not learn it exists)."""
    enrollment = None
    if getattr(user, "is_authenticated", False):
        enrollment = (Enrollment.objects.select_related("program__institution", "person")
                      .filter(pk=enrollment_id, person__user=user).first())
    if enrollment is None:
        raise NotFound(Msg("Pendaftaran tidak ditemukan.", "Enrollment not found."), code=TrainingCode.ENROLLMENT_NOT_FOUND)
    return enrollment


def cell_of(*, program: Program, enrollment_id: int, unit_id: int) -> tuple[Enrollment, CompetencyUnit]:
    """The enrollment (of ``program``) and the unit of one grid cell, or NotFound."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id, program=program).first()
    unit = CompetencyUnit.objects.filter(pk=unit_id).first()
    if enrollment is None or unit is None:
        raise NotFound(Msg("Peserta atau unit kompetensi tidak ditemukan di program ini.",
                           "Participant or competency unit not found in this programme."), code=Code.ENROLLMENT_NOT_IN_PROGRAM)
    return enrollment, unit


def review_of(*, enrollment: Enrollment) -> Review | None:
    return Review.objects.select_related("instructor").filter(enrollment=enrollment).first()


def _teaching(program: Program):
    """The instructors who teach ``program``: those assigned to it, or, when none is assigned (programs from before
    assignment, as ``core.permissions`` reads them), every active instructor of its institution."""
    found = User.objects.filter(role_assignments__role=Role.INSTRUCTOR, role_assignments__institution_id=program.institution_id,
                                role_assignments__is_active=True, is_active=True)
    assigned = program.scope_instructor_ids()
    return found.filter(pk__in=assigned) if assigned else found


def program_instructors(*, program: Program) -> list[User]:
    """The instructors a participant may rate in their review (``_teaching``)."""
    return list(_teaching(program).distinct().order_by("first_name", "username"))


def teaches(*, user: User, program: Program) -> bool:
    """Whether ``user`` is one of the instructors a participant of ``program`` may rate (``_teaching``)."""
    return _teaching(program).filter(pk=user.pk).exists()


# --- the grid ---------------------------------------------------------------------------------------

@dataclass
class GridCell:
    unit_id: int
    result: str            # "" when not assessed
    score: int | None
    note: str


@dataclass
class GridRow:
    enrollment_id: int
    name: str
    state: str
    state_label: str
    certified: bool
    blocker: Msg | None    # why the row is read-only, or None
    cells: list[GridCell]
    overall: str

    @property
    def editable(self) -> bool:
        return self.blocker is None

    @property
    def overall_label(self) -> str:
        return str(domain.OVERALL_LABELS[self.overall])


@dataclass
class Grid:
    program: Program
    units: list[CompetencyUnit]
    rows: list[GridRow]
    not_open: Msg | None = None  # why nothing can be assessed yet (before the start date)

    def counts(self) -> dict[str, int]:
        """How many participants have each overall result (the totals above the grid)."""
        out = dict.fromkeys(domain.OVERALL_LABELS, 0)
        for row in self.rows:
            out[row.overall] += 1
        return out

    def column_counts(self) -> list[ColumnCount]:
        """Per unit, in column order: how many participants are competent, not yet competent, not assessed."""
        out = [ColumnCount(unit=u) for u in self.units]
        for row in self.rows:
            for column, cell in zip(out, row.cells, strict=True):
                if cell.result == domain.COMPETENT:
                    column.competent += 1
                elif cell.result == domain.NOT_YET:
                    column.not_yet_competent += 1
                else:
                    column.empty += 1
        return out


@dataclass
class ColumnCount:
    """One unit column's totals (the grid's footer)."""

    unit: CompetencyUnit
    competent: int = 0
    not_yet_competent: int = 0
    empty: int = 0


def assessment_grid(*, program: Program, enrollment_ids: list[int] | None = None, today: dt.date | None = None,
                    units: list[CompetencyUnit] | None = None) -> Grid:
    """Participants (participant / graduated / not passed) × the program's units with the current
    results and each row's overall result. Three queries, whatever the size (two when the caller already read
    ``units``, the program's units by code). With ``today`` before the program's start date every row is read-only
    (``domain.assessment_opens_blocker``)."""
    not_open = domain.assessment_opens_blocker(start_date=program.start_date, today=today) if today else None
    units = list(program.competency_units.order_by("code")) if units is None else units
    unit_ids = [u.pk for u in units]
    qs = Enrollment.objects.filter(program=program, state__in=domain.GRID_STATES)
    if enrollment_ids is not None:
        qs = qs.filter(pk__in=enrollment_ids)
    enrollments = list(qs.select_related("person").annotate(certified=Exists(Certificate.objects.filter(enrollment=OuterRef("pk"))))
                       .order_by("person__full_name", "pk"))
    found: dict[int, dict[int, Assessment]] = {e.pk: {} for e in enrollments}
    for a in Assessment.objects.filter(enrollment_id__in=list(found), unit_id__in=unit_ids):
        found[a.enrollment_id][a.unit_id] = a
    rows = []
    for e in enrollments:
        mine = found[e.pk]
        cells = [GridCell(uid, mine[uid].result, mine[uid].score, mine[uid].note) if uid in mine else GridCell(uid, "", None, "")
                 for uid in unit_ids]
        rows.append(GridRow(
            enrollment_id=e.pk, name=e.person.full_name, state=e.state, state_label=str(training_domain.state_label(e.state)),
            certified=e.certified,
            blocker=domain.assess_blocker(program_status=program.status, state=e.state, certified=e.certified) or not_open,
            cells=cells, overall=domain.overall_result(unit_ids=unit_ids, results={uid: a.result for uid, a in mine.items()}),
        ))
    return Grid(program=program, units=units, rows=rows, not_open=not_open)


@dataclass
class GridTotals:
    """The totals above and below the grid, over every participant of the program (not only the page shown)."""

    rows: int
    counts: dict[str, int]  # overall result → participants
    columns: list[ColumnCount]  # per unit, in column order


def assessment_totals(*, program: Program, units: list[CompetencyUnit]) -> GridTotals:
    """``GridTotals`` of the program: two grouped queries whatever its size (a row's overall result from how many of
    its units are competent and not yet competent, ``domain.overall_result``'s rule on counts; an assessment is
    unique per enrolment and unit)."""
    unit_ids = [u.pk for u in units]
    enrollment, assessment = Enrollment._meta, Assessment._meta
    quote = connection.ops.quote_name
    in_units = ", ".join(["%s"] * len(unit_ids)) or "NULL"
    in_states = ", ".join(["%s"] * len(domain.GRID_STATES))
    # Per row: its competent and not-yet-competent units; then the rows grouped by those two counts (a few groups).
    sql = (f"SELECT k, bk, COUNT(*) FROM (SELECT e.{quote('id')} AS row_id, "  # noqa: S608 - the models' own tables and columns
           f"SUM(CASE WHEN a.{quote('result')} = %s THEN 1 ELSE 0 END) AS k, "
           f"SUM(CASE WHEN a.{quote('result')} = %s THEN 1 ELSE 0 END) AS bk "
           f"FROM {quote(enrollment.db_table)} e LEFT JOIN {quote(assessment.db_table)} a "
           f"ON a.{quote('enrollment_id')} = e.{quote('id')} AND a.{quote('unit_id')} IN ({in_units}) "
           f"WHERE e.{quote('program_id')} = %s AND e.{quote('state')} IN ({in_states}) GROUP BY e.{quote('id')}) per_row "
           f"GROUP BY k, bk")
    counts = dict.fromkeys(domain.OVERALL_LABELS, 0)
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [domain.COMPETENT, domain.NOT_YET, *unit_ids, program.pk, *domain.GRID_STATES])
        for k, bk, n in cursor.fetchall():
            rows += n
            if not unit_ids:
                counts[domain.PENDING] += n
            elif bk:
                counts[domain.NOT_YET] += n
            elif k == len(unit_ids):
                counts[domain.COMPETENT] += n
            else:
                counts[domain.PENDING] += n
    by_unit = {(g["unit_id"], g["result"]): g["n"] for g in Assessment.objects.filter(
        enrollment__program=program, enrollment__state__in=domain.GRID_STATES, unit_id__in=unit_ids)
        .values("unit_id", "result").annotate(n=Count("pk")).order_by()}
    columns = []
    for unit in units:
        competent, not_yet = by_unit.get((unit.pk, domain.COMPETENT), 0), by_unit.get((unit.pk, domain.NOT_YET), 0)
        columns.append(ColumnCount(unit=unit, competent=competent, not_yet_competent=not_yet, empty=rows - competent - not_yet))
    return GridTotals(rows=rows, counts=counts, columns=columns)


GRID_PAGE_SIZE = 50


@dataclass
class GridPage:
    """One page of the grid (``grid.rows``: the page's participants, by name), the totals over every participant,
    the paginator's page, and whether anyone of the program can be assessed now (the "all competent" buttons)."""

    grid: Grid
    totals: GridTotals
    page: Page
    q: str
    editable_any: bool


def assessment_grid_page(*, program: Program, today: dt.date, q: str = "", page: int | str | None = 1,
                         per_page: int | None = None) -> GridPage:
    """The grid's page ``page`` of the participants whose name contains ``q``, by name: a program of 100,000
    participants answers as fast as one of fifty (its rows were 137 MB of HTML and 33 s). Six queries."""
    q = (q or "").strip()[:100]
    units = list(program.competency_units.order_by("code"))
    totals = assessment_totals(program=program, units=units)
    matching = Enrollment.objects.filter(program=program, state__in=domain.GRID_STATES)
    if q:
        matching = matching.filter(person__full_name__icontains=q)
    paginator = Paginator(matching.order_by("person__full_name", "pk").values_list("pk", flat=True), per_page or GRID_PAGE_SIZE)
    if not q:
        paginator.count = totals.rows  # counted by the totals: no second COUNT
    current = paginator.get_page(page)
    grid = assessment_grid(program=program, enrollment_ids=list(current.object_list), today=today, units=units)
    # Whether any participant of the program can be assessed now: the rules of ``domain.assess_blocker`` over the
    # program's rows, not only the page's.
    states = domain.ASSESSABLE_STATES.get(program.status, ())
    editable_any = not grid.not_open and bool(states) and Enrollment.objects.filter(program=program, state__in=states).exclude(
        Exists(Certificate.objects.filter(enrollment=OuterRef("pk")))).exists()
    return GridPage(grid=grid, totals=totals, page=current, q=q, editable_any=editable_any)


def assessment_sheet_rows(*, program: Program) -> tuple[list[tuple[str, str]], list[assessment_sheet.TemplateRow]]:
    """The grid for its spreadsheet template: the units (code, title) and one row per participant (by name) with
    the masked NIK and the results so far ("K", "BK/40"). Three queries of plain values whatever the size: a program
    of 96,000 participants took 18 s here when every row was built as model objects."""
    units = list(program.competency_units.order_by("code").values_list("pk", "code", "title"))
    column = {pk: i for i, (pk, _, _) in enumerate(units)}
    rows = list(Enrollment.objects.filter(program=program, state__in=domain.GRID_STATES).order_by("person__full_name", "pk")
                .values_list("pk", "person__full_name", "person__nik_encrypted"))
    cells: dict[int, list[str]] = {pk: [""] * len(units) for pk, _, _ in rows}
    for enrollment_id, unit_id, result, score in Assessment.objects.filter(
            enrollment__program=program, enrollment__state__in=domain.GRID_STATES, unit_id__in=list(column)).values_list(
            "enrollment_id", "unit_id", "result", "score"):
        cells[enrollment_id][column[unit_id]] = assessment_sheet.cell_text(result, score)
    return [(code, title) for _, code, title in units], [
        assessment_sheet.TemplateRow(enrollment_id=pk, name=name, nik_masked=mask_nik(crypto.decrypt(sealed)), cells=cells[pk])
        for pk, name, sealed in rows]
