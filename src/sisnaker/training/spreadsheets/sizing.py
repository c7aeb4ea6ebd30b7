"""Spreadsheets are sized from their structure before any cell is loaded.

The reader (python-calamine) builds the whole used range of a sheet in memory: one far cell (a 5 KB
``.xlsx`` with a value at XFD200000) makes it allocate about 100 GB and the worker dies. So nothing
reaches it until the file has shown, from its structure alone, that it fits:

``.xlsx`` (``check_xlsx``), in Python, with bounded work:

* the zip's central directory: at most ``MAX_ZIP_ENTRIES`` parts, no two with the same name (ignoring
  case, as the reader looks names up), no overlapping parts, no OpenDocument/XLSB parts (the reader
  would fall back to them), at most ``MAX_UNCOMPRESSED`` bytes once uncompressed, and no part that
  inflates more than ``MAX_RATIO`` times;
* every part is inflated once, in chunks that are thrown away, and must give exactly the size and
  CRC its directory entry declares (a lying size is how a small file becomes a large one);
* the first worksheet (found like the reader finds it: the first ``<sheet>`` of ``xl/workbook.xml``
  through ``xl/_rels/workbook.xml.rels``) is streamed through expat: its declared ``<dimension>``, and
  the position of every ``<row>`` and ``<c>`` (with the reader's own rule for cells without an
  ``r`` attribute), must stay within ``max_rows`` rows, ``MAX_COLUMNS`` columns and ``MAX_CELLS``
  cells (rows × columns of the used range, and cells written). It stops at the first excess.
  A sheet as spreadsheet programs write it (every cell and row with its reference first, no comment,
  CDATA or processing instruction, UTF-8) is checked by a few regular expressions per megabyte instead
  (``_sheet_within_limits``): about a third of the CPU, and never a pass where the expat scan would refuse;
  anything else, and anything beyond the limits, goes to the expat scan, which words the refusal.

``.xls`` (``read_xls_sandboxed``): a BIFF file's cell records carry 16-bit rows and columns, so one
record at (65535, 65535) asks for a 4-billion-cell range. Rather than re-implement the reader's
handling of every record kind (and miss one), the file is read by the same reader in a child process
whose address space and CPU time are limited (``RLIMIT_AS``, ``RLIMIT_CPU``) and with a wall-clock
timeout: a bomb kills the child, never the web worker, and the import is refused with a clear message.
The child returns plain cells (pickled, and unpickled with only the ``datetime`` types allowed). A
child per ``.xls`` costs about a tenth of a second; ``.xls`` is the legacy format, so that is rare.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import pickle
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from sisnaker.core.errors import Msg

from ..codes import Code

MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED = 300 * 1024 * 1024  # all parts together; a 200,000-row sheet is about 100 MB
MAX_RATIO = 100  # inflation of one part larger than RATIO_FLOOR (real sheets: 10-20)
RATIO_FLOOR = 1024 * 1024
MAX_COLUMNS = 256
MAX_CELLS = 4_000_000  # rows × columns of the used range (the reader allocates all of it)
SMALL_PART = 10 * 1024 * 1024  # workbook.xml and its relationships are read whole, up to this size
CHUNK = 1024 * 1024

XLS_MEMORY = 1024 * 1024 * 1024  # address space of the child reading an .xls
XLS_CPU_SECONDS = 60
XLS_TIMEOUT = 90


class SheetRefused(Exception):
    """The file is refused before being read; ``message`` says why, ``code`` is stable."""

    def __init__(self, code: Code, message: Msg) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def _corrupt(detail: str = "") -> SheetRefused:
    return SheetRefused(Code.IMPORT_FILE_CORRUPT, Msg(
        "Berkas Excel tidak dapat dibaca (rusak atau bukan .xlsx/.xls). Simpan ulang dari Excel lalu unggah lagi.",
        "The Excel file cannot be read (damaged, or not .xlsx/.xls). Save it again from Excel and upload again."))


def _too_big(what_id: str, what_en: str) -> SheetRefused:
    return SheetRefused(Code.IMPORT_SHEET_TOO_LARGE, Msg(
        "Lembar kerja terlalu besar untuk diimpor: {w}. Salin hanya data peserta ke lembar baru (atau templat) lalu unggah lagi.",
        "The worksheet is too large to import: {w_en}. Copy only the participants' data to a new sheet (or the template) "
        "and upload again.").format(w=what_id, w_en=what_en))


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_columns: int = MAX_COLUMNS
    max_cells: int = MAX_CELLS


# --- .xlsx ------------------------------------------------------------------------------------------

def check_xlsx(data: bytes, *, limits: Limits) -> None:
    """Raise ``SheetRefused`` unless the .xlsx is safe to hand to the reader (see the module docstring)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
    except Exception as exc:  # zipfile raises several kinds on a damaged directory
        raise _corrupt() from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _too_big(f"{_n(len(infos))} bagian di dalam berkas", f"{_n(len(infos))} parts inside the file")
    names: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.replace("\\", "/").lower()
        if key in names:
            raise _corrupt()
        names[key] = info
    if {"content.xml", "mimetype", "xl/workbook.bin"} & set(names):
        raise SheetRefused(Code.IMPORT_FILE_FORMAT, Msg(
            "Berkas ini bukan .xlsx biasa (OpenDocument atau Excel Binary). Simpan sebagai .xlsx (Excel Workbook) lalu unggah lagi.",
            "This file is not a plain .xlsx (OpenDocument or Excel Binary). Save it as .xlsx (Excel Workbook) and upload again."))
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED:
        raise _too_big(f"{_n(declared // 1048576)} MB setelah dibuka (batas {MAX_UNCOMPRESSED // 1048576} MB)",
                       f"{_n(declared // 1048576)} MB once uncompressed (limit {MAX_UNCOMPRESSED // 1048576} MB)")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _too_big(f"bagian {info.filename[:60]} mengembang {info.file_size // max(info.compress_size, 1)} kali",
                           f"part {info.filename[:60]} inflates {info.file_size // max(info.compress_size, 1)} times")
    spans = sorted(_span(data, info) for info in infos)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise _corrupt()  # overlapping parts: one compressed stream counted many times
    sheet = _first_sheet(data, names)
    for info in infos:
        if info is sheet:
            if not _sheet_within_limits(_inflate(data, info), limits):
                _scan_sheet(_inflate(data, info), limits)
        else:
            for _ in _inflate(data, info):
                pass


