"""Any sequence of the employer's moves on a vacancy's applications (Hypothesis), through the services: each move
does exactly what the transition table says or changes nothing, and after every step the vacancy's filled count
equals its placement records and its hired applications, never more than its openings."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.core.errors import SisnakerError
from sisnaker.placement import domain, services
from sisnaker.placement.models import Application, Placement, Vacancy
from tests.factories import PersonFactory

from .test_jobs_services import NOW, TODAY, published

pytestmark = pytest.mark.django_db

APPLICANTS = 4
MOVE = st.tuples(st.integers(min_value=0, max_value=APPLICANTS - 1), st.sampled_from(domain.APPLICATION_ACTIONS))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(moves=st.lists(MOVE, min_size=1, max_size=16))
def test_any_sequence_of_moves_keeps_the_table_and_the_counts(regions, moves):
    boss, vacancy = published(openings=2)
    apps = [services.application_submit(actor=p.user, vacancy_id=vacancy.pk, now=NOW).pk
            for p in PersonFactory.create_batch(APPLICANTS)]
    for index, action in moves:
        before = Application.objects.get(pk=apps[index]).stage
        expected = domain.application_next_stage(action=action, stage=before)
        with contextlib.suppress(SisnakerError):
            services.application_move(actor=boss, application_id=apps[index], action=action, start_date=TODAY, now=NOW,
                                          note="Senin 7 Desember, 09.00, kantor pusat" if action == "interview" else "")
        after = Application.objects.get(pk=apps[index]).stage
        assert after in (before, expected)
        if expected is None:
            assert after == before
        v = Vacancy.objects.get(pk=vacancy.pk)
        hired = Application.objects.filter(vacancy=vacancy, stage=domain.Stage.HIRED).count()
        assert v.filled == hired == Placement.objects.filter(vacancy=vacancy).count() <= v.openings
        assert (v.status == domain.VacancyStatus.FILLED) == (v.filled == v.openings)
