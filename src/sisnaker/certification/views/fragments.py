"""Pieces of lower apps' pages that certification knows, rendered in place by ``{% fragment %}``
(``core/templatetags/fragments.py``) so that those apps never import certification:

* ``certification:fragment_institution_rating`` (institution id) — the institution's rating over its
  programs' reviews, for its page; nothing when it has no reviews or is not approved (pending, rejected
  and suspended institutions show no rating);
* ``certification:fragment_program_rating`` (program id) — the program's rating, for its page; nothing
  when it has no reviews;
* ``certification:fragment_program_links`` (program id) — on the manager's program page, the links to the
  program's assessment grid and readiness board once it is running or closed (each for whoever may open it).

The catalogue shows the ratings of a whole page of programs through the extension point
``"training.program_ratings"`` instead (one query, ``selectors.ratings_for_programs``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sisnaker.core.permissions import can
from sisnaker.training.domain import ProgramStatus

from .. import selectors


@require_GET
def institution_rating(request: HttpRequest, institution_id: int) -> HttpResponse:
    rating = selectors.rating_of_institution_page(institution_id=institution_id)
    return render(request, "certification/fragments/institution_rating.html", {"rating": rating})


@require_GET
def program_rating(request: HttpRequest, program_id: int) -> HttpResponse:
    rating = selectors.rating_of_program_page(program_id=program_id)
    return render(request, "certification/fragments/program_rating.html", {"rating": rating})


@require_GET
def program_links(request: HttpRequest, program_id: int) -> HttpResponse:
    program = selectors.get_program(program_id=program_id)
    started = program.status in (ProgramStatus.RUNNING, ProgramStatus.CLOSED)
    user = request.user
    return render(request, "certification/fragments/program_links.html", {
        "program": program,
        "assess": started and user.is_authenticated and can(user, "program.assess", program),
        "board": started and user.is_authenticated and can(user, "enrollment.view", program),
    })