def _span(data: bytes, info: zipfile.ZipInfo) -> tuple[int, int]:
    start = info.header_offset
    if data[start:start + 4] != b"PK\x03\x04" or len(data) < start + 30:
        raise _corrupt()
    name_len, extra_len = struct.unpack("<HH", data[start + 26:start + 30])
    begin = start + 30 + name_len + extra_len
    if begin + info.compress_size > len(data):
        raise _corrupt()
    return start, begin + info.compress_size


def _inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks, checked to be exactly the declared size and CRC."""
    if info.flag_bits & 0x1:
        raise SheetRefused(Code.IMPORT_FILE_PROTECTED, Msg(
            "Berkas Excel dilindungi kata sandi. Buka proteksinya lalu unggah lagi.",
            "The Excel file is password-protected. Remove the protection and upload again."))
    start, end = _span(data, info)
    raw = memoryview(data)[end - info.compress_size:end]
    produced, crc = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _corrupt()
        for i in range(0, len(raw), CHUNK):
            piece = bytes(raw[i:i + CHUNK])
            crc = zlib.crc32(piece, crc)
            produced += len(piece)
            yield piece
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        position = 0
        while not inflater.eof:
            if inflater.unconsumed_tail:
                piece_in = inflater.unconsumed_tail
            elif position < len(raw):
                piece_in, position = raw[position:position + CHUNK], position + CHUNK
            else:
                piece_in = b""
            try:
                piece = inflater.decompress(piece_in, CHUNK)
            except zlib.error as exc:
                raise _corrupt() from exc
            produced += len(piece)
            if produced > info.file_size:
                raise _corrupt()  # inflates beyond its declared size
            if not piece and not piece_in:
                raise _corrupt()  # truncated stream
            crc = zlib.crc32(piece, crc)
            if piece:
                yield piece
    else:
        raise _corrupt()
    if produced != info.file_size or crc != info.CRC:
        raise _corrupt()


def _read_small(data: bytes, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > SMALL_PART:
        raise _corrupt()
    return b"".join(_inflate(data, info))


class _Elements:
    """Start elements of an XML document, parsed by expat (comments, CDATA and processing instructions
    are not elements; a DOCTYPE, which Excel never writes, is refused)."""

    def __init__(self, on_start, on_end=None) -> None:
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = on_start
        if on_end is not None:
            self.parser.EndElementHandler = on_end
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype

    @staticmethod
    def _doctype(*args) -> None:
        raise _corrupt()

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise _corrupt() from exc


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _first_sheet(data: bytes, names: dict[str, zipfile.ZipInfo]) -> zipfile.ZipInfo:
    """The part the reader opens as the data sheet: the first ``<sheet>`` element of xl/workbook.xml that is
    not hidden (``state``) and is a worksheet (its target under ``worksheets/``), else the first one; its
    ``r:id`` through xl/_rels/workbook.xml.rels, the target under ``xl/``. (``reading`` picks the same sheet from
    the reader's list of sheets, which follows these elements.)"""
    workbook, rels = names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise _corrupt()
    sheets: list[tuple[str, bool]] = []  # (r:id, visible), in order

    def sheet(name, attrs):
        if _local(name) == "sheet" and len(sheets) < 10_000:
            sheets.append((attrs.get("r:id") or attrs.get("relationships:id") or "", attrs.get("state", "visible") == "visible"))

    parser = _Elements(sheet)
    parser.feed(_read_small(data, workbook), final=True)
    targets: dict[str, str] = {}

    def relationship(name, attrs):
        if _local(name) == "Relationship" and "Id" in attrs:
            targets[attrs["Id"]] = attrs.get("Target", "")

    parser = _Elements(relationship)
    parser.feed(_read_small(data, rels), final=True)
    chosen = next((rid for rid, visible in sheets if visible and "worksheets/" in targets.get(rid, "")),
                  sheets[0][0] if sheets else None)
    if chosen is None or chosen not in targets:
        raise SheetRefused(Code.IMPORT_NO_SHEET, Msg("Berkas Excel tidak berisi lembar kerja.", "The Excel file has no worksheet."))
    info = names.get(part_name(targets[chosen]))
    if info is None:
        raise _corrupt()
    return info


def part_name(target: str) -> str:
    """The zip entry (as ``names`` keys it: ``/`` separators, lower case) a workbook relationship's target points to."""
    path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else f"xl/{target}"
    return path.replace("\\", "/").lower()


_REF = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]{1,10})$")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n  # 1-based; 0 when there are no letters


