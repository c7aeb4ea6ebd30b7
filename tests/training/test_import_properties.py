"""Hypothesis: the cell and header parsers of ``training.spreadsheets.reading`` raise nothing but the
module's own error type (``ImportProblem``) on any cell value a spreadsheet reader can produce, and the
readers raise nothing else on arbitrary bytes. Headers, dates and education levels as offices write
them: any variant of casing, punctuation and spacing reads the same; any date in any supported form
round-trips; a row is empty exactly when its identifying columns are."""

from __future__ import annotations

import datetime as dt

import pytest
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
    reading.parse_email, reading.parse_name, reading.parse_address,
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
    serial = float((day - reading.EXCEL_EPOCH).days)
    for written in (day, day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y")):
        assert reading.parse_date(written) == day
    if serial >= reading.EXCEL_SERIAL_1920:
        assert reading.parse_date(serial) == day
    else:  # a number that small is a year or an age typed in the date column, not a birth date
        with pytest.raises(reading.CellError):
            reading.parse_date(serial)


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


# --- headers: case, punctuation, spaces and line breaks do not count ---------------------------------

PUNCTUATION = " .,-/_:;'\"\n\t\r\xa0|\\!?&+"  # no parentheses, no "*": those mark a hint, not the name
# Names the import knows exactly (so punctuation may even split a word) ...
EXACT = sorted({(name, c.key) for c in reading.COLUMNS for name in (c.header, c.header_en, *c.aliases)})
# ... and office headers read by their words (punctuation between the words only).
OFFICE = [
    ("No. HP / WA", "phone"), ("No HP/WA", "phone"), ("HP", "phone"), ("WA", "phone"), ("No. WhatsApp", "phone"),
    ("No. Telp", "phone"), ("Telepon", "phone"), ("Nomor HP", "phone"), ("Nomor HP / WA aktif", "phone"),
    ("Nama Lengkap", "full_name"), ("Nama Peserta", "full_name"), ("Nama Lengkap Sesuai KTP", "full_name"),
    ("Tgl Lahir", "birth_date"), ("Tanggal Lahir", "birth_date"), ("TTL", "birth_date"), ("Tempat, Tgl. Lahir", "birth_date"),
    ("Tempat Lahir", "birth_place"), ("No. KTP", "nik"), ("NIK KTP", "nik"), ("Nomor Induk Kependudukan", "nik"),
    ("NIK Peserta", "nik"), ("Pendidikan Terakhir", "education"), ("Jenjang Pendidikan", "education"), ("L/P", "sex"),
    ("Jenis Kelamin", "sex"), ("Email", "email"), ("E-mail", "email"), ("Surel", "email"), ("Alamat E-mail", "email"),
    ("Alamat", "address"), ("Alamat Lengkap", "address"), ("Alamat Domisili", "address"), ("Status Peserta", "status"),
    ("Jenis Disabilitas", "disability_kind"), ("Kode Kecamatan Domisili", "district"),
]


@st.composite
def cased(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(ch.upper() if up else ch.lower() for ch, up in zip(text, flips, strict=True))


separators = st.text(PUNCTUATION, min_size=1, max_size=4)
padding = st.text(PUNCTUATION, max_size=3)
education_padding = st.text(PUNCTUATION.replace("/", ""), max_size=3)
hints = st.one_of(st.just(""), st.from_regex(r" ?\([^()]{0,12}\)", fullmatch=True), st.from_regex(r" ?\*[^\n]{0,8}", fullmatch=True))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(EXACT), st.data())
def test_any_casing_and_punctuation_of_a_known_header_names_the_same_column(known, data):
    name, key = known
    written = data.draw(cased(name))
    chars = [data.draw(padding) + ch for ch in written.replace(" ", "")]  # punctuation anywhere, even inside a word
    variant = data.draw(padding) + "".join(chars) + data.draw(padding) + data.draw(hints)
    assert reading.match_header(variant) == key, variant


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(OFFICE), st.data())
def test_office_headers_name_their_column_whatever_the_separators(known, data):
    name, key = known
    words = data.draw(cased(name)).replace(",", " ").replace(".", " ").replace("/", " ").split()
    variant = data.draw(padding) + "".join(w + data.draw(separators) for w in words[:-1]) + words[-1] + data.draw(padding)
    variant += data.draw(hints)
    assert reading.match_header(variant) == key, variant


