"""What certification tells the survey engine (``surveys.services.FILL_REFUSAL``): the work-readiness
survey is a step to the certificate, filled by a participant of a running program or an alumnus /
not-passed participant of a closed one (``domain.readiness_survey_refusal``); the employment survey is filled
by alumni in its window after graduation (``domain.employment_survey_refusal``, the window from settings).
Other questionnaires are not certification's to rule on."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import DateField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone

from sisnaker.core import extensions
from sisnaker.core.errors import Msg
from sisnaker.surveys.domain import EMPLOYMENT_CODE, READINESS_CODE
from sisnaker.training import domain as training_domain
from sisnaker.training.models import Enrollment, Program

from . import domain


def employment_days() -> tuple[int, int]:
    """(days after graduation the employment survey opens, days it stays open), from the settings."""
    return (int(getattr(settings, "SISNAKER_EMPLOYMENT_SURVEY_OPENS_DAYS", domain.EMPLOYMENT_OPENS_DAYS)),
            int(getattr(settings, "SISNAKER_EMPLOYMENT_SURVEY_WINDOW_DAYS", domain.EMPLOYMENT_WINDOW_DAYS)))


# Extension point: a module whose trainings end on another day than the program's (a Kartu Prakerja purchase ends
# when the institution reports its completion) answers a queryset of rows ``enrollment_id, completed_at``
# (a datetime); the employment survey of those enrollments counts from that day (the first such row), so the
# survey's window, its reminder and the module's own incentive for it agree.
COMPLETED_AT = "certification.employment_completed_at"


def completed_on(program: Program) -> dt.date:
    return training_domain.completion_date(end_date=program.end_date, closed_on=program.closed_on)


def completed_on_of(enrollments: list[Enrollment]) -> dict[int, dt.date]:
    """The day each enrollment's training ended for the employment survey (programs loaded): another module's day
    when it has one (``COMPLETED_AT``), else the program's. One query per providing module."""
    ids = [e.pk for e in enrollments]
    other: dict[int, dt.date] = {}
    for rows in extensions.collect(COMPLETED_AT):
        for enrollment_id, at in rows.filter(enrollment_id__in=ids).order_by("completed_at").values_list("enrollment_id", "completed_at"):
            other.setdefault(enrollment_id, timezone.localdate(at))
    return {e.pk: other.get(e.pk) or completed_on(e.program) for e in enrollments}


def completed_on_expression():
    """``completed_on_of`` in SQL, for a query of enrollments (set-based reminders)."""
    program = Least("program__end_date", Coalesce("program__closed_on", "program__end_date"), output_field=DateField())
    others = [TruncDate(Subquery(rows.filter(enrollment_id=OuterRef("pk")).order_by("completed_at").values("completed_at")[:1]))
              for rows in extensions.collect(COMPLETED_AT)]
    return Coalesce(*others, program, output_field=DateField()) if others else program


def employment_window(enrollment: Enrollment, *, completed: dt.date | None = None) -> domain.SurveyWindow:
    """The employment survey's window of ``enrollment`` (its program loaded; ``completed``: its day, when known)."""
    opens, window = employment_days()
    completed = completed or completed_on_of([enrollment])[enrollment.pk]
    return domain.employment_window(completed_on=completed, opens_days=opens, window_days=window)


def employment_refusal(enrollment: Enrollment, *, today: dt.date | None = None, completed: dt.date | None = None) -> Msg | None:
    """Why ``enrollment`` (its program loaded) may not fill the employment survey today, or None."""
    opens, window = employment_days()
    return domain.employment_survey_refusal(state=enrollment.state, program_status=enrollment.program.status,
                                            completed_on=completed or completed_on_of([enrollment])[enrollment.pk],
                                            today=today or timezone.localdate(), opens_days=opens, window_days=window)


def survey_fill_refusal(*, code: str, enrollment: Enrollment) -> Msg | None:
    """Why ``enrollment`` may not fill questionnaire ``code`` now (its program loaded), or None."""
    if code == READINESS_CODE:
        return domain.readiness_survey_refusal(state=enrollment.state, program_status=enrollment.program.status)
    if code == EMPLOYMENT_CODE:
        return employment_refusal(enrollment)
    return None