def _scan_sheet(chunks: Iterator[bytes], limits: Limits) -> None:
    """Follow the sheet's rows and cells the way the reader places them (a cell without ``r`` goes right
    of the previous one; a row without ``r`` comes after the previous one), refusing at the first one
    beyond the limits. Written for speed: a 200,000-row sheet has millions of elements."""
    row, col, top_row, top_col, cells = 1, 1, 0, 0, 0
    max_rows, max_columns, max_cells = limits.max_rows, limits.max_columns, limits.max_cells
    column_numbers: dict[str, int] = {}
    match = _REF.match

    def position(ref: str) -> tuple[int, int]:
        m = match(ref)
        if m is None or m.group(2).strip("0") == "":
            raise _corrupt()
        letters = m.group(1)
        number = column_numbers.get(letters)
        if number is None:
            number = column_numbers[letters] = _column_number(letters)
        return int(m.group(2)), number

    def check(rows: int, cols: int) -> None:
        if rows > max_rows:
            raise _too_big(f"sampai baris {_n(rows)} (batas {_n(max_rows)} baris)", f"up to row {_n(rows)} (limit {_n(max_rows)} rows)")
        if cols > max_columns:
            raise _too_big(f"sampai kolom ke-{_n(cols)} (batas {max_columns} kolom)", f"up to column {_n(cols)} (limit {max_columns} columns)")
        if rows * cols > max_cells:
            raise _too_big(f"{_n(rows)} baris × {_n(cols)} kolom (batas {_n(max_cells)} sel)",
                           f"{_n(rows)} rows × {_n(cols)} columns (limit {_n(max_cells)} cells)")

    def attribute(attrs: list[str], key: str) -> str | None:
        if attrs and attrs[0] == key:  # Excel and most writers put r first
            return attrs[1]
        for i in range(2, len(attrs), 2):
            if attrs[i] == key:
                return attrs[i + 1]
        return None

    def cell(attrs: list[str]) -> None:
        nonlocal col, top_row, top_col, cells
        ref = attrs[1] if attrs and attrs[0] == "r" else attribute(attrs, "r")
        if ref is None:
            at_row, at_col = row, col
        else:
            at_row, at_col = position(ref)
            if at_col == 0:
                raise _corrupt()
        col = at_col + 1
        cells += 1
        if at_row > top_row or at_col > top_col:
            top_row, top_col = max(top_row, at_row), max(top_col, at_col)
            check(top_row, top_col)
        if cells > max_cells:
            raise _too_big(f"{_n(cells)} sel", f"{_n(cells)} cells")

    def row_start(attrs: list[str]) -> None:
        nonlocal row
        ref = attrs[1] if attrs and attrs[0] == "r" else attribute(attrs, "r")
        if ref is not None:
            row = position(ref)[0]
            check(row, 1)

    def dimension(attrs: list[str]) -> None:
        ref = attribute(attrs, "ref")
        if ref:
            corners = [position(part) for part in ref.split(":")]
            if len(corners) > 2:
                raise _corrupt()
            check(max(r for r, _ in corners), max(c for _, c in corners))

    starts = {"c": cell, "row": row_start, "dimension": dimension}

    def start(name: str, attrs: list[str]) -> None:
        handler = starts.get(name)
        if handler is None and ":" in name:  # a prefixed name ("x:c")
            handler = starts.get(name.rsplit(":", 1)[1])
        if handler is not None:
            handler(attrs)

    def end(name: str) -> None:
        nonlocal row, col
        if name == "row" or (":" in name and name.rsplit(":", 1)[1] == "row"):
            row += 1
            col = 1

    parser = _Elements(start, end)
    parser.parser.ordered_attributes = True
    for chunk in chunks:
        parser.feed(chunk)
    parser.feed(b"", final=True)


