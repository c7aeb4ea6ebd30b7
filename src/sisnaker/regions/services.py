"""Use cases that write region data."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from sisnaker.core import audit
from sisnaker.core.actors import Actor

from . import selectors
from .codes import Audit
from .models import District, Province, Regency, RetiredCode
from .registry import DATA_DIR

BATCH = 1000


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _upsert(
    model, objs: list, update_fields: list[str], progress: Callable[[str, int, int], None] | None
) -> int:
    total = len(objs)
    for start in range(0, total, BATCH):
        model.objects.bulk_create(
            objs[start : start + BATCH],
            update_conflicts=True,
            unique_fields=[model._meta.pk.name],
            update_fields=update_fields,
            batch_size=BATCH,
        )
        if progress:
            progress(model._meta.model_name, min(start + BATCH, total), total)
    return total


def regions_load(
    *,
    actor: Actor | str | None = None,
    data_dir: Path | str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Load provinces, regencies, districts and retired codes from the CSV files into the database.

    Idempotent and set-based: one upsert per batch (``INSERT … ON CONFLICT DO UPDATE``), all in one
    transaction with one audit row. Names and parents are updated when the files changed; regions
    missing from the files are kept (other tables point at them), retired-code rows missing from
    the file are deleted (that table is derived data). Returns the number of rows in each file.
    """
    base = Path(data_dir) if data_dir else DATA_DIR
    provinces = [Province(code=r["code"], name=r["name"]) for r in _rows(base / "provinces.csv")]
    regencies = [
        Regency(code=r["code"], province_id=r["province_code"], name=r["name"])
        for r in _rows(base / "regencies.csv")
    ]
    districts = [
        District(code=r["code"], regency_id=r["regency_code"], name=r["name"])
        for r in _rows(base / "districts.csv")
    ]
    retired_path = base / "retired_codes.csv"
    retired = [
        RetiredCode(
            old_code=r["old_code"],
            new_code=r["new_code"],
            level=r["level"],
            retired_on=dt.date.fromisoformat(r["retired_on"]) if r.get("retired_on") else None,
            note=(r.get("note") or "")[:300],
        )
        for r in (_rows(retired_path) if retired_path.exists() else [])
    ]
    with transaction.atomic(durable=True):
        counts = {
            "provinces": _upsert(Province, provinces, ["name"], progress),
            "regencies": _upsert(Regency, regencies, ["province", "name"], progress),
            "districts": _upsert(District, districts, ["regency", "name"], progress),
            "retired_codes": _upsert(
                RetiredCode, retired, ["new_code", "level", "retired_on", "note"], progress
            ),
        }
        RetiredCode.objects.exclude(old_code__in=[r.old_code for r in retired]).delete()
        audit.record(
            actor=actor, action=Audit.LOADED, object_type="regions", object_id="all", after=counts
        )
        transaction.on_commit(selectors.district_cache_clear)
    return counts
