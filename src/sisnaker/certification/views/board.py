"""Readiness board pages: the matrix of one program (participants × steps) with filters, reminders and
"issue all eligible" (a background task whose progress the page polls), and the manager's overview of
programs closing soon. Views parse input, call one selector or service, and render; who may not see a
page gets the refusal page (``core.pages``), an action that cannot be done now a message."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from sisnaker.core import links
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, SisnakerError
from sisnaker.core.permissions import can
from sisnaker.training.models import Program

from .. import domain, selectors, services
from ..codes import Code
from ..tasks import issue_all_eligible, progress_key

MAX_RESULT_ID = 64
BOARD_PAGE_SIZE = 50
REMIND_REFUSED = Msg("Hanya pengelola lembaga ini yang dapat mengirim pengingat.", "Only this institution's managers can send reminders.")
PRINT_REFUSED = Msg("Hanya pengelola lembaga ini yang dapat mencetak tautan pribadi peserta.",
                    "Only this institution's managers can print participants' personal links.")
ISSUE_REFUSED = Msg("Hanya pengelola lembaga ini yang dapat menerbitkan sertifikat.",
                    "Only this institution's managers can issue certificates.")
TASK_NOT_FOUND = Msg("Tugas penerbitan tidak ditemukan.", "Issuing job not found.")


def _board_program(request: HttpRequest, program_id: int) -> Program:
    program = selectors.get_program(program_id=program_id)
    selectors.require_board_viewer(viewer=request.user, program=program)
    return program


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "on", "true", "ya", "yes")


# --- the board ------------------------------------------------------------------------------------------

def _board_context(request: HttpRequest, program: Program) -> dict:
    q = (request.GET.get("q") or "").strip()[:100]
    blocking_only = _flag(request.GET.get("blocking"))
    b = selectors.board(program=program, q=q, blocking_only=blocking_only, page=request.GET.get("page"), per_page=BOARD_PAGE_SIZE)
    can_issue = can(request.user, "certificate.issue", program)
    can_revoke = can(request.user, "personal_link.revoke", program)
    can_print = can(request.user, "personal_link.print", program)
    # The issuing institution's staff open each certificate's page (details, PDF, revoke, verifications).
    can_open_certificates = can(request.user, "certificate.view", program)
    active = selectors.active_links(program=program, now=timezone.now(), enrollment_ids=[r.enrollment_id for r in b.rows])
    board_url = reverse("certification:board", kwargs={"program_id": program.pk})
    keep = {k: v for k, v in (("q", q), ("blocking", "1" if blocking_only else "")) if v}
    # Paged: the counts above the matrix are over every row, the matrix shows BOARD_PAGE_SIZE rows (``b.rows``).
    page = b.page
    if page.number > 1:
        keep["page"] = page.number
    urls = {"certificate_url": links.reverser("certification:certificate", "certificate_id") if can_open_certificates else None,
            "issue_url": links.reverser("certification:issue", "enrollment_id") if can_issue else None,
            "revoke_url": links.reverser("certification:link_revoke", "enrollment_id") if can_revoke else None,
            "print_url": links.reverser("certification:link_print_one", "enrollment_id") if can_print else None}
    builder = _Rows(active=active, **urls)
    rows = [builder.row(r) for r in b.rows]
    return {
        "program": program, "board": b, "rows": rows, "page": page, "q": q, "blocking_only": blocking_only,
        # Words every row repeats, translated once per page rather than once per cell.
        "words": {"ready_cell": _("siap diterbitkan"), "issue": _("Terbitkan"), "opened": _("sudah dibuka"),
                  "revoke": _("Cabut"), "print_one": _("Cetak kartu QR"), "revoked_cell": _("dicabut, tanpa pengganti")},
        "can_manage": can(request.user, "program.manage", program), "can_issue": can_issue,
        "can_send_links": can(request.user, "personal_link.send", program),
        "can_print_links": can_print,
        "link_days": services.link_days(),
        "counts": [{"step": c.step, "label": str(c.label), "done": c.done, "missing": c.missing} for c in b.counts],
        "board_url": board_url, "keep_query": urlencode(keep), "next_url": f"{board_url}?{urlencode(keep)}" if keep else board_url,
        "assess_url": reverse("certification:assess", kwargs={"program_id": program.pk})
        if can(request.user, "program.assess", program) else "",
        "manage_url": reverse("training:manage", kwargs={"pk": program.pk}),
        "steps": [str(domain.STEP_LABELS[s]) for s in domain.STEPS],
    }


# A row's standing → (the row's class, its badge's class).
_ROW_LOOK = {"revoked": ("row-blocking", "status-cancelled"), "certified": ("row-done", "state-graduated"),
             "eligible": ("row-ready", "status-published"), "blocking": ("row-blocking", "status-cancelled"),
             "waiting": ("", "")}


class _Rows:
    """Builds the matrix's rows as the template shows them: what each cell says is decided here, with the words
    translated once per page, so that rendering fifty rows is filling them in (the template's per-node cost
    and a translation per cell were a third of the page)."""

    def __init__(self, *, active: dict, certificate_url, issue_url, revoke_url, print_url):
        self.active, self.certificate_url, self.issue_url = active, certificate_url, issue_url
        self.revoke_url, self.print_url = revoke_url, print_url
        done, not_done = _("sudah"), _("belum")
        self.cell_done = {s: f"{domain.STEP_LABELS[s]}: {done}" for s in domain.STEPS}
        self.cell_not_done = {s: f"{domain.STEP_LABELS[s]}: {not_done}" for s in domain.STEPS}
        self.badge = {"revoked": _("DICABUT"), "certified": _("Sertifikat terbit"), "eligible": _("Siap diterbitkan"),
                      "waiting": _("Menunggu")}
        self.todo = {"revoked": _("dicabut, tanpa pengganti"), "certified": _("Sertifikat terbit"), "complete": _("Lengkap"),
                     "missing": ""}
        self.missing: dict[Msg, str] = {}

    def row(self, r) -> dict:
        status = ("revoked" if r.revoked else "certified" if r.certified else "eligible" if r.eligible
                  else "blocking" if r.blocking else "waiting")
        row_class, badge_class = _ROW_LOOK[status]
        pk, name = r.enrollment.pk, r.name
        certificate = self.certificate_url(r.certificate_id) if self.certificate_url and r.certificate_id else ""
        verify = (reverse("verify:by_id", kwargs={"verification_id": r.verification_id})
                  if r.verification_id and not certificate else "")
        cells = []
        for step in domain.STEPS:
            if r.steps[step]:
                # The certificate's cell carries its number, linked to its page (staff) or its public verification.
                number = r.certificate_number if step == "certificate" else ""
                cells.append({"step": step, "kind": "done", "text": self.cell_done[step], "number": number,
                              "href": (certificate or verify) if number else "",
                              "number_class": "certificate-link" if certificate else ""})
            elif step == "certificate" and r.revoked:
                cells.append({"step": step, "kind": "revoked"})
            elif step == "certificate" and r.eligible:
                cells.append({"step": step, "kind": "ready"})
            else:
                cells.append({"step": step, "kind": "no", "text": self.cell_not_done[step]})
        link = self.active.get(pk)
        todo = "missing" if r.missing and not r.certified else "revoked" if r.revoked else "certified" if r.certified else "complete"
        n = len(r.missing)
        row = {
            "id": pk, "name": name, "status": status, "row_class": row_class, "badge_class": badge_class,
            "badge": (ngettext("Kurang %(n)s langkah", "Kurang %(n)s langkah", n) % {"n": n} if status == "blocking"
                      else self.badge[status]),
            "cells": cells, "number": r.certificate_number if status in ("revoked", "certified") else "",
            "certificate_url": certificate, "todo": todo, "todo_words": self.todo[todo],
            "missing": [self._said(m) for m in r.missing] if todo == "missing" else [],
            "link": link,
            "issue_url": self.issue_url(pk) if self.issue_url and r.eligible else "",
            "revoke_link_url": self.revoke_url(pk) if self.revoke_url and link else "",
            # One card for one participant (a lost card), where the sheet would print them one.
            "print_link_url": self.print_url(pk) if self.print_url and r.link_purpose else "",
        }
        # The buttons' names for screen readers (each says whose), only where the button is.
        who = {"name": name}
        row["issue_label"] = _("Terbitkan sertifikat %(name)s") % who if row["issue_url"] else ""
        row["revoke_label"] = _("Cabut tautan pribadi %(name)s") % who if row["revoke_link_url"] else ""
        row["print_label"] = _("Cetak kartu QR tautan pribadi %(name)s") % who if row["print_link_url"] else ""
        return row

    def _said(self, message: Msg) -> str:
        if message not in self.missing:
            self.missing[message] = str(message)
        return self.missing[message]


@login_required
@require_GET
def board(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _board_program(request, program_id)
    context = _board_context(request, program)
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "board":
        return render(request, "certification/board/_matrix.html", context)
    return render(request, "certification/board/board.html", context)


@login_required
@require_POST
def board_remind(request: HttpRequest, program_id: int) -> HttpResponse:
    """Send personal links: a reminder to those who still have their own steps, "certificate ready" to
    those whose certificate exists; the page then says how many were sent and who cannot be reached."""
    program = selectors.get_program(program_id=program_id)
    if not can(request.user, "personal_link.send", program):
        raise PermissionDenied(REMIND_REFUSED)
    try:
        report = services.send_reminders_start(actor=request.user, program=program, base_url=links.public_url(request) + "/")
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        (messages.success if getattr(report, "sent", True) else messages.info)(request, str(report.message))
    return redirect("certification:board", program_id=program.pk)


@login_required
@require_POST
def board_links_print(request: HttpRequest, program_id: int) -> HttpResponse:
    """A printable sheet of QR cards (one per participant who still has steps, or whose certificate is
    ready), for a class without phones at hand. New links: the earlier ones of those participants stop
    working. Answered directly (the tokens exist only in this response), never cached."""
    program = selectors.get_program(program_id=program_id)
    if not can(request.user, "personal_link.print", program):
        raise PermissionDenied(PRINT_REFUSED)
    try:
        issued = services.personal_links_print(actor=request.user, program=program, base_url=links.public_url(request) + "/")
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
        return redirect("certification:board", program_id=program.pk)
    return _print_cards(request, program, issued)


def _print_cards(request: HttpRequest, program, issued: list) -> HttpResponse:
    """The printable sheet of QR cards of ``issued`` links (the tokens exist only in this response: never cached)."""
    cards = [{"name": i.name, "url": i.url, "short_url": i.url.split("://", 1)[-1], "expires_at": i.expires_at,
              "ready": i.purpose == domain.LINK_CERTIFICATE_READY, "result": i.purpose == domain.LINK_RESULT,
              "qr_svg": segno.make(i.url, error="m").svg_inline(scale=3)}
             for i in issued]
    response = render(request, "certification/board/links_print.html", {
        "program": program, "cards": cards, "board_url": reverse("certification:board", kwargs={"program_id": program.pk}),
    })
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def link_print_one(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """One participant's QR card (a lost card): a new link for them only; the class's other cards keep working."""
    try:
        issued = services.personal_link_print_one(actor=request.user, enrollment_id=enrollment_id,
                                                  base_url=links.public_url(request) + "/")
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return redirect("certification:board", program_id=exc.details["program"])
    return _print_cards(request, issued.enrollment.program, [issued])


@login_required
@require_POST
def link_revoke(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """The manager revokes a participant's personal link (a lost phone, a wrong number)."""
    try:
        enrollment = services.personal_link_revoke(actor=request.user, enrollment_id=enrollment_id)
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return redirect("certification:board", program_id=exc.details["program"])
    messages.success(request, _("Tautan pribadi %(name)s dicabut; tautan itu tidak dapat dipakai lagi.")
                     % {"name": enrollment.person.full_name})
    return redirect("certification:board", program_id=enrollment.program_id)


