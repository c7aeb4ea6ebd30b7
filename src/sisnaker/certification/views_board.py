"""Readiness board pages: the matrix of one program (participants × steps) with filters, reminders and
"issue all eligible" (a background task whose progress the page polls), and the manager's overview of
programs closing soon. Views parse input, call board.py / the task, and render; refusals are messages."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sisnaker.core import links
from sisnaker.core.errors import PermissionDenied, SisnakerError
from sisnaker.core.permissions import can
from sisnaker.training.models import Program
from sisnaker.web.views import forbidden_page

from . import board as board_reads
from . import domain
from .tasks import issue_all_eligible, progress_key

MAX_RESULT_ID = 64


def _forbidden(request: HttpRequest, text: str | None = None) -> HttpResponse:
    return forbidden_page(request, text)


def _program(pk: int) -> Program:
    program = Program.objects.select_related("institution", "vocational_field").filter(pk=pk).first()
    if program is None:
        raise Http404(_("Program tidak ditemukan."))
    return program


def _reverse_or_empty(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _base_url(request: HttpRequest) -> str:

    return links.public_url(request) + "/"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "on", "true", "ya", "yes")


# --- the board ------------------------------------------------------------------------------------------

def _board_context(request: HttpRequest, program: Program) -> dict:
    q = (request.GET.get("q") or "").strip()[:100]
    blocking_only = _flag(request.GET.get("blocking"))
    b = board_reads.board(program=program, q=q, blocking_only=blocking_only)
    can_manage = can(request.user, "program.manage", program)
    board_url = reverse("certification:board", kwargs={"program_id": program.pk})
    keep = {k: v for k, v in (("q", q), ("blocking", "1" if blocking_only else "")) if v}
    rows = []
    for r in b.rows:
        cells = []
        for step in domain.STEPS:
            cells.append({"step": step, "done": r.steps[step], "label": str(domain.STEP_LABELS[step])})
        rows.append({
            "id": r.enrollment.pk, "name": r.name, "cells": cells, "eligible": r.eligible, "blocking": r.blocking,
            "certified": r.certified, "missing": [] if r.certified else [str(m) for m in r.missing],
            "number": r.certificate_number,
            "verify_url": _reverse_or_empty("verify:by_id", verification_id=r.verification_id) if r.verification_id else "",
            "issue_url": _reverse_or_empty("certification:issue", enrollment_id=r.enrollment.pk) if can_manage and r.eligible else "",
        })
    return {
        "program": program, "board": b, "rows": rows, "q": q, "blocking_only": blocking_only, "can_manage": can_manage,
        "counts": [{"step": c.step, "label": str(c.label), "done": c.done, "missing": c.missing} for c in b.counts],
        "board_url": board_url, "keep_query": urlencode(keep), "next_url": f"{board_url}?{urlencode(keep)}" if keep else board_url,
        "assess_url": _reverse_or_empty("certification:assess", program_id=program.pk)
        if can(request.user, "program.assess", program) else "",
        "manage_url": _reverse_or_empty("training:manage", pk=program.pk),
        "steps": [str(domain.STEP_LABELS[s]) for s in domain.STEPS],
    }


@login_required
@require_GET
def board(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(program_id)
    if not can(request.user, "enrollment.view", program):
        return _forbidden(request, _("Papan kesiapan hanya untuk pengelola dan instruktur lembaga penyelenggara program."))
    context = _board_context(request, program)
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "board":
        return render(request, "certification/board/_matrix.html", context)
    return render(request, "certification/board/board.html", context)


@login_required
@require_POST
def board_remind(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(program_id)
    if not can(request.user, "program.manage", program):
        return _forbidden(request, _("Hanya pengelola lembaga ini yang dapat mengirim pengingat."))
    try:
        report = board_reads.send_reminders(actor=request.user, program=program, base_url=_base_url(request))
    except PermissionDenied:
        return _forbidden(request)
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        (messages.success if report.reminded else messages.info)(request, str(report.message))
    return redirect("certification:board", program_id=program.pk)


@login_required
@require_POST
def board_issue_all(request: HttpRequest, program_id: int) -> HttpResponse:
    """Enqueue "issue all eligible" and go to its progress page."""
    program = _program(program_id)
    if not can(request.user, "program.manage", program):
        return _forbidden(request, _("Hanya pengelola lembaga ini yang dapat menerbitkan sertifikat."))
    blocker = domain.issue_blocker(institution_status=program.institution.status, institution_name=program.institution.name)
    if blocker is not None:  # e.g. an administrator on a suspended institution's board
        messages.error(request, str(blocker))
        return redirect("certification:board", program_id=program.pk)
    total = board_reads.eligible_count(program=program)
    if total == 0:
        messages.info(request, _("Belum ada peserta yang memenuhi syarat sertifikat. Lihat kolom \"Yang kurang\" pada papan."))
        return redirect("certification:board", program_id=program.pk)
    since = timezone.now().replace(microsecond=0)
    result = issue_all_eligible.enqueue(program_id=program.pk, actor_id=request.user.pk, total=total, since=since.isoformat())
    if result.status == TaskResultStatus.FAILED:  # a backend that runs at once (tests, demos) already knows
        messages.error(request, _("Penerbitan berhenti karena kesalahan. Sertifikat yang sudah terbit tetap sah; "
                                  "coba lagi untuk sisanya."))
        return redirect("certification:board", program_id=program.pk)
    url = reverse("certification:board_issue_progress", kwargs={"program_id": program.pk, "result_id": result.id})
    return redirect(f"{url}?{urlencode({'total': total, 'since': since.isoformat()})}")


STATUS_LABELS = {
    TaskResultStatus.READY: gettext_lazy("menunggu giliran pekerja latar"),
    TaskResultStatus.RUNNING: gettext_lazy("sedang berjalan"),
    TaskResultStatus.SUCCESSFUL: gettext_lazy("selesai"),
    TaskResultStatus.FAILED: gettext_lazy("gagal"),
}


def _progress(request: HttpRequest, program: Program, result_id: str) -> dict:
    """N of M issued, the task status, and whether polling should stop."""
    try:
        result = issue_all_eligible.get_result(result_id)
    except NotImplementedError:
        result = None  # a backend that keeps no results (the immediate one): the query string says the rest
    except (TaskResultDoesNotExist, TaskResultMismatch, ValueError) as exc:
        raise Http404(_("Tugas penerbitan tidak ditemukan.")) from exc
    if result is not None:
        kwargs = result.kwargs or {}
        if kwargs.get("program_id") != program.pk:
            raise Http404(_("Tugas penerbitan tidak ditemukan untuk program ini."))
        total, since_raw = kwargs.get("total") or 0, kwargs.get("since") or ""
    else:
        raw_total = request.GET.get("total", "")
        total = int(raw_total) if raw_total.isascii() and raw_total.isdigit() and len(raw_total) <= 9 else 0
        since_raw = request.GET.get("since", "")
    try:
        since = parse_datetime(since_raw) if since_raw else None
    except ValueError:  # well formed but not a real moment (month 13): treated as absent
        since = None
    if since is None:
        since = timezone.now() - dt.timedelta(days=1)
    elif timezone.is_naive(since):
        since = timezone.make_aware(since)
    done = board_reads.issued_since(program=program, since=since)
    cached = cache.get(progress_key(result_id)) or {}
    done = min(max(done, int(cached.get("done") or 0)), total) if total else done
    status, status_label, error, summary = "", "", "", None
    if result is not None:
        status = str(result.status)
        status_label = str(STATUS_LABELS.get(result.status, result.status))
        finished = result.is_finished
        if result.status == TaskResultStatus.FAILED:
            error = _("Penerbitan berhenti karena kesalahan. Sertifikat yang sudah terbit tetap sah; coba lagi untuk sisanya.")
        elif result.status == TaskResultStatus.SUCCESSFUL:
            value = result.return_value or {}
            summary = value.get("summary") if isinstance(value, dict) else None
            refused = value.get("refused") if isinstance(value, dict) else None
            if refused:
                error = str(refused.get("message") or "")
    else:
        finished = done >= total
        status_label = str(STATUS_LABELS[TaskResultStatus.SUCCESSFUL if finished else TaskResultStatus.RUNNING])
        status = TaskResultStatus.SUCCESSFUL if finished else TaskResultStatus.RUNNING
    percent = int(done * 100 / total) if total else 100
    return {
        "program": program, "result_id": result_id, "done": done, "total": total, "percent": percent, "status": status,
        "status_label": status_label, "finished": finished, "error": error, "summary": summary,
        "poll_url": request.get_full_path(), "board_url": reverse("certification:board", kwargs={"program_id": program.pk}),
    }


@login_required
@require_GET
def board_issue_progress(request: HttpRequest, program_id: int, result_id: str) -> HttpResponse:
    program = _program(program_id)
    if not can(request.user, "enrollment.view", program):
        return _forbidden(request)
    if len(result_id) > MAX_RESULT_ID:
        raise Http404(_("Tugas penerbitan tidak ditemukan."))
    context = _progress(request, program, result_id)
    if request.headers.get("HX-Request") == "true":
        return render(request, "certification/board/_progress.html", context)
    return render(request, "certification/board/progress.html", context)


# --- the manager's overview ------------------------------------------------------------------------------

@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    ids = board_reads.overview_institution_ids(request.user)
    if ids == []:
        return _forbidden(request, _("Ringkasan sertifikasi hanya untuk pengelola dan instruktur lembaga pelatihan."))
    rows = board_reads.overview(user=request.user, today=today)
    return render(request, "certification/board/overview.html", {
        "rows": rows, "today": today, "days": board_reads.CLOSING_SOON_DAYS,
        "steps": [str(domain.STEP_LABELS[s]) for s in ("assessed", "reviewed", "survey")],
    })
