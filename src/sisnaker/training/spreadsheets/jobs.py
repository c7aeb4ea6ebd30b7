"""Large imports and exports as background jobs (issue 14 §4), like certification's "issue all eligible".

A file of more than ``background_rows()`` rows (``SISNAKER_SPREADSHEET_BACKGROUND_ROWS``, 20,000 by
default), or an export of more enrollments than that, is not done inside the request (a 1M-row export
would pass gunicorn's timeout):

* ``enrollments_import_start`` checks what can be checked at once (who, the mode, the program's state, a
  late registration's reason, the file's size and kind), stores the upload (default storage: S3 when
  configured) under a ``SpreadsheetJob``, records the request in the audit trail and queues
  ``tasks.run_spreadsheet_job`` once committed. ``enrollments_export_start`` does the same for an export.
* ``spreadsheet_job_run`` (the task) runs the very same service as a small file
  (``services.enrollments_import``, streaming, ONE transaction) and keeps the outcome on the job: the
  counts, the file's warnings, the error file (kept as every error file is) or the refusal. An export is
  written row by row (server-side cursor, XlsxWriter's constant memory) to a temporary file, then to the
  storage, downloadable by whoever asked for it (``spreadsheet_job_file``) for ``EXPORT_KEEP_HOURS``.
* Progress: the import's rows are written in one transaction, so nothing it writes is visible until the
  end; the worker reports ``done``/``expected`` on the job row through a second, autocommit connection
  (PostgreSQL; SQLite allows one writer, so there the page shows only the task's state).

A worker killed mid-import leaves nothing: the import's transaction dies with its connection. The
worker's takeover (``core.worker``) runs the task again from the stored upload. Had the import committed
just before the kill, the rerun finds the import's audit row (it names the job) and reports that outcome
instead of importing again.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit, storedfiles
from sisnaker.core.errors import Msg, NotFound, SisnakerError, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.permissions import require
from sisnaker.core.progress import side_updater
from sisnaker.core.tasks import enqueue_with_transaction

from ..codes import Audit, Code
from ..domain import EnrollmentState as E
from ..models import Program, SpreadsheetJob
from ..tasks import run_spreadsheet_job
from . import reading, services, writing

JOB_NOT_FOUND = Msg("Tugas impor/ekspor tidak ditemukan.", "Import/export job not found.")
JOB_FILE_GONE = Msg("Berkas hasil ekspor tidak ada lagi (disimpan {h} jam); ekspor ulang untuk membuatnya lagi.",
                    "The export's file is gone (kept {h} hours); export again to make it anew.")
logger = logging.getLogger("sisnaker.training")
PROGRESS_EVERY = 2000  # rows between two progress writes of an export


def background_rows() -> int:
    """Files and exports of more rows than this run in the background."""
    return int(getattr(settings, "SISNAKER_SPREADSHEET_BACKGROUND_ROWS", 20_000))


def import_rows_estimate(file_name: str, data: bytes) -> int:
    """About how many rows an upload has, cheaply (decides only where the import runs)."""
    return reading.estimate_rows(file_name, data)


def export_rows_estimate(*, program: Program, state: str = "") -> int:
    """How many rows the export of ``program`` (in ``state``) has, from the maintained counters."""
    counts = program.state_counts
    return counts.get(state, 0) if state else sum(counts.values())


def _new_job(*, actor: User, program: Program, kind: str, params: dict, expires: dt.timedelta, now: dt.datetime) -> SpreadsheetJob:
    return SpreadsheetJob.objects.create(
        token=uuid.uuid4().hex, kind=kind, program=program, institution_id=program.institution_id, created_by=actor,
        created_at=now, expires_at=now + expires, params=params,
    )


def _queue_run(job: SpreadsheetJob) -> None:
    # Queued with the job's own transaction (``enqueue_with_transaction``): no crash can leave a job without its task.
    enqueue_with_transaction(run_spreadsheet_job, job_id=job.pk,
                             then=lambda result: SpreadsheetJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id))


def enrollments_import_start(*, actor: User, program: Program, file_name: str, data: bytes, mode: str, today: dt.date,
                             late_reason: str = "") -> SpreadsheetJob:
    """Queue the import of a large file: refuses at once what needs no reading (as ``enrollments_import``
    would), stores the upload, records the request; the task imports it."""
    late, late_reason = services.import_check(actor=actor, program=program, mode=mode, today=today, late_reason=late_reason)
    reading.check_upload(file_name, data)
    now = timezone.now()
    with transaction.atomic(durable=True):
        job = _new_job(actor=actor, program=program, kind=SpreadsheetJob.Kind.IMPORT, now=now,
                       expires=dt.timedelta(days=SpreadsheetJob.UPLOAD_KEEP_DAYS),
                       params={"file_name": file_name[:200], "mode": mode, "late_reason": late_reason if late else "",
                               "today": today.isoformat()})
        job.expected = import_rows_estimate(file_name, data)
        job.path = default_storage.save(f"imports/{int(program.pk)}/upload-{job.token}", ContentFile(data))
        job.save(update_fields=["expected", "path"])
        audit.record(actor=actor, action=Audit.IMPORT_QUEUED, obj=program, at=now,
                     after={"job": job.token, "file": file_name[:200], "mode": mode, "rows_estimated": job.expected})
        _queue_run(job)
    return job


def enrollments_export_start(*, actor: User, program: Program, state: str = "", fmt: str = "xlsx", delimiter: str = ",") -> SpreadsheetJob:
    """Queue a large export of ``program``'s enrollments; the task writes the file (NIK masked unless the
    asker may see it, decided when it runs, as for a small export)."""
    require(actor, "enrollment.view", program)
    if state and state not in E.values:
        raise ValidationFailed(Msg("Status \"{s}\" tidak dikenal.", "Unknown state \"{s}\".").format(s=state[:30]),
                               code=Code.EXPORT_STATE, field="state")
    now = timezone.now()
    with transaction.atomic(durable=True):
        job = _new_job(actor=actor, program=program, kind=SpreadsheetJob.Kind.EXPORT, now=now,
                       expires=dt.timedelta(hours=SpreadsheetJob.EXPORT_KEEP_HOURS),
                       params={"state": state, "format": "csv" if fmt == "csv" else "xlsx", "delimiter": delimiter})
        job.expected = export_rows_estimate(program=program, state=state)
        job.save(update_fields=["expected"])
        audit.record(actor=actor, action=Audit.EXPORT_QUEUED, obj=program, at=now,
                     after={"job": job.token, "state": state, "format": job.params["format"], "rows": job.expected})
        _queue_run(job)
    return job


# --- the task ---------------------------------------------------------------------------------------

def spreadsheet_job_run(*, job_id: int, task_id: str = "") -> dict:
    """Run one job (the task ``run_spreadsheet_job``). Run again after a worker died, it starts over (an
    import's transaction died with the worker) or reports what had already been committed."""
    job = SpreadsheetJob.objects.select_related("program__institution", "created_by").get(pk=job_id)
    if job.finished:
        return {"job": job.token, "status": job.status}
    SpreadsheetJob.objects.filter(pk=job.pk).update(status=SpreadsheetJob.Status.RUNNING, done=0,
                                                    task_id=task_id or job.task_id)
    progress, close = _progress_writer(job)
    try:
        if job.kind == SpreadsheetJob.Kind.IMPORT:
            status, outcome = _run_import(job, progress)
        else:
            status, outcome = _run_export(job, progress)
    except BaseException:
        SpreadsheetJob.objects.filter(pk=job.pk).update(status=SpreadsheetJob.Status.FAILED, finished_at=timezone.now())
        if job.kind == SpreadsheetJob.Kind.IMPORT:
            _delete_file(job)
        raise
    finally:
        close()
    SpreadsheetJob.objects.filter(pk=job.pk).update(status=status, outcome=outcome, finished_at=timezone.now(),
                                                    done=outcome.get("total", outcome.get("rows", 0)) or 0)
    return {"job": job.token, "status": status}


def _progress_writer(job: SpreadsheetJob) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """``progress(done, expected)`` written on the job row at once, visible to every process while the
    import's own transaction is still open (``core.progress.side_updater``: PostgreSQL only)."""
    update, close = side_updater(SpreadsheetJob, job.pk)
    return (lambda done, expected: update(done=done, expected=expected)), close


def _run_import(job: SpreadsheetJob, progress: Callable[[int, int], None]) -> tuple[str, dict]:
    program, actor, params = job.program, job.created_by, job.params
    prior = (AuditEvent.objects.filter(action__in=[Audit.PROGRAM_IMPORT, Audit.PROGRAM_IMPORT_REFUSED], object_type="training.program",
                                       object_id=str(program.pk), after__job=job.token).order_by("-id").first())
    if prior is not None:  # committed by an earlier run that died before writing its outcome here
        after = prior.after or {}
        outcome = {key: after.get(key, 0) for key in ("total", "created", "people_created", "unchanged", "errors")}
        outcome.update(total=after.get("rows", 0), saved=bool(after.get("saved")), mode=after.get("mode", ""), resumed=True,
                       skipped=after.get("skipped", 0), warnings=0, valid_not_saved=0, notices=[], error_token="")
        _delete_file(job)
        return SpreadsheetJob.Status.DONE, outcome
    try:
        with default_storage.open(job.path, "rb") as fh:
            data = fh.read()
        report = services.enrollments_import(
            actor=actor, program=program, file_name=params.get("file_name", ""), data=data, mode=params.get("mode", ""),
            today=dt.date.fromisoformat(params["today"]), late_reason=params.get("late_reason", ""), progress=progress, job=job.token,
        )
        del data
    except SisnakerError as exc:
        _delete_file(job)
        return SpreadsheetJob.Status.REFUSED, {"refused": {"code": str(exc.code), "id": exc.message.id, "en": exc.message.en}}
    _delete_file(job)
    token = ""
    if report.error_file:
        token = services.error_file_store(actor=actor, program=program, content=report.error_file)
    return SpreadsheetJob.Status.DONE, {
        "total": report.total, "created": report.created, "people_created": report.people_created, "unchanged": report.unchanged,
        "errors": report.errors, "warnings": report.warnings, "skipped": report.skipped, "saved": report.saved, "mode": report.mode,
        "valid_not_saved": report.valid_not_saved, "late": report.late, "error_token": token,
        "notices": [{"id": n.message.id, "en": n.message.en} for n in report.notices],
        "problems": [{"row": r.row, "nik": r.nik_masked, "name": r.full_name,
                      "errors": [[k, m.id, m.en] for k, m in r.errors], "warnings": [[k, m.id, m.en] for k, m in r.warnings]}
                     for r in report.rows if r.errors or r.warnings][:200],
    }


def _counting(rows, progress: Callable[[int, int], None], expected: int, counter: list[int]) -> Iterator[list[Any]]:
    for row in rows:
        counter[0] += 1
        if counter[0] % PROGRESS_EVERY == 0:
            progress(counter[0], max(expected, counter[0]))
        yield row


def _run_export(job: SpreadsheetJob, progress: Callable[[int, int], None]) -> tuple[str, dict]:
    params = job.params
    try:
        export = services.enrollments_export(actor=job.created_by, program=job.program, state=params.get("state", ""))
    except SisnakerError as exc:
        return SpreadsheetJob.Status.REFUSED, {"refused": {"code": str(exc.code), "id": exc.message.id, "en": exc.message.en}}
    counter = [0]
    export.rows = _counting(export.rows, progress, job.expected, counter)
    fmt = params.get("format", "xlsx")
    with tempfile.TemporaryFile() as fh:
        if fmt == "csv":
            for piece in writing.export_csv_chunks(export, delimiter=params.get("delimiter", ",")):
                fh.write(piece.encode("utf-8"))
        else:
            writing.export_xlsx(export, fh)
        fh.seek(0)
        path = default_storage.save(f"exports/{int(job.program_id)}/{job.token}.{fmt}", File(fh))
    SpreadsheetJob.objects.filter(pk=job.pk).update(path=path)
    job.path = path
    return SpreadsheetJob.Status.DONE, {"rows": counter[0], "nik_visible": export.nik_visible,
                                        "file_name": f"{export.file_stem}.{fmt}", "format": fmt}


def _delete_file(job: SpreadsheetJob) -> None:
    if job.path:
        default_storage.delete(job.path)
        SpreadsheetJob.objects.filter(pk=job.pk).update(deleted_at=timezone.now())


# --- reads for the pages ------------------------------------------------------------------------------

def spreadsheet_job_get(*, actor: User, program: Program, token: str) -> SpreadsheetJob:
    """The job named by ``token``, for the user who started it (and may still manage or view the
    program); NotFound for anyone else, as for an unknown token."""
    job = None
    if len(token) == 32 and all(ch in "0123456789abcdef" for ch in token):
        job = SpreadsheetJob.objects.filter(token=token, program=program).first()
    if job is None or job.created_by_id != getattr(actor, "pk", None):
        raise NotFound(JOB_NOT_FOUND, code=Code.JOB_NOT_FOUND)
    require(actor, "program.manage" if job.kind == SpreadsheetJob.Kind.IMPORT else "enrollment.view", program)
    return job


def spreadsheet_job_file(*, actor: User, program: Program, token: str, now: dt.datetime | None = None) -> tuple[SpreadsheetJob, Any]:
    """A finished export's file (an open binary file), for whoever asked for it, until it expires; each
    download is recorded."""
    job = spreadsheet_job_get(actor=actor, program=program, token=token)
    if job.kind != SpreadsheetJob.Kind.EXPORT or job.status != SpreadsheetJob.Status.DONE:
        raise NotFound(JOB_NOT_FOUND, code=Code.JOB_NOT_FOUND)
    if job.deleted_at is not None or job.expires_at <= (now or timezone.now()) or not job.path or not default_storage.exists(job.path):
        raise NotFound(JOB_FILE_GONE.format(h=SpreadsheetJob.EXPORT_KEEP_HOURS), code=Code.JOB_FILE_GONE)
    with transaction.atomic(durable=True):
        audit.record(actor=actor, action=Audit.EXPORT_DOWNLOADED, obj=program, after={"job": job.token})
    return job, default_storage.open(job.path, "rb")


def spreadsheet_jobs_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the stored files of expired jobs (uploads never imported because their worker died for good,
    exports past their hours); returns how many. Run by the error files' sweep."""
    now = now or timezone.now()
    expired = SpreadsheetJob.objects.filter(deleted_at__isnull=True, expires_at__lte=now).exclude(path="")
    return storedfiles.delete_expired(expired, now=now, record=lambda job: audit.record(
        actor="system", action=Audit.JOB_FILE_DELETED, obj=job.program, after={"job": job.token, "kind": job.kind}))