FAILED = gettext_lazy("Penerbitan berhenti karena kesalahan. Sertifikat yang sudah terbit tetap sah; coba lagi untuk sisanya.")


@login_required
@require_POST
def board_issue_all(request: HttpRequest, program_id: int) -> HttpResponse:
    """Start "issue all eligible" and go to its progress page."""
    program = selectors.get_program(program_id=program_id)
    if not can(request.user, "certificate.issue", program):
        raise PermissionDenied(ISSUE_REFUSED)
    try:
        started = services.certificates_issue_all_start(actor=request.user, program=program, now=timezone.now(),
                                                        base_url=links.public_url(request) + "/")
    except SisnakerError as exc:  # e.g. an administrator on a suspended institution's board
        messages.error(request, str(exc.message))
        return redirect("certification:board", program_id=program.pk)
    if started.total == 0:
        messages.info(request, _("Belum ada peserta yang memenuhi syarat sertifikat. Lihat kolom \"Yang kurang\" pada papan."))
        return redirect("certification:board", program_id=program.pk)
    result = started.result
    # No result: the task could not be queued. FAILED: a backend that runs at once (tests, demos) already knows.
    if result is None or result.status == TaskResultStatus.FAILED:
        messages.error(request, str(FAILED))
        return redirect("certification:board", program_id=program.pk)
    url = reverse("certification:board_issue_progress", kwargs={"program_id": program.pk, "result_id": result.id})
    return redirect(f"{url}?{urlencode({'total': started.total, 'since': started.since.isoformat()})}")


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
        raise NotFound(TASK_NOT_FOUND, code=Code.ISSUE_TASK_NOT_FOUND) from exc
    if result is not None:
        kwargs = result.kwargs or {}
        if kwargs.get("program_id") != program.pk:
            raise NotFound(Msg("Tugas penerbitan tidak ditemukan untuk program ini.", "Issuing job not found for this programme."),
                           code=Code.ISSUE_TASK_NOT_FOUND)
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
    done = selectors.issued_since(program=program, since=since)
    cached = cache.get(progress_key(result_id)) or {}
    done = min(max(done, int(cached.get("done") or 0)), total) if total else done
    status, status_label, error, summary = "", "", "", None
    if result is not None:
        status = str(result.status)
        status_label = str(STATUS_LABELS.get(result.status, result.status))
        finished = result.is_finished
        if result.status == TaskResultStatus.FAILED:
            error = str(FAILED)
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
    program = _board_program(request, program_id)
    if len(result_id) > MAX_RESULT_ID:
        raise NotFound(TASK_NOT_FOUND, code=Code.ISSUE_TASK_NOT_FOUND)
    context = _progress(request, program, result_id)
    if request.headers.get("HX-Request") == "true":
        return render(request, "certification/board/_progress.html", context)
    return render(request, "certification/board/progress.html", context)


# --- the manager's overview ------------------------------------------------------------------------------

@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.overview(user=request.user, today=today)
    return render(request, "certification/board/overview.html", {
        "rows": rows, "today": today, "days": selectors.CLOSING_SOON_DAYS,
        "steps": [str(domain.STEP_LABELS[s]) for s in ("assessed", "reviewed", "survey")],
    })
