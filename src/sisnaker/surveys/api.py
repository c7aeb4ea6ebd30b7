"""REST: /api/v1/surveys/… — a questionnaire's current version, submitting one's response for an
enrollment, reading it back, and the per-program results summary for staff.

Refusals come back as ``{code, message, field}``; wrong answers as ``{code: "answers_invalid",
message, errors: {question_code: message}}`` with 400, every wrong answer at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from sisnaker.core.api_auth import SESSION_OR_TOKEN, request_actor

from . import selectors, services

router = Router(auth=SESSION_OR_TOKEN)


class ChoiceOut(Schema):
    value: str
    label: str
    label_en: str = ""


class ConditionOut(Schema):
    question: str
    values: list[str]


class QuestionOut(Schema):
    order: int
    code: str
    kind: str = Field(description="single | multiple | scale | number | date | text")
    text: str
    text_en: str
    help_text: str
    required: bool
    choices: list[ChoiceOut] = []
    min_value: int | None = Field(None, description="scale/number: lower bound; date: earliest day relative to today")
    max_value: int | None = Field(None, description="scale/number: upper bound; date: latest day relative to today")
    condition: ConditionOut | None = Field(None, description="asked only when an earlier choice question has one of these "
                                                             "answers; otherwise not asked (never required)")


class QuestionnaireOut(Schema):
    code: str
    title: str
    description: str
    version: int
    published_at: dt.datetime | None
    questions: list[QuestionOut]


class ResponseIn(Schema):
    enrollment_id: int
    answers: dict[str, Any] = Field(
        description="question code → answer: a choice value (single), a list of choice values (multiple), an "
                    "integer (scale), a number or text like \"3.500.000\" (number), \"YYYY-MM-DD\" or \"DD/MM/YYYY\" "
                    "(date), text. Optional questions may be left out."
    )


class ResponseOut(Schema):
    id: int
    questionnaire: str
    version: int
    enrollment_id: int
    submitted_at: dt.datetime
    answers: dict[str, Any] = Field(description="question code → normalised value (numbers as decimal strings)")


class AnswersErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    errors: dict[str, str] | None = None


class ChoiceCount(Schema):
    value: str
    label: str
    label_en: str = ""
    count: int
    percent: float


class QuestionSummary(Schema):
    code: str
    kind: str
    text: str
    text_en: str
    required: bool
    answered: int
    choices: list[ChoiceCount] = Field(description="single/multiple: count per choice; scale: count per point")
    average: float | None = Field(None, description="scale/number")
    min: float | None = None
    max: float | None = None


class VersionSummary(Schema):
    version: int
    is_current: bool
    responses: int
    questions: list[QuestionSummary]


class SummaryOut(Schema):
    questionnaire: str
    program_id: int
    program_title: str
    responses: int
    eligible_enrollments: int = Field(description="participants, alumni and not-passed enrollments of the program")
    versions: list[VersionSummary]


def _questionnaire_out(version) -> dict:
    q = version.questionnaire
    return {
        "code": q.code, "title": q.title, "description": q.description, "version": version.version,
        "published_at": version.published_at,
        "questions": [
            {"order": x.order, "code": x.code, "kind": x.kind, "text": x.text, "text_en": x.text_en, "help_text": x.help_text,
             "required": x.required, "choices": x.choices or [], "min_value": x.min_value, "max_value": x.max_value,
             "condition": x.condition or None}
            for x in version.questions.all()
        ],
    }


def _response_out(response) -> dict:
    questions = {q.pk: q.code for q in response.version.questions.all()}
    return {
        "id": response.pk, "questionnaire": response.version.questionnaire.code, "version": response.version.version,
        "enrollment_id": response.enrollment_id, "submitted_at": response.submitted_at,
        "answers": {questions[a.question_id]: a.value for a in response.answers.all()},
    }


@router.get("/{code}", response=QuestionnaireOut, auth=None, summary="A questionnaire's current version with its questions")
def questionnaire_get(request, code: str):
    return _questionnaire_out(services.questionnaire_current(code=code))


@router.post("/{code}/responses", response={201: ResponseOut, 400: AnswersErrorOut, 403: AnswersErrorOut, 404: AnswersErrorOut, 409: AnswersErrorOut},
             summary="Submit one's answers for an enrollment (once)")
def response_create(request, code: str, payload: ResponseIn):
    actor = request_actor(request)
    enrollment, person = selectors.enrollment_and_person(user=actor, enrollment_id=payload.enrollment_id)
    response = services.response_submit(actor=actor, code=code, person=person, enrollment=enrollment,
                                         answers=payload.answers, now=timezone.now())
    return Status(201, _response_out(selectors.response_for(code=code, enrollment=response.enrollment)))


@router.get("/{code}/responses/{enrollment_id}", response={200: ResponseOut, 403: AnswersErrorOut, 404: AnswersErrorOut},
            summary="One's own response for an enrollment")
def response_get(request, code: str, enrollment_id: int):
    enrollment, person = selectors.enrollment_and_person(user=request_actor(request), enrollment_id=enrollment_id)
    services.questionnaire_current(code=code)
    return _response_out(selectors.own_response(person=person, code=code, enrollment=enrollment))


@router.get("/{code}/programs/{program_id}/summary", response={200: SummaryOut, 403: AnswersErrorOut, 404: AnswersErrorOut},
            summary="Results per question for one program (staff)")
def summary_get(request, code: str, program_id: int):
    services.questionnaire_current(code=code)
    program = selectors.get_program(program_id=program_id)
    return selectors.results_summary(viewer=request_actor(request), code=code, program=program)
