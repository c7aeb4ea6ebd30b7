"""Fixtures shared by the training tests of what applicants are told (test_decision_news.py, test_schedule_news.py)."""

from __future__ import annotations

import pytest

from tests.factories import InstitutionFactory, ManagerFactory, ProgramFactory


@pytest.fixture
def told_program(regions):
    """(manager, program): "Operator Las Dasar" of UPTD BLK Kota Bandung, published, 10 seats."""
    inst = InstitutionFactory(name="UPTD BLK Kota Bandung")
    manager = ManagerFactory(username="pengelola", institution=inst)
    program = ProgramFactory(institution=inst, created_by=manager, title="Operator Las Dasar", quota=10)
    return manager, program
