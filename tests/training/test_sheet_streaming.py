"""The streaming .xlsx reader (``spreadsheets.streaming``) gives every row exactly as calamine gives it (the
reader it replaces for usual files, still the judge of the unusual ones), and holds memory that does not grow
with the sheet's cells: a large applicant file no longer costs the worker 0.7 KB per row."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sisnaker
from sisnaker.training.spreadsheets import reading, sizing, streaming
from tests.training.spreadsheets import WORKBOOK, sheet_xml, xlsx_package

SRC = str(Path(sisnaker.__file__).parent.parent)  # what a child process puts on its path to import sisnaker
LIMITS = sizing.Limits(max_rows=reading.MAX_ROWS + 11, max_columns=sizing.MAX_COLUMNS, max_cells=sizing.MAX_CELLS)
RELS_WITH_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>')


def calamine_rows(data: bytes) -> tuple[list[list], int]:
    rows, width, _, _ = reading._calamine_rows(data)
    return list(rows), width


def read(data: bytes) -> tuple[list[list], int]:
    """What the import reads: ``reading._sheet_rows`` (streaming where it can, calamine from where it cannot)."""
    sizing.check_xlsx(data, limits=LIMITS)
    rows, width, _, _ = reading._sheet_rows(data, "xlsx")
    return list(rows), width


def streamed(data: bytes) -> tuple[list[list], int]:
    """The streaming reader alone (fails the test where it would leave the file to calamine)."""
    sizing.check_xlsx(data, limits=LIMITS)
    sheet = streaming.open_sheet(data)
    assert sheet is not None, "left to calamine at opening"
    return list(sheet.rows()), sheet.width


def with_strings(body: str, strings: str) -> bytes:
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    return xlsx_package(sheet_xml(body), extra={"xl/_rels/workbook.xml.rels": RELS_WITH_STRINGS, "xl/sharedStrings.xml": sst})


# Text as Excel and others write it: plain, rich runs with phonetic guides, whitespace kept or not, CR/LF,
# entities and Excel's own _xHHHH_ escapes.
STRINGS = ('<si><t>Siti Aminah</t></si>'
           '<si><t>a_x000D_b</t></si>'
           '<si><r><t>Bu</t></r><r><rPr><b/><sz val="11"/><rFont val="Calibri"/></rPr><t xml:space="preserve"> Ani</t></r>'
           '<rPh sb="0" eb="1"><t>ふりがな</t></rPh><phoneticPr fontId="1"/></si>'
           '<si><t>  dipangkas  </t></si>'
           '<si><t>baris\r\nbaru\rlagi</t></si>'
           '<si><t></t></si>'
           '<si><t>&amp;&lt;&#65;&#x42;&quot;&apos;</t></si>'
           '<si><t/></si>'
           '<si><t>_x005F_x000D_ _x00e9_ _xZZZZ_</t></si>'
           '<si><t xml:space="preserve">  dijaga  </t></si>'
           '<si><t>\n  x\ty \n</t></si>'
           '<si><r><t>  a  </t></r><r><t>b </t></r></si>'
           '<si /><si><r><rPr><b /></rPr><t /></r></si>')

USUAL = {
    "every shared string": "<row r=\"1\">" + "".join(
        f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(12)) + "</row>",
    "formula without a result": '<row r="1"><c r="A1"><v>1</v></c><c r="C1"><f>1+1</f></c></row>',
    "empty value": '<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v></v></c><c r="D1"><v/></c></row>',
    "formula text, inline text": ('<row r="1"><c r="A1" t="str"><f>A2</f><v>  x\r\ny  </v></c>'
                                  '<c r="B1" t="inlineStr"><is><t>  y  </t></is></c>'
                                  '<c r="C1" t="inlineStr"><is><t xml:space="preserve">  z  </t></is></c>'
                                  '<c r="D1" t="str"><v>&#32;q&#32;</v></c>'
                                  '<c r="E1" t="inlineStr"><is><r><t>ka</t></r><r><t>ta</t></r></is></c></row>'),
    "numbers as written": ('<row r="1"><c r="A1" t="n"><v>-0</v></c><c r="B1"><v>+5</v></c><c r="C1"><v>.5</v></c>'
                           '<c r="D1"><v>5.</v></c><c r="E1"><v>3.27302123456E+15</v></c><c r="F1"><v>3273021234567890</v></c></row>'),
    "whitespace between elements": '<row r="1">\n  <c r="A1">\n <v>7</v>\n</c>\n</row>\n<row r="3"><c r="B3" t="s"><v>0</v></c></row>',
    "blank and styled rows around data": ('<row r="2"><c r="B2" s="0"/></row><row r="4"><c r="C4"><v>1</v></c></row>'
                                          '<row r="6"><c r="A6" s="0"/></row><row r="9" spans="1:3"/>'),
    "booleans and errors": ('<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c></row>'
                            '<row r="3"><c r="J3" t="e"><v>#N/A</v></c></row>'),
    "empty strings count": ('<row r="1"><c r="A1"><v>1</v></c></row><row r="4"><c r="K4" t="inlineStr"><is><t></t></is></c>'
                            '<c r="L4" t="s"><v>5</v></c></row>'),
    "shared formulas, Excel's row attributes": ('<row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="A1"><f t="shared" ref="A1:B1" si="0">'
                                                'C1+1</f><v>3</v></c><c r="B1" s="0" t="s"><f t="shared" si="0"/><v>2</v></c></row>'),
    "nothing at all": "",
    "blanks only": '<row r="1"><c r="A1" s="0"/></row>',
    "formula text empty at the edge": ('<row r="1"><c r="A1"><v>1</v></c></row>'
                                       '<row r="6"><c r="M6"><f>1+1</f></c><c r="O6" t="str"><v></v></c></row>'),
    "as Excel writes a formula": ('<row r="1" spans="1:3" s="2" customFormat="1"><c r="A1" s="0"><f>B1*2</f><v>4</v></c>'
                                  '<c r="B1" s="0" t="str"><f>CONCATENATE("a";"&lt;b")</f><v>a&lt;b</v></c>'
                                  '<c r="C1" t="e" vm="1"><v>#VALUE!</v></c><c r="D1" cm="1"><f t="array" ref="D1:D2">SEQUENCE(2)</f>'
                                  '<v>1</v></c></row>'),
    "as LibreOffice writes a row": ('<row r="1" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" '
                                    'collapsed="false"><c r="A1" s="0" t="s"><v>9</v></c><c r="B1" s="0" t="n"><v>17.5</v></c></row>'),
    "as openpyxl writes (spaces before />)": ('<row r="1"><c r="A1" t="inlineStr"><is><t>ñandú</t></is></c><c r="C1"><f>X</f><v /></c>'
                                              '<c r="D1" t="n"><v>5</v></c><c r="E1" t="s"><v>12</v></c>'
                                              '<c r="F1" t="s"><v>13</v></c></row>'),
    "data not from column A": '<row r="5"><c r="D5" t="s"><v>0</v></c><c r="F5"><v>2</v></c></row>',
}

# Read by calamine from where the streaming reader stops: the rows must be the same either way.
UNUSUAL = {
    "ISO date cell": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="d"><v>2020-01-02</v></c></row>',
    "number calamine keeps as text": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="D2"><v> 5</v></c></row>',
}

# Cells calamine would put in a row the streaming reader would already have given: the whole file goes to calamine.
LEFT_AT_OPENING = {
    "rows out of order": '<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
    "a row twice": '<row r="2"><c r="A2"><v>1</v></c></row><row r="2"><c r="B2"><v>2</v></c></row>',
    "prefixed elements (the .NET SDK)": '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>',
    "a cell in another row": '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="B2"><v>2</v></c><c r="A3"><v>3</v></c></row>',
}


@pytest.mark.parametrize("body", USUAL.values(), ids=USUAL.keys())
def test_usual_sheets_stream_exactly_as_calamine_reads_them(body):
    data = with_strings(body, STRINGS)
    assert streamed(data) == calamine_rows(data)
    assert read(data) == calamine_rows(data)


@pytest.mark.parametrize("body", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_sheets_are_read_by_calamine_from_the_row_where_streaming_stops(body):
    data = with_strings(body, STRINGS)
    sizing.check_xlsx(data, limits=LIMITS)
    sheet = streaming.open_sheet(data)
    assert sheet is not None
    first = next(iter(sheet.rows()))  # the first row streams; a later one is left to calamine
    with pytest.raises(streaming.Unusual):
        list(sheet.rows())
    rows, _ = read(data)
    assert rows == calamine_rows(data)[0]
    assert rows[0][:len(first)] == first


@pytest.mark.parametrize("body", LEFT_AT_OPENING.values(), ids=LEFT_AT_OPENING.keys())
def test_sheets_whose_cells_go_back_are_left_to_calamine_before_any_row_is_given(body):
    data = with_strings(body, STRINGS)
    sizing.check_xlsx(data, limits=LIMITS)
    assert streaming.open_sheet(data) is None
    assert read(data) == calamine_rows(data)


def test_a_1904_workbook_and_a_missing_shared_string_are_left_to_calamine():
    workbook_1904 = WORKBOOK.replace("<sheets>", '<workbookPr date1904="1"/><sheets>')
    data = xlsx_package(sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'), extra={"xl/workbook.xml": workbook_1904})
    assert streaming.open_sheet(data) is None
    assert read(data) == calamine_rows(data)  # calamine's own dates (from 1904-01-01)
    missing = with_strings('<row r="1"><c r="A1" t="s"><v>99</v></c></row>', STRINGS)
    with pytest.raises(reading.ImportRefused):  # the same refusal as before: calamine finds the file damaged
        read(missing)


def test_midway_fallback_keeps_every_row_of_a_long_sheet():
    body = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>orang {r}</t></is></c><c r="B{r}"><v>{r}</v></c></row>'
                   for r in range(1, 2501))
    body += '<row r="2501"><c r="A2501" t="d"><v>2020-01-02</v></c></row>'
    data = xlsx_package(sheet_xml(body))
    rows, width = read(data)
    assert (rows, width) == calamine_rows(data)
    assert len(rows) == 2501 and rows[1233] == ["orang 1234", 1234.0]


# --- files as XlsxWriter writes them, values drawn at random -------------------------------------------

FORMATS = [None, "dd/mm/yyyy", "d mmmm yyyy", "[$-421]dd mmmm yyyy", "yyyy-mm-dd hh:mm:ss", "hh:mm", "h:mm AM/PM",
           "[h]:mm", "[mm]:ss", "mm:ss.0", "0.00", "@", "#,##0", '"Rp"#,##0', "0%", '0"d"', "\\d0", "dd/mm/yy;@", 14, 22, 46]

serials = st.one_of(st.floats(min_value=-3, max_value=3_000_000, allow_nan=False),
                    st.integers(min_value=0, max_value=2_958_470).map(float),
                    st.sampled_from([0.0, 0.5, 1.0, 59.0, 60.0, 60.5, 61.0, 2958465.0, 2958465.99999, 2958466.0, 1e-7, 0.999999]))
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)
cells = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("number"), serials),
    st.tuples(st.just("date"), st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31))),
    st.tuples(st.just("bool"), st.booleans()),
    st.tuples(st.just("formula"), st.one_of(texts, serials, st.booleans(), st.just("#N/A"))),
    st.tuples(st.just("blank"), st.none()),
)


def xlsxwriter_file(grid: list[list[tuple[str, object, int]]], *, constant_memory: bool) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": constant_memory, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    formats = [None] + [book.add_format({"num_format": f}) for f in FORMATS[1:]]
    sheet = book.add_worksheet("Peserta")
    for r, row in enumerate(grid):
        for c, (kind, value, f) in enumerate(row):
            fmt = formats[f]
            if kind == "text":
                sheet.write_string(r, c, value, fmt)
            elif kind == "number":
                sheet.write_number(r, c, value, fmt)
            elif kind == "date":
                sheet.write_datetime(r, c, value, fmt or formats[1])
            elif kind == "bool":
                sheet.write_boolean(r, c, value, fmt)
            elif kind == "formula":
                sheet.write_formula(r, c, "=A1", fmt, value)
            else:
                sheet.write_blank(r, c, None, fmt)
    book.add_worksheet("Petunjuk").write_string(0, 0, "isi lembar pertama")
    book.close()
    return out.getvalue()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(grid=st.lists(st.lists(cells.flatmap(lambda cell: st.integers(min_value=0, max_value=len(FORMATS) - 1).map(lambda f: (*cell, f))),
                             max_size=6), min_size=1, max_size=8),
       constant_memory=st.booleans())
def test_files_written_by_xlsxwriter_stream_as_calamine_reads_them(grid, constant_memory):
    data = xlsxwriter_file(grid, constant_memory=constant_memory)
    assert streamed(data) == calamine_rows(data)


@pytest.mark.parametrize("serial", [0.0, 1e-7, 0.5, 0.999999, 1.0, 1.5, 59.0, 59.5, 60.0, 60.5, 61.0, 45000.123456789,
                                    45000.99999999, 36000.0000001, 2958465.0, 2958466.0, -0.5, -1.0, 1e7])
def test_date_and_duration_serials_convert_as_calamine_converts_them(serial):
    body = (f'<row r="1"><c r="A1" s="1"><v>{serial!r}</v></c><c r="B1" s="2"><v>{serial!r}</v></c>'
            f'<c r="C1" s="3"><v>{serial!r}</v></c></row>')
    styles = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm:ss"/></numFmts>'
              '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/>'
              '<xf numFmtId="20" applyNumberFormat="1"/></cellXfs></styleSheet>')
    rels = RELS_WITH_STRINGS.replace("sharedStrings", "styles")
    data = xlsx_package(sheet_xml(body), extra={"xl/_rels/workbook.xml.rels": rels, "xl/styles.xml": styles})
    assert streamed(data) == calamine_rows(data)
    assert not isinstance(streamed(data)[0][0][0], str)


def test_numbers_beyond_the_calendar_stay_numbers():
    # python-calamine 0.9.1 fails the whole file on a duration past timedelta's range; this reader keeps the number.
    assert streaming.excel_duration(1e15) == 1e15
    assert streaming.excel_date(2958466.0) == 2958466.0
    assert streaming.excel_duration(1.5) == dt.timedelta(days=1, hours=12)


# --- memory ---------------------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[2])
    data = open(sys.argv[1], "rb").read()
    from sisnaker.training.spreadsheets import reading

    def status():
        values = {}
        for line in open("/proc/self/status"):
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                values[key] = int(value.split()[0]) * 1024
        return values

    reading.read_table("small.xlsx", SMALL)  # warm up: modules, regular expressions, the reader's first allocations
    before = status()["VmRSS"]
    open("/proc/self/clear_refs", "w").write("5")  # the peak starts again from here
    table = reading.open_table("big.xlsx", data)
    count = sum(1 for _ in table.rows())
    print(json.dumps({"rows": count, "grown": status()["VmHWM"] - before}))
""")


