"""Build ``retired_codes.csv``: region codes that were once issued (and so appear in NIKs) but are no
longer in the current list, each with the current code it now corresponds to.

Reproducible: reads only files in this folder and in ``history/`` (see history/README.md for their
sources and licences) and rewrites ``retired_codes.csv``::

    python src/sisnaker/regions/data/build_retired_codes.py          # rebuild the CSV
    python src/sisnaker/regions/data/build_retired_codes.py --check  # exit 1 if the CSV is stale

Method (no code is invented: every row comes from an old list diffed against the current one):

1. Regencies. An old regency code that is not current is matched, by its normalised name
   ("KAB. X" = "KABUPATEN X" = "Kabupaten X"), to the one current regency with that name.
2. Districts. An old district code that is not current is matched by normalised name among the
   districts of the regency it now belongs to (step 1, or the same regency when that one is still
   current); a near-identical spelling (difflib ratio >= 0.75) is accepted when no exact name
   matches ("Holuon" -> "Holuwon"). Unmatched old districts are reported and left out: their NIKs
   still resolve to the regency through the regency row.
3. An old code that is still a current code is never retired (a current code keeps its meaning).

``--extract-from DIR`` re-creates the small history/idn-area-data-2.2.0 subset from an unpacked
npm package (``DIR`` = .../package/data).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
HISTORY = HERE / "history"
OUT = HERE / "retired_codes.csv"
FIELDS = ["old_code", "new_code", "level", "retired_on", "note"]

PAPUA_SPLIT = (
    "2022-07-25"  # UU 14, 15 and 16 of 2022: Papua Selatan (93), Papua Tengah (94), Papua Pegunungan (95)
)
PAPUA_BARAT_DAYA = "2022-12-08"  # UU 29/2022: Papua Barat Daya (96)

PROVINCE_EVENTS = {
    # new province code -> (retired_on, legal basis)
    "93": (PAPUA_SPLIT, "UU 14/2022 pembentukan Provinsi Papua Selatan"),
    "94": (PAPUA_SPLIT, "UU 15/2022 pembentukan Provinsi Papua Tengah"),
    "95": (PAPUA_SPLIT, "UU 16/2022 pembentukan Provinsi Papua Pegunungan"),
    "96": (PAPUA_BARAT_DAYA, "UU 29/2022 pembentukan Provinsi Papua Barat Daya"),
    "65": ("", "UU 20/2012 pembentukan Provinsi Kalimantan Utara"),
}

SOURCES = {
    "kemendagri2020": "cahyadsn/wilayah db/wilayah_2020.sql (Kepmendagri 2020)",
    "idn220": "idn-area-data 2.2.0 (Kepmendagri 2022) vs 4.0.1",
    "kaltim_pre2012": "pre-2012 Kemendagri regency list of Kalimantan Timur",
}


@dataclass(frozen=True)
class Old:
    code: str
    parent: str
    name: str
    source: str


def dotted(code: str) -> str:
    code = code.strip()
    if "." in code:
        return code
    return ".".join(code[i : i + 2] for i in range(0, len(code), 2))


def norm(name: str) -> str:
    n = name.upper().replace("KAB.", "KABUPATEN ").replace("ADM.", "ADMINISTRASI ")
    return re.sub(r"[^A-Z0-9]+", "", n)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def current_lists(data_dir: Path = HERE):
    regencies = {r["code"]: r for r in read(data_dir / "regencies.csv")}
    districts = {r["code"]: r for r in read(data_dir / "districts.csv")}
    by_regency: dict[str, list[dict[str, str]]] = {}
    for d in districts.values():
        by_regency.setdefault(d["regency_code"], []).append(d)
    return regencies, districts, by_regency


def old_regencies() -> list[Old]:
    out = []
    for r in read(HISTORY / "regencies_kemendagri_moved.csv"):
        src = "kemendagri2020" if r["code"].startswith("91") else "kaltim_pre2012"
        out.append(Old(r["code"], r["province_code"], r["name"], src))
    for r in read(HISTORY / "idn-area-data-2.2.0" / "regencies.csv"):
        out.append(Old(dotted(r["code"]), dotted(r["province_code"]), r["name"], "idn220"))
    return out


def old_districts() -> list[Old]:
    out = [
        Old(r["code"], r["regency_code"], r["name"], "kemendagri2020")
        for r in read(HISTORY / "papua_districts_2020.csv")
    ]
    for r in read(HISTORY / "idn-area-data-2.2.0" / "districts.csv"):
        out.append(Old(dotted(r["code"]), dotted(r["regency_code"]), r["name"], "idn220"))
    return out


def event_for(new_code: str) -> tuple[str, str]:
    return PROVINCE_EVENTS.get(new_code[:2], ("", ""))


def build(data_dir: Path = HERE) -> tuple[list[dict[str, str]], list[str]]:
    regencies, districts, by_regency = current_lists(data_dir)
    by_name: dict[str, list[str]] = {}
    for code, r in regencies.items():
        by_name.setdefault(norm(r["name"]), []).append(code)

    rows: dict[str, dict[str, str]] = {}
    problems: list[str] = []

    regency_map: dict[str, str] = {}
    for old in old_regencies():
        if old.code in regencies:
            continue  # still current: never retired
        candidates = by_name.get(norm(old.name), [])
        if len(candidates) != 1:
            problems.append(f"regency {old.code} {old.name}: {len(candidates)} current matches")
            continue
        new = candidates[0]
        regency_map[old.code] = new
        when, basis = event_for(new)
        note = f"{old.name.title()} {old.code} -> {new}; source: {SOURCES[old.source]}"
        if basis:
            note += f"; {basis}"
        rows.setdefault(
            old.code,
            {"old_code": old.code, "new_code": new, "level": "regency", "retired_on": when, "note": note},
        )

    for old in old_districts():
        if old.code in districts or old.code in rows:
            continue
        new_regency = regency_map.get(old.parent, old.parent)
        pool = by_regency.get(new_regency, [])
        if not pool:
            problems.append(f"district {old.code} {old.name}: regency {old.parent} not resolvable")
            continue
        names = {norm(d["name"]): d["code"] for d in pool}
        key = norm(old.name)
        new = names.get(key)
        how = "same name"
        if new is None:
            close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
            if close:
                new, how = names[close[0]], f"name {old.name!r} ~ {by_code(pool, names[close[0]])!r}"
        if new is None:
            problems.append(f"district {old.code} {old.name}: no district of that name in {new_regency}")
            continue
        when, basis = event_for(new) if new[:2] != old.code[:2] else ("", "")
        note = f"Kec. {old.name.title()} {old.code} -> {new} ({how}); source: {SOURCES[old.source]}"
        if basis:
            note += f"; {basis}"
        rows[old.code] = {
            "old_code": old.code,
            "new_code": new,
            "level": "district",
            "retired_on": when,
            "note": note[:300],
        }
    return [rows[k] for k in sorted(rows)], problems


def by_code(pool, code):
    return next(d["name"] for d in pool if d["code"] == code)


def render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def extract(src: Path) -> None:
    """Keep from idn-area-data 2.2.0 only what the diff needs: all regencies, and the districts
    whose code is not in the current list."""
    dest = HISTORY / "idn-area-data-2.2.0"
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "regencies.csv").write_text((src / "regencies.csv").read_text(encoding="utf-8"), encoding="utf-8")
    current = {r["code"] for r in read(HERE / "districts.csv")}
    with (src / "districts.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        kept = [r for r in reader if dotted(r["code"]) not in current]
    with (dest / "districts.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["code", "regency_code", "name"], lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    print(f"kept {len(kept)} retired district rows from {src}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="fail if retired_codes.csv is not up to date")
    p.add_argument("--extract-from", type=Path, help="unpacked idn-area-data 2.2.0 package/data folder")
    args = p.parse_args(argv)
    if args.extract_from:
        extract(args.extract_from)
    rows, problems = build()
    text = render(rows)
    for line in problems:
        print("unmatched:", line, file=sys.stderr)
    if args.check:
        ok = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("retired_codes.csv is", "up to date" if ok else "STALE")
        return 0 if ok else 1
    OUT.write_text(text, encoding="utf-8")
    levels: dict[str, int] = {}
    for r in rows:
        levels[r["level"]] = levels.get(r["level"], 0) + 1
    print(f"wrote {len(rows)} rows to {OUT.name}: {levels}; {len(problems)} unmatched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
