"""``core.bulk``: ids drawn ahead for COPY, and the GIL's hand-offs during an import's pipeline."""

from __future__ import annotations

import sys
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sisnaker.core import bulk
from sisnaker.institutions.models import Institution
from sisnaker.training.models import Enrollment
from tests.factories import InstitutionFactory


@pytest.mark.django_db
def test_ids_for_several_tables_come_in_one_query_and_can_be_used():
    with CaptureQueriesContext(connection) as queries:
        institutions, none, enrollments = bulk.draw_ids((Institution, 3), (Enrollment, 0), (Enrollment, 2))
    if connection.vendor != "postgresql":
        assert (institutions, none, enrollments) == ([], [], []) and not queries
        return
    assert len(queries) == 1
    assert len(set(institutions)) == 3 and none == [] and len(set(enrollments)) == 2
    # Drawn from the tables' own sequences: rows given these ids go in, and the next ids the tables hand out
    # are past them.
    for i in institutions:
        InstitutionFactory(id=i)
    assert InstitutionFactory().pk > max(institutions)
    [later] = bulk.draw_ids((Enrollment, 1))
    assert later[0] > max(enrollments)


def test_quick_handoffs_last_while_any_user_is_inside_and_put_back_the_interval():
    before = sys.getswitchinterval()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def second():
        with bulk.quick_handoffs():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = sys.getswitchinterval()

    with bulk.quick_handoffs():
        seen["inside"] = sys.getswitchinterval()
        first_in.set()
        other = threading.Thread(target=second)
        other.start()
        second_in.wait(5)
    first_out.set()
    other.join(5)
    assert seen == {"inside": bulk.HANDOFF_SECONDS, "after the first left": bulk.HANDOFF_SECONDS}
    assert sys.getswitchinterval() == before
    with pytest.raises(RuntimeError), bulk.quick_handoffs():
        raise RuntimeError
    assert sys.getswitchinterval() == before
