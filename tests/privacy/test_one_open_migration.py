"""privacy 0002 adds "one open request of each kind per person" to the database; a database that holds two anyway (the
double taps from before) is not migrated until the officer answers the extra one (the migration names them, and
chooses nothing)."""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.core.roles import Role
from sisnaker.privacy.models import PrivacyRequest
from tests.factories import PersonFactory, staff
from tests.migrating import migrate, migrate_latest, models_at

BEFORE = [("privacy", "0001_initial")]
LATEST = ("privacy", "0002_one_open_request_per_kind")
AT = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_two_open_requests_of_one_kind_stop_the_migration_until_one_is_answered(regions):
    person, dpo = PersonFactory(), staff(Role.DATA_PROTECTION_OFFICER)
    migrate(BEFORE)
    try:
        Old = models_at(BEFORE).get_model("privacy", "PrivacyRequest")
        rows = [Old.objects.create(person_id=person.pk, kind="access", submitted_at=AT, due_at=AT + dt.timedelta(hours=72))
                for _ in range(2)]
        with pytest.raises(RuntimeError, match=f"person {person.pk}, access: requests #{rows[0].pk}, #{rows[1].pk}"):
            migrate([LATEST])
        Old.objects.filter(pk=rows[1].pk).update(status="done", answer=f"Sama dengan permintaan #{rows[0].pk}.",
                                                 answered_at=AT, answered_by_id=dpo.pk)
    finally:
        migrate_latest()
    assert PrivacyRequest.objects.filter(person=person, status="open").count() == 1
