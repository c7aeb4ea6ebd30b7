"""What certification tells the survey engine (``surveys.services.FILL_REFUSAL``): the work-readiness
survey is a step to the certificate, filled by a participant of a running program or an alumnus /
not-passed participant of a closed one (``domain.readiness_survey_refusal``); the employment survey is filled
by alumni in its window after graduation (``domain.employment_survey_refusal``, the window from settings).
Other questionnaires are not certification's to rule on."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from sisnaker.core.errors import Msg
from sisnaker.surveys.domain import EMPLOYMENT_CODE, READINESS_CODE
from sisnaker.training import domain as training_domain
from sisnaker.training.models import Enrollment, Program

from . import domain


def employment_days() -> tuple[int, int]:
    """(days after graduation the employment survey opens, days it stays open), from the settings."""
    return (int(getattr(settings, "SISNAKER_EMPLOYMENT_SURVEY_OPENS_DAYS", domain.EMPLOYMENT_OPENS_DAYS)),
            int(getattr(settings, "SISNAKER_EMPLOYMENT_SURVEY_WINDOW_DAYS", domain.EMPLOYMENT_WINDOW_DAYS)))


def completed_on(program: Program) -> dt.date:
    return training_domain.completion_date(end_date=program.end_date, closed_on=program.closed_on)


def employment_window(program: Program) -> domain.SurveyWindow:
    opens, window = employment_days()
    return domain.employment_window(completed_on=completed_on(program), opens_days=opens, window_days=window)


def employment_refusal(enrollment: Enrollment, *, today: dt.date | None = None) -> Msg | None:
    """Why ``enrollment`` (its program loaded) may not fill the employment survey today, or None."""
    opens, window = employment_days()
    return domain.employment_survey_refusal(state=enrollment.state, program_status=enrollment.program.status,
                                            completed_on=completed_on(enrollment.program), today=today or timezone.localdate(),
                                            opens_days=opens, window_days=window)


def survey_fill_refusal(*, code: str, enrollment: Enrollment) -> Msg | None:
    """Why ``enrollment`` may not fill questionnaire ``code`` now (its program loaded), or None."""
    if code == READINESS_CODE:
        return domain.readiness_survey_refusal(state=enrollment.state, program_status=enrollment.program.status)
    if code == EMPLOYMENT_CODE:
        return employment_refusal(enrollment)
    return None
