"""Hypothesis: the cell and header parsers of ``training.imports`` raise nothing but the module's own
error type (``ImportProblem``) on any cell value a spreadsheet reader can produce, and the readers
raise nothing else on arbitrary bytes."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from sisnaker.training.spreadsheets import reading

TODAY = dt.date(2026, 11, 23)

cells = st.one_of(
    st.none(), st.text(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), st.times(), st.timedeltas(),
    st.from_regex(r"\s*[0-9]{1,20}([.,][0-9]{0,6})?([eE][+-]?[0-9]{1,3})?\s*", fullmatch=True),
    st.from_regex(r"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}( [0-9:]{0,8})?", fullmatch=True),
)
PARSERS = [
    reading.nik_text, reading.parse_date, reading.parse_sex, reading.parse_education, reading.parse_yes_no,
    reading.parse_disability_kind, reading.parse_status, reading.parse_district_code, reading.parse_phone,
    reading.parse_email, reading.parse_name,
]


def _only_own_errors(fn, value):
    try:
        fn(value)
    except reading.ImportProblem as exc:
        assert exc.message.id and exc.message.en


@settings(max_examples=400, deadline=None)
@given(cells)
def test_cell_parsers_raise_only_their_own_error(value):
    for fn in PARSERS:
        _only_own_errors(fn, value)


@settings(max_examples=300, deadline=None)
@given(cells)
def test_nik_cell_gives_text_or_own_error(value):
    try:
        text = reading.nik_text(value)
    except reading.CellError as exc:
        assert exc.field == "nik"
    else:
        assert isinstance(text, str)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1)))
def test_dates_round_trip_through_every_written_form(day):
    for written in (day, day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"),
                    float((day - reading.EXCEL_EPOCH).days)):
        assert reading.parse_date(written) == day


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, max_size=15))
def test_header_row_mapping_raises_only_own_error(row):
    for cell in row:
        assert reading.match_header(cell) is None or reading.match_header(cell) in reading.COLUMN_BY_KEY
    _only_own_errors(reading.map_headers, row)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a", ""]))
def test_reading_arbitrary_bytes_raises_only_own_error(data, name):
    for blob in (data, b"PK\x03\x04" + data, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data):
        _only_own_errors(lambda b: reading.read_table(name, b), blob)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cells, min_size=0, max_size=12), max_size=5))
def test_validate_row_never_raises(rows):
    columns = {c.key: i for i, c in enumerate(reading.COLUMNS)}
    for i, cells_ in enumerate(rows):
        result = reading.validate_row(i + 2, cells_, columns, today=TODAY, blind_index=lambda nik: "x" * 64)
        assert result.status in ("valid", "error")
