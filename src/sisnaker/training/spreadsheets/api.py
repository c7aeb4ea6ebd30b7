"""REST endpoints for the spreadsheet import and the export of a program's enrollments
(mounted at /api/v1/training/). Session or bearer-token auth (``core.api_auth``); errors are ``{code, message, field}``."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from sisnaker.core.api_auth import SESSION_OR_TOKEN, request_actor
from sisnaker.core.errors import Msg, ValidationFailed

from .. import selectors
from ..codes import Code
from . import downloads, services
from .downloads import XLSX
from .reading import COLUMN_BY_KEY, MAX_BYTES

router = Router(auth=SESSION_OR_TOKEN)
# The operation ids that API clients were generated with, from when these endpoints lived in training/io_api.py.
OPERATION_IDS = {name: f"sisnaker_training_io_api_{name}" for name in ("import_file", "import_error_file", "export")}


class CellMessage(Schema):
    column: str
    header: str
    message: str


class RowOut(Schema):
    row: int
    status: Literal["created", "unchanged", "valid", "error"]
    nik_masked: str
    full_name: str
    errors: list[CellMessage]
    warnings: list[CellMessage]


class FileWarningOut(Schema):
    code: str
    message: str
    columns: list[str]


class ImportReportOut(Schema):
    file_name: str
    mode: str
    saved: bool
    late: bool
    total: int
    created: int
    people_created: int
    unchanged: int
    errors: int
    warnings: int
    skipped: int
    file_warnings: list[FileWarningOut]
    error_file_url: str | None
    rows: list[RowOut]


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


def _cells(items, language: str) -> list[dict]:
    out = []
    for key, msg in items:
        col = COLUMN_BY_KEY.get(key)
        out.append({"column": key, "header": col.header if col else key, "message": msg.in_language(language)})
    return out


@router.post(
    "/programs/{program_id}/import",
    response={200: ImportReportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Import applicants/participants from .xlsx, .xls or .csv", operation_id=OPERATION_IDS["import_file"],
)
def import_file(
    request: HttpRequest,
    program_id: int,
    file: File[UploadedFile],
    mode: Form[Literal["all_or_nothing", "valid_only"]] = "all_or_nothing",
    late_reason: Form[str] = "",
    rows: Form[Literal["all", "problems"]] = "all",
):
    """Every row is checked; ``all_or_nothing`` saves nothing when a row is wrong, ``valid_only`` saves the
    valid rows and offers the wrong ones as an .xlsx error file (``error_file_url``). Re-importing the
    same file reports every row as ``unchanged``. ``rows=problems`` lists only rows with errors or warnings.
    ``skipped`` counts empty rows (nothing in NIK, name, birth date, phone or e-mail: a running number or
    pre-filled defaults only), which are not read; ``file_warnings`` names the columns that were ignored."""
    program = selectors.program_for_staff(program_id=program_id)
    if file.size and file.size > MAX_BYTES:
        raise ValidationFailed(Msg("Berkas terlalu besar (batas {mb} MB).", "The file is too large (limit {mb} MB).").format(
            mb=MAX_BYTES // 1048576), code=Code.IMPORT_FILE_TOO_LARGE, field="file")
    report = services.enrollments_import(
        actor=request_actor(request), program=program, file_name=file.name or "", data=file.read(), mode=mode,
        today=timezone.localdate(), late_reason=late_reason,
    )
    url = None
    if report.error_file:
        token = services.error_file_store(actor=request_actor(request), program=program, content=report.error_file)
        url = reverse("api:import_error_file", kwargs={"program_id": program.pk, "token": token})
    language = get_language() or "id"
    listed = report.rows if rows == "all" else [r for r in report.rows if r.errors or r.warnings]
    return Status(200, {
        "file_name": report.file_name, "mode": report.mode, "saved": report.saved, "late": report.late, "total": report.total,
        "created": report.created, "people_created": report.people_created, "unchanged": report.unchanged,
        "errors": report.errors, "warnings": report.warnings, "skipped": report.skipped,
        "file_warnings": [{"code": n.code, "message": n.message.in_language(language), "columns": n.columns} for n in report.notices],
        "error_file_url": url,
        "rows": [{"row": r.row, "status": r.status, "nik_masked": r.nik_masked, "full_name": r.full_name,
                  "errors": _cells(r.errors, language), "warnings": _cells(r.warnings, language)} for r in listed],
    })


@router.get("/programs/{program_id}/import/errors/{token}", url_name="import_error_file",
            response={200: None, 403: ErrorOut, 404: ErrorOut}, summary="Download an import's error file (.xlsx)",
            operation_id=OPERATION_IDS["import_error_file"],
            openapi_extra={"responses": {200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def import_error_file(request: HttpRequest, program_id: int, token: str):
    program = selectors.program_for_staff(program_id=program_id)
    return downloads.error_file_response(actor=request_actor(request), program=program, token=token)


@router.get("/programs/{program_id}/export", response={200: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="Export the program's enrollments (.xlsx or .csv; NIK masked unless the role may see it)",
            operation_id=OPERATION_IDS["export"],
            openapi_extra={"responses": {200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}},
                                                           "text/csv": {"schema": {"type": "string"}}}}}})
def export(request: HttpRequest, program_id: int, format: Literal["xlsx", "csv"] = "xlsx", state: str = "",
           sep: Literal[",", ";"] = ","):
    program = selectors.program_for_staff(program_id=program_id)
    return downloads.export_response(actor=request_actor(request), program=program, fmt=format, state=state, delimiter=sep)
