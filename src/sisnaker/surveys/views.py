"""Survey pages: fill a questionnaire for one enrollment (mobile-first form, every error under its
question, nothing half-saved), the thank-you page, the read-only view of one's answers, and the staff
results summary per program. A refusal (not found, not theirs, not now) rises to ``core.pages``.

Texts on these pages are bilingual at the source (``Msg``), so they follow the chosen language
without a translation catalogue; questions show ``text_en`` when the language is English."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from sisnaker.core.errors import Conflict, Msg, NotFound

from . import domain, pages, selectors, services
from .codes import Code

UI, ENGLISH = pages.UI, pages.ENGLISH
_english, _titles, _question_rows, _raw_answers = pages.english, pages.titles, pages.question_rows, pages.raw_answers


def _answers_page(request: HttpRequest, *, version, enrollment, response, status: int = 200, thanks: bool = False) -> HttpResponse:
    english = _english()
    return render(request, "surveys/answers.html", {
        "t": UI, "q": _titles(response.version.questionnaire), "version": response.version, "enrollment": enrollment,
        "program": enrollment.program, "response": response, "thanks": thanks,
        "rows": selectors.answer_rows(response=response, english=english),
    }, status=status)


@login_required
def fill(request: HttpRequest, code: str, enrollment_id: int) -> HttpResponse:
    version = services.questionnaire_current(code=code)
    enrollment, person = selectors.enrollment_and_person(user=request.user, enrollment_id=enrollment_id)
    try:
        services.response_check(actor=request.user, code=code, person=person, enrollment=enrollment)
        refusal = None
    except Conflict as exc:  # not now: the answers already given may still be read
        refusal = exc
    existing = selectors.response_for(code=code, enrollment=enrollment)
    if existing is not None:
        if request.method == "POST":
            messages.info(request, str(services.ALREADY_FILLED))
            return redirect("surveys:fill", code, enrollment.pk)
        return _answers_page(request, version=version, enrollment=enrollment, response=existing)
    if refusal is not None:
        raise refusal
    english, now = _english(), timezone.now()
    raw: dict[str, Any] = {}
    errors: dict[str, Msg] = {}
    summary = ""
    if request.method == "POST":
        raw = _raw_answers(request, version)
        try:
            services.response_submit(actor=request.user, code=code, person=person, enrollment=enrollment, answers=raw, now=now)
        except domain.AnswersInvalid as exc:
            errors, summary = exc.errors, str(exc.message)
        except Conflict as exc:
            if exc.code != Code.SURVEY_ALREADY_FILLED:
                raise
            messages.info(request, str(exc.message))
            return redirect("surveys:fill", code, enrollment.pk)
        else:
            return redirect("surveys:thanks", code, enrollment.pk)
    return render(request, "surveys/fill.html", {
        "t": UI, "q": _titles(version.questionnaire), "version": version, "enrollment": enrollment,
        "program": enrollment.program, "summary": summary,
        "questions": _question_rows(version, raw=raw, errors=errors, english=english, today=timezone.localdate(now)),
    }, status=400 if errors else 200)


@login_required
def thanks(request: HttpRequest, code: str, enrollment_id: int) -> HttpResponse:
    version = services.questionnaire_current(code=code)
    enrollment, person = selectors.enrollment_and_person(user=request.user, enrollment_id=enrollment_id)
    try:
        response = selectors.own_response(person=person, code=code, enrollment=enrollment)
    except NotFound:
        return redirect("surveys:fill", code, enrollment.pk)
    return _answers_page(request, version=version, enrollment=enrollment, response=response, thanks=True)


@login_required
def summary(request: HttpRequest, code: str, program_id: int) -> HttpResponse:
    version = services.questionnaire_current(code=code)
    program = selectors.get_program(program_id=program_id)
    data = selectors.results_summary(viewer=request.user, code=code, program=program)
    english = _english()
    for v in data["versions"]:
        for q in v["questions"]:
            q["shown_text"] = (q["text_en"] if english else "") or q["text"]
            for c in q["choices"]:
                c["shown_label"] = (c["label_en"] if english else "") or c["label"]
    return render(request, "surveys/summary.html", {
        "t": UI, "q": _titles(version.questionnaire), "program": program, "data": data,
        "of_eligible": UI["of_eligible"].format(n=data["eligible_enrollments"]),
    })