def test_headers_that_name_nothing_the_import_stores_are_not_guessed():
    for header in ("No", "Keterangan", "Nama Ibu Kandung", "No KK", "Status Perkawinan", "Kecamatan", "Provinsi", "Tanggal",
                   "Jenis", "Nomor", "Catatan operator"):
        assert reading.match_header(header) not in reading.COLUMN_BY_KEY, header


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([h for h, _ in OFFICE] + ["No", "Keterangan", "Provinsi", "", None]), max_size=12, unique=True))
def test_ignored_columns_are_exactly_the_headers_that_name_no_column(headers):
    try:
        columns = reading.map_headers(headers)
    except reading.ImportRefused:
        return  # two headers for one column: refused as a whole, nothing to report
    unknown, not_stored = reading.ignored_columns(headers, columns)
    named = {h for h in headers if h and reading.match_header(h) in reading.COLUMN_BY_KEY}
    assert {c.header for c in unknown} == {h for h in headers if h in ("Keterangan", "Provinsi")}
    assert {c.header for c in not_stored} == {h for h in headers if h == "Tempat Lahir"}
    assert not named & {c.header for c in unknown + not_stored}


# --- dates: every supported way of writing one reads back the same day -------------------------------

NAMES_OF = {n: [name for name, m in reading.MONTHS.items() if m == n] for n in range(1, 13)}


@st.composite
def written_dates(draw, day: dt.date):
    month = draw(cased(draw(st.sampled_from(NAMES_OF[day.month])))) + draw(st.sampled_from(["", "."]))
    forms = [
        day, dt.datetime.combine(day, dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))),
        float((day - reading.EXCEL_EPOCH).days), (day - reading.EXCEL_EPOCH).days,
        day.isoformat(), f"{day.day:02d}/{day.month:02d}/{day.year}", f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}-{day.month:02d}-{day.year}", f"{day.day}.{day.month}.{day.year}", f"{day.year}/{day.month}/{day.day}",
        f"{day.day} {month} {day.year}", f"{day.day}-{month}-{day.year}", f"{day.day:02d} {month}, {day.year}",
        f"{month} {day.day}, {day.year}", f"Jakarta, {day.day} {month} {day.year}", f"Kamis, {day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.isoformat()}T08:30:00", f"{day.day:02d}/{day.month:02d}/{day.year} 08.30 WIB",
    ]
    written = draw(st.sampled_from(forms))
    if isinstance(written, str):
        written = draw(st.sampled_from(["", "'", " ", "\n ", "'\xa0", " '", "\t"])) + written + draw(st.sampled_from(["", " ", "\n"]))
    return written


@settings(max_examples=500, deadline=None)
@given(st.dates(min_value=dt.date(1920, 1, 1)), st.data())  # Excel serials before 1920 are refused (a year or an age typed)
def test_any_valid_date_in_any_supported_form_round_trips(day, data):
    written = data.draw(written_dates(day))
    assert reading.parse_date(written) == day, written


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1)).filter(lambda d: d.day > 12))
def test_a_month_first_date_is_refused_as_ambiguous_naming_the_order(day):
    try:
        reading.parse_date(f"{day.month}/{day.day}/{day.year}")
    except reading.CellError as exc:
        assert exc.code == "date_ambiguous" and "bulan/hari/tahun" in exc.message.id and "month/day/year" in exc.message.en
    else:
        raise AssertionError("a month/day/year date was read")


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 31), st.integers(1, 12), st.integers(0, 99), st.sampled_from(["/", "-", "."]))
def test_two_digit_years_are_refused(d, m, yy, sep):
    try:
        reading.parse_date(f"{d}{sep}{m}{sep}{yy:02d}")
    except reading.CellError as exc:
        assert exc.code == "date_invalid" and "4 digit" in exc.message.id
    else:
        raise AssertionError("a 2-digit year was read")


