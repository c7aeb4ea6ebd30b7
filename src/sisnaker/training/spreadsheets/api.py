"""REST endpoints for the spreadsheet import and the export of a program's enrollments
(mounted at /api/v1/training/). Session or bearer-token auth (``core.api_auth``); errors are ``{code, message, field}``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from sisnaker.core.api_auth import SESSION_OR_TOKEN, request_actor
from sisnaker.core.errors import Msg, ValidationFailed

from .. import selectors
from ..codes import Code
from . import downloads, jobs, services
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


class JobOut(Schema):
    token: str = Field(description="Names the job in `GET /programs/{program_id}/jobs/{token}` (only whoever started it sees it)")
    kind: Literal["import", "export"]
    status: Literal["queued", "running", "done", "refused", "failed"] = Field(
        description="refused: nothing was imported (`refused` says why); failed: nothing was saved half-way, try again")
    done: int = Field(description="Rows read (import) or written (export) so far; PostgreSQL reports it while running")
    expected: int = Field(description="Rows expected (estimated from the file, or the program's counts)")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    refused: str | None = Field(description="Why the file was refused as a whole, in the caller's language")
    report: dict[str, Any] | None = Field(description="An import's counts once done: total, created, people_created, unchanged, "
                                                      "errors, warnings, skipped, saved, mode; an export's rows")
    error_file_url: str | None = Field(description="The import's wrong rows as an .xlsx with a reason column (kept a week)")
    file_url: str | None = Field(description="The export's file once done (kept 24 hours, for whoever asked for it)")
    url: str


_REPORT_KEYS = ("total", "created", "people_created", "unchanged", "errors", "warnings", "skipped", "saved", "mode", "rows",
                "format", "nik_visible")


def _job_out(job) -> dict:
    outcome = job.outcome or {}
    refused = outcome.get("refused")
    done = job.status == job.Status.DONE
    token = outcome.get("error_token") or ""
    args = {"program_id": job.program_id, "token": job.token}
    return {
        "token": job.token, "kind": job.kind, "status": job.status, "done": job.done, "expected": max(job.expected, job.done),
        "created_at": job.created_at, "finished_at": job.finished_at,
        "refused": Msg(refused.get("id", ""), refused.get("en", "")).in_language(get_language()) if refused else None,
        "report": {k: outcome[k] for k in _REPORT_KEYS if k in outcome} if done else None,
        "error_file_url": reverse("api:import_error_file", kwargs={"program_id": job.program_id, "token": token}) if token else None,
        "file_url": reverse("api:spreadsheet_job_file", kwargs=args) if done and job.kind == job.Kind.EXPORT else None,
        "url": reverse("api:spreadsheet_job", kwargs=args),
    }


@router.post(
    "/programs/{program_id}/import",
    response={200: ImportReportOut, 202: JobOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
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
    pre-filled defaults only), which are not read; ``file_warnings`` names the columns that were ignored. A file of
    more than ``SISNAKER_SPREADSHEET_BACKGROUND_ROWS`` rows (20,000 by default) is imported by the background worker,
    in one transaction as a small one: the answer is 202 with the job; poll ``GET .../jobs/{token}``."""
    program = selectors.program_for_staff(program_id=program_id)
    if file.size and file.size > MAX_BYTES:
        raise ValidationFailed(Msg("Berkas terlalu besar (batas {mb} MB).", "The file is too large (limit {mb} MB).").format(
            mb=MAX_BYTES // 1048576), code=Code.IMPORT_FILE_TOO_LARGE, field="file")
    data, name = file.read(), file.name or ""
    if jobs.import_rows_estimate(name, data) > jobs.background_rows():
        # A large file: imported by the background worker (a request would pass the server's timeout).
        job = jobs.enrollments_import_start(actor=request_actor(request), program=program, file_name=name, data=data, mode=mode,
                                            today=timezone.localdate(), late_reason=late_reason)
        return Status(202, _job_out(job))
    report = services.enrollments_import(
        actor=request_actor(request), program=program, file_name=name, data=data, mode=mode,
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


@router.post("/programs/{program_id}/export-jobs", response={202: JobOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Queue an export of the program's enrollments (any size) for the background worker")
def export_job_start(request: HttpRequest, program_id: int, format: Literal["xlsx", "csv"] = "xlsx", state: str = "",
                     sep: Literal[",", ";"] = ","):
    """For a program too big for ``GET .../export`` inside one request: the worker writes the file (NIK masked unless
    the role may see it, decided when it runs); poll ``GET .../jobs/{token}``, then download ``file_url``."""
    program = selectors.program_for_staff(program_id=program_id)
    job = jobs.enrollments_export_start(actor=request_actor(request), program=program, state=state, fmt=format, delimiter=sep)
    return Status(202, _job_out(job))


@router.get("/programs/{program_id}/jobs/{token}", response={200: JobOut, 404: ErrorOut}, url_name="spreadsheet_job",
            summary="A background import or export: how far it is, then its outcome")
def job(request: HttpRequest, program_id: int, token: str):
    program = selectors.program_for_staff(program_id=program_id)
    return Status(200, _job_out(jobs.spreadsheet_job_get(actor=request_actor(request), program=program, token=token)))


@router.get("/programs/{program_id}/jobs/{token}/file", response={200: None, 404: ErrorOut}, url_name="spreadsheet_job_file",
            summary="Download a background export's file",
            openapi_extra={"responses": {200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}},
                                                           "text/csv": {"schema": {"type": "string"}}}}}})
def job_file(request: HttpRequest, program_id: int, token: str):
    program = selectors.program_for_staff(program_id=program_id)
    job, fh = jobs.spreadsheet_job_file(actor=request_actor(request), program=program, token=token)
    content_type = "text/csv; charset=utf-8" if job.params.get("format") == "csv" else XLSX
    return FileResponse(fh, as_attachment=True, filename=(job.outcome or {}).get("file_name") or f"ekspor-{program.pk}",
                        content_type=content_type)
