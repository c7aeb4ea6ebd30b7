"""Survey reads: who has responded (one query; the responses to a questionnaire as a queryset for other
apps' subqueries, e.g. certification's readiness), the enrollment a person fills a survey for, one
response with its answers, and the per-program results summary for staff."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, QuerySet

from sisnaker.accounts.models import Person, User
from sisnaker.accounts.selectors import person_for_user
from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.permissions import require
from sisnaker.training.codes import Code as TrainingCode
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment, Program
from sisnaker.training.selectors import program_not_found

from .codes import Code
from .models import Answer, QuestionnaireVersion, Response

NOT_YOURS = Msg("Pendaftaran pelatihan ini bukan milik Anda.", "This training enrollment is not yours.")


def responses_to(*, code: str) -> QuerySet[Response]:
    """The responses to questionnaire ``code`` (any version): for other apps' subqueries (``Exists``)."""
    return Response.objects.filter(questionnaire__code=code)


def has_responded(*, code: str, enrollment_ids: Iterable[int]) -> set[int]:
    """The enrollments among ``enrollment_ids`` that have a response to questionnaire ``code`` (any
    version). One query; none when the list is empty."""
    ids = {int(i) for i in enrollment_ids}
    if not ids:
        return set()
    return set(responses_to(code=code).filter(enrollment_id__in=ids).values_list("enrollment_id", flat=True))


def enrollment_and_person(*, user: User, enrollment_id: int) -> tuple[Enrollment, Person]:
    """The enrollment a survey is filled (or read) for, with its program and institution, and the signed-in
    person: ``NotFound`` when there is no such enrollment, ``PermissionDenied`` for an account without a
    citizen profile (staff). Whether the enrollment is the person's is the caller's check."""
    enrollment = Enrollment.objects.select_related("program__institution").filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound(Msg("Pendaftaran pelatihan tidak ditemukan.", "Training enrollment not found."),
                       code=TrainingCode.ENROLLMENT_NOT_FOUND)
    person = person_for_user(user=user)
    if person is None:
        raise PermissionDenied(Msg("Survei ini diisi oleh peserta pelatihan sendiri.", "This survey is filled by the trainee themself."),
                               code=Code.NOT_A_PERSON)
    return enrollment, person


def own_response(*, person: Person, code: str, enrollment: Enrollment) -> Response:
    """``person``'s response to questionnaire ``code`` for their ``enrollment``: ``PermissionDenied`` for
    someone else's enrollment, ``NotFound`` when not filled yet."""
    if enrollment.person_id != person.pk:
        raise PermissionDenied(NOT_YOURS, code=Code.ENROLLMENT_NOT_OWN)
    response = response_for(code=code, enrollment=enrollment)
    if response is None:
        raise NotFound(Msg("Survei ini belum diisi untuk pelatihan ini.", "This survey has not been filled for this training."),
                       code=Code.RESPONSE_NOT_FOUND)
    return response


def get_program(*, program_id: int) -> Program:
    """The program of a results summary, or ``NotFound``."""
    found = Program.objects.select_related("institution").filter(pk=program_id).first()
    if found is None:
        raise program_not_found()
    return found


def response_for(*, code: str, enrollment) -> Response | None:
    """The response to questionnaire ``code`` for ``enrollment`` (with its version, questions and
    answers loaded), or None."""
    return (
        Response.objects.select_related("version__questionnaire")
        .prefetch_related("version__questions", "answers")
        .filter(questionnaire__code=code, enrollment=enrollment)
        .first()
    )


def _label(choice: dict, english: bool) -> str:
    return (choice.get("label_en") if english else "") or choice.get("label") or choice.get("value", "")