# --- education: levels as offices write them ----------------------------------------------------------

LEVELS = {
    "none": ["Tidak sekolah", "Tidak/belum sekolah", "Tidak tamat SD", "Belum tamat SD"],
    "sd": ["SD", "SD/MI", "MI", "Paket A", "Kejar Paket A", "Sekolah Dasar", "tidak tamat SMP"],
    "smp": ["SMP", "SLTP", "MTs", "Paket B", "SMP/MTs", "tidak tamat SMA", "SMA (tidak tamat)"],
    "sma": ["SMA", "SLTA", "SMU", "MA", "Paket C", "SMA/SMK", "SMAN 3 Bandung"],
    "smk": ["SMK", "STM", "SMEA", "MAK", "SMKN 2 Bandung"],
    "d1": ["D1", "D-I", "D I", "Diploma I", "Diploma 1"],
    "d2": ["D2", "D-II", "Diploma II"],
    "d3": ["D3", "D-III", "D III", "DIII", "Diploma III", "Diploma 3", "Ahli Madya", "D3 Akuntansi"],
    "d4": ["D4", "D-IV", "Diploma IV", "Sarjana Terapan"],
    "s1": ["S1", "S-1", "S 1", "Strata 1", "Strata I", "Sarjana", "Sarjana (S1)", "S1 Teknik Informatika"],
    "s2": ["S2", "S-2", "Strata 2", "Magister", "Pascasarjana"],
    "s3": ["S3", "S-3", "Doktor", "Strata 3"],
}
WRITTEN = [(text, level) for level, texts in LEVELS.items() for text in texts]


def test_every_level_the_import_gives_is_one_the_person_record_has():
    from sisnaker.accounts.models import Person

    assert set(reading.EDUCATION_VALUES.values()) | set(reading.EDUCATION_BELOW.values()) <= set(Person.Education.values)
    assert set(LEVELS) == set(Person.Education.values)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(WRITTEN), st.data())
def test_education_as_offices_write_it_maps_to_its_level(written, data):
    text, level = written
    # Any punctuation but "/", which says "or" between two levels: the KK's own "DIPLOMA I/II" is D1 or D2, not D3.
    variant = "".join(data.draw(education_padding) + ch for ch in data.draw(cased(text))) + data.draw(education_padding)
    assert reading.parse_education(variant) == level, variant


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([w for w in WRITTEN if w[1] != "none" and "tamat" not in w[0]]), st.sampled_from(["Lulusan ", "Tamat ", ""]),
       st.sampled_from([" sederajat", "/sederajat", ""]))
def test_graduated_and_equivalent_words_keep_the_level(written, before, after):
    text, level = written
    assert reading.parse_education(before + text + after) == level


# --- empty rows: only the identifying columns count -----------------------------------------------------

COLUMNS = {c.key: i + 1 for i, c in enumerate(reading.COLUMNS)}  # column 0: a running number "No"
fillers = st.one_of(st.none(), st.just(""), st.text(" \t\n\xa0-'", max_size=3), st.just(0), st.just(0.0), st.just(False),
                    st.sampled_from(["#N/A", "0", "#VALUE!"]))
defaults = st.one_of(fillers, st.sampled_from(["SMA", "pendaftar", "tidak", "L", "Jawa Barat", "32.73.01"]), st.integers(1, 30))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_row_is_empty_unless_an_identifying_column_says_something(data):
    cells = [data.draw(st.integers(1, 30))] + [
        data.draw(fillers if c.key in reading.CONTENT_KEYS else defaults) for c in reading.COLUMNS
    ]
    assert not reading.row_has_content(cells, COLUMNS)
    key = data.draw(st.sampled_from(reading.CONTENT_KEYS))
    cells[COLUMNS[key]] = data.draw(st.sampled_from(["3273011705950001", "Budi", dt.date(1995, 8, 17), 81234567890.0, "a@b.id", "x"]))
    assert reading.row_has_content(cells, COLUMNS)
