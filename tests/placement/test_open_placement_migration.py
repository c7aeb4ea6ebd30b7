"""placement 0013 adds the rule "one open record of a person at work per company" to the database; a database that
holds two anyway is not migrated until someone ends the wrong one (the migration names them, and chooses nothing)."""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.placement.models import Placement
from tests.factories import CompanyFactory, PersonFactory
from tests.migrating import migrate, migrate_latest, models_at

BEFORE = [("placement", "0012_officer_report_corrected")]
LATEST = ("placement", "0013_placement_one_open_per_company")


@pytest.mark.django_db(transaction=True)
def test_two_open_records_at_one_company_stop_the_migration_until_one_is_ended(regions):
    person, company = PersonFactory(), CompanyFactory()
    migrate(BEFORE)
    try:
        Old = models_at(BEFORE).get_model("placement", "Placement")
        rows = [Old.objects.create(person_id=person.pk, company_id=company.pk, employer_name="CV Maju", position="Teknisi",
                                   start_date=dt.date(2026, 1, 5), source="employer", created_at=dt.datetime(2026, 1, 6, tzinfo=dt.UTC))
                for _ in range(2)]
        with pytest.raises(RuntimeError, match=f"person {person.pk} at company {company.pk}"):
            migrate([LATEST])
        Old.objects.filter(pk=rows[0].pk).update(end_date=dt.date(2026, 1, 5))
    finally:
        migrate_latest()
    assert Placement.objects.filter(person=person, end_date__isnull=True).count() == 1
