"""NIK parsing (sisnaker.regions.nik) and the ``sisnaker nik`` command. No database needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sisnaker.core.errors import ValidationFailed
from sisnaker.regions.nik import (
    INVISIBLE,
    NikError,
    ParsedNik,
    _new_parsed,
    age_on,
    compare_declared,
    is_valid,
    mask,
    normalise,
    parse,
)
from sisnaker.regions.registry import DATA_DIR, Registry, registry

TODAY = date(2025, 6, 15)
TEBET = "317401"  # 31.74.01 Tebet, Kota Jakarta Selatan, DKI Jakarta
SEPARATORS = " .-\t\n\r\x0b\x0c\u00a0\u2003"


def nik(region: str = TEBET, ddmmyy: str = "010190", serial: str = "0001") -> str:
    return f"{region}{ddmmyy}{serial}"


def rejected(value: str, *, today: date = TODAY, reg: Registry | None = None) -> NikError:
    with pytest.raises(NikError) as info:
        parse(value, today=today, registry=reg)
    error = info.value
    assert isinstance(error, ValidationFailed)
    assert error.field == "nik"
    assert error.message.id and error.message.en and error.message.id != error.message.en
    return error


@pytest.fixture(scope="module")
def fixture_registry(tmp_path_factory) -> tuple[Registry, Path]:
    """A tiny region list: Jakarta Selatan, plus Merauke moved from Papua (91) to Papua Selatan (93)."""
    d = tmp_path_factory.mktemp("regions")
    (d / "provinces.csv").write_text("code,name\n31,DKI Jakarta\n91,Papua\n93,Papua Selatan\n")
    (d / "regencies.csv").write_text(
        "code,province_code,name\n31.74,31,Kota Jakarta Selatan\n91.03,91,Kabupaten Jayapura\n"
        "93.01,93,Kabupaten Merauke\n"
    )
    (d / "districts.csv").write_text(
        "code,regency_code,name\n31.74.01,31.74,Tebet\n91.03.01,91.03,Sentani\n93.01.01,93.01,Merauke\n"
    )
    (d / "retired_codes.csv").write_text(
        "old_code,new_code,level,retired_on,note\n"
        "91.01,93.01,regency,2022-07-25,Kab. Merauke\n"
        "91.01.01,93.01.01,district,2022-07-25,Kec. Merauke\n"
    )
    return Registry(data_dir=d), d


# --- accepted NIKs ----------------------------------------------------------------------------


def test_parses_every_field():
    p = parse("3174014101900023", today=TODAY)
    assert p.nik == "3174014101900023"
    assert (p.province_code, p.regency_code, p.district_code) == ("31", "31.74", "31.74.01")
    assert p.birth_date == date(1990, 1, 1)
    assert p.sex == "F"
    assert p.serial == 23
    assert p.region.province.code == "31"
    assert p.region.regency.name == "Kota Administrasi Jakarta Selatan"
    assert p.region.district.name == "Tebet"
    assert p.retired_from is None
    assert p.warnings == ()


@pytest.mark.parametrize(
    ("ddmmyy", "born", "sex"),
    [
        ("010190", date(1990, 1, 1), "M"),
        ("310190", date(1990, 1, 31), "M"),
        ("410190", date(1990, 1, 1), "F"),  # women: day + 40
        ("710190", date(1990, 1, 31), "F"),
        ("700490", date(1990, 4, 30), "F"),
        ("681295", date(1995, 12, 28), "F"),
    ],
)
def test_day_field_carries_sex(ddmmyy, born, sex):
    p = parse(nik(ddmmyy=ddmmyy), today=TODAY)
    assert (p.birth_date, p.sex) == (born, sex)


@pytest.mark.parametrize(
    ("ddmmyy", "today", "born"),
    [
        ("150625", TODAY, date(2025, 6, 15)),  # born today: 20YY
        ("160625", TODAY, date(1925, 6, 16)),  # tomorrow in 2025 → 99 years old
        ("010100", TODAY, date(2000, 1, 1)),
        ("311299", TODAY, date(1999, 12, 31)),
        ("010126", TODAY, date(1926, 1, 1)),
        ("150624", TODAY, date(2024, 6, 15)),
        ("010101", date(2000, 12, 31), date(1901, 1, 1)),
        ("311200", date(2000, 12, 31), date(2000, 12, 31)),
        ("010100", date(2099, 12, 31), date(2000, 1, 1)),
        ("010150", date(2100, 1, 1), date(2050, 1, 1)),  # not hard-wired to 19xx/20xx
        ("020100", date(2100, 1, 1), date(2000, 1, 2)),
    ],
)
def test_century_is_the_latest_not_after_today(ddmmyy, today, born):
    assert parse(nik(ddmmyy=ddmmyy), today=today).birth_date == born


@pytest.mark.parametrize(
    ("ddmmyy", "today", "born"),
    [
        ("290200", TODAY, date(2000, 2, 29)),  # 2000 is a leap year
        ("290200", date(2000, 2, 29), date(2000, 2, 29)),
        ("290200", date(2100, 6, 1), date(2000, 2, 29)),  # 2100 is not: the 2000 reading
        ("290296", TODAY, date(1996, 2, 29)),
        ("290224", TODAY, date(2024, 2, 29)),
        ("290224", date(2024, 2, 28), date(1924, 2, 29)),  # 2024-02-29 is tomorrow
        ("690224", TODAY, date(2024, 2, 29)),  # a woman's 29 February
    ],
)
def test_29_february_per_century(ddmmyy, today, born):
    assert parse(nik(ddmmyy=ddmmyy), today=today).birth_date == born


@pytest.mark.parametrize(
    "typed",
    ["3174014101900001", " 3174014101900001 ", "3174 0141 0190 0001", "3174.0141.0190.0001",
     "3174-0141-0190-0001", "\t3174014101900001\n", "317401\u00a0410190\u00a00001"],
)  # fmt: skip
def test_spaces_dots_dashes_are_normalised(typed):
    p = parse(typed, today=TODAY)
    assert p.nik == "3174014101900001"
    assert normalise(typed) == "3174014101900001"


def test_unknown_district_is_accepted_with_a_warning():
    p = parse(nik(region="317499"), today=TODAY)
    assert p.district_code == "31.74.99"
    assert p.region.regency.code == "31.74"
    assert p.region.district is None
    assert [w.code for w in p.warnings] == ["district_unknown"]
    message = p.warnings[0].message
    assert "31.74.99" in message.id and "digit 5-6" in message.id
    assert "31.74.99" in message.en and "digits 5-6" in message.en


def test_retired_code_translated_with_fixture_registry(fixture_registry):
    reg, _ = fixture_registry
    p = parse(nik(region="910101", ddmmyy="450388"), today=TODAY, registry=reg)
    assert p.district_code == "91.01.01"  # as written in the NIK
    assert p.region.province.code == "93"
    assert p.region.province.name == "Papua Selatan"
    assert p.region.regency.code == "93.01"
    assert p.region.district.code == "93.01.01"
    assert p.retired_from == "91.01.01"
    assert p.warnings == ()
    # A district of the retired regency that is not itself listed resolves to the new regency.
    q = parse(nik(region="910177"), today=TODAY, registry=reg)
    assert q.region.regency.code == "93.01"
    assert q.region.district is None
    assert q.retired_from == "91.01"
    assert [w.code for w in q.warnings] == ["district_unknown"]
    # Current codes are untouched; the fixture registry does not leak into the shared one.
    assert parse(nik(region="910301"), today=TODAY, registry=reg).region.district.name == "Sentani"
    assert parse(nik(), today=TODAY, registry=reg).region.regency.name == "Kota Jakarta Selatan"
    assert parse(nik(), today=TODAY).region.regency.name == "Kota Administrasi Jakarta Selatan"


def test_merauke_with_the_real_registry():
    """91.01 (Merauke, old Papua) → 93.01 (Papua Selatan) through data/retired_codes.csv."""
    p = parse(nik(region="910101"), today=TODAY)
    assert p.retired_from == "91.01.01"
    assert p.region.province.code == "93"
    assert p.region.regency.code == "93.01"
    assert p.region.regency.name == "Kabupaten Merauke"
    assert p.region.district.code == "93.01.01"


def test_fast_constructor_matches_the_dataclass():
    p = parse(nik(), today=TODAY)
    values = [getattr(p, name) for name in p.__dataclass_fields__]
    assert ParsedNik(*values) == p
    assert _new_parsed(*values) == ParsedNik(*values)
    with pytest.raises(AttributeError):
        p.serial = 2  # frozen


def test_repr_never_shows_the_full_nik():
    p = parse("3174014101900001", today=TODAY)
    assert "3174014101900001" not in repr(p)
    assert "3174********0001" in repr(p)


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "given"), [("317401410190001", 15), ("31740141019000011", 17), ("3", 1)])
def test_wrong_length_says_how_many(value, given):
    error = rejected(value)
    assert error.code == "nik_length"
    assert error.details == {"part": "length", "length": given}
    assert f"{given} digit" in error.message.id
    assert f"{given} were given" in error.message.en


@pytest.mark.parametrize("value", ["", "   ", " - . "])
def test_empty(value):
    assert rejected(value).code == "nik_required"


@pytest.mark.parametrize(
    ("value", "position", "char"),
    [
        ("3174O14101900001", 5, "O"),
        ("A174014101900001", 1, "A"),
        ("317401410190000x", 16, "x"),
        ("3174 O141 0190 0001", 5, "O"),  # positions count NIK characters, not separators
        ("317401410190000\u0661", 16, "\u0661"),  # Arabic-Indic digit one
        ("31740141019000０1", 15, "０"),  # full-width zero
        ("3174014101900001/", 17, "/"),
        ("31740141+1900001", 9, "+"),
    ],
)
def test_non_digit_names_its_position(value, position, char):
    error = rejected(value)
    assert error.code == "nik_not_digit"
    assert error.details["position"] == position
    assert error.details["character"] == char
    assert f"ke-{position}" in error.message.id
    assert f"character {position}" in error.message.en


def test_letter_o_hint():
    error = rejected("3174O14101900001")
    assert "angka 0" in error.message.id and "digit 0" in error.message.en


def test_unknown_province():
    error = rejected(nik(region="990101"))
    assert error.code == "nik_province_unknown"
    assert error.details["part"] == "province"
    assert "99" in error.message.id and "digit 1-2" in error.message.id and "provinsi" in error.message.id
    assert "99" in error.message.en and "digits 1-2" in error.message.en and "Province" in error.message.en


def test_unknown_regency_within_province():
    error = rejected(nik(region="319901"))
    assert error.code == "nik_regency_unknown"
    assert error.details == {"part": "regency", "regency_code": "31.99"}
    assert "digit 3-4" in error.message.id and "kabupaten/kota" in error.message.id.lower()
    assert "digits 3-4" in error.message.en and "Jakarta" in error.message.en


def test_retired_regency_unknown_without_retired_codes(tmp_path):
    for name in ("provinces.csv", "regencies.csv", "districts.csv"):
        (tmp_path / name).write_bytes((DATA_DIR / name).read_bytes())
    bare = Registry(data_dir=tmp_path)  # no retired_codes.csv at all
    assert rejected(nik(region="910101"), reg=bare).code == "nik_regency_unknown"
    assert parse(nik(), today=TODAY, registry=bare).region.district.name == "Tebet"


@pytest.mark.parametrize("dd", ["00", "32", "35", "40", "72", "80", "99"])
def test_impossible_day_field(dd):
    error = rejected(nik(ddmmyy=f"{dd}0190"))
    assert error.code == "nik_day_invalid"
    assert error.details["part"] == "day"
    assert dd in error.message.id and "digit 7-8" in error.message.id and "41-71" in error.message.id
    assert dd in error.message.en and "digits 7-8" in error.message.en and "41-71" in error.message.en


@pytest.mark.parametrize("mm", ["00", "13", "99"])
def test_impossible_month(mm):
    error = rejected(nik(ddmmyy=f"01{mm}90"))
    assert error.code == "nik_month_invalid"
    assert "digit 9-10" in error.message.id and "digits 9-10" in error.message.en


@pytest.mark.parametrize(
    ("ddmmyy", "today", "words_id", "words_en"),
    [
        ("310290", TODAY, "31 Februari", "31 February"),
        ("300290", TODAY, "30 Februari", "30 February"),
        ("310490", TODAY, "31 April", "31 April"),
        ("710490", TODAY, "31 April", "31 April"),  # a woman's 31 April
        ("290223", TODAY, "kabisat", "leap"),  # neither 1923 nor 2023 is a leap year
        ("690223", TODAY, "kabisat", "leap"),
        ("290200", date(1999, 6, 1), "1900", "1900"),  # read as 1900: not a leap year
    ],
)
def test_not_a_calendar_date(ddmmyy, today, words_id, words_en):
    error = rejected(nik(ddmmyy=ddmmyy), today=today)
    assert error.code == "nik_date_invalid"
    assert error.details["part"] == "date"
    assert words_id in error.message.id and "digit 7-12" in error.message.id
    assert words_en in error.message.en and "digits 7-12" in error.message.en


def test_birth_date_in_the_future():
    # 29-02-00 read on 15 January 2000: 29 Feb 2000 is still to come and 1900 had no 29 February.
    error = rejected(nik(ddmmyy="290200"), today=date(2000, 1, 15))
    assert error.code == "nik_birth_future"
    assert "29 Februari 2000" in error.message.id and "15 Januari 2000" in error.message.id
    assert "29 February 2000" in error.message.en


def test_serial_0000():
    error = rejected(nik(serial="0000"))
    assert error.code == "nik_serial_zero"
    assert error.details["part"] == "serial"
    assert "0000" in error.message.id and "digit 13-16" in error.message.id
    assert "0000" in error.message.en and "digits 13-16" in error.message.en


def test_errors_reported_left_to_right():
    assert rejected("9999990000000000").code == "nik_province_unknown"
    assert rejected(nik(ddmmyy="000000", serial="0000")).code == "nik_day_invalid"
    assert rejected(nik(ddmmyy="010100", serial="0000")).code == "nik_serial_zero"


def test_is_valid():
    assert is_valid(nik(), today=TODAY)
    assert is_valid(nik(region="317499"), today=TODAY)  # a warning is not a refusal
    assert not is_valid(nik(serial="0000"), today=TODAY)
    assert not is_valid("abc", today=TODAY)


def test_none_is_required_and_other_types_are_a_programming_error():
    assert rejected(None).code == "nik_required"
    with pytest.raises(TypeError):
        parse(3174014101900001, today=TODAY)


# --- helpers ----------------------------------------------------------------------------------


def test_mask():
    assert mask("3174014101900001") == "3174********0001"
    assert mask("3174 0141 0190 0001") == "3174********0001"
    assert mask(parse("3174014101900001", today=TODAY)) == "3174********0001"
    assert parse("3174014101900001", today=TODAY).masked == "3174********0001"
    assert mask("31740141") == "********"  # not a NIK: nothing shown
    assert mask("") == ""


def test_age_on():
    p = parse(nik(ddmmyy="150690"), today=TODAY)
    assert age_on(p, date(2025, 6, 14)) == 34
    assert age_on(p, date(2025, 6, 15)) == 35
    assert age_on(p, date(1990, 6, 15)) == 0
    leapling = parse(nik(ddmmyy="290200"), today=TODAY)
    assert age_on(leapling, date(2025, 2, 28)) == 24
    assert age_on(leapling, date(2025, 3, 1)) == 25
    assert age_on(leapling, date(2028, 2, 29)) == 28
    assert age_on(date(2000, 1, 1), date(2025, 1, 1)) == 25


def test_compare_declared():
    p = parse(nik(ddmmyy="450390"), today=TODAY)  # woman born 5 March 1990
    assert compare_declared(p) == []
    assert compare_declared(p, birth_date=date(1990, 3, 5), sex="F") == []
    assert compare_declared(p, sex="p") == []  # perempuan
    assert compare_declared(p, birth_date=date(1890, 3, 5)) == []  # same DDMMYY: the NIK cannot tell
    warnings = compare_declared(p, birth_date=date(1990, 5, 3), sex="L")
    assert [w.code for w in warnings] == ["birth_date_mismatch", "sex_mismatch"]
    birth, sex = warnings
    assert "3 Mei 1990" in birth.message.id and "5 Maret 1990" in birth.message.id
    assert "3 May 1990" in birth.message.en and "5 March 1990" in birth.message.en
    assert "laki-laki" in sex.message.id and "perempuan" in sex.message.id
    assert "male" in sex.message.en and "female" in sex.message.en
    with pytest.raises(ValueError):
        compare_declared(p, sex="X")


# --- properties -------------------------------------------------------------------------------

DISTRICT_CODES = sorted(registry().districts)
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def nik_components(draw):
    today = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31)))
    born = draw(st.dates(min_value=today - timedelta(days=365 * 99), max_value=today))
    return (
        today,
        draw(st.sampled_from(DISTRICT_CODES)),
        born,
        draw(st.sampled_from("MF")),
        draw(st.integers(min_value=1, max_value=9999)),
    )


def build(district: str, born: date, sex: str, serial: int) -> str:
    day = born.day + (40 if sex == "F" else 0)
    return f"{district.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


@PROPERTY
@given(nik_components())
def test_property_valid_components_round_trip(components):
    today, district, born, sex, serial = components
    p = parse(build(district, born, sex, serial), today=today)
    assert p.district_code == district
    assert (p.birth_date, p.sex, p.serial) == (born, sex, serial)
    assert p.region.district is not None and p.region.district.code == district
    assert p.retired_from is None and p.warnings == ()
    assert age_on(p, today) <= 99


def _is_sixteen_digits_after_normalising(text: str) -> bool:
    kept = "".join(ch for ch in text if not (ch in " .-" or ch.isspace()))
    return len(kept) == 16 and kept.isascii() and kept.isdigit()


@PROPERTY
@given(st.one_of(st.text(), st.text(alphabet="0123456789", min_size=0, max_size=30)))
def test_property_anything_but_sixteen_digits_is_rejected(text):
    assume(not _is_sixteen_digits_after_normalising(text))
    with pytest.raises(NikError):
        parse(text, today=TODAY)


@PROPERTY
@given(
    st.integers(min_value=0, max_value=15),
    # Not a digit, a separator, or an invisible character (dropped: test_invisible_characters_pasted_with_a_nik_are_dropped).
    st.characters().filter(lambda ch: not ("0" <= ch <= "9" or ch in " .-" or ch.isspace() or ch in INVISIBLE)),
)
def test_property_a_letter_anywhere_is_rejected(where, intruder):
    value = "3174014101900001"
    value = value[:where] + intruder + value[where + 1 :]
    with pytest.raises(NikError) as info:
        parse(value, today=TODAY)
    assert info.value.code == "nik_not_digit"
    assert info.value.details["position"] == where + 1


REGENCY_PREFIXES = sorted(code.replace(".", "") for code in registry().regencies)


@PROPERTY
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789 .-", max_size=24),
        st.builds(
            lambda prefix, rest: prefix + rest,
            st.sampled_from(REGENCY_PREFIXES),
            st.text(alphabet="0123456789", min_size=12, max_size=12),
        ),
    ),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
)
def test_property_parse_raises_only_nik_error(text, today):
    try:
        p = parse(text, today=today)
    except NikError as error:
        assert error.code.startswith("nik_")
        assert error.message.id and error.message.en
    else:
        assert p.birth_date <= today
        assert age_on(p, today) < 100
        assert p.sex in ("M", "F") and 1 <= p.serial <= 9999


@PROPERTY
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_property_mask_hides_the_middle_eight(value):
    masked = mask(value)
    assert masked == value[:4] + "*" * 8 + value[12:]


@PROPERTY
@given(st.text())
def test_property_mask_never_reveals_a_middle(text):
    masked = mask(text)
    assert set(masked) <= {"*"} or (len(masked) == 16 and masked[4:12] == "*" * 8)


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def call():
    """call_command without a database; works with or without pytest-django."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command

    def run(*args):
        out = StringIO()
        call_command("nik", *args, stdout=out)
        return out.getvalue()

    return run


