"""The streamed writers every export uses: a one-sheet .xlsx written row by row straight into the zip's deflate
stream (``SheetWriter``), and CSV that no spreadsheet runs as formulas (``csv_cell``, ``csv_chunks``). Pure: rows
in, bytes out; nothing here reads the database.

``SheetWriter`` came from training's enrollment export (issue 14 §4, bench/bench_export.py: 6.1× pandas +
openpyxl); training's ``spreadsheets.writing`` imports it from here. It is written by hand, not with XlsxWriter:
XlsxWriter's per-cell API costs ~8 µs a cell, two thirds of a 1M-row export's time; the sheet here is plain (inline
strings, a bold header, date and date-time formats, column widths, the header row frozen), so its XML is a few
lines of code. Memory: the writer holds at most ``FLUSH_ROWS`` rows of XML before they go to the deflate stream
(``pending_rows``), whatever the number of rows."""

from __future__ import annotations

import csv
import datetime as dt
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO

_XML_TEXT = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
             **{c: None for c in (*range(0, 9), 11, 12, *range(14, 32))}}  # control characters XML 1.0 cannot hold
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_EPOCH_DATE = _EXCEL_EPOCH.date()
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_STYLES = (  # 0 plain, 1 header (bold on light blue), 2 date, 3 date and time
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDBEAFE"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _column_letter(index: int) -> str:
    out, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


class SheetWriter:
    """A one-sheet .xlsx written row by row into a deflate stream (see the module's docstring)."""

    FLUSH_ROWS = 1000

    def __init__(self, fileobj, *, sheet_name: str, widths: list[int]) -> None:
        self._zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3)
        self._name = sheet_name
        self._widths = widths
        self._letters: list[str] = []
        self._r = 0
        self._pending: list[str] = []
        self._sheet = None

    def __enter__(self) -> SheetWriter:
        z = self._zip
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_NS_R}>'
            f'<sheets><sheet name="{self._name.translate(_XML_TEXT)}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/></Relationships>'))
        z.writestr("xl/styles.xml", _STYLES)
        self._sheet = z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(self._widths))
        self._sheet.write((
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_NS_R}>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>').encode())
        return self

    def _letter(self, c: int) -> str:
        while len(self._letters) <= c:
            self._letters.append(_column_letter(len(self._letters)))
        return self._letters[c]

    def header(self, headers: list[str]) -> None:
        self._emit(headers, style=' s="1"')

    def row(self, values: list[Any]) -> None:
        self._emit(values, style="")

    def _emit(self, values: list[Any], *, style: str) -> None:
        self._r += 1
        r = self._r
        letter = self._letter
        cells = []
        append = cells.append
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                append(f'<c r="{letter(c)}{r}" t="inlineStr"{style}><is><t xml:space="preserve">{value.translate(_XML_TEXT)}</t></is></c>')
            elif isinstance(value, bool):
                append(f'<c r="{letter(c)}{r}" t="b"{style}><v>{int(value)}</v></c>')
            elif isinstance(value, int):
                append(f'<c r="{letter(c)}{r}"{style}><v>{value}</v></c>')
            elif isinstance(value, dt.datetime):
                delta = value.replace(tzinfo=None) - _EXCEL_EPOCH
                append(f'<c r="{letter(c)}{r}" s="3"><v>{delta.days + delta.seconds / 86400!r}</v></c>')
            elif isinstance(value, dt.date):
                append(f'<c r="{letter(c)}{r}" s="2"><v>{(value - _EXCEL_EPOCH_DATE).days}</v></c>')
            elif isinstance(value, float) and math.isfinite(value):
                append(f'<c r="{letter(c)}{r}"{style}><v>{value!r}</v></c>')
            else:
                append(f'<c r="{letter(c)}{r}" t="inlineStr"{style}><is><t xml:space="preserve">{str(value).translate(_XML_TEXT)}</t></is></c>')
        self._pending.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(self._pending) >= self.FLUSH_ROWS:
            self._flush()

    @property
    def pending_rows(self) -> int:
        """Rows held in memory, not yet handed to the deflate stream (never more than ``FLUSH_ROWS``)."""
        return len(self._pending)

    @property
    def rows_written(self) -> int:
        """Rows emitted so far, the header included."""
        return self._r

    def _flush(self) -> None:
        self._sheet.write("".join(self._pending).encode())
        self._pending.clear()

    def __exit__(self, *exc) -> None:
        self._flush()
        self._sheet.write(b"</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()


class _Echo:
    def write(self, value):
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell that a spreadsheet never runs as a formula (OWASP "CSV injection"): text
    that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a
    name like ``=HYPERLINK(...)`` stays a name. Dates are written as ISO text."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",",
               chunk_rows: int = 500) -> Iterator[str]:
    """CSV text in chunks of ``chunk_rows`` rows, UTF-8 with a BOM (so Excel reads it right); no cell can
    become a formula (``csv_cell``)."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff" + writer.writerow([csv_cell(h) for h in headers])
    buf = []
    for row in rows:
        buf.append(writer.writerow([csv_cell(v) for v in row]))
        if len(buf) >= chunk_rows:
            yield "".join(buf)
            buf = []
    if buf:
        yield "".join(buf)


def write_csv(fileobj: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> None:
    """The CSV of ``rows`` into a binary file, chunk by chunk."""
    for piece in csv_chunks(headers, rows, delimiter=delimiter):
        fileobj.write(piece.encode("utf-8"))


def write_xlsx(fileobj: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_name: str = "Data",
               widths: Sequence[int] = ()) -> None:
    """The .xlsx of ``rows`` into a seekable binary file, streamed (``SheetWriter``)."""
    widths = list(widths) or [max(10, min(40, len(h) + 4)) for h in headers]
    with SheetWriter(fileobj, sheet_name=sheet_name[:31], widths=widths) as sheet:
        sheet.header(list(headers))
        for row in rows:
            sheet.row(row)
