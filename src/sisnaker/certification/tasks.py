"""Background work of certification (django.tasks).

``issue_all_eligible`` issues the certificates of every eligible participant of one program, so the
manager never issues them one by one. Progress is reported two ways:

* cross-process and authoritative: the number of the program's certificates issued since the batch
  was enqueued (``selectors.issued_since``) against the eligible count taken at enqueue time (``total``,
  stored in the task's own kwargs) — any web process can count them while the worker runs;
* the service's progress callback, which logs and also writes ``(done, total)`` into Django's cache
  under ``progress_key(result_id)`` (useful when CACHES is shared, e.g. Redis; the default LocMem cache
  is per process, so pages never rely on it alone).

``announce_certificates_ready`` tells the holders of certificates just issued, queued with the issue's transaction.

``send_employment_survey_reminders`` reminds the alumni whose employment survey is open, once per window; the
housekeeping job ``employment_reminders_due`` queues it once a day.

``services.certificates_issue_all_start`` queues it (with the request's transaction). The
services import this module and this module runs a service: ``services`` is imported as a module and
read when the task runs, so whichever of the two is imported first, the cycle resolves.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.tasks import TaskContext, task
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import links
from sisnaker.core.errors import SisnakerError
from sisnaker.training.models import Program

from . import services

logger = logging.getLogger("sisnaker.certification")


def progress_key(result_id: str) -> str:
    return f"sisnaker:certificates-issue-all:{result_id}"


def _plain(value: Any) -> Any:
    """A JSON-safe copy of the service's summary (task results are stored as JSON)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


@task
def announce_certificates_ready(*, program_id: int, enrollment_ids: list[int], actor_id: int, base_url: str = "") -> dict:
    """"Sertifikat Anda sudah terbit" to the holders of certificates just issued (``services.send_certificate_ready``),
    queued with the issuing transaction (``reminders.announce_with_transaction``); the issuer is on record as the sender."""
    report = services.send_certificate_ready(actor=User.objects.get(pk=actor_id), program_id=program_id,
                                             enrollment_ids=enrollment_ids, base_url=base_url)
    return {"sent": report.sent, "already_today": len(report.already_today), "unreachable": len(report.unreachable)}


@task
def send_personal_links(*, program_id: int, actor_id: int, base_url: str = "") -> dict:
    """The board's "Kirim tautan pribadi" for a big class (``services.send_reminders_start``). Run again (a worker
    killed half-way: its transaction left nothing), it sends what was not sent that day."""
    report = services.send_reminders(actor=User.objects.get(pk=actor_id), program=Program.objects.get(pk=program_id),
                                     base_url=base_url)
    return {"sent": report.sent, "already_today": len(report.already_today), "unreachable": len(report.unreachable),
            "waiting_for_instructor": len(report.waiting_for_instructor)}


@task(takes_context=True)
def issue_all_eligible(context: TaskContext, *, program_id: int, actor_id: int, total: int = 0, since: str = "",
                       base_url: str = "") -> dict:
    """Issue every eligible participant's certificate (``services.certificates_issue_eligible``); the messages
    to the holders carry personal links on ``base_url`` (the address the manager used; default the site's)."""
    result_id = context.task_result.id
    actor = User.objects.get(pk=actor_id)
    program = Program.objects.select_related("institution").get(pk=program_id)
    key = progress_key(result_id)

    def progress(done: int, of: int) -> None:
        cache.set(key, {"done": done, "total": of}, timeout=24 * 3600)
        if done == of or done % 50 == 0:
            logger.info("issue all eligible, program %s: %s of %s", program_id, done, of)

    progress(0, total)
    try:
        summary = services.certificates_issue_eligible(actor=actor, program=program, now=timezone.now(), progress=progress,
                                                       base_url=base_url or links.public_url() + "/")
    except SisnakerError as exc:
        # Refused as a whole (e.g. the institution was suspended after the batch was queued): nothing was
        # issued, and the progress page says why instead of a bare "failed".
        logger.warning("issue all eligible, program %s: refused (%s)", program_id, exc.code)
        return {"program_id": program_id, "total": total, "since": since, "summary": None,
                "refused": {"code": exc.code, "message": str(exc.message)}}
    return {"program_id": program_id, "total": total, "since": since, "summary": _plain(summary)}


# --- the employment survey's daily reminders ---------------------------------------------------------------

@task
def send_employment_survey_reminders(*, base_url: str = "") -> dict:
    """Remind the alumni whose employment survey is due (``services.employment_reminders_send``)."""
    report = services.employment_reminders_send(now=timezone.now(), base_url=base_url)
    logger.info("employment survey reminders: %s", report.as_dict())
    return report.as_dict()


def employment_reminders_due(*, now: dt.datetime) -> str:
    """A housekeeping job (``settings.SISNAKER_HOUSEKEEPING``, every hour): queue the day's employment-survey
    reminders once a day, from ``SISNAKER_EMPLOYMENT_SURVEY_HOUR`` local time (nobody gets an SMS at midnight).
    Sending twice changes nothing (each alumnus is reminded once per window); this only spares the work."""
    hour = int(getattr(settings, "SISNAKER_EMPLOYMENT_SURVEY_HOUR", 9))
    if timezone.localtime(now).hour < hour:
        return "too early"
    if services.employment.ran_today(now=now):
        return "ran today"
    send_employment_survey_reminders.enqueue()
    return "queued"
