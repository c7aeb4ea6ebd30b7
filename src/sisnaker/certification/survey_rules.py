"""What certification tells the survey engine (``surveys.services.FILL_REFUSAL``): the work-readiness
survey is a step to the certificate, filled by a participant of a running program or an alumnus /
not-passed participant of a closed one (``domain.readiness_survey_refusal``). Other questionnaires are
not certification's to rule on."""

from __future__ import annotations

from sisnaker.core.errors import Msg
from sisnaker.surveys.domain import READINESS_CODE
from sisnaker.training.models import Enrollment

from . import domain


def survey_fill_refusal(*, code: str, enrollment: Enrollment) -> Msg | None:
    """Why ``enrollment`` may not fill questionnaire ``code`` now (its program loaded), or None."""
    if code != READINESS_CODE:
        return None
    return domain.readiness_survey_refusal(state=enrollment.state, program_status=enrollment.program.status)