def test_command_valid(call):
    out = call("3174014101900001", "--today", "2025-06-15")
    assert "SAH" in out and "TIDAK SAH" not in out
    assert "Tebet" in out and "31.74.01" in out and "Kota Administrasi Jakarta Selatan" in out
    assert "1990-01-01" in out and "35 tahun" in out and "perempuan" in out
    assert "3174********0001" in out
    assert "3174014101900001" not in out


def test_command_invalid_exit_1_and_languages(call):
    from django.core.management import CommandError

    with pytest.raises(CommandError) as info:
        call("3174014101900001", "3174013201900001", "--today", "2025-06-15")
    assert info.value.returncode == 1
    with pytest.raises(CommandError) as info:
        call("3174013201900001", "--lang", "en")
    assert info.value.returncode == 1
    assert "1 of 1" in str(info.value)


def test_command_json_and_retired(call, fixture_registry):
    _, data_dir = fixture_registry
    out = call("9101014501880001", "--today", "2025-06-15", "--json", "--data-dir", str(data_dir))
    (row,) = json.loads(out)
    assert row["valid"] is True
    assert row["retired_from"] == "91.01.01"
    assert row["codes_in_nik"]["district"] == "91.01.01"
    assert row["district"] == {"code": "93.01.01", "name": "Merauke"}
    assert row["province"]["name"] == "Papua Selatan"
    assert row["sex"] == "F" and row["birth_date"] == "1988-01-05"
    text = call("9101014501880001", "--today", "2025-06-15", "--data-dir", str(data_dir), "--lang", "en")
    assert "Retired code" in text and "91.01.01" in text and "93.01.01" in text


