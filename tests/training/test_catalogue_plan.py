"""The public catalogue's first page is read from its index in the catalogue's order (``program_catalogue_order_idx``),
not by sorting every public program (issue 14 §2: 61 ms for 20,000 programs on the national data set, 1.5 ms from the
index). The index serves only if the page's ORDER BY is exactly its expression (``models.catalogue_stage``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from sisnaker.training import selectors
from sisnaker.training.models import Program
from tests.factories import ProgramFactory
from tests.plans import plan_of

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_the_catalogues_first_page_comes_from_its_index_on_postgresql(regions):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    template = ProgramFactory()
    columns = [f.column for f in Program._meta.concrete_fields if f.column != "id"]
    shifted = {"start_date", "end_date", "registration_opens", "registration_closes"}
    values = [f"{c} + (g %% 300)" if c in shifted else
              "(ARRAY['published','selection','running','closed'])[1 + g %% 4]" if c == "status" else c for c in columns]
    with connection.cursor() as cursor:
        # 8,000 programs of every public status (no closed_on: allowed for any status), then fresh statistics.
        cursor.execute(f"INSERT INTO training_program ({', '.join(columns)}) "
                       f"SELECT {', '.join(values)} FROM training_program, generate_series(1, 8000) g WHERE id = %s", [template.pk])
        cursor.execute("ANALYZE training_program")
    page = selectors.catalogue(filters=selectors.CatalogueFilters(), today=dt.date(2026, 12, 1))[:20]
    plan = plan_of(page)
    assert "program_catalogue_order_idx" in plan and '"Sort"' not in plan, plan
    assert [p.status for p in page][:1] == ["published"]
