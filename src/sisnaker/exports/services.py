"""Exports' use cases: ask for an export, write it (the background task), download it, delete expired files.

* ``export_request`` checks the source, the format and the parameters, the requester's permission on the source's
  target (``core.permissions.RULES``), and records the request (``export.requested``) with the job in ONE
  transaction, and queues the task in it (``core.tasks.enqueue_with_transaction``): a refused or rolled-back request
  queues nothing, a committed one cannot lose its task.
* ``export_run`` (the task ``tasks.run_export``) checks the permission again (a role may have been withdrawn
  while the job waited), reads the source's rows as they come (server-side cursor, chunks of
  ``registry.CHUNK``), writes them straight into a temporary file (``writers``: CSV with the csv module, the .xlsx
  streamed into its zip) and writes ``done`` on the job every ``PROGRESS_EVERY`` rows, in autocommit so that the
  job's page sees it move. Memory does not grow with the rows. The file goes to the default storage (S3 when
  ``SISNAKER_S3_BUCKET`` is set) for ``ExportJob.KEEP_HOURS``.
* ``export_file`` gives the file to its requester only, while it is kept and the requester still holds the
  permission; each download is recorded (with whether the file holds full NIKs).
* ``exports_delete_expired`` (housekeeping, ``settings.SISNAKER_HOUSEKEEPING``) deletes expired files.

Every export is a background job, small ones too: one code path, every export audited, and the file can be
downloaded again for a day. A worker writes a few thousand rows in well under a second (bench/bench_exports.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from sisnaker.core import audit, storedfiles
from sisnaker.core.errors import Msg, NotFound, SisnakerError, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.core.tasks import enqueue_with_transaction

from . import registry, selectors, writers
from .codes import Audit, Code
from .models import ExportJob
from .tasks import run_export

logger = logging.getLogger("sisnaker.exports")
PROGRESS_EVERY = 5000  # rows between two progress writes on the job row
FORMATS = tuple(ExportJob.Format.values)

FORMAT_UNKNOWN = Msg("Format \"{fmt}\" tidak dikenal: pilih xlsx atau csv.", "Unknown format \"{fmt}\": choose xlsx or csv.")
NOT_READY = Msg("Ekspor ini belum selesai; tunggu sampai halaman ini menampilkan tautan unduh.",
                "This export is not finished yet; wait until this page shows the download link.")
FILE_GONE = Msg("Berkas ekspor ini tidak ada lagi (disimpan {h} jam); minta ekspor baru untuk membuatnya lagi.",
                "This export's file is gone (kept {h} hours); ask for a new export to make it again.")


def _target(source: registry.Source, params: dict[str, str], actor: Any) -> Any:
    target = source.target(params)
    require(actor, source.action, target)
    return target


def export_request(*, actor: Any, source: str, params: dict[str, Any] | None, fmt: str,
                   now: dt.datetime | None = None) -> ExportJob:
    """Ask for an export of ``source`` with ``params`` as ``fmt`` ("xlsx" or "csv"); returns the queued job."""
    src = registry.get(source)
    if fmt not in FORMATS:
        raise ValidationFailed(FORMAT_UNKNOWN.format(fmt=str(fmt)[:10]), code=Code.EXPORT_FORMAT_UNKNOWN, field="format")
    clean = registry.clean_params(src, params)
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        target = _target(src, clean, actor)
        ctx = registry.context(src, actor=actor, params=clean, target=target)
        expected = max(int(src.count(ctx) or 0), 0)
        job = ExportJob.objects.create(
            token=uuid.uuid4().hex, source=src.name, params=clean, label=src.label(target, clean), format=fmt,
            created_by=actor, created_at=now, expires_at=now + dt.timedelta(hours=ExportJob.KEEP_HOURS),
            expected=expected, nik_visible=ctx.nik_visible,
        )
        audit.record(actor=actor, action=Audit.EXPORT_REQUESTED, obj=job, at=now,
                     after={"source": src.name, "params": clean, "format": fmt, "rows": expected, "nik_visible": ctx.nik_visible})

        # Queued with the job's own transaction: no crash can leave a job without its task.
        enqueue_with_transaction(run_export, job_id=job.pk,
                                 then=lambda result: ExportJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id))
    return job


def _counted(rows: Iterator[Sequence[Any]], job: ExportJob, counter: list[int]) -> Iterator[Sequence[Any]]:
    """The rows, counted; ``done`` written on the job every ``PROGRESS_EVERY`` rows."""
    every = PROGRESS_EVERY
    for row in rows:
        counter[0] += 1
        if counter[0] % every == 0:
            n = counter[0]
            ExportJob.objects.filter(pk=job.pk).update(done=n, expected=max(job.expected, n))
        yield row


def export_write(source: registry.Source, ctx: registry.Context, fmt: str, fileobj, rows=None) -> None:
    """Write ``source``'s rows (or ``rows``) as ``fmt`` into a binary file: the writing step of ``export_run``,
    also used by the benchmark."""
    rows = source.rows(ctx) if rows is None else rows
    if fmt == ExportJob.Format.CSV:
        writers.write_csv(fileobj, source.columns, rows)
    else:
        writers.write_xlsx(fileobj, source.columns, rows, sheet_name=source.sheet_name, widths=source.widths)


def export_run(*, job_id: int, task_id: str = "") -> dict:
    """Write one export's file (the task). Run again after a worker died, it starts over."""
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return {"job": job.token, "status": job.status}
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, done=0, started_at=now,
                                               task_id=task_id or job.task_id)
    actor = job.created_by
    try:
        src = registry.get(job.source)
        target = _target(src, registry.clean_params(src, job.params), actor)
    except SisnakerError as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.REFUSED, finished_at=timezone.now(),
            error={"code": str(exc.code), "id": exc.message.id, "en": exc.message.en})
        return {"job": job.token, "status": ExportJob.Status.REFUSED}
    ctx = registry.context(src, actor=actor, params=job.params, target=target)
    counter = [0]
    try:
        with tempfile.TemporaryFile() as fh:
            export_write(src, ctx, job.format, fh, rows=_counted(src.rows(ctx), job, counter))
            size = fh.tell()
            fh.seek(0)
            path = default_storage.save(f"exports/jobs/{job.token}.{job.format}", File(fh))
    except BaseException as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now(), done=counter[0],
            error={"code": "failed", "id": "Ekspor berhenti karena kesalahan.", "en": "The export stopped on an error."})
        if isinstance(exc, Exception):
            logger.exception("export %s (%s) failed", job.pk, job.source)
        raise
    stem = src.stem(target, job.params)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, finished_at=timezone.now(), done=counter[0], expected=max(job.expected, counter[0]),
        path=path, size=size, file_name=f"{stem}.{job.format}", nik_visible=ctx.nik_visible)
    return {"job": job.token, "status": ExportJob.Status.DONE, "rows": counter[0]}


