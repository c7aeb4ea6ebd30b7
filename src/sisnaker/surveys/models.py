"""A small survey engine: questionnaires with versions, typed questions, one response per person per
enrollment per questionnaire. Two questionnaires ship with it: the work-readiness survey (survei kesiapan
kerja) and the post-training employment survey (survei kebekerjaan)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    code = models.SlugField(max_length=50, unique=True)  # e.g. "kesiapan-kerja"
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title


class QuestionnaireVersion(models.Model):
    """Answers always point at the version they answered; a new version never changes old answers."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "version"], name="questionnaire_version_unique"),
            models.UniqueConstraint(fields=["questionnaire"], condition=Q(is_current=True), name="questionnaire_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.code} v{self.version}"


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Pilihan tunggal")
        MULTIPLE = "multiple", _("Pilihan ganda")
        SCALE = "scale", _("Skala")
        NUMBER = "number", _("Angka")
        DATE = "date", _("Tanggal")
        TEXT = "text", _("Teks bebas")

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="questions")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=50)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=500)
    text_en = models.CharField(max_length=500, blank=True)
    help_text = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=True)
    # For single/multiple: [{"value": "ya", "label": "Ya", "label_en": "Yes"}, ...]
    choices = models.JSONField(default=list, blank=True)
    min_value = models.IntegerField(null=True, blank=True)  # scale/number bounds
    max_value = models.IntegerField(null=True, blank=True)
    # Asked only when an earlier choice question was answered with one of some values (``domain.Condition``):
    # {"question": "status", "values": ["working", "self_employed"]}; {} = always asked.
    condition = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_code_unique"),
            models.UniqueConstraint(fields=["version", "order"], name="question_order_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    # Denormalised so that "one response per questionnaire per enrollment" is a constraint.
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="survey_responses")
    enrollment = models.ForeignKey("training.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses")
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "enrollment"], condition=Q(enrollment__isnull=False),
                                    name="response_once_per_enrollment"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"