# The fast path, for sheets as spreadsheet programs write them: every cell and row carries its reference as
# its first attribute, in double quotes, and the part has no comment, CDATA, DOCTYPE or processing instruction
# (so every "<" begins a tag or an end tag: XML allows no raw "<" in text or attribute values). Then the
# positions do not depend on the order of the elements and the whole check is a few regular expressions per
# megabyte, not two Python calls per element (a 100,000-row sheet: about 1 s of CPU instead of 3).
_PREFIX = rb"(?:[^\s<>/=]*:)?"  # any prefix, as broad as XML names allow: a tag counted here must be read strictly below
_ANY = re.compile(rb"<" + _PREFIX + rb"(c|row|dimension)(?=[\s/>])")
# Further attributes: no second "r" (a prefixed one, Excel's x14ac:dyDescent on rows, is another attribute to the
# reader as to the scan), double quotes, nothing unusual.
_MORE_ATTRIBUTES = rb'(?:[ \t\r\n]+(?!r=)[A-Za-z][A-Za-z0-9]*(?::[A-Za-z][A-Za-z0-9]*)?="[^"<]*")*[ \t\r\n]*/?>'
_STRICT_C = re.compile(rb'<(?:[A-Za-z]+:)?c r="([A-Z]{1,3})([1-9][0-9]{0,9})"' + _MORE_ATTRIBUTES)
_STRICT_ROW = re.compile(rb'<(?:[A-Za-z]+:)?row r="([1-9][0-9]{0,9})"' + _MORE_ATTRIBUTES)
# The same without a prefix, tried first: a pattern that begins with a literal is searched for much faster.
_PLAIN_C = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,9})"' + _MORE_ATTRIBUTES)
_PLAIN_ROW = re.compile(rb'<row r="([1-9][0-9]{0,9})"' + _MORE_ATTRIBUTES)
_STRICT_DIMENSION = re.compile(rb'<(?:[A-Za-z]+:)?dimension ref="([A-Z]{1,3})([1-9][0-9]{0,9})(?::([A-Z]{1,3})([1-9][0-9]{0,9}))?"'
                               + _MORE_ATTRIBUTES.replace(b"(?!r=)", b"(?!ref=)"))
_DECLARATION = re.compile(rb'<\?xml[ \t\r\n][^<>?]*\?>')
_DECLARED_ENCODING = re.compile(rb"""encoding[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']""")
_OPENING = 4096
_FAST_CARRY = 64 * 1024  # a tag longer than this is no spreadsheet program's: the element-by-element scan takes over