def export_file(*, actor: Any, token: str, now: dt.datetime | None = None) -> tuple[ExportJob, Any]:
    """A finished export's file (an open binary file) for the user who asked for it, while it is kept and they
    still may see the source; each download is recorded in the audit trail."""
    job = selectors.export_for(actor=actor, token=token)
    if job.status != ExportJob.Status.DONE:
        raise NotFound(NOT_READY, code=Code.EXPORT_NOT_READY)
    now = now or timezone.now()
    if job.deleted_at is not None or job.expires_at <= now or not job.path or not default_storage.exists(job.path):
        raise NotFound(FILE_GONE.format(h=ExportJob.KEEP_HOURS), code=Code.EXPORT_FILE_GONE)
    src = registry.get(job.source)
    with transaction.atomic(durable=True):
        target = src.target(registry.clean_params(src, job.params))
        if not can(actor, src.action, target):
            raise NotFound(selectors.EXPORT_NOT_FOUND, code=Code.EXPORT_NOT_FOUND)
        audit.record(actor=actor, action=Audit.EXPORT_DOWNLOADED, obj=job, at=now,
                     after={"source": job.source, "rows": job.done, "nik_visible": job.nik_visible})
    return job, default_storage.open(job.path, "rb")


def exports_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the stored files of expired exports; returns how many (a housekeeping job)."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(deleted_at__isnull=True, expires_at__lte=now).exclude(path="")
    return storedfiles.delete_expired(expired, now=now, record=lambda job: audit.record(
        actor="system", action=Audit.EXPORT_FILE_DELETED, obj=job, at=now,
        after={"source": job.source, "nik_visible": job.nik_visible}))
