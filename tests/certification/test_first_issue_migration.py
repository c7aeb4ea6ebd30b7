"""certification 0007 gives the replacements issued before it the date their chain was first certified on."""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.certification.models import Certificate
from tests.factories import EnrollmentFactory
from tests.migrating import migrate, migrate_latest, models_at

BEFORE = [("certification", "0006_certificate_replacement")]
T = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_replacements_before_the_field_get_their_chains_first_date(regions, django_user_model):
    enrollment, other = EnrollmentFactory(), EnrollmentFactory()
    user = django_user_model.objects.create(username="issuer")
    migrate(BEFORE)
    try:
        Old = models_at(BEFORE).get_model("certification", "Certificate")

        def make(n, e, at, replaces=None, revoked=None):
            return Old.objects.create(enrollment_id=e.pk, number=f"T/{n}", institution_id=e.program.institution_id, year=2026,
                                      sequence=n, verification_id=f"v{n:08d}", payload="{}", signature="s", key_id="k",
                                      issued_at=at, issued_by_id=user.pk, replaces=replaces, revoked_at=revoked,
                                      revoke_reason="Nama salah" if revoked else "")

        # A replacement of a replacement: the first certificate's date goes down the chain.
        first = make(1, enrollment, T, revoked=T + dt.timedelta(days=5))
        second = make(2, enrollment, T + dt.timedelta(days=5), replaces=first, revoked=T + dt.timedelta(days=9))
        make(4, enrollment, T + dt.timedelta(days=9), replaces=second)
        alone = make(3, other, T + dt.timedelta(days=1))
    finally:
        migrate_latest()
    got = dict(Certificate.objects.values_list("number", "first_issued_at"))
    assert got == {"T/1": None, "T/2": T, "T/4": T, "T/3": None}
    assert Certificate.objects.get(pk=alone.pk).certified_at == T + dt.timedelta(days=1)
