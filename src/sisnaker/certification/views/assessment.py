"""Pages of competency assessment and reviews: the instructor's grid (saving as you go with htmx, and a
plain "Simpan semua" without JavaScript) and the participant's review page. Views parse input, call one
service or selector, and render; a refusal rises to ``core.pages`` (403/404 page) or goes on the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sisnaker.core.errors import Msg, NotFound, PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import can
from sisnaker.training import domain as training_domain
from sisnaker.training.codes import Code as TrainingCode
from sisnaker.training.models import ImportErrorFile, Program
from sisnaker.training.spreadsheets import services as spreadsheets

from .. import assessment_sheet, domain, selectors, services
from ..codes import Code
from ..forms import (
    AssessmentImportForm,
    ReviewForm,
    cell_name,
    parse_cell,
    parse_cell_ref,
    parse_fill_target,
    parse_grid,
)

CODE_OF = {"": "", "competent": "K", "not_yet_competent": "BK"}
ASSESS_REFUSED = Msg("Penilaian kompetensi hanya untuk instruktur dan pengelola lembaga penyelenggara program ini.",
                     "Competency assessment is only for instructors and institution managers of this programme's institution.")


def _assess_program(request: HttpRequest, program_id: int) -> Program:
    """The program, for those who assess it (``program.assess``): else NotFound / PermissionDenied."""
    program = selectors.get_program(program_id=program_id)
    if not can(request.user, "program.assess", program):
        raise PermissionDenied(ASSESS_REFUSED)
    return program


def _row_view(row: selectors.GridRow, units, *, errors=None, posted=None, saved=None) -> dict:
    errors, posted = errors or {}, posted or {}
    cells = []
    for unit, cell in zip(units, row.cells, strict=True):
        key = (row.enrollment_id, unit.pk)
        if key in posted:
            value, score = posted[key]
        else:
            value, score = CODE_OF[cell.result], "" if cell.score is None else str(cell.score)
        cells.append({"name": cell_name(row.enrollment_id, unit.pk), "unit": unit, "value": value, "score": score, "note": cell.note,
                      "error": errors.get(key, ""), "saved": key == saved})
    return {"row": row, "cells": cells}


@login_required
def assess(request: HttpRequest, program_id: int) -> HttpResponse:
    """One row per participant, one column per competency unit: ``GRID_PAGE_SIZE`` participants a page (by name,
    ``q`` searches names), the totals over all of them."""
    program = _assess_program(request, program_id)
    q, page_number = (request.GET.get("q") or "").strip()[:100], request.GET.get("page")
    keep = {k: v for k, v in (("q", q), ("page", page_number)) if v}
    here = reverse("certification:assess", kwargs={"program_id": program.pk}) + (f"?{urlencode(keep)}" if keep else "")
    errors: dict = {}
    posted: dict = {}
    form_error = ""
    status = 200
    if request.method == "POST":
        cells = parse_grid(request.POST)
        errors = {(c.enrollment_id, c.unit_id): str(c.error) for c in cells if c.error}
        if not errors:
            try:
                result = services.assessments_record_many(
                    actor=request.user, program=program,
                    entries=[(c.enrollment_id, c.unit_id, c.result, c.score, None) for c in cells], today=timezone.localdate(),
                )
            except SisnakerError as exc:
                form_error = str(exc.message)
                for p in exc.details.get("problems", []):
                    errors[(p["enrollment"], p["unit"])] = str(p["message"])
            else:
                if result.saved or result.cleared:
                    messages.success(request, _("Penilaian tersimpan: %(n)s nilai diubah.") % {"n": result.saved + result.cleared})
                else:
                    messages.info(request, _("Tidak ada perubahan penilaian."))
                return redirect(here)
        else:
            form_error = _("Periksa isian yang ditandai; belum ada yang disimpan.")
        posted = {(c.enrollment_id, c.unit_id): (CODE_OF[c.result] if not c.error else c.raw_result, c.raw_score) for c in cells}
        status = 400
    shown = selectors.assessment_grid_page(program=program, today=timezone.localdate(), q=q, page=page_number)
    grid = shown.grid
    rows = [_row_view(r, grid.units, errors=errors, posted=posted) for r in grid.rows]
    return render(request, "certification/assessment/assess.html", {
        "program": program, "units": grid.units, "rows": rows, "form_error": form_error,
        "not_open": str(grid.not_open) if grid.not_open else "",
        "status_label": str(training_domain.status_label(program.status)),
        "counts": shown.totals.counts, "columns": shown.totals.columns, "editable_any": shown.editable_any,
        "participants": shown.totals.rows, "page": shown.page, "q": q, "here": here,
        "can_manage": can(request.user, "program.manage", program),
    }, status=status)


@login_required
@require_POST
def assess_cell(request: HttpRequest, program_id: int) -> HttpResponse:
    """htmx: save one cell; answers with the participant's updated row (its state, overall result and the
    cell's status), the unit's column totals and the overall totals, which the grid swaps in out of band
    (``_cell.html``). A refusal is shown in the cell, nothing is saved. Posted without htmx, back to the
    grid with a message."""
    program = _assess_program(request, program_id)
    ref = parse_cell_ref(request.POST.get("cell", ""))
    if ref is None:
        raise ValidationFailed(Msg("Sel penilaian tidak dikenal.", "Unknown assessment cell."), code=Code.ASSESSMENT_CELL)
    enrollment_id, unit_id = ref
    enrollment, unit = selectors.cell_of(program=program, enrollment_id=enrollment_id, unit_id=unit_id)
    cell = parse_cell(request.POST, enrollment_id, unit_id)
    error = str(cell.error) if cell.error else ""
    if not error:
        try:
            services.assessment_record(actor=request.user, enrollment=enrollment, unit=unit, result=cell.result, score=cell.score,
                                       today=timezone.localdate())
        except SisnakerError as exc:
            error = str(exc.message)
    if not request.headers.get("HX-Request"):
        # Posted without htmx (no JavaScript ran): the whole grid again, with what happened as a message.
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Penilaian tersimpan: %(n)s nilai diubah.") % {"n": 1})
        return redirect("certification:assess", program_id=program.pk)
    # The row (three queries), and the totals the page shows, which this cell changed (two, whatever the size).
    grid = selectors.assessment_grid(program=program, enrollment_ids=[enrollment_id], today=timezone.localdate())
    mine = next((r for r in grid.rows if r.enrollment_id == enrollment_id), None)
    if mine is None:
        raise NotFound(Msg("Peserta ini tidak dinilai di program ini.", "This participant is not assessed in this programme."),
                       code=Code.ENROLLMENT_NOT_IN_PROGRAM)
    key = (enrollment_id, unit_id)
    row = _row_view(mine, grid.units, errors={key: error} if error else None,
                    posted={key: (CODE_OF[cell.result] if not cell.error else cell.raw_result, cell.raw_score)} if error else None,
                    saved=None if error else key)
    totals = selectors.assessment_totals(program=program, units=grid.units)
    return render(request, "certification/assessment/_cell.html", {
        "r": row, "program": program, "counts": totals.counts, "columns": totals.columns,
    })


@login_required
@require_POST
def assess_fill(request: HttpRequest, program_id: int) -> HttpResponse:
    """"All competent" for the whole program, one unit column or one participant's row: fills the empty
    cells only (one service call), then back to the grid where the assessor changes the exceptions."""
    program = _assess_program(request, program_id)
    target = parse_fill_target(request.POST.get("target", ""))
    if target is None:
        messages.error(request, _("Pilihan “semua kompeten” tidak dikenal."))
        return redirect("certification:assess", program_id=program.pk)
    scope, pk = target
    try:
        result = services.assessments_fill_competent(
            actor=request.user, program=program, unit_id=pk if scope == "unit" else None,
            enrollment_id=pk if scope == "row" else None, today=timezone.localdate(),
        )
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        if result.saved:
            messages.success(request, _("%(n)s sel kosong diisi Kompeten; %(kept)s sel yang sudah dinilai tidak diubah. "
                                        "Ubah yang belum kompeten saja.") % {"n": result.saved, "kept": result.kept})
        else:
            messages.info(request, _("Tidak ada sel kosong: tidak ada yang diubah."))
    return redirect("certification:assess", program_id=program.pk)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_ROWS_SHOWN = 500
ERROR_FILES_SESSION_KEY = "certification_assessment_error_files"


@login_required
def assess_template(request: HttpRequest, program_id: int) -> HttpResponse:
    """The grid as a spreadsheet to fill in offline (participants × units, the results so far)."""
    program = _assess_program(request, program_id)
    units, rows = selectors.assessment_sheet_rows(program=program)
    content = assessment_sheet.template_bytes(program_title=program.title, units=units, rows=rows)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="penilaian-{program.pk}-{slugify(program.title)[:40]}.xlsx"'
    return response


@login_required
def assess_import(request: HttpRequest, program_id: int) -> HttpResponse:
    """Upload the filled-in template: all or nothing, with a report per row."""
    program = _assess_program(request, program_id)
    form = AssessmentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.assessments_import(actor=request.user, program=program, file_name=upload.name, data=upload.read(),
                                                 today=timezone.localdate())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            token = None
            if report.error_file:
                # Kept a few days, offered only to this session (as the enrolment import's error file).
                token = spreadsheets.error_file_store(actor=request.user, program=program, content=report.error_file,
                                                      kind=ImportErrorFile.Kind.ASSESSMENTS)
                kept = request.session.get(ERROR_FILES_SESSION_KEY, {})
                kept[token] = program.pk
                request.session[ERROR_FILES_SESSION_KEY] = dict(list(kept.items())[-20:])
            language = get_language() or "id"
            rows = [{"row": r.row, "id": r.enrollment_id, "name": r.name, "status": r.status, "changes": r.changes,
                     "errors": [(col, m.in_language(language)) for col, m in r.errors]} for r in report.rows[:REPORT_ROWS_SHOWN]]
            return render(request, "certification/assessment/import_result.html", {
                "program": program, "report": report, "rows": rows, "shown": len(rows), "total": len(report.rows), "token": token,
            }, status=200 if report.ok else 400)
    return render(request, "certification/assessment/import.html", {"program": program, "form": form},
                  status=400 if form.errors else 200)


@login_required
def assess_import_error_file(request: HttpRequest, program_id: int, token: str) -> HttpResponse:
    """A refused assessment import's file back, with its "Alasan" column: only to the session that
    imported it, for who assesses the program, until it expires (training's error-file service decides)."""
    program = _assess_program(request, program_id)
    if request.session.get(ERROR_FILES_SESSION_KEY, {}).get(token) != program.pk:
        raise NotFound(spreadsheets.ERROR_FILE_NOT_FOUND, code=TrainingCode.ERROR_FILE_NOT_FOUND)
    content = spreadsheets.error_file_open(actor=request.user, program=program, token=token, kind=ImportErrorFile.Kind.ASSESSMENTS)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="penilaian-{program.pk}-perbaiki.xlsx"'
    return response


@login_required
def review(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """The participant rates and reviews the training (once); afterwards the review is shown read-only."""
    enrollment = selectors.own_enrollment(user=request.user, enrollment_id=enrollment_id)
    program = enrollment.program
    existing = selectors.review_of(enrollment=enrollment)
    blocker = domain.review_blocker(program_status=program.status, state=enrollment.state)
    instructors = selectors.program_instructors(program=program) if existing is None and blocker is None else []
    form = ReviewForm(request.POST or None, instructors=instructors)
    status = 200
    if request.method == "POST":
        if existing is not None or blocker is not None:
            messages.error(request, _("Ulasan tidak dapat dikirim lagi.") if existing else str(blocker))
            return redirect("certification:review", enrollment_id=enrollment.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.review_submit(
                    actor=request.user, enrollment=enrollment, rating=d["rating"], text=d["text"],
                    instructor=form.instructors.get(d["instructor"]) if d["instructor"] else None,
                    instructor_rating=d["instructor_rating"], now=timezone.now(),
                )
            except SisnakerError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Terima kasih! Ulasan Anda sudah kami terima."))
                return redirect("certification:review", enrollment_id=enrollment.pk)
        status = 400
    return render(request, "certification/assessment/review.html", {
        "enrollment": enrollment, "program": program, "review": existing, "blocker": str(blocker) if blocker else "",
        "form": form, "has_instructors": bool(instructors), "survey_url": selectors.survey_url(enrollment.pk),
        "stars": range(1, 6),
    }, status=status)
