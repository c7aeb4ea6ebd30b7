"""The pure survey rules: one validator per question kind, required vs optional, errors that name the
question, the whole-form check collecting every error, question definitions, who may fill the
work-readiness survey — and Hypothesis properties: arbitrary input never raises anything but the
module's error, and valid values round-trip."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.surveys import domain
from sisnaker.surveys.domain import AnswerInvalid, AnswersInvalid, Choice, QuestionSpec, validate_answer

TODAY = dt.date(2026, 11, 23)

SINGLE = QuestionSpec(code="kegiatan", kind="single", text="Apa kegiatan Anda?", text_en="What do you do?",
                      choices=(Choice("bekerja", "Bekerja", "Working"), Choice("mencari_kerja", "Mencari kerja", "Looking")))
MULTIPLE = QuestionSpec(code="saluran", kind="multiple", text="Saluran mencari kerja", text_en="Job search channels",
                        choices=(Choice("karirhub", "Karirhub"), Choice("media_sosial", "Media sosial"), Choice("teman", "Teman")))
SCALE = QuestionSpec(code="yakin", kind="scale", text="Seberapa yakin?", text_en="How confident?", min_value=1, max_value=5)
NUMBER = QuestionSpec(code="gaji", kind="number", text="Gaji harapan", text_en="Expected wage", min_value=0, max_value=1_000_000_000)
DATE_PAST = QuestionSpec(code="lulus", kind="date", text="Tanggal lulus", text_en="Graduation date")
DATE_AHEAD = QuestionSpec(code="mulai", kind="date", text="Siap mulai", text_en="Available from", min_value=0, max_value=366)
TEXT = QuestionSpec(code="catatan", kind="text", text="Catatan", text_en="Notes", required=False)
ALL = [SINGLE, MULTIPLE, SCALE, NUMBER, DATE_PAST, DATE_AHEAD, TEXT]


def check(spec, raw):
    return validate_answer(spec, raw, today=TODAY)


def refusal(spec, raw) -> AnswerInvalid:
    with pytest.raises(AnswerInvalid) as exc:
        check(spec, raw)
    return exc.value


# --- each kind -----------------------------------------------------------------------------------

def test_single_choice():
    assert check(SINGLE, "bekerja") == "bekerja"
    assert check(SINGLE, " mencari_kerja ") == "mencari_kerja"
    assert check(SINGLE, ["bekerja"]) == "bekerja"  # a form's getlist
    err = refusal(SINGLE, "nganggur")
    assert err.code == "answer_not_a_choice" and err.field == "kegiatan"
    assert "Apa kegiatan Anda?" in err.message.id and "What do you do?" in err.message.en
    assert "Bekerja, Mencari kerja" in err.message.id
    assert refusal(SINGLE, ["bekerja", "mencari_kerja"]).code == "answer_one_only"


def test_multiple_choice_keeps_choice_order_and_refuses_duplicates_and_unknowns():
    assert check(MULTIPLE, ["teman", "karirhub"]) == ["karirhub", "teman"]
    assert check(MULTIPLE, "media_sosial") == ["media_sosial"]
    assert refusal(MULTIPLE, ["karirhub", "karirhub"]).code == "answer_duplicate"
    assert refusal(MULTIPLE, ["karirhub", "koran"]).code == "answer_not_a_choice"
    assert refusal(MULTIPLE, []).code == "answer_required"
    optional = dataclasses.replace(MULTIPLE, required=False)
    assert check(optional, []) is None and check(optional, ["", " "]) is None


def test_scale_is_a_whole_number_within_bounds():
    assert check(SCALE, "4") == 4 and check(SCALE, 1) == 1 and check(SCALE, 5.0) == 5
    for bad in ("0", 6, "3,5", 3.5, "tiga", True):
        err = refusal(SCALE, bad)
        assert err.code == "answer_out_of_range" and "1 sampai 5" in err.message.id and "How confident?" in err.message.en
    wide = QuestionSpec(code="s", kind="scale", text="Skala", min_value=0, max_value=10)
    assert check(wide, "0") == 0 and check(wide, "10") == 10
    default = QuestionSpec(code="s", kind="scale", text="Skala")
    assert default.bounds() == (1, 5)


@pytest.mark.parametrize(("raw", "expected"), [
    ("1.000.000", 1000000),
    ("Rp 3.500.000", 3500000),
    ("Rp3.500.000,-", 3500000),
    ("1,5", 1.5),
    ("1.000.000,50", 1000000.5),
    ("2.500", 2500),  # a dot before three digits groups thousands, as Indonesians write
    ("1,000,000", 1000000),
    ("1,000.25", 1000.25),
    ("3500000", 3500000),
    ("  750 000 ", 750000),
    (3500000, 3500000),
    (Decimal("2.50"), 2.5),
    (0, 0),
    ("0,0", 0),
    (12.25, 12.25),
])
def test_number_reads_indonesian_formats(raw, expected):
    value = check(NUMBER, raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("raw", ["satu juta", "1.00.000", "1..0", "12abc", "1e6", "NaN", "inf", float("nan"), True, [1, 2]])
def test_number_refuses_what_is_not_a_number(raw):
    err = refusal(NUMBER, raw)
    assert err.code == "answer_not_a_number" and "Gaji harapan" in err.message.id and "3.500.000" in err.message.id


def test_number_bounds_and_precision():
    assert refusal(NUMBER, "-5").code == "answer_out_of_range"
    err = refusal(NUMBER, "2.000.000.000")
    assert err.code == "answer_out_of_range" and "1.000.000.000" in err.message.id
    assert refusal(NUMBER, "0,123456").code == "answer_too_precise"
    unbounded = QuestionSpec(code="n", kind="number", text="Angka")
    assert check(unbounded, "-1,5") == -1.5
    assert check(unbounded, "0,819") == 0.819 and check(unbounded, 0.819) == 0.819  # stored values re-check as themselves
    assert refusal(unbounded, "123456789012,2345").code == "answer_too_precise"  # more than 15 significant digits
    assert refusal(unbounded, 10**20).code in ("answer_not_a_number", "answer_out_of_range")


def test_date_formats_and_the_future():
    assert check(DATE_PAST, "2020-07-01") == "2020-07-01"
    assert check(DATE_PAST, "01/07/2020") == "2020-07-01"
    assert check(DATE_PAST, "1-7-2020") == "2020-07-01"
    assert check(DATE_PAST, dt.date(2020, 7, 1)) == "2020-07-01"
    assert check(DATE_PAST, TODAY.isoformat()) == TODAY.isoformat()
    err = refusal(DATE_PAST, "24/11/2026")
    assert err.code == "answer_date_future" and "Tanggal lulus" in err.message.id
    assert refusal(DATE_PAST, "31/02/2026").code == "answer_not_a_date"
    assert refusal(DATE_PAST, "kemarin").code == "answer_not_a_date"
    assert refusal(DATE_PAST, "1899-12-31").code == "answer_out_of_range"


def test_date_with_a_window_ahead():
    assert check(DATE_AHEAD, "2026-12-01") == "2026-12-01"
    assert check(DATE_AHEAD, TODAY.isoformat()) == TODAY.isoformat()
    assert refusal(DATE_AHEAD, "22/11/2026").code == "answer_date_past"
    late = refusal(DATE_AHEAD, (TODAY + dt.timedelta(days=367)).isoformat())
    assert late.code == "answer_out_of_range" and "24/11/2027" in late.message.id


def test_text_is_stripped_cleaned_and_bounded():
    assert check(TEXT, "  Bahasa Inggris\r\ndan K3  ") == "Bahasa Inggris\ndan K3"
    assert check(TEXT, "a\x00b") == "ab"  # NUL never reaches PostgreSQL
    assert check(TEXT, "   ") is None and check(TEXT, "\x00") is None
    assert check(TEXT, "x" * 2000) == "x" * 2000
    err = refusal(TEXT, "x" * 2001)
    assert err.code == "answer_too_long" and "2000" in err.message.id
    assert refusal(TEXT, 42).code == "answer_invalid"


def test_required_vs_optional():
    for spec in ALL:
        if spec.required:
            for blank in (None, "", "   ", []):
                err = refusal(spec, blank)
                assert err.code == "answer_required" and err.field == spec.code and spec.text in err.message.id
        else:
            assert check(spec, None) is None and check(spec, "") is None


def test_error_in_english_uses_the_english_question_text():
    err = refusal(SCALE, "9")
    assert err.message.in_language("en").startswith("\u201cHow confident?\u201d")
    no_en = QuestionSpec(code="x", kind="scale", text="Hanya Indonesia")
    assert "Hanya Indonesia" in refusal(no_en, "9").message.en


# --- the whole form --------------------------------------------------------------------------------

def test_validate_answers_collects_every_error_by_question():
    raw = {"kegiatan": "x", "saluran": ["karirhub"], "yakin": "9", "gaji": "banyak", "lulus": "2020-01-01",
           "mulai": "2026-12-01", "catatan": "", "asing": "?"}
    with pytest.raises(AnswersInvalid) as exc:
        domain.validate_answers(ALL, raw, today=TODAY)
    errors = exc.value.errors
    assert set(errors) == {"kegiatan", "yakin", "gaji", "asing"}
    assert exc.value.details["errors"]["yakin"].startswith("\u201cSeberapa yakin?\u201d")
    assert "4" in exc.value.message.id


def test_validate_answers_leaves_out_empty_optional_answers():
    raw = {"kegiatan": "bekerja", "saluran": ["karirhub"], "yakin": 3, "gaji": "1,5", "lulus": "2020-01-01",
           "mulai": "2026-12-01", "catatan": "  "}
    assert domain.validate_answers(ALL, raw, today=TODAY) == {
        "kegiatan": "bekerja", "saluran": ["karirhub"], "yakin": 3, "gaji": 1.5, "lulus": "2020-01-01", "mulai": "2026-12-01",
    }
    with pytest.raises(AnswersInvalid) as exc:
        domain.validate_answers(ALL, ["not", "a", "dict"], today=TODAY)
    assert exc.value.code == "answers_shape"


# --- question definitions -----------------------------------------------------------------------------

def test_question_specs_report_every_problem():
    good = {"code": "a", "kind": "single", "text": "Pertanyaan A", "choices": [{"value": "ya", "label": "Ya"}, {"value": "tidak", "label": "Tidak"}]}
    specs = domain.validate_question_specs([good, {"code": "b", "kind": "scale", "text": "Skala", "min_value": 1, "max_value": 5}])
    assert [s.code for s in specs] == ["a", "b"] and specs[0].choices[1] == Choice("tidak", "Tidak", "")
    with pytest.raises(AnswersInvalid) as exc:
        domain.validate_question_specs([
            good, dict(good), {"code": "Bad Code", "kind": "essay", "text": ""},
            {"code": "c", "kind": "single", "text": "Satu pilihan", "choices": [{"value": "ya", "label": "Ya"}]},
            {"code": "d", "kind": "number", "text": "Angka", "min_value": 10, "max_value": 1},
            {"code": "e", "kind": "scale", "text": "Skala", "min_value": 3, "max_value": 3},
            "bukan dict",
        ])
    assert set(exc.value.errors) == {"2.code", "3.code", "3.kind", "3.text", "4.choices", "5.bounds", "6.bounds", "7"}
    with pytest.raises(AnswersInvalid):
        domain.validate_question_specs([])


# --- properties ---------------------------------------------------------------------------------------

json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=60)
anything = st.recursive(
    json_leaf | st.decimals(allow_nan=True, allow_infinity=True) | st.dates() | st.binary(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.tuples(children) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
number_like = st.from_regex(r"\A(Rp ?)?-?[0-9.,]{0,16}(,-)?\Z") | st.from_regex(r"\A[0-9 .,]{1,20}\Z")


@given(spec=st.sampled_from(ALL), raw=anything)
def test_validators_only_ever_raise_their_own_error(spec, raw):
    try:
        value = check(spec, raw)
    except AnswerInvalid as exc:
        assert exc.field == spec.code and exc.message.id.startswith("\u201c" + spec.text)
    else:
        if value is not None:
            assert check(spec, value) == value  # whatever is accepted is stable once normalised


@given(spec=st.sampled_from([NUMBER, QuestionSpec(code="n", kind="number", text="Angka")]), raw=number_like)
def test_number_strings_never_crash(spec, raw):
    try:
        value = check(spec, raw)
    except AnswerInvalid:
        return
    assert type(value) in (int, float) and check(spec, value) == value


@given(st.lists(st.sampled_from(MULTIPLE.choice_values), min_size=1, unique=True))
def test_multiple_round_trips(values):
    value = check(MULTIPLE, values)
    assert sorted(value) == sorted(values) and check(MULTIPLE, value) == value


@given(st.integers(min_value=1, max_value=5))
def test_scale_round_trips(n):
    assert check(SCALE, n) == n == check(SCALE, str(n))


@given(st.integers(min_value=0, max_value=1_000_000_000))
def test_whole_rupiah_round_trip_through_indonesian_formatting(n):
    written = f"{n:,}".replace(",", ".")
    assert check(NUMBER, written) == n == check(NUMBER, n)


@given(st.decimals(min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=4, allow_nan=False, allow_infinity=False))
def test_decimal_comma_round_trips(d):
    unbounded = QuestionSpec(code="n", kind="number", text="Angka")
    written = format(d, "f").replace(".", ",")
    value = check(unbounded, written)
    assert Decimal(str(value)) == d and check(unbounded, value) == value


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_past_dates_round_trip_in_both_formats(day):
    assert check(DATE_PAST, day.strftime("%d/%m/%Y")) == day.isoformat() == check(DATE_PAST, day.isoformat())


@given(st.text(max_size=2100))
def test_text_round_trips(text):
    try:
        value = check(TEXT, text)
    except AnswerInvalid as exc:
        assert exc.code == "answer_too_long"
        return
    if value is not None:
        assert check(TEXT, value) == value and len(value) <= 2000
