"""Payments test data: graduates of government-funded programs who filled the employment survey, with payout
accounts, and finance officers. The employment survey itself belongs to the surveys app (questionnaire code
``employment``); when it is not installed, a minimal one-question version is published here."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sisnaker.core import crypto
from sisnaker.payments import channels
from sisnaker.payments.domain import PayoutStatus
from sisnaker.payments.models import PayoutAccount
from sisnaker.payments.services.payables import EMPLOYMENT_SURVEY, ensure_default_rules
from sisnaker.surveys.models import Questionnaire, QuestionnaireVersion, Response
from sisnaker.training.domain import EnrollmentState, ProgramStatus
from tests.factories import ProgramFactory, enrollments_in, staff


def employment_version() -> QuestionnaireVersion:
    questionnaire, _ = Questionnaire.objects.get_or_create(code=EMPLOYMENT_SURVEY, defaults={"title": "Survei kebekerjaan"})
    version = questionnaire.versions.filter(is_current=True).first()
    return version or QuestionnaireVersion.objects.create(questionnaire=questionnaire, version=1, is_current=True,
                                                          published_at=timezone.now())


def respond(enrollment, *, at=None) -> Response:
    version = employment_version()
    return Response.objects.create(version=version, questionnaire=version.questionnaire, person=enrollment.person,
                                   enrollment=enrollment, submitted_at=at or timezone.now())


def verified_account(person, *, provider: str = "002", number: str = "0123456789012", status: str = PayoutStatus.VERIFIED):
    assert channels.provider(provider) is not None
    return PayoutAccount.objects.create(
        person=person, channel=channels.provider(provider).channel, provider_code=provider, number_encrypted=crypto.encrypt(number),
        number_last4=number[-4:], holder_name=person.full_name, match_score=100, status=status, created_at=timezone.now())


def graduates(n: int, *, funding: str = "apbd", responded: bool = True, accounts: bool = True, provider: str = "002", **program_kw):
    """A closed program of ``funding`` with ``n`` graduates (who filled the survey and have verified accounts,
    unless told otherwise)."""
    if funding == "apbn":
        program_kw.setdefault("dipa_reference", "DIPA-026.01.2026")
    program = ProgramFactory(status=ProgramStatus.CLOSED, funding=funding, quota=max(n, 1) + 5, **program_kw)
    enrollments = enrollments_in(program, n=n, state=EnrollmentState.GRADUATED)
    for e in enrollments:
        if responded:
            respond(e)
        if accounts:
            verified_account(e.person, provider=provider)
    return program, enrollments


@pytest.fixture
def payments_world(regions):
    ensure_default_rules()
    employment_version()


@pytest.fixture
def finance(payments_world):
    return staff("finance_officer")


@pytest.fixture
def finance2(payments_world):
    return staff("finance_officer")
