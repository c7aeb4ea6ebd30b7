"""Integrity of data/retired_codes.csv (pure: no database)."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from sisnaker.regions.registry import DATA_DIR, Registry

DATA = Path(DATA_DIR)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry()


@pytest.fixture(scope="module")
def rows():
    with (DATA / "retired_codes.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def current_codes(reg):
    return set(reg.provinces) | set(reg.regencies) | set(reg.districts)


def test_no_retired_code_is_current(reg, rows):
    overlap = {r["old_code"] for r in rows} & current_codes(reg)
    assert not overlap


def test_every_target_exists_at_its_level(reg, rows):
    table = {"province": reg.provinces, "regency": reg.regencies, "district": reg.districts}
    for r in rows:
        assert r["new_code"] in table[r["level"]], r


def test_old_code_shape_matches_level(rows):
    digits = {"province": 2, "regency": 4, "district": 6}
    for r in rows:
        assert len(r["old_code"].replace(".", "")) == digits[r["level"]], r
        assert r["note"], r


def test_merauke_moved_to_papua_selatan(reg):
    assert reg.current_code("91.01") == "93.01"
    res = reg.resolve_district("910101")
    assert res.district.code == "93.01.01" and res.district.name == "Merauke"
    assert res.province.code == "93" and res.retired_from == "91.01.01"


def test_papua_barat_daya_and_kalimantan_utara(reg):
    assert reg.current_code("92.71") == "96.71"  # Kota Sorong
    assert reg.resolve_district("920101").province.code == "96"
    # Kaltara: regency level only; a pre-2012 Tarakan district falls back to the regency.
    res = reg.resolve_district("647301")
    assert res.regency.code == "65.71" and res.district is None


def test_spelling_variants_matched(rows):
    by_old = {r["old_code"]: r["new_code"] for r in rows}
    assert by_old["91.13.36"] == "95.03.34"  # Holuon -> Holuwon
    assert by_old["91.18.18"] == "93.04.18"  # Ayip -> Ayib


def test_generator_output_is_committed():
    script = DATA / "build_retired_codes.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