def utf8_body(opening: bytes) -> bytes | None:
    """A part's first bytes without its byte-order mark and XML declaration; None unless it is UTF-8 (an encoding
    that is not ASCII-compatible, UTF-16 or UTF-32, would hide its tags from byte patterns)."""
    text = opening.removeprefix(b"\xef\xbb\xbf")
    if not text.startswith(b"<") or text[1:2] in (b"", b"\x00"):
        return None
    declaration = _DECLARATION.match(text)
    if declaration is not None:
        encoding = _DECLARED_ENCODING.search(declaration.group())
        if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
            return None
        text = text[declaration.end():]
    return text


def _sheet_within_limits(chunks: Iterator[bytes], limits: Limits) -> bool:
    """True when the sheet is of the simple kind above and within ``limits`` as ``_scan_sheet`` counts them
    (the cells' range, each row's number, each declared dimension); False otherwise — an unusual sheet or one
    beyond the limits — and ``_scan_sheet`` then decides (and words the refusal). Never True for a sheet
    ``_scan_sheet`` would refuse: every tag the reader could take for a cell, row or dimension is counted by a
    broad pattern and must also match the strict one, so no cell is placed without its own reference.
    Consumes ``chunks`` (the inflation's own size and CRC checks run either way)."""
    max_rows, max_columns, max_cells = limits.max_rows, limits.max_columns, limits.max_cells

    def within(rows: int, cols: int) -> bool:  # _scan_sheet's check()
        return rows <= max_rows and cols <= max_columns and rows * cols <= max_cells

    top_row = top_col = cells = 0
    carry = b""
    chunks = iter(chunks)
    opening = b""  # the part's first bytes, enough for its encoding and XML declaration, however it is cut
    for chunk in chunks:
        opening += chunk
        if len(opening) >= _OPENING:
            break
    first = True
    for chunk in itertools.chain([opening], chunks):
        text = carry + chunk
        if first:
            first = False
            body = utf8_body(text)
            if body is None:
                return False
            text = body
        cut = text.rfind(b"<")
        if cut < 0:
            cut = len(text)  # text only: nothing to carry
        whole, carry = text[:cut], text[cut:]
        if len(carry) > _FAST_CARRY or b"<!" in whole or b"<?" in whole:
            return False
        kinds = _ANY.findall(whole)
        n_cells, n_rows = kinds.count(b"c"), kinds.count(b"row")
        refs = _PLAIN_C.findall(whole) if n_cells else []
        if len(refs) != n_cells:
            refs = _STRICT_C.findall(whole)
        rows = _PLAIN_ROW.findall(whole) if n_rows else []
        if len(rows) != n_rows:
            rows = _STRICT_ROW.findall(whole)
        dimensions = _STRICT_DIMENSION.findall(whole) if len(kinds) > n_cells + n_rows else []
        if (len(refs), len(rows), len(dimensions)) != (n_cells, n_rows, len(kinds) - n_cells - n_rows):
            return False
        if refs:
            cells += len(refs)
            top_row = max(top_row, max(int(digits) for _, digits in refs))
            widest = max(len(letters) for letters, _ in refs)
            top_col = max(top_col, _column_number(max(letters for letters, _ in refs if len(letters) == widest).decode()))
            if not within(top_row, top_col) or cells > max_cells:
                return False
        if rows and not within(max(int(number) for number in rows), 1):
            return False
        for a_col, a_row, b_col, b_row in dimensions:
            corner_rows = max(int(a_row), int(b_row or 0))
            corner_cols = max(_column_number(a_col.decode()), _column_number(b_col.decode()))
            if not within(corner_rows, corner_cols):
                return False
    # What is left is one last tag (or text): it must be whole and of no kind above, else the full scan decides.
    last_is_plain = (carry.rstrip().endswith(b">") and b"<!" not in carry and b"<?" not in carry
                     and not _ANY.search(carry))
    return not carry or last_is_plain


# --- .xls -------------------------------------------------------------------------------------------

# Run by ``sys.executable -I -c``: limits itself first, then reads the file from stdin with the same reader.
_CHILD = r"""
import io, pickle, resource, sys
memory, cpu, max_rows, max_cols, max_cells = (int(v) for v in sys.argv[1:6])
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
data = sys.stdin.buffer.read()
try:
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    if not book.sheet_names:
        out = ("no_sheet", 0, 0)
    else:
        metadata = book.sheets_metadata
        index = next((i for i, m in enumerate(metadata) if m.visible == python_calamine.SheetVisibleEnum.Visible
                      and m.typ == python_calamine.SheetTypeEnum.WorkSheet), 0)
        sheet = book.get_sheet_by_index(index)
        rows, cols = sheet.height, sheet.width
        if rows > max_rows or cols > max_cols or rows * cols > max_cells:
            out = ("too_big", rows, cols)
        else:
            out = ("ok", sheet.to_python(skip_empty_area=False), metadata[index].name if len(metadata) > 1 else "")
except MemoryError:
    out = ("too_big", -1, -1)
except BaseException as exc:  # reader errors and panics alike
    out = ("protected" if type(exc).__name__ == "PasswordError" else "corrupt", 0, 0)
sys.stdout.buffer.write(pickle.dumps(out, protocol=5))
"""

