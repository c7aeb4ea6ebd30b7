"""In-memory index of region codes, read once from the CSV files in ``data/``.

Pure and fast (no database): the NIK parser resolves codes here. The database tables
(``models.py``) hold the same data for foreign keys, pickers and reports; ``loadregions`` fills them
from the same files, so both always agree.

Files (see data/README.md): provinces.csv, regencies.csv, districts.csv from the npm package
``idn-area-data`` (ODbL), and retired_codes.csv: codes no longer current and the current code
each resolves to.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # dotted Kemendagri code: "31", "31.74", "31.74.01"
    name: str
    parent: str | None


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a (possibly retired) district code lies today."""

    province: Region
    regency: Region
    district: Region | None  # None when only the regency could be resolved
    retired_from: str | None  # the old code, when a retired code was translated


def dotted(code: str) -> str:
    """'317401' → '31.74.01'; already dotted codes are returned unchanged."""
    code = code.strip()
    if "." in code:
        return code
    return ".".join(code[i : i + 2] for i in range(0, len(code), 2))


class Registry:
    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.provinces: dict[str, Region] = {}
        self.regencies: dict[str, Region] = {}
        self.districts: dict[str, Region] = {}
        self.retired: dict[str, str] = {}
        self.retired_rows: list[dict[str, str]] = []
        for row in _rows(data_dir / "provinces.csv"):
            self.provinces[row["code"]] = Region(row["code"], row["name"], None)
        for row in _rows(data_dir / "regencies.csv"):
            self.regencies[row["code"]] = Region(row["code"], row["name"], row["province_code"])
        for row in _rows(data_dir / "districts.csv"):
            self.districts[row["code"]] = Region(row["code"], row["name"], row["regency_code"])
        retired = data_dir / "retired_codes.csv"
        if retired.exists():
            for row in _rows(retired):
                self.retired[row["old_code"]] = row["new_code"]
                self.retired_rows.append(row)

    def current_code(self, code: str) -> str:
        """Follow retired → current (chains allowed, e.g. a code moved twice)."""
        seen = set()
        while code in self.retired and code not in seen:
            seen.add(code)
            code = self.retired[code]
        return code

    def resolve_district(self, code: str) -> Resolution | None:
        """Resolve a six-digit district code (plain or dotted), translating retired codes.

        Falls back to the regency when the district itself is unknown but its regency (or the
        regency it moved to) exists, since some NIKs carry district codes never published in
        the national list; returns None when not even the regency resolves.
        """
        code = dotted(code)
        current = self.current_code(code)
        district = self.districts.get(current)
        if district is not None:
            regency = self.regencies[district.parent]
            return Resolution(
                self.provinces[regency.parent], regency, district, code if current != code else None
            )
        regency_code = self.current_code(code[:5])
        regency = self.regencies.get(regency_code)
        if regency is None:
            return None
        return Resolution(
            self.provinces[regency.parent], regency, None, code[:5] if regency_code != code[:5] else None
        )


def _rows(path: Path):
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


@lru_cache(maxsize=1)
def registry() -> Registry:
    return Registry()
