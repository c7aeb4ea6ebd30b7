"""Survey use cases: submit a response (once per questionnaire per enrollment), publish a new version
of a questionnaire. Each runs in one transaction, checks permission, and writes the audit trail.

Who may fill a questionnaire for an enrollment is not the engine's to know: the apps that use a
questionnaire say so through the extension point ``FILL_REFUSAL`` (certification for the work-readiness
survey, a step to the certificate). A provider is called with ``code`` (the questionnaire) and
``enrollment`` (its program loaded) and answers a refusal (``Msg``) or None; questionnaires no provider
refuses may be filled from any enrollment of the person."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sisnaker.accounts.models import Person, User
from sisnaker.core import audit, extensions
from sisnaker.core.actors import LinkHolder, require_link_scope
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.training.codes import Code as TrainingCode
from sisnaker.training.models import Enrollment

from . import domain
from .codes import Audit, Code
from .models import Answer, Question, Questionnaire, QuestionnaireVersion, Response
from .selectors import NOT_YOURS

# Extension point: may this enrollment fill this questionnaire now? (see the module docstring)
FILL_REFUSAL = "surveys.fill_refusal"

QUESTIONNAIRE_NOT_FOUND = Msg("Kuesioner \u201c{code}\u201d tidak ditemukan.", "Questionnaire \u201c{code}\u201d not found.")
ALREADY_FILLED = Msg("Survei ini sudah diisi untuk pelatihan ini; jawaban tidak dapat diubah.",
                     "This survey was already filled for this training; answers cannot be changed.")


def questionnaire_current(*, code: str) -> QuestionnaireVersion:
    """The current version of questionnaire ``code``, with its questionnaire and its questions (in
    order) loaded. ``NotFound`` when there is no such questionnaire or it has no current version."""
    version = (
        QuestionnaireVersion.objects.select_related("questionnaire")
        .prefetch_related("questions")
        .filter(questionnaire__code=str(code)[:50], is_current=True)
        .first()
    )
    if version is None:
        raise NotFound(QUESTIONNAIRE_NOT_FOUND.format(code=str(code)[:50]), code=Code.QUESTIONNAIRE_NOT_FOUND)
    return version


def specs_of(version: QuestionnaireVersion) -> list[domain.QuestionSpec]:
    return [domain.spec_from(q) for q in version.questions.all()]


def response_check(*, actor: User | LinkHolder, code: str, person: Person, enrollment: Enrollment | None) -> None:
    """Refuse unless ``actor`` (the person themself, or the holder of a personal link to ``enrollment``,
    ``core.actors.LinkHolder``) may fill questionnaire ``code`` for ``enrollment`` now: ``PermissionDenied``
    (someone else, not their enrollment, a link to another one) or ``Conflict`` (not eligible in its current
    state, with the reason a ``FILL_REFUSAL`` provider gives). Pages call it before showing the form."""
    if isinstance(actor, LinkHolder):
        if enrollment is None:
            raise PermissionDenied(NOT_YOURS, code=Code.ENROLLMENT_NOT_OWN)
        require_link_scope(actor, enrollment_id=enrollment.pk, person_id=person.pk)
    else:
        require(actor, "enrollment.register_self", person)
    if enrollment is None or enrollment.person_id != person.pk:
        raise PermissionDenied(NOT_YOURS, code=Code.ENROLLMENT_NOT_OWN)
    for refusal in extensions.collect(FILL_REFUSAL, code=code, enrollment=enrollment):
        if refusal is not None:
            raise Conflict(refusal, code=Code.SURVEY_NOT_ELIGIBLE)


@transaction.atomic(durable=True)
def response_submit(*, actor: User | LinkHolder, code: str, person: Person, enrollment: Enrollment, answers: Any,
                    now: dt.datetime) -> Response:
    """Record ``person``'s answers to the current version of questionnaire ``code`` for ``enrollment``.

    ``answers`` maps question codes to raw values (form strings, lists for multiple choice, or JSON
    values). Every wrong answer is reported at once (``domain.AnswersInvalid``: ``errors`` by
    question code); nothing is saved unless all are right. A second response for the same enrollment
    is a ``Conflict`` (the database constraint backs the check against concurrent submissions)."""
    version = questionnaire_current(code=code)
    if enrollment is not None:
        # Lock the enrollment: its state cannot change under us, and two submissions queue here.
        enrollment = Enrollment.objects.select_related("program").select_for_update(of=("self",)).filter(pk=enrollment.pk).first()
        if enrollment is None:
            raise NotFound(Msg("Pendaftaran tidak ditemukan.", "Enrollment not found."), code=TrainingCode.ENROLLMENT_NOT_FOUND)
    response_check(actor=actor, code=code, person=person, enrollment=enrollment)
    if Response.objects.filter(questionnaire=version.questionnaire, enrollment=enrollment).exists():
        raise Conflict(ALREADY_FILLED, code=Code.SURVEY_ALREADY_FILLED)
    values = domain.validate_answers(specs_of(version), answers, today=timezone.localdate(now))
    questions = {q.code: q for q in version.questions.all()}
    try:
        with transaction.atomic():  # a savepoint: the constraint may fire when another submission won the race
            response = Response.objects.create(
                version=version, questionnaire=version.questionnaire, person=person, enrollment=enrollment, submitted_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(ALREADY_FILLED, code=Code.SURVEY_ALREADY_FILLED) from exc
    Answer.objects.bulk_create([Answer(response=response, question=questions[c], value=v) for c, v in values.items()])
    audit.record(
        actor=actor, action=Audit.RESPONSE_SUBMITTED, obj=response, at=now,
        after={"questionnaire": version.questionnaire.code, "version": version.version, "enrollment": enrollment.pk,
               "answered": sorted(values)},
    )
    return response


@transaction.atomic(durable=True)
def questionnaire_publish_version(
    *, actor: User, code: str, questions: list[dict], title: str = "", description: str | None = None,
) -> QuestionnaireVersion:
    """Publish a new version of questionnaire ``code`` (created when ``title`` is given and it does not
    exist yet) and make it current. Earlier versions and their responses stay as they were. For
    ministry curators and administrators (``reference.edit``)."""
    require(actor, "reference.edit")
    specs = domain.validate_question_specs(questions)
    code = str(code or "")
    questionnaire = Questionnaire.objects.select_for_update().filter(code=code).first()
    if questionnaire is None:
        if not title.strip():
            raise NotFound(QUESTIONNAIRE_NOT_FOUND.format(code=code[:50]), code=Code.QUESTIONNAIRE_NOT_FOUND)
        if not domain.is_code(code):
            raise ValidationFailed(Msg("Kode kuesioner berisi huruf kecil, angka, - atau _.",
                                       "The questionnaire code uses lowercase letters, digits, - or _."),
                                   code=Code.QUESTIONNAIRE_CODE, field="code")
        questionnaire = Questionnaire.objects.create(code=code, title=title.strip()[:200], description=(description or "").strip())
    elif title.strip() or description is not None:
        questionnaire.title = title.strip()[:200] or questionnaire.title
        if description is not None:
            questionnaire.description = description.strip()
        questionnaire.save(update_fields=["title", "description"])
    now = timezone.now()
    previous = questionnaire.versions.filter(is_current=True).first()
    number = (questionnaire.versions.aggregate(n=Max("version"))["n"] or 0) + 1
    if previous is not None:
        # First: the partial unique constraint allows one current version at a time.
        QuestionnaireVersion.objects.filter(pk=previous.pk).update(is_current=False)
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, version=number, is_current=True, published_at=now)
    Question.objects.bulk_create([
        Question(version=version, order=i, code=s.code, kind=s.kind, text=s.text, text_en=s.text_en, help_text=s.help_text,
                 required=s.required, choices=[{"value": c.value, "label": c.label, "label_en": c.label_en} for c in s.choices],
                 min_value=s.min_value, max_value=s.max_value, condition=s.condition.as_dict() if s.condition else {})
        for i, s in enumerate(specs, start=1)
    ])
    audit.record(
        actor=actor, action=Audit.VERSION_PUBLISHED, obj=version, at=now,
        before={"current_version": previous.version if previous else None},
        after={"questionnaire": questionnaire.code, "current_version": number, "questions": [s.code for s in specs]},
    )
    return version


def ensure_default_questionnaires() -> None:
    """Install the default questionnaires when missing (the data migration does this on ``migrate``;
    tests that flush the database call this)."""
    with transaction.atomic():
        for name in ("0002_work_readiness", "0004_employment"):
            importlib.import_module(f"sisnaker.surveys.migrations.{name}").install(apps, None)
