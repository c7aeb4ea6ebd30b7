"""The sizing check's fast path (``sizing._sheet_within_limits``) never passes a sheet that the
element-by-element scan (``sizing._scan_sheet``) refuses, whatever the sheet's XML does to hide a
cell from it (prefixes, attribute order, quotes, a second reference, comments, CDATA, processing
instructions, another encoding), wherever the chunks of the inflated part are cut; and for sheets
as spreadsheet programs write them it decides exactly as the scan does, so it is the path they take."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.training.spreadsheets import reading, sizing

LIMITS = sizing.Limits(max_rows=60, max_columns=12, max_cells=300)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def scan_accepts(xml: bytes, limits: sizing.Limits = LIMITS) -> bool:
    try:
        sizing._scan_sheet(iter([xml]), limits)
    except sizing.SheetRefused:
        return False
    return True


def cut(xml: bytes, sizes: list[int]) -> list[bytes]:
    """``xml`` in chunks of the given sizes (the rest in one), as the inflation hands them over."""
    chunks, at = [], 0
    for size in sizes:
        if at >= len(xml):
            break
        chunks.append(xml[at:at + size])
        at += size
    if at < len(xml):
        chunks.append(xml[at:])
    return chunks


def fast_accepts(xml: bytes, sizes: list[int] | None = None, limits: sizing.Limits = LIMITS) -> bool:
    return sizing._sheet_within_limits(iter(cut(xml, sizes or [])), limits)


# --- sheets as programs write them, and sheets that try to hide a cell --------------------------------

PLAIN_PREFIXES = ["", "x:"]
ODD_PREFIXES = ["é:", "a:b:", "x-y:"]


@st.composite
def reference(draw, *, far: bool = False) -> tuple[int, int]:
    top_row = 400 if far else 70
    top_col = 400 if far else 14
    return draw(st.integers(1, top_row)), draw(st.integers(1, top_col))


def tag(name: str, prefix: str, attrs: list[tuple[str, str]], *, quote: str = '"', closed: bool = False,
        spaced: bool = False) -> str:
    eq = " = " if spaced else "="
    inner = "".join(f" {k}{eq}{quote}{v}{quote}" for k, v in attrs)
    return f"<{prefix}{name}{inner}{'/' if closed else ''}>"


@st.composite
def cell(draw, prefix: str, row: int, plain: bool) -> str:
    r, c = draw(reference(far=draw(st.booleans()) and draw(st.booleans())))
    ref = f"{column_letters(c)}{r if draw(st.integers(0, 4)) else row}"
    style = "r-first" if plain else draw(st.sampled_from(
        ["r-first", "r-first", "no-r", "r-later", "apostrophes", "spaced", "second-r", "lower", "dollar", "x:r"]))
    attrs: list[tuple[str, str]]
    quote, spaced = '"', False
    if style == "no-r":
        attrs = [("t", "n")]
    elif style == "r-later":
        attrs = [("t", "n"), ("r", ref)]
    elif style == "apostrophes":
        attrs, quote = [("r", ref)], "'"
    elif style == "spaced":
        attrs, spaced = [("r", ref)], True
    elif style == "second-r":
        attrs = [("r", "A1"), ("s", "0"), ("r", ref)]
    elif style == "lower":
        attrs = [("r", ref.lower())]
    elif style == "dollar":
        attrs = [("r", "$" + ref)]
    elif style == "x:r":
        attrs = [("r", "A1"), ("x:r", ref)]
    else:
        attrs = [("r", ref)] + ([("s", "1")] if draw(st.booleans()) else []) + ([("t", "s")] if draw(st.booleans()) else [])
    if draw(st.booleans()):
        return tag("c", prefix, attrs, quote=quote, spaced=spaced, closed=True)
    return tag("c", prefix, attrs, quote=quote, spaced=spaced) + f"<{prefix}v>1</{prefix}v></{prefix}c>"


@st.composite
def sheet(draw, *, plain: bool) -> bytes:
    prefix = draw(st.sampled_from(PLAIN_PREFIXES if plain else PLAIN_PREFIXES + ODD_PREFIXES))
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', "", '<?xml version="1.0"?>']
                                + ([] if plain else ['<?xml version="1.0" encoding="ISO-8859-1"?>', " "])))
    parts = [head, f"<{prefix}worksheet {NS}>"]
    if draw(st.booleans()):
        r1, c1 = draw(reference(far=not plain and draw(st.booleans())))
        parts.append(tag("dimension", prefix, [("ref", f"A1:{column_letters(c1)}{r1}")], closed=True))
    parts.append(f"<{prefix}sheetData>")
    for number in range(1, draw(st.integers(0, 12)) + 1):
        row = draw(st.integers(number, number + 60)) if draw(st.integers(0, 6)) == 0 else number
        with_r = plain or draw(st.integers(0, 5)) > 0
        parts.append(tag("row", prefix, [("r", str(row))] if with_r else [("spans", "1:3")]))
        parts.extend(draw(st.lists(cell(prefix, row, plain), max_size=8)))
        parts.append(f"</{prefix}row>")
        if not plain and draw(st.integers(0, 8)) == 0:
            parts.append(draw(st.sampled_from([
                '<!-- <c r="ZZ999"/> -->', '<![CDATA[<c r="ZZ999"/>]]>', '<?pi <c r="A1"?>', "<!-- a note -->",
            ])))
    parts.append(f"</{prefix}sheetData></{prefix}worksheet>")
    xml = "".join(parts).encode()
    if not plain and draw(st.integers(0, 10)) == 0:
        xml = "".join(parts).encode("utf-16")
    return xml


chunk_sizes = st.lists(st.integers(1, 200), max_size=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xml=sheet(plain=False), sizes=chunk_sizes)
def test_the_fast_path_never_passes_what_the_scan_refuses(xml, sizes):
    if fast_accepts(xml, sizes):
        assert scan_accepts(xml)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xml=sheet(plain=True), sizes=chunk_sizes)
def test_sheets_as_programs_write_them_are_decided_by_the_fast_path_as_by_the_scan(xml, sizes):
    assert fast_accepts(xml, sizes) == scan_accepts(xml)


HIDDEN = {
    "a cell without a reference, far right": '<row r="2">' + '<c r="A2"/>' * 11 + "<c/><c/></row>",
    "the reference after another attribute": '<row r="2"><c t="n" r="ZZ2"/></row>',
    "a second reference": '<row r="2"><c r="A2" r="ZZ2"/></row>',
    "apostrophes": "<row r='2'><c r='ZZ2'/></row>",
    "a prefix XML allows but the strict pattern does not": '<row r="2"><é:c r="ZZ2"/></row>',
    "a comment (the reader skips it; a pattern would not)": '<row r="2"><c r="A2"/></row><!-- <c r="B2"/> -->',
    "CDATA": '<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[<c r="B2"/>]]></t></is></c></row>',
    "a far row without cells": '<row r="61"/>',
    "too many cells in a small range": '<row r="2">' + '<c r="A2"/>' * 301 + "</row>",
}


@pytest.mark.parametrize("body", HIDDEN.values(), ids=HIDDEN.keys())
def test_what_the_fast_path_cannot_vouch_for_goes_to_the_scan(body):
    xml = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{body}</sheetData></worksheet>'.encode()
    assert not fast_accepts(xml)
    for size in (1, 7, 64):
        assert not fast_accepts(xml, [size] * 10_000)


def test_another_encoding_goes_to_the_scan():
    xml = f'<?xml version="1.0" encoding="UTF-16"?><worksheet {NS}><sheetData><row r="2"><c r="ZZ2"/></row></sheetData></worksheet>'
    assert not fast_accepts(xml.encode("utf-16"))
    assert not fast_accepts(xml.encode())  # declared UTF-16 but written otherwise: the scan decides


def test_a_sheet_written_by_xlsxwriter_takes_the_fast_path_and_its_limits_hold():
    """The fast path is what real files take: 2,000 rows of the import template pass; the same sheet past
    the row limit is refused, by the scan's own words."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    data_sheet = book.add_worksheet("Data")
    for r in range(2000):
        data_sheet.write_row(r, 0, ["3273010101900001", "Budi Santoso", "1990-01-01", "L", "SMA", "08123456789"])
    book.close()
    with zipfile.ZipFile(buffer) as package:
        xml = package.read("xl/worksheets/sheet1.xml")
    limits = sizing.Limits(max_rows=reading.MAX_ROWS + reading.HEADER_SEARCH_ROWS + 1)
    assert fast_accepts(xml, [1 << 20], limits)
    assert fast_accepts(xml, [997] * 5000, limits)
    small = sizing.Limits(max_rows=1999)
    assert not fast_accepts(xml, [1 << 20], small)
    with pytest.raises(sizing.SheetRefused) as refused:
        sizing.check_xlsx(buffer.getvalue(), limits=small)
    assert refused.value.code == "import_sheet_too_large"