_CELL_TYPES = {("datetime", "date"): dt.date, ("datetime", "datetime"): dt.datetime, ("datetime", "time"): dt.time,
               ("datetime", "timedelta"): dt.timedelta}


class _CellsOnly(pickle.Unpickler):
    """Unpickles lists of plain cell values; any other class is refused."""

    def find_class(self, module: str, name: str):
        try:
            return _CELL_TYPES[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cell type") from None


def _check_cfb_header(data: bytes) -> None:
    """The fixed fields of a compound-file header (MS-CFB 2.2), so that bytes that are no .xls at all are
    refused at once instead of in a child process."""
    if len(data) < 1024 or data[28:30] != b"\xfe\xff":
        raise _corrupt()
    (major,) = struct.unpack("<H", data[26:28])
    sector_shift, mini_shift = struct.unpack("<HH", data[30:34])
    if (major, sector_shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
        raise _corrupt()
    if _ENCRYPTED_PACKAGE in data and _ENCRYPTION_INFO in data:
        # An .xlsx saved with a password ("Encrypt with Password") is no zip but a compound file holding the
        # encrypted workbook in these two streams (MS-OFFCRYPTO 2.3.4.4). Without this it would be called
        # damaged, and saving it again from Excel keeps the password.
        raise SheetRefused(Code.IMPORT_FILE_PROTECTED, Msg(
            "Berkas Excel dilindungi kata sandi. Buka di Excel, pilih File > Info > Lindungi Buku Kerja > Enkripsi dengan Kata "
            "Sandi, kosongkan kata sandinya, simpan, lalu unggah lagi.",
            "The Excel file is password-protected. Open it in Excel, choose File > Info > Protect Workbook > Encrypt with "
            "Password, clear the password, save, and upload again."))


# Directory entry names of an encrypted OOXML package (UTF-16LE, as the compound file stores names).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def read_xls_sandboxed(data: bytes, *, limits: Limits) -> tuple[list[list], str]:
    """The data sheet of an .xls (the first worksheet not hidden) as rows of cells, read in a limited child
    process, and its name when the workbook has other sheets ("" otherwise)."""
    _check_cfb_header(data)
    command = [sys.executable, "-I", "-c", _CHILD, str(XLS_MEMORY), str(XLS_CPU_SECONDS), str(limits.max_rows),
               str(limits.max_columns), str(limits.max_cells)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=XLS_TIMEOUT, check=False)  # noqa: S603
    except subprocess.TimeoutExpired as exc:
        raise _too_big("pembacaan melewati batas waktu", "reading it took too long") from exc
    if done.returncode != 0:
        # Killed by its limits (out of memory, CPU time) or crashed: the file is refused, the worker lives.
        raise _too_big("pembacaan melewati batas memori", "reading it went over the memory limit")
    try:
        kind, value, extra = _CellsOnly(io.BytesIO(done.stdout)).load()
    except Exception as exc:
        raise _corrupt() from exc
    if kind == "ok":
        return value, extra if isinstance(extra, str) else ""
    if kind == "too_big":
        if value < 0:
            raise _too_big("pembacaan melewati batas memori", "reading it went over the memory limit")
        raise _too_big(f"{_n(value)} baris × {_n(extra)} kolom", f"{_n(value)} rows × {_n(extra)} columns")
    if kind == "no_sheet":
        raise SheetRefused(Code.IMPORT_NO_SHEET, Msg("Berkas Excel tidak berisi lembar kerja.", "The Excel file has no worksheet."))
    if kind == "protected":
        raise SheetRefused(Code.IMPORT_FILE_PROTECTED, Msg(
            "Berkas Excel dilindungi kata sandi. Buka proteksinya lalu unggah lagi.",
            "The Excel file is password-protected. Remove the protection and upload again."))
    raise _corrupt()
