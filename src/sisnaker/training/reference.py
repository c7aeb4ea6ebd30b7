"""Loading the starter reference data (vocational fields, competency units) from ``data/``."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from sisnaker.accounts.models import User
from sisnaker.core import audit

from .codes import Audit
from .models import CompetencyUnit, VocationalField

DATA = Path(__file__).resolve().parent / "data"


@transaction.atomic(durable=True)
def reference_load(*, actor: User | None = None) -> dict[str, int]:
    """Add the starter vocational fields and competency units that are missing (never overwrites a
    curator's edits). Idempotent; set-based."""
    with (DATA / "vocational_fields.csv").open(encoding="utf-8", newline="") as fh:
        fields = list(csv.DictReader(fh))
    with (DATA / "competency_units.csv").open(encoding="utf-8", newline="") as fh:
        units = list(csv.DictReader(fh))
    before_f, before_u = VocationalField.objects.count(), CompetencyUnit.objects.count()
    VocationalField.objects.bulk_create(
        [VocationalField(code=r["code"], name=r["name"]) for r in fields], ignore_conflicts=True
    )
    ids = dict(VocationalField.objects.values_list("code", "pk"))
    CompetencyUnit.objects.bulk_create(
        [CompetencyUnit(code=r["code"], title=r["title"], vocational_field_id=ids[r["vocational_field"]]) for r in units],
        ignore_conflicts=True,
    )
    added = {
        "vocational_fields": VocationalField.objects.count() - before_f,
        "competency_units": CompetencyUnit.objects.count() - before_u,
    }
    if any(added.values()):
        audit.record(actor=actor or "system", action=Audit.REFERENCE_LOADED, object_type="reference", object_id="starter", after=added)
    return added
