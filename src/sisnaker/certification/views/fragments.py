"""Pieces of lower apps' pages that certification knows, rendered in place by ``{% fragment %}``
(``core/templatetags/fragments.py``) so that those apps never import certification:

* ``certification:fragment_institution_rating`` (institution id) — the institution's rating over its
  programs' reviews, for its page; nothing when it has no reviews or is not approved (pending, rejected
  and suspended institutions show no rating);
* ``certification:fragment_program_rating`` (program id) — the program's rating, for its page; nothing
  when it has no reviews;
* ``certification:fragment_program_links`` (program id) — the manager's program page's links to the
  assessment grid and the readiness board (for the staff who see the program's enrollments);
* ``certification:fragment_enrollment_certificate`` (enrollment id) — on a participant's page, their
  certificate (number, status, a link to its page for those who may open it) or where they stand.

Refused (log-in, 403, 404) fragments render nothing in the page (``{% fragment %}``).

The catalogue shows the ratings of a whole page of programs through the extension point
``"training.program_ratings"`` instead (one query, ``selectors.ratings_for_programs``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sisnaker.core.errors import PermissionDenied
from sisnaker.core.permissions import can
from sisnaker.training.domain import ProgramStatus

from .. import domain, selectors


@require_GET
def institution_rating(request: HttpRequest, institution_id: int) -> HttpResponse:
    rating = selectors.rating_of_institution_page(institution_id=institution_id)
    return render(request, "certification/fragments/institution_rating.html", {"rating": rating})


@require_GET
def program_rating(request: HttpRequest, program_id: int) -> HttpResponse:
    rating = selectors.rating_of_program_page(program_id=program_id)
    return render(request, "certification/fragments/program_rating.html", {"rating": rating})


@login_required
@require_GET
def program_links(request: HttpRequest, program_id: int) -> HttpResponse:
    program = selectors.get_program(program_id=program_id)
    if not can(request.user, "enrollment.view", program):
        raise PermissionDenied(selectors.STAFF_ONLY)
    certifying = program.status in (ProgramStatus.RUNNING, ProgramStatus.CLOSED)
    return render(request, "certification/fragments/program_links.html", {
        "program": program, "board": certifying,
        "assess": certifying and can(request.user, "program.assess", program),
    })


@login_required
@require_GET
def enrollment_certificate(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    found = selectors.enrollment_certificate(viewer=request.user, enrollment_id=enrollment_id)
    return render(request, "certification/fragments/enrollment_certificate.html", {
        "enrollment": found.enrollment, "cert": found.certificate, "can_open": found.can_open,
        "certifiable": found.enrollment.state in domain.CERTIFIABLE_STATES,
    })
