"""Reference data of placement kept as files: the ISCO-08 groups (``data/isco08.csv``: code, English title as in
the ILO structure, Indonesian title as in KBJI 2014; sources in docs/placement.md "Occupations (ISCO-08)").

Migration 0004 loaded the 183 groups of levels 1-3; migration 0008 adds the 436 unit groups and brings every
title in line with the file. Tests reload the whole file after a flush."""

from __future__ import annotations

import csv
from pathlib import Path

ISCO08_CSV = Path(__file__).resolve().parent / "data" / "isco08.csv"


def isco08_rows(max_level: int = 4) -> list[dict[str, str]]:
    """The file's rows of groups up to ``max_level`` (the length of the code), parents before children."""
    with ISCO08_CSV.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if len(r["code"]) <= max_level]
    return sorted(rows, key=lambda r: (len(r["code"]), r["code"]))


def load_isco08(occupation_model, max_level: int = 4) -> int:
    """Insert the groups up to ``max_level`` that ``occupation_model`` (the model, or a migration's historical one)
    lacks, parents first; returns how many were inserted. Existing rows are left as they are (``sync_isco08_titles``
    updates their titles)."""
    known = set(occupation_model.objects.values_list("code", flat=True))
    new = [occupation_model(code=r["code"], level=len(r["code"]), parent_id=r["code"][:-1] or None, title_en=r["title_en"],
                            title_id=r["title_id"])
           for r in isco08_rows(max_level) if r["code"] not in known]
    occupation_model.objects.bulk_create(new)
    return len(new)


def sync_isco08_titles(occupation_model) -> int:
    """Give every group on file the file's English and Indonesian titles; returns how many rows changed."""
    rows = {r["code"]: r for r in isco08_rows()}
    changed = []
    for occupation in occupation_model.objects.filter(code__in=rows):
        row = rows[occupation.code]
        if (occupation.title_en, occupation.title_id) != (row["title_en"], row["title_id"]):
            occupation.title_en, occupation.title_id = row["title_en"], row["title_id"]
            changed.append(occupation)
    occupation_model.objects.bulk_update(changed, ["title_en", "title_id"])
    return len(changed)
