"""Reference data of placement kept as files: the ISCO-08 groups (``data/isco08.csv``: code, English title,
Indonesian title where one is on file). Loaded by migration 0004; tests reload it after a flush."""

from __future__ import annotations

import csv
from pathlib import Path

ISCO08_CSV = Path(__file__).resolve().parent / "data" / "isco08.csv"


def isco08_rows() -> list[dict[str, str]]:
    with ISCO08_CSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_isco08(occupation_model) -> int:
    """Insert the groups ``occupation_model`` (the model, or a migration's historical one) lacks, parents first;
    returns how many were inserted."""
    known = set(occupation_model.objects.values_list("code", flat=True))
    new = [occupation_model(code=r["code"], level=len(r["code"]), parent_id=r["code"][:-1] or None, title_en=r["title_en"],
                            title_id=r["title_id"])
           for r in sorted(isco08_rows(), key=lambda r: (len(r["code"]), r["code"])) if r["code"] not in known]
    occupation_model.objects.bulk_create(new)
    return len(new)