def applicants_file(rows: int) -> bytes:
    """An applicant file as offices fill the template, every name and NIK different (shared strings, as Excel keeps them)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for c, header in enumerate(["No", "NIK", "Nama Lengkap", "Tanggal Lahir", "Jenis Kelamin", "No HP", "Email", "Pendidikan"]):
        sheet.write_string(0, c, header)
    for r in range(1, rows + 1):
        sheet.write_number(r, 0, r)
        sheet.write_string(r, 1, f"3273{r:012d}")
        sheet.write_string(r, 2, f"Peserta Nomor {r}")
        sheet.write_datetime(r, 3, dt.datetime(1990, 1, 1) + dt.timedelta(days=r % 9000), date)
        sheet.write_string(r, 4, "L" if r % 2 else "P")
        sheet.write_string(r, 5, f"0812{r:08d}")
        sheet.write_string(r, 6, f"peserta{r}@contoh.id")
        sheet.write_string(r, 7, "SMA")
    book.close()
    return out.getvalue()


def grown_while_reading(tmp_path, rows: int, *, data: bytes | None = None) -> int:
    path = tmp_path / f"{rows}-{len(data or b'')}.xlsx"
    path.write_bytes(applicants_file(rows) if data is None else data)
    small = applicants_file(20)
    script = f"SMALL = {small!r}\n" + CHILD
    done = subprocess.run([sys.executable, "-c", script, str(path), SRC], capture_output=True, text=True, check=True, timeout=300)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == rows
    return result["grown"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak from /proc (Linux)")
def test_memory_while_reading_grows_with_the_files_text_not_its_cells(tmp_path):
    # calamine held ~0.8 KB per row of such a file (34 MB more for 50,000 rows than for 10,000, measured); the
    # streaming reader holds a piece of the sheet (the shared strings wait on disk: the next test).
    small, large = grown_while_reading(tmp_path, 10_000), grown_while_reading(tmp_path, 50_000)
    assert large - small < 12 * 1024 * 1024, (small, large)


def notes_file(rows: int, length: int) -> bytes:
    """An applicant per row with a note of ``length`` characters, every note different (shared strings, as Excel keeps them)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["NIK", "Nama Lengkap", "Pendidikan", "Catatan"])
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [f"3273{r:012d}", f"Peserta {r}", "SMA", f"{r:08d}" + "x" * (length - 8)])
    book.close()
    return out.getvalue()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak from /proc (Linux)")