EXCEL_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" '
    b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xr:uid="{00000000-0001-0000-0000-000000000000}">'
    b'<dimension ref="A1:C3"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"><selection activeCell="C3" sqref="C3"/>'
    b'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData>'
    b'<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    b'<c r="C1" t="s"><v>2</v></c></row>'
    b'<row r="2" spans="1:3" x14ac:dyDescent="0.25"><c r="A2" t="s"><v>3</v></c><c r="B2" s="1"><v>32874</v></c>'
    b'<c r="C2" t="s"><v>4</v></c></row>'
    b'<row r="3" spans="1:3" ht="15.75" customHeight="1" x14ac:dyDescent="0.25"><c r="A3" t="s"><v>5</v></c>'
    b'<c r="B3" s="1"><v>33000</v></c><c r="C3" t="s"><v>6</v></c></row>'
    b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
)


@pytest.mark.parametrize("size", [1, 13, 1 << 20])
def test_a_sheet_as_microsoft_excel_writes_it_takes_the_fast_path(size):
    assert scan_accepts(EXCEL_SHEET)
    assert fast_accepts(EXCEL_SHEET, [size] * 10_000)
    # The same sheet with one cell far right: refused by both (the fast path leaves the words to the scan).
    far = EXCEL_SHEET.replace(b'<c r="C3" t="s">', b'<c r="XFD3" t="s">')
    assert not fast_accepts(far, [size] * 10_000)
    assert not scan_accepts(far)
