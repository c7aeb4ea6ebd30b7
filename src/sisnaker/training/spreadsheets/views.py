"""Pages for importing applicants/participants from a spreadsheet and exporting enrollment tables.
Thin: forms in, services out; a refused import shows its reason on the form, any other refusal rises to
the error page (``core.pages``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from sisnaker.core.errors import NotFound, PermissionDenied, SisnakerError
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import can

from .. import selectors
from ..codes import Code
from ..domain import ProgramStatus
from ..forms import ImportForm
from ..models import Program
from ..views import FORBIDDEN
from . import downloads, services
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
    context = {"program": program, "form": form, "late": late, "max_rows": MAX_ROWS, "max_mb": MAX_BYTES // 1048576}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.enrollments_import(
                actor=request.user, program=program, file_name=upload.name, data=upload.read(),
                mode=form.cleaned_data["mode"], today=today, late_reason=form.cleaned_data.get("late_reason", ""),
            )
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            token = None
            if report.error_file:
                token = services.error_file_store(actor=request.user, program=program, content=report.error_file)
                kept = request.session.get(SESSION_KEY, {})
                kept[token] = program.pk
                request.session[SESSION_KEY] = dict(list(kept.items())[-20:])
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
    delimiter = ";" if request.GET.get("sep") in (";", "semicolon") else ","
    return downloads.export_response(actor=request.user, program=program, fmt=fmt if fmt in EXPORT_FORMATS else "xlsx",
                                     state=request.GET.get("state", ""), delimiter=delimiter)
