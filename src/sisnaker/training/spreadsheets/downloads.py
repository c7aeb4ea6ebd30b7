"""The spreadsheet files as HTTP responses, the same for the pages and the API: the import template, an
import's error file, and the export (streamed: an .xlsx through a temporary file, CSV in chunks)."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from sisnaker.accounts.models import User

from ..models import Program
from . import services, writing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_response(fmt: str) -> HttpResponse:
    content, content_type, name = writing.template_bytes(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def error_file_response(*, actor: User, program: Program, token: str) -> HttpResponse:
    """An import's error file (``services.error_file_open`` decides who may have it)."""
    content = services.error_file_open(actor=actor, program=program, token=token)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="baris-bermasalah-program-{program.pk}.xlsx"'
    return response


def export_response(*, actor: User, program: Program, fmt: str, state: str, delimiter: str = ",") -> HttpResponse:
    """The export as a streamed download."""
    export = services.enrollments_export(actor=actor, program=program, state=state)
    if fmt == "csv":
        response = StreamingHttpResponse(writing.export_csv_chunks(export, delimiter=delimiter), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export.file_stem}.csv"'
        return response
    fh = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    writing.export_xlsx(export, fh)
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=f"{export.file_stem}.xlsx", content_type=XLSX)