def answer_rows(*, response: Response, english: bool = False) -> list[dict[str, Any]]:
    """The questions of the response's version, each with its answer as text to show (read-only view):
    ``[{"code", "text", "kind", "value", "display"}]``; unanswered optional questions show empty."""
    answers = {a.question_id: a.value for a in response.answers.all()}
    rows = []
    for q in response.version.questions.all():
        value = answers.get(q.pk)
        labels = {c.get("value"): _label(c, english) for c in q.choices or []}
        if value is None:
            display = ""
        elif q.kind == "single":
            display = labels.get(value, str(value))
        elif q.kind == "multiple":
            display = ", ".join(labels.get(v, str(v)) for v in value)
        elif q.kind == "number":
            display = _format_number(value, english)
        elif q.kind == "date":
            display = _format_date(value)
        elif q.kind == "scale":
            lo = 1 if q.min_value is None else q.min_value
            hi = 5 if q.max_value is None else q.max_value
            display = f"{value} / {hi}" if lo <= 1 else f"{value} ({lo}–{hi})"
        else:
            display = str(value)
        rows.append({"code": q.code, "kind": q.kind, "text": (q.text_en if english else "") or q.text, "value": value,
                     "display": display})
    return rows


def _format_number(value: Any, english: bool) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    whole, _, frac = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}"
    if not english:
        grouped = grouped.replace(",", ".")
    sign = "-" if number < 0 else ""
    return f"{sign}{grouped}{('.' if english else ',') + frac if frac else ''}"


def _format_date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def results_summary(*, viewer: User, code: str, program: Program) -> dict[str, Any]:
    """Results of questionnaire ``code`` for the enrollments of ``program``, per version answered:
    per question the number answered, counts per choice (single/multiple), average / min / max
    (scale/number). For staff who may see the program's enrollments (``enrollment.view``).
    A fixed number of queries (five), whatever the number of responses."""
    require(viewer, "enrollment.view", program)
    per_version = dict(
        Response.objects.filter(questionnaire__code=code, enrollment__program=program)
        .values_list("version_id").annotate(n=Count("pk")).values_list("version_id", "n")
    )
    versions = (
        QuestionnaireVersion.objects.filter(pk__in=list(per_version)).prefetch_related("questions").order_by("-version")
        if per_version else []
    )
    values: dict[int, list[Any]] = {}
    if per_version:
        for question_id, value in Answer.objects.filter(
            response__questionnaire__code=code, response__enrollment__program=program
        ).values_list("question_id", "value").iterator():
            values.setdefault(question_id, []).append(value)
    eligible = program.enrollments.filter(state__in=[E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED]).count()
    out_versions = []
    for version in versions:
        questions = []
        for q in version.questions.all():
            answered = values.get(q.pk, [])
            item: dict[str, Any] = {
                "code": q.code, "kind": q.kind, "text": q.text, "text_en": q.text_en, "required": q.required,
                "answered": len(answered), "choices": [], "average": None, "min": None, "max": None,
            }
            if q.kind in ("single", "multiple"):
                counts: Counter = Counter()
                for v in answered:
                    counts.update(v if isinstance(v, list) else [v])
                item["choices"] = [
                    {"value": c.get("value"), "label": c.get("label", ""), "label_en": c.get("label_en", ""),
                     "count": counts.get(c.get("value"), 0),
                     "percent": round(100 * counts.get(c.get("value"), 0) / len(answered), 1) if answered else 0.0}
                    for c in q.choices or []
                ]
            elif q.kind in ("scale", "number"):
                numbers = []
                for v in answered:
                    try:
                        numbers.append(Decimal(str(v)))
                    except (InvalidOperation, ValueError):
                        continue
                if numbers:
                    average = sum(numbers) / len(numbers)
                    item["average"] = float(round(average, 2))
                    item["min"], item["max"] = _plain(min(numbers)), _plain(max(numbers))
                if q.kind == "scale":
                    lo = 1 if q.min_value is None else q.min_value
                    hi = 5 if q.max_value is None else q.max_value
                    scale_counts = Counter(int(n) for n in numbers)
                    item["choices"] = [{"value": str(i), "label": str(i), "label_en": str(i), "count": scale_counts.get(i, 0),
                                        "percent": round(100 * scale_counts.get(i, 0) / len(numbers), 1) if numbers else 0.0}
                                       for i in range(lo, hi + 1)]
            questions.append(item)
        out_versions.append({"version": version.version, "is_current": version.is_current,
                             "responses": per_version.get(version.pk, 0), "questions": questions})
    return {
        "questionnaire": code, "program_id": program.pk, "program_title": program.title,
        "responses": sum(per_version.values()), "eligible_enrollments": eligible, "versions": out_versions,
    }


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)