def _sisnaker(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("sisnaker")
    return subprocess.run([str(exe), "nik", *args], capture_output=True, text=True, timeout=60)  # noqa: S603


def test_console_script_exit_status():
    ok = _sisnaker("3174014101900001", "--today", "2025-06-15")
    assert ok.returncode == 0, ok.stderr
    assert "Tebet" in ok.stdout
    bad = _sisnaker("3174014101900001", "3174014101900000", "--today", "2025-06-15", "--lang", "both")
    assert bad.returncode == 1
    assert "nik_serial_zero" in bad.stdout
    assert "0000" in bad.stdout and "digits 13-16" in bad.stdout and "digit 13-16" in bad.stdout
    assert "1 dari 2" in bad.stderr


def test_invisible_characters_pasted_with_a_nik_are_dropped():
    """Copied from a chat or a web page: a zero-width space or a byte-order mark was refused as "character 1"."""
    value = nik()
    for pasted in ("\ufeff" + value, value + "\u200b", value[:6] + "\u200d" + value[6:]):
        assert parse(pasted, today=TODAY).nik == value


def test_an_old_kalimantan_utara_nik_reads_its_regency_without_a_false_warning():
    """64.73 (Kota Tarakan while in Kalimantan Timur) is 65.71 today; the old district codes of Kalimantan Utara are
    not in the data, so no district is read — and the NIK is not flagged (a Prakerja finding sent every such
    applicant to manual review)."""
    p = parse(nik(region="647302"), today=TODAY)
    assert (p.region.regency.code, p.region.district, p.warnings) == ("65.71", None, ())


def test_an_unknown_district_warning_says_old_codes_may_be_why():
    p = parse(nik(region="320720"), today=TODAY)  # Pangandaran's districts before it left Ciamis
    (warning,) = p.warnings
    assert warning.code == "district_unknown" and "pemekaran" in warning.message.id and "split" in warning.message.en
