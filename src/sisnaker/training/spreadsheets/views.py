"""Pages for importing applicants/participants from a spreadsheet and exporting enrollment tables.
Thin: forms in, services out; a refused import shows its reason on the form, any other refusal rises to
the error page (``core.pages``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from sisnaker.core.errors import NotFound, PermissionDenied, SisnakerError
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import can

from .. import selectors
from ..codes import Code
from ..domain import ProgramStatus
from ..forms import ImportForm
from ..models import Program
from ..views import FORBIDDEN
from . import downloads, jobs, services
from .reading import COLUMN_BY_KEY, MAX_BYTES, MAX_ROWS
from .writing import EXPORT_FORMATS

SESSION_KEY = "training_io_error_files"
REPORT_ROWS_SHOWN = 500


def _program(request: HttpRequest, program_id: int, action: str) -> Program:
    program = selectors.program_for_staff(program_id=program_id)
    if not can(request.user, action, program):
        raise PermissionDenied(FORBIDDEN)
    return program


def template_download(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    return downloads.template_response(fmt if fmt in EXPORT_FORMATS else "xlsx")


@login_required
def import_view(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, "program.manage")
    today = timezone.localdate()
    late = services.import_needs_late_reason(program=program, today=today)
    form = ImportForm(request.POST or None, request.FILES or None, late=late)
    context = {"program": program, "form": form, "late": late, "max_rows": MAX_ROWS, "max_mb": MAX_BYTES // 1048576,
               "background_rows": jobs.background_rows()}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            if jobs.import_rows_estimate(upload.name, data) > jobs.background_rows():
                # A large file: imported by the background worker; its page shows the progress and the outcome.
                job = jobs.enrollments_import_start(
                    actor=request.user, program=program, file_name=upload.name, data=data, mode=form.cleaned_data["mode"],
                    today=today, late_reason=form.cleaned_data.get("late_reason", ""))
                return redirect("training:spreadsheet_job", program_id=program.pk, token=job.token)
            report = services.enrollments_import(
                actor=request.user, program=program, file_name=upload.name, data=data,
                mode=form.cleaned_data["mode"], today=today, late_reason=form.cleaned_data.get("late_reason", ""),
            )
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            token = None
            if report.error_file:
                token = services.error_file_store(actor=request.user, program=program, content=report.error_file)
                _offer_error_file(request, token, program)
            language = get_language() or "id"
            rows = [
                {"row": r.row, "status": r.status, "nik": r.nik_masked, "name": r.full_name,
                 "errors": [(_column_label(k, language), m.in_language(language)) for k, m in r.errors],
                 "warnings": [(_column_label(k, language), m.in_language(language)) for k, m in r.warnings]}
                for r in report.rows[:REPORT_ROWS_SHOWN]
            ]
            notices = [n.message.in_language(language) for n in report.notices]
            return render(request, "training/spreadsheets/import_result.html", {
                "program": program, "report": report, "rows": rows, "shown": len(rows), "token": token, "notices": notices,
                # The class imported on its first day: starting it is the next step, one click from here.
                "start_now": report.saved and program.status == ProgramStatus.PUBLISHED and program.start_date <= today,
            })
    return render(request, "training/spreadsheets/import.html", context, status=400 if form.errors else 200)


def _offer_error_file(request: HttpRequest, token: str, program: Program) -> None:
    """Only the session that imported a file is offered its error file."""
    kept = request.session.get(SESSION_KEY, {})
    if kept.get(token) != program.pk:
        kept[token] = program.pk
        request.session[SESSION_KEY] = dict(list(kept.items())[-20:])


def _column_label(key: str, language: str) -> str:
    col = COLUMN_BY_KEY.get(key)
    if col is None:
        return key
    return col.header_en if language.startswith("en") else col.header


@login_required
def error_file_download(request: HttpRequest, program_id: int, token: str) -> HttpResponse:
    program = _program(request, program_id, "program.manage")
    if request.session.get(SESSION_KEY, {}).get(token) != program.pk:
        # Only the session that imported the file is offered it (the API asks the service alone).
        raise NotFound(services.ERROR_FILE_NOT_FOUND, code=Code.ERROR_FILE_NOT_FOUND)
    return downloads.error_file_response(actor=request.user, program=program, token=token)


@login_required
def export_view(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, "enrollment.view")
    fmt = request.GET.get("format", "xlsx")
    fmt = fmt if fmt in EXPORT_FORMATS else "xlsx"
    delimiter = ";" if request.GET.get("sep") in (";", "semicolon") else ","
    state = request.GET.get("state", "")
    if jobs.export_rows_estimate(program=program, state=state) > jobs.background_rows():
        # A large export is written by the background worker; its page offers the file when it is ready.
        job = jobs.enrollments_export_start(actor=request.user, program=program, state=state, fmt=fmt, delimiter=delimiter)
        return redirect("training:spreadsheet_job", program_id=program.pk, token=job.token)
    return downloads.export_response(actor=request.user, program=program, fmt=fmt, state=state, delimiter=delimiter)


@login_required
@require_GET
def job_view(request: HttpRequest, program_id: int, token: str) -> HttpResponse:
    """A large import's or export's progress (polled every 2 seconds), then its outcome: the counts, the
    error file, or the export's download link."""
    program = selectors.program_for_staff(program_id=program_id)
    job = jobs.spreadsheet_job_get(actor=request.user, program=program, token=token)
    language = get_language() or "id"
    outcome = job.outcome or {}
    refused = outcome.get("refused")
    error_token = outcome.get("error_token") or ""
    if error_token:
        _offer_error_file(request, error_token, program)
    expected = max(job.expected, job.done)
    context = {
        "program": program, "job": job, "done": job.done, "expected": expected,
        "percent": 100 if job.finished else (int(job.done * 100 / expected) if expected else 0),
        "status_label": job.get_status_display(), "outcome": outcome, "error_token": error_token,
        "refused": (refused.get("en") if language.startswith("en") else refused.get("id")) if refused else "",
        "notices": [n.get("en") if language.startswith("en") else n.get("id") for n in outcome.get("notices", [])],
        "problems": [
            {"row": p["row"], "nik": p["nik"], "name": p["name"],
             "errors": [(_column_label(k, language), en if language.startswith("en") else id_) for k, id_, en in p["errors"]],
             "warnings": [(_column_label(k, language), en if language.startswith("en") else id_) for k, id_, en in p["warnings"]]}
            for p in outcome.get("problems", [])],
        "poll_url": request.get_full_path(),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "training/spreadsheets/_job.html", context)
    return render(request, "training/spreadsheets/job.html", context)


@login_required
@require_GET
def job_download(request: HttpRequest, program_id: int, token: str) -> HttpResponse:
    """A finished export's file, for whoever asked for it."""
    program = selectors.program_for_staff(program_id=program_id)
    job, fh = jobs.spreadsheet_job_file(actor=request.user, program=program, token=token)
    content_type = "text/csv; charset=utf-8" if job.params.get("format") == "csv" else downloads.XLSX
    return FileResponse(fh, as_attachment=True, filename=(job.outcome or {}).get("file_name") or f"ekspor-{program.pk}",
                        content_type=content_type)
