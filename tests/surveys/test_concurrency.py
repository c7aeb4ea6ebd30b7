"""Once only under real concurrency on PostgreSQL: many threads (own connections, released together)
submit the same enrollment's survey; exactly one response exists and every other thread gets the
Conflict — never an IntegrityError or a 500. No mocks.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/surveys/test_concurrency.py
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from sisnaker.surveys import services
from sisnaker.surveys.models import Answer, Response
from sisnaker.training.domain import ProgramStatus as P
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from tests.training.test_services import user_of

from .conftest import CODE, valid_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]
THREADS = 20




def submitter(enrollment):
    actor = user_of(enrollment.person)
    actor.grants  # noqa: B018 - load the grants before the threads share this object
    person = enrollment.person

    def run():
        return services.response_submit(actor=actor, code=CODE, person=person, enrollment=enrollment,
                                        answers=valid_answers(), now=timezone.now())

    return run


def test_same_enrollment_from_many_threads_gives_one_response(readiness, stage):
    enrollment = stage(P.RUNNING)
    outcomes = race([submitter(enrollment) for _ in range(THREADS)])
    ok = [o for o in outcomes if o[0] == "ok"]
    refused = [o[1] for o in outcomes if o[0] == "refused"]
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert {exc.code for exc in refused} == {"survey_already_filled"}
    assert Response.objects.filter(enrollment=enrollment).count() == 1
    assert Answer.objects.count() == 9


def test_different_enrollments_in_parallel_all_succeed(readiness, stage):
    enrollments = [stage(P.RUNNING) for _ in range(8)]
    outcomes = race([submitter(e) for e in enrollments])
    assert all(o[0] == "ok" for o in outcomes)
    assert Response.objects.count() == 8
