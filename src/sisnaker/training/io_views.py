"""Pages for importing applicants/participants from a spreadsheet and exporting enrollment tables.
Thin: forms in, services out; every refusal is a message on the page (never a 500)."""

from __future__ import annotations

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sisnaker.core.errors import NotFound, PermissionDenied, SisnakerError
from sisnaker.core.permissions import can

from . import io_services, selectors
from .imports import MAX_BYTES, MAX_ROWS
from .models import Program

SESSION_KEY = "training_io_error_files"
REPORT_ROWS_SHOWN = 500


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas (.xlsx, .xls, atau .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}))
    mode = forms.ChoiceField(
        label=_("Bila ada baris yang salah"), widget=forms.RadioSelect, initial="all_or_nothing",
        choices=[("all_or_nothing", _("Tolak seluruh berkas (tidak ada yang disimpan)")),
                 ("valid_only", _("Simpan baris yang benar; baris yang salah dikembalikan sebagai berkas galat"))],
    )
    late_reason = forms.CharField(label=_("Alasan pendaftaran susulan"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args, late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if late:
            self.fields["late_reason"].required = True
            self.fields["late_reason"].help_text = _("Pendaftaran sudah ditutup: alasan ini dicatat pada setiap pendaftaran dari berkas ini.")
        else:
            del self.fields["late_reason"]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (batas %(mb)s MB).") % {"mb": MAX_BYTES // 1048576})
        return f


def _program(request: HttpRequest, program_id: int, action: str) -> Program:
    program = selectors.program_for_staff(program_id=program_id)
    if program is None:
        raise Http404
    if not can(request.user, action, program):
        raise DjangoPermissionDenied
    return program


def _error_page(request: HttpRequest, exc: SisnakerError, status: int = 400) -> HttpResponse:
    title = _("Akses ditolak") if isinstance(exc, PermissionDenied) else _("Permintaan tidak dapat diproses")
    return render(request, "core/error.html", {"title": title, "text": str(exc.message), "status": status}, status=status)


def template_download(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        fmt = "xlsx"
    content, content_type, name = io_services.template_bytes(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def import_view(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, "program.manage")
    today = timezone.localdate()
    late = io_services.import_needs_late_reason(program=program, today=today)
    form = ImportForm(request.POST or None, request.FILES or None, late=late)
    context = {"program": program, "form": form, "late": late, "max_rows": MAX_ROWS, "max_mb": MAX_BYTES // 1048576}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = io_services.enrollments_import(
                actor=request.user, program=program, file_name=upload.name, data=upload.read(),
                mode=form.cleaned_data["mode"], today=today, late_reason=form.cleaned_data.get("late_reason", ""),
            )
        except SisnakerError as exc:
            form.add_error("late_reason" if exc.field == "late_reason" and "late_reason" in form.fields else None, str(exc.message))
        else:
            token = None
            if report.error_file:
                token = io_services.error_file_store(actor=request.user, program=program, content=report.error_file)
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
            return render(request, "training/io/import_result.html", {
                "program": program, "report": report, "rows": rows, "shown": len(rows), "token": token,
            })
    return render(request, "training/io/import.html", context, status=400 if form.errors else 200)


def _column_label(key: str, language: str) -> str:
    from .imports import COLUMN_BY_KEY

    col = COLUMN_BY_KEY.get(key)
    if col is None:
        return key
    return col.header_en if language.startswith("en") else col.header


@login_required
def error_file_download(request: HttpRequest, program_id: int, token: str) -> HttpResponse:
    program = _program(request, program_id, "program.manage")
    if request.session.get(SESSION_KEY, {}).get(token) != program.pk:
        raise Http404
    try:
        content = io_services.error_file_open(actor=request.user, program=program, token=token)
    except NotFound as exc:
        return _error_page(request, exc, 404)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="baris-bermasalah-program-{program.pk}.xlsx"'
    return response


def export_response(*, actor, program: Program, fmt: str, state: str, delimiter: str = ",") -> HttpResponse:
    """The export as a streamed download (shared by the page and the API)."""
    export = io_services.enrollments_export(actor=actor, program=program, state=state)
    if fmt == "csv":
        response = StreamingHttpResponse(io_services.export_csv_chunks(export, delimiter=delimiter), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export.file_stem}.csv"'
        return response
    fh = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    io_services.export_xlsx(export, fh)
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=f"{export.file_stem}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def export_view(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, "enrollment.view")
    fmt = request.GET.get("format", "xlsx")
    if fmt not in io_services.EXPORT_FORMATS:
        fmt = "xlsx"
    delimiter = ";" if request.GET.get("sep") in (";", "semicolon") else ","
    try:
        return export_response(actor=request.user, program=program, fmt=fmt, state=request.GET.get("state", ""), delimiter=delimiter)
    except PermissionDenied as exc:
        return _error_page(request, exc, 403)
    except SisnakerError as exc:
        return _error_page(request, exc, 400)
