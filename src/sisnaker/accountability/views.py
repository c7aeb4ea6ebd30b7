"""Pages of the LPJ: the report on a page, as a PDF and as Excel, and the fragment that training's program page
embeds (``{% fragment "accountability:fragment_program_links" program.pk %}``: the LPJ link and the background
export buttons, for who may use them; nothing for anyone else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sisnaker.core.errors import Msg, PermissionDenied
from sisnaker.core.permissions import can
from sisnaker.training.models import Program

from . import report, selectors

STAFF_ONLY = Msg("Hanya untuk staf yang menangani program ini.", "Only for staff who deal with this program.")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lpj(request: HttpRequest, program_id: int) -> selectors.Lpj:
    return selectors.lpj(actor=request.user, program_id=program_id, now=timezone.now())


@login_required
@require_GET
def lpj(request: HttpRequest, program_id: int) -> HttpResponse:
    return render(request, "accountability/lpj.html", {"lpj": _lpj(request, program_id)})


@login_required
@require_GET
def lpj_pdf(request: HttpRequest, program_id: int) -> HttpResponse:
    response = HttpResponse(report.lpj_pdf(_lpj(request, program_id)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lpj-program-{int(program_id)}.pdf"'
    return response


@login_required
@require_GET
def lpj_xlsx(request: HttpRequest, program_id: int) -> HttpResponse:
    response = HttpResponse(report.lpj_xlsx(_lpj(request, program_id)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="lpj-program-{int(program_id)}.xlsx"'
    return response


@login_required
@require_GET
def program_links(request: HttpRequest, program_id: int) -> HttpResponse:
    """One query (the program's scope columns): the manage page's query count stays what it was plus one."""
    program = Program.objects.filter(pk=program_id).only("id", "institution_id", "regency_id", "funding").first()
    if program is None:
        raise PermissionDenied(STAFF_ONLY)
    lpj = can(request.user, "program.lpj", selectors.ProgramScope(program))
    export = can(request.user, "enrollment.view", program)  # the participants source's own rule (training/exports.py)
    if not lpj and not export:
        raise PermissionDenied(STAFF_ONLY)
    return render(request, "accountability/fragment_program_links.html", {
        "program": program, "lpj": lpj, "export": export, "source": "training.participants",
        "params": [("program", str(program.pk))],
    })