def test_memory_while_reading_does_not_grow_with_the_shared_strings_text(tmp_path):
    # The same 20,000 rows, once with 20 MB of shared strings and once with 0.2 MB: the strings wait in a temporary
    # file (mapped, its pages handed back as the rows are read), so the first costs no more memory (held in memory,
    # it cost the 20 MB more).
    short = grown_while_reading(tmp_path, 20_000, data=notes_file(20_000, 10))
    long = grown_while_reading(tmp_path, 20_000, data=notes_file(20_000, 1_000))
    assert long - short < 4 * 1024 * 1024, (short, long)


def test_a_fault_of_the_streaming_reader_is_logged_and_calamine_reads_on(monkeypatch, caplog):
    data = xlsx_package(sheet_xml("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 6))))
    real = streaming._rows

    def faulty(sheet):
        rows = real(sheet)
        yield next(rows)
        yield next(rows)
        raise KeyError("a case the reader mishandles")

    monkeypatch.setattr(streaming, "_rows", faulty)
    with caplog.at_level("ERROR"):
        assert read(data) == calamine_rows(data)
    assert "calamine reads on" in caplog.text and "KeyError" in caplog.text


FILES = Path(__file__).parent / "files"


@pytest.mark.parametrize("name", sorted(p.name for p in FILES.glob("*.xlsx")))
def test_files_saved_by_libreoffice_and_openpyxl_stream_as_calamine_reads_them(name):
    data = (FILES / name).read_bytes()
    rows, width = streamed(data)
    assert (rows, width) == calamine_rows(data)
    assert rows  # the files are not empty: the comparison compared something


HOSTILE = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    from sisnaker.training.spreadsheets import reading
    try:
        reading.read_table("hostile.xlsx", open(sys.argv[1], "rb").read())
    except reading.ImportProblem:
        pass
    print("finished")
""")


@pytest.mark.parametrize("case", ["unclosed cells", "unclosed string items", "unclosed phonetic runs", "unclosed cell formats"])
def test_unclosed_tags_cost_one_scan_not_one_per_tag(tmp_path, case):
    # Each tag that never closes made a lazy ``.*?`` scan to the end of its piece: 200,000 of them in a 2 MB piece,
    # hours. Now each stops at the next tag of its kind; the child must finish (the timeout only catches a hang).
    row = '<row r="1"><c r="A1" t="s"><v>0</v></c>'
    if case == "unclosed cells":
        data = with_strings(row + '<c r="B1">' * 200_000 + "</row>", "<si><t>a</t></si>")
    elif case == "unclosed string items":
        data = with_strings(row + "</row>", "<si><t>a</t></si>" + "<si>" * 200_000)
    elif case == "unclosed phonetic runs":
        data = with_strings(row + "</row>", "<si><t>a</t>" + "<rPh>" * 200_000 + "</si>")
    else:
        rels = RELS_WITH_STRINGS.replace("sharedStrings", "styles")
        data = xlsx_package(sheet_xml(row + "</row>"), extra={"xl/_rels/workbook.xml.rels": rels,
                                                              "xl/styles.xml": "<styleSheet>" + "<cellXfs>" * 200_000})
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", HOSTILE, str(path), SRC], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "finished", done.stderr[-2000:]


def test_styles_are_counted_as_calamine_reads_them_or_left_to_it():
    body = '<row r="1"><c r="A1" s="1"><v>45000</v></c><c r="B1"><v>2</v></c></row>'
    rels = RELS_WITH_STRINGS.replace("sharedStrings", "styles")
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    plain = (f'<styleSheet {ns}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>')
    prefixed = ('<x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:cellXfs count="2">'
                '<x:xf numFmtId="0"/><x:xf numFmtId="14"/></x:cellXfs></x:styleSheet>')
    for styles, streams in ((plain, True), (prefixed, False)):
        data = xlsx_package(sheet_xml(body), extra={"xl/_rels/workbook.xml.rels": rels, "xl/styles.xml": styles})
        sizing.check_xlsx(data, limits=LIMITS)
        assert (streaming.open_sheet(data) is not None) is streams
        assert read(data) == calamine_rows(data)
    assert read(data)[0][0][0] == dt.date(2023, 3, 15)
