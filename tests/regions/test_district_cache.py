"""The districts remembered per process for the sign-up path: found without a query once read, never remembered
when unknown, read again after a few minutes or after ``loadregions``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sisnaker.regions import selectors
from sisnaker.regions.models import District
from sisnaker.regions.services import regions_load

pytestmark = pytest.mark.django_db


def test_a_district_read_once_is_found_without_a_query(regions):
    first = selectors.district_get_cached("32.73.01", now=1000.0)
    with CaptureQueriesContext(connection) as queries:
        again = selectors.district_get_cached("32.73.01", now=1010.0)
        province = again.regency.province.code  # what the sign-up reads of it, loaded with it
    assert len(queries) == 0
    assert again is first and again.code == "32.73.01" and province == "32"


def test_an_unknown_code_is_not_remembered(regions):
    assert selectors.district_get_cached("32.73.99", now=1000.0) is None
    District.objects.create(code="32.73.99", regency_id="32.73", name="Kecamatan Baru")
    assert selectors.district_get_cached("32.73.99", now=1001.0).name == "Kecamatan Baru"


def test_a_renamed_district_is_seen_after_the_time_allowed(regions, settings):
    settings.SISNAKER_REGION_CACHE_SECONDS = 300
    assert selectors.district_get_cached("32.73.01", now=1000.0).name != "Nama Baru"
    District.objects.filter(code="32.73.01").update(name="Nama Baru")
    assert selectors.district_get_cached("32.73.01", now=1299.0).name != "Nama Baru"
    assert selectors.district_get_cached("32.73.01", now=1300.0).name == "Nama Baru"


def test_loading_the_regions_forgets_what_was_remembered(regions, django_capture_on_commit_callbacks):
    old = selectors.district_get_cached("32.73.01", now=1000.0)
    with django_capture_on_commit_callbacks(execute=True):
        regions_load()
    with CaptureQueriesContext(connection) as queries:
        fresh = selectors.district_get_cached("32.73.01", now=1001.0)
    assert len(queries) == 1 and fresh is not old
