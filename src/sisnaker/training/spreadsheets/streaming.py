"""An .xlsx data sheet read row by row, in memory that does not grow with its cells.

python-calamine (0.9.1, the newest) builds the whole sheet in memory before giving a single row: 0.7–0.8 KB per
row of an applicant file, 70–80 MB per 100,000 rows. This reader gives the same rows, one at a
time, from the zip part as it inflates; the workbook's shared strings wait in temporary files, packed (their UTF-8
bytes and one offset each, mapped and read where a cell points), so what it holds does not grow with the file.

It reads what spreadsheet programs write, and gives it **exactly as calamine would** (``reading`` relies on
calamine's values: floats for numbers, ``date``/``datetime``/``time``/``timedelta`` for date-formatted numbers,
``""`` for errors and blanks, rows from row 1 and column A, as wide as the used range). calamine stays the judge:

* which styles make a number a date, a time or a duration is asked of calamine itself, once per file, with a
  probe workbook made of the file's own ``styles.xml`` (one cell per cell format); the serial number is then
  converted as calamine converts it (milliseconds rounded half away from zero; serials below 60 counted from
  1899-12-31, the others from 1899-12-30, Excel's phantom 29 February 1900; beyond 9999-12-31 the float; a
  duration beyond ``timedelta``'s billion days also the float, where python-calamine fails the whole file);
* text as calamine gives it: ``<t>`` trimmed unless ``xml:space="preserve"`` (a formula's cached text never),
  line breaks made ``\\n``, XML entities and Excel's ``_xHHHH_`` escapes undone, phonetic runs left out;
* anything else (a 1904 date system, ``t="d"`` ISO dates, a number calamine would keep as text, a boolean other
  than 0/1, a prefixed or unexpected element, a shared string it cannot find, text that is not UTF-8) raises
  :class:`Unusual`: ``open_sheet`` then returns None and the caller reads the file with calamine; met midway,
  ``reading`` continues with calamine from the row where this reader stopped. So an unusual file costs
  calamine's memory, never a different reading.

A first pass over the sheet (regular expressions over each piece, no Python per cell) finds the used range (the
width every row is padded to, as calamine pads them; a cell holds a value when it has a ``<v>`` or an ``<is>``)
and checks that the rows come in order and no cell goes back to an earlier row: the second pass gives each row
once it has read it, so a workbook where calamine would put a cell in a row already given is left to calamine
before any row is. Rows after the last that holds a value are not given, as calamine does not give them.

Only ever called after ``sizing.check_xlsx`` has checked the file's structure, sizes and CRCs.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
import math
import mmap
import operator
import re
import tempfile
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from . import sizing

MS_PER_DAY = 86_400_000
logger = logging.getLogger(__name__)


class Unusual(Exception):
    """The workbook holds something this reader leaves to calamine."""


@dataclass
class Sheet:
    """The data sheet, opened: ``rows()`` gives its rows as calamine's ``to_python(skip_empty_area=False)``
    would, one list at a time; ``width`` and ``height`` are its used range's (``height`` from the first pass:
    for progress only)."""

    name: str
    width: int
    height: int
    _data: bytes = field(repr=False)
    _part: zipfile.ZipInfo = field(repr=False)
    _strings: _Strings = field(repr=False)
    _kinds: list[str] = field(repr=False)

    def rows(self) -> Iterator[list[Any]]:
        """The rows, from row 1; raises :class:`Unusual` where the sheet stops being of the kind this reader
        reads (the rows given until then are calamine's too: the caller goes on with calamine's next one)."""
        try:
            yield from _rows(self)
        except UnicodeDecodeError as exc:  # a shared string's UTF-8 is checked when it is read
            raise Unusual("text that is not UTF-8") from exc


def open_sheet(data: bytes) -> Sheet | None:
    """The data sheet of an .xlsx (the first worksheet that is not hidden, as ``reading`` picks it), ready to be
    read row by row; None when the workbook is of a kind left to calamine (see the module docstring)."""
    try:
        return _open(data)
    except (Unusual, sizing.SheetRefused, UnicodeDecodeError):
        return None
    except Exception:  # a case this reader mishandles must not stop an import calamine can read: logged, left to it
        logger.exception("the streaming .xlsx reader failed on opening; calamine reads the file")
        return None


# --- the workbook ------------------------------------------------------------------------------------

_WORKSHEET = "/worksheet"


def _open(data: bytes) -> Sheet:
    book = zipfile.ZipFile(io.BytesIO(data))
    names = {info.filename.replace("\\", "/").lower(): info for info in book.infolist()}
    workbook, rels = names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise Unusual("no workbook")
    sheets: list[tuple[str, str, bool]] = []  # (name, r:id, visible)
    flags: dict[str, str] = {}

    def on_workbook(name: str, attrs: dict[str, str]) -> None:
        local = sizing._local(name)
        if local == "sheet":
            rid = attrs.get("r:id") or attrs.get("relationships:id") or ""
            sheets.append((attrs.get("name", ""), rid, attrs.get("state", "visible") == "visible"))
        elif local == "workbookPr":
            flags.update(attrs)

    sizing._Elements(on_workbook).feed(sizing._read_small(data, workbook), final=True)
    if flags.get("date1904", "0").lower() not in ("0", "false"):
        raise Unusual("1904 date system")
    targets: dict[str, tuple[str, str]] = {}

    def on_rels(name: str, attrs: dict[str, str]) -> None:
        if sizing._local(name) == "Relationship" and "Id" in attrs:
            targets[attrs["Id"]] = (attrs.get("Target", ""), attrs.get("Type", ""))

    sizing._Elements(on_rels).feed(sizing._read_small(data, rels), final=True)
    # The same choice as ``reading`` makes from calamine's sheet list: the first visible worksheet, else the first.
    worksheets = [(name, rid, visible) for name, rid, visible in sheets if targets.get(rid, ("", ""))[1].endswith(_WORKSHEET)]
    chosen = next((s for s in worksheets if s[2]), None)
    part = names.get(sizing.part_name(targets[chosen[1]][0])) if chosen is not None else None
    if part is None or part is not sizing._first_sheet(data, names):  # the sheet sizing checked, no other
        raise Unusual("no plain visible worksheet")
    # calamine reads these two parts at their usual names; elsewhere, leave the file to it.
    for kind, usual in (("/sharedStrings", "xl/sharedstrings.xml"), ("/styles", "xl/styles.xml")):
        for target, type_ in targets.values():
            if type_.endswith(kind) and sizing.part_name(target) != usual:
                raise Unusual(f"{kind} elsewhere")
    strings = _read_strings(data, names.get("xl/sharedstrings.xml"))
    kinds = _style_kinds(data, names.get("xl/styles.xml"))
    width, height = _used_range(data, part)
    return Sheet(name=chosen[0] if len(sheets) > 1 else "", width=width, height=height, _data=data, _part=part,
                 _strings=strings, _kinds=kinds)


def _utf8_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """A part's chunks, its byte-order mark and XML declaration dropped (``sizing.utf8_body``); Unusual unless UTF-8."""
    first = True
    for chunk in chunks:
        if first:
            first = False
            body = sizing.utf8_body(chunk)
            if body is None:
                raise Unusual("not UTF-8")
            chunk = body
        yield chunk


PIECE = 32768  # what is parsed at once: the lists of matches a piece makes are what the reader holds
MAX_CARRY = 2 * 1024 * 1024  # a row or string item longer than this (none in an applicant file) is left to calamine


def _pieces(chunks: Iterator[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        for at in range(0, len(chunk), PIECE):
            yield chunk[at:at + PIECE]


def _tagged(chunks: Iterator[bytes], closing: bytes) -> Iterator[bytes]:
    """The part cut after each last ``closing`` tag of a piece, so no element is split between pieces."""
    carry = b""
    for chunk in _pieces(_utf8_chunks(chunks)):
        text = carry + chunk
        if b"<!" in text or b"<?" in text:
            raise Unusual("comment, CDATA or processing instruction")
        cut = text.rfind(closing)
        if cut < 0:
            if len(text) > MAX_CARRY:
                raise Unusual("an element longer than any a program writes")  # and each piece would copy it again
            carry = text
            continue
        cut += len(closing)
        carry = text[cut:]
        yield text[:cut]
    if carry:
        yield carry


# --- text ------------------------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_WHITESPACE = b" \t\r\n"


def _entity(m: re.Match) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise Unusual("bad character reference")
    return chr(code)


def _excel_escape(m: re.Match) -> str:
    code = int(m.group(1), 16)
    if 0xD800 <= code <= 0xDFFF:
        raise Unusual("surrogate escape")
    return chr(code)


def _text(raw: bytes, *, trim: bool) -> str:
    """A text node's value as calamine gives it (``trim``: whitespace around it dropped, for ``<t>`` without
    ``xml:space="preserve"``)."""
    if trim:
        raw = raw.strip(_WHITESPACE)
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    text = raw.decode()
    if "&" in text:
        if "&" in _ENTITY.sub("", text):
            raise Unusual("unknown entity")
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(_excel_escape, text)
    return text


# ``<t>`` elements of a string item (plain or rich-text runs), phonetic runs (``<rPh>``) removed first.
_PHONETIC = re.compile(rb"<rPh\b(?:[^<]++|<(?!rPh\b|/rPh>))*+</rPh>")
_T = re.compile(rb'<t( xml:space="preserve")?>([^<]*)</t>|<t(?: xml:space="preserve")?\s*/>')
_T_PLAIN = re.compile(rb"<t>([^<]*)</t>")
# What a string item may hold besides its text: run properties and empty elements with plain attributes.
_RUN_NOISE = re.compile(rb"</?r>|<rPr>(?:[^<]++|<(?!rPr>|/rPr>))*+</rPr>|<rPr\s*/>|<phoneticPr\b[^<>]*/>")


def _item_text(inner: bytes) -> str:
    """The text of an ``<si>`` (or an inline ``<is>``): its ``<t>`` parts joined; Unusual when it holds more."""
    plain = _T_PLAIN.fullmatch(inner)
    if plain is not None:
        return _text(plain.group(1), trim=True)
    if b"<rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    parts = []
    position = 0
    for m in _T.finditer(inner):
        if m.start() != position and _RUN_NOISE.sub(b"", inner[position:m.start()]).strip(_WHITESPACE):
            raise Unusual("unexpected element in a string")
        if m.group(2) is not None:
            parts.append(_text(m.group(2), trim=m.group(1) is None))
        position = m.end()
    if _RUN_NOISE.sub(b"", inner[position:]).strip(_WHITESPACE):
        raise Unusual("unexpected element in a string")
    return "".join(parts)


_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)  # Linux, the BSDs, macOS


class _Strings:
    """The shared strings, packed: their UTF-8 bytes end to end and where each starts (and, last, where the last ends).

    Both are written to temporary files as they are read, then mapped (``_map``): they take disk (or the page
    cache), not this process's memory, however many strings the workbook has (an applicant file made in Excel
    keeps every name, NIK typed as text, phone, e-mail and address there: 100 bytes and more a row). ``release``
    hands back to the system the pages read since it was last called; they are read again, from the page cache, if
    needed again."""

    def __init__(self) -> None:
        self._text = tempfile.TemporaryFile()  # noqa: SIM115 - closed once mapped (``_map``)
        self._offsets = tempfile.TemporaryFile()  # noqa: SIM115 - likewise
        self._length = 0  # bytes of text written so far
        self._offsets.write(array("I", [0]).tobytes())  # 4 bytes each: a part is under sizing.MAX_UNCOMPRESSED (300 MB)
        self._maps: list[mmap.mmap] = []
        self._bytes: bytes | mmap.mmap = b""  # both set by ``_map``
        self._starts: memoryview = memoryview(b"")

    def _add(self, texts: list[bytes]) -> None:
        self._offsets.write(array("I", itertools.islice(itertools.accumulate(map(len, texts), initial=self._length), 1, None)).tobytes())
        text = b"".join(texts)
        self._text.write(text)
        self._length += len(text)

    def _map(self) -> None:
        with self._text, self._offsets:  # a mapping keeps its own handle on the (unnamed) file
            self._offsets.flush()
            self._maps.append(offsets := mmap.mmap(self._offsets.fileno(), 0, access=mmap.ACCESS_READ))
            self._starts = memoryview(offsets).cast("I")
            if self._length:
                self._text.flush()
                self._maps.append(text := mmap.mmap(self._text.fileno(), 0, access=mmap.ACCESS_READ))
                self._bytes = text

    def release(self) -> None:
        if _DONTNEED is not None:
            for mapped in self._maps:
                mapped.madvise(_DONTNEED)

    def get(self, index: int) -> str:
        if not 0 <= index < len(self._starts) - 1:
            raise Unusual("shared string not found")
        return self._bytes[self._starts[index]:self._starts[index + 1]].decode()


# A string item (1: the text of a plain one that needs nothing undone: no entity, escape, carriage return or
# whitespace at its ends, the usual case; 2: any other, whole), the table's own tags (3), anything else (4).
_SST_ITEMS = re.compile(rb'<si><t>([^<&\r\s_](?:[^<&\r_]*[^<&\r\s_])?)</t></si>'
                        rb'|(<si>(?:[^<]++|<(?!si[\s>/]|/si>))*+</si>|<si\s*/>)'
                        rb'|(<sst\b[^<>]*>|</sst>|<extLst>(?:[^<]++|<(?!extLst>|/extLst>))*+</extLst>)|(\S)')


def _read_strings(data: bytes, part: zipfile.ZipInfo | None) -> _Strings:
    strings = _Strings()
    try:
        if part is not None:
            _read_string_items(data, part, strings)
        strings._map()
    except BaseException:
        strings._text.close()
        strings._offsets.close()
        raise
    return strings


def _read_string_items(data: bytes, part: zipfile.ZipInfo, strings: _Strings) -> None:
    for piece in _tagged(sizing._inflate(data, part), b"</si>"):
        texts = []
        for plain, other, _, junk in _SST_ITEMS.findall(piece):
            if plain:
                texts.append(plain)  # its UTF-8 is checked when it is read (UnicodeDecodeError: left to calamine)
            elif other:
                texts.append(b"" if other.endswith(b"/>") else _item_text(other[4:-5]).encode())
            elif junk:
                raise Unusual("unexpected element among shared strings")
        strings._add(texts)


# --- styles: asked of calamine -----------------------------------------------------------------------

_PROBE_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="probe" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'),
}
_XF_COUNT = 64_000  # Excel's own limit on cell formats is 64,000
_CELL_XFS = re.compile(rb"<cellXfs\b[^>/]*+(?:/>|>((?:[^<]++|<(?!/?cellXfs\b))*+)</cellXfs>)")
_PREFIXED_STYLES = re.compile(rb"<[^\s<>/=:]+:(?:cellXfs|xf)\b")
_XF = re.compile(rb"<xf\b")

NUMBER, DATE, DURATION = "n", "d", "t"


def _style_kinds(data: bytes, part: zipfile.ZipInfo | None) -> list[str]:
    """For each cell format (a cell's ``s``), whether calamine reads its numbers as numbers, dates/times or
    durations: asked of calamine with a one-column workbook of the file's own styles, one cell per format
    holding 1.5 (a float, a ``datetime`` or a ``timedelta`` comes back)."""
    if part is None:
        return [NUMBER]
    styles = sizing._read_small(data, part)
    if _PREFIXED_STYLES.search(styles):
        raise Unusual("prefixed styles")  # their formats would not be counted
    found = _CELL_XFS.search(styles)
    count = len(_XF.findall(found.group(1) or b"")) if found else 0
    if count > _XF_COUNT:
        raise Unusual("too many cell formats")
    if count == 0:
        return [NUMBER]
    cells = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" s="{i}"><v>1.5</v></c></row>' for i in range(count))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as probe:
        for name, text in _PROBE_PARTS.items():
            probe.writestr(name, text)
        probe.writestr("xl/styles.xml", styles)
        probe.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet '
                       f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>')
    try:
        rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).to_python()
    except Exception as exc:  # styles calamine cannot read: the whole file is left to it
        raise Unusual("styles unreadable") from exc
    kinds = []
    for row in rows:
        value = row[0] if row else None
        kinds.append(DURATION if isinstance(value, dt.timedelta) else DATE if isinstance(value, dt.datetime)
                     else NUMBER if isinstance(value, float) else "?")
    if len(kinds) != count or "?" in kinds:
        raise Unusual("styles read otherwise")
    return kinds


# --- cells ------------------------------------------------------------------------------------------

_EPOCH = dt.datetime(1899, 12, 31)
_EPOCH_AFTER_LEAP = dt.datetime(1899, 12, 30)  # from serial 60 (Excel's 29 February 1900, which never was)


def _serial_ms(serial: float) -> int:
    ms = serial * MS_PER_DAY
    return math.floor(ms + 0.5) if ms >= 0 else -math.floor(-ms + 0.5)  # half away from zero, like Rust's round()


def excel_date(serial: float) -> Any:
    """A date-formatted number as calamine gives it: a ``time`` below 1, a ``date`` when whole, else a
    ``datetime``; the float itself when it lies beyond the calendar (after 9999-12-31)."""
    try:
        moment = (_EPOCH if serial < 60 else _EPOCH_AFTER_LEAP) + dt.timedelta(milliseconds=_serial_ms(serial))
    except OverflowError:
        return serial
    if serial < 1:
        return moment.time()
    if serial == float(int(serial)):
        return moment.date()
    return moment


def excel_duration(serial: float) -> dt.timedelta | float:
    try:
        return dt.timedelta(milliseconds=_serial_ms(serial))
    except OverflowError:
        return serial


_NUMBER = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ATTRIBUTE = re.compile(rb'\s+([A-Za-z][A-Za-z0-9]*(?::[A-Za-z][A-Za-z0-9]*)?)="([^"]*)"')
# Everything a <sheetData> holds as spreadsheet programs write it, one match each: a cell with its reference first,
# as ``sizing`` checked (1: letters, 2: digits, 3: its other attributes; 4: set when it holds nothing, 5: the text of
# its ``<v>`` when that is all it holds, the usual case, 6: any other content), a row's start (7: its number, 8: "/"
# when it closes at once), a row's end (9); and any other character that is not whitespace (10), so nothing the
# pattern does not know passes unseen. Possessive quantifiers, and no content that runs past the next cell or row:
# a hostile piece of unclosed tags costs one scan, not one scan per tag.
_ITEMS = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"([^>/]*+)(?:(/>|></c>)|>(?:<v>([^<]*+)</v>|((?:[^<]++|<(?!/c>|c\s|/?row[\s>/]))++))</c>)'
    rb'|<row r="([0-9]+)"[^>/]*+(/?)>'
    rb'|(</row>)'
    rb'|(\S)', re.S)
_FORMULA = re.compile(rb"\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*")
_VALUE = re.compile(rb"<v>([^<]*)</v>|<v\s*/>")
_INLINE = re.compile(rb"<is>(.*?)</is>", re.S)
_SHEET_DATA = re.compile(rb"<sheetData\s*>|<sheetData\s*/>")
# Where rows and cells are: a row's number or a cell's row, in the order they come (the first pass's check).
_POSITIONS = re.compile(rb'<(?:row r="|c r="[A-Z]{1,3})([0-9]+)"')
_ROW_NUMBERS = re.compile(rb'<row r="([0-9]+)"')
_PREFIXED = re.compile(rb"<[^\s<>/=:]+:(?:row|c|v|is|f)[\s/>]")
# A cell that holds a value for calamine: a <v> that is not empty, or an <is> (1: its column's letters); an empty
# <v></v> holds one only for a formula's text (``_EMPTY_TEXT``, looked for where a piece has one). The first pass's
# measure of the used range. ``_VALUED_AT`` (2: its row) is matched at the last cells of a piece, back to the first
# that holds a value.
_FORMULA_TAG = rb'\s*+(?:<f\b[^>/]*+(?:/>|>[^<]*+</f>)\s*+)?'
_VALUED = re.compile(rb'<c r="([A-Z]{1,3})[0-9]+"[^>/]*+>' + _FORMULA_TAG + rb'(?:<v>(?!</v>)|<is>)')
_EMPTY_TEXT = re.compile(rb'<c r="([A-Z]{1,3})[0-9]+"(?=[^>/]*t="str")[^>/]*+>' + _FORMULA_TAG + rb'<v></v>')
_VALUED_AT = re.compile(rb'<c r="[A-Z]{1,3}([0-9]+)"(?:[^>/]*+>' + _FORMULA_TAG + rb'(?:<v>(?!</v>)|<is>)'
                        rb'|(?=[^>/]*t="str")[^>/]*+>' + _FORMULA_TAG + rb'<v></v>)')


def _attributes(raw: bytes, kinds: list[str]) -> tuple[str, str]:
    """A cell tag's type (``t``) and what its format (``s``) makes of numbers."""
    parsed = dict(_ATTRIBUTE.findall(raw))
    if _ATTRIBUTE.sub(b"", raw).strip(_WHITESPACE) or b"r" in parsed:
        raise Unusual("unexpected cell attributes")
    style_text = parsed.get(b"s", b"0")
    if not style_text.isdigit():
        raise Unusual("cell format")
    style = int(style_text)
    if style >= len(kinds) and style:
        raise Unusual("cell format not found")
    return parsed.get(b"t", b"n").decode(), kinds[style] if style < len(kinds) else NUMBER


def _number(v: bytes, kind: str) -> Any:
    if not (v.isdigit() or _NUMBER.fullmatch(v)):
        raise Unusual("a number calamine would keep as text")
    number = float(v)
    return number if kind == NUMBER else excel_date(number) if kind == DATE else excel_duration(number)


def _value(type_: str, kind: str, v: bytes | None, rest: bytes, strings: _Strings) -> Any:
    """A cell's value (``v``: its ``<v>`` text, or None when it has none, and ``rest`` then its content), or None
    when calamine would see none (a blank, a formula without its result)."""
    inline = None
    if v is None:
        rest = rest.strip(_WHITESPACE)
        formula = _FORMULA.match(rest)
        if formula is not None:
            rest = rest[formula.end():]
        m = _VALUE.fullmatch(rest)
        if m is not None:
            v = m.group(1) or b""
        elif rest:
            m = _INLINE.fullmatch(rest)
            if m is None or type_ != "inlineStr":
                raise Unusual("unexpected cell content")
            inline = _item_text(m.group(1))
        else:
            return None
    if type_ == "n":
        return _number(v, kind) if v else None
    if type_ == "s":
        if not v.isdigit():
            raise Unusual("shared string index")
        return strings.get(int(v))
    if type_ == "str":
        return _text(v, trim=False)
    if type_ == "inlineStr":
        if inline is None:
            raise Unusual("inline string without <is>")
        return inline
    if type_ == "b":
        if v not in (b"0", b"1"):
            raise Unusual("boolean")
        return v == b"1"
    if type_ == "e":
        return ""  # python-calamine gives errors (#N/A, #DIV/0!) as empty cells
    raise Unusual(f"cell type {type_}")


def _sheet_data(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The part's ``<sheetData>`` content, in pieces that end after a ``</row>``."""
    started = False
    for piece in _tagged(chunks, b"</row>"):
        if not started:
            m = _SHEET_DATA.search(piece)
            if m is None:
                if b"<row" in piece or b"sheetData" in piece:
                    raise Unusual("rows outside <sheetData>, or a prefixed <sheetData>")
                continue
            started = True
            if m.group().endswith(b"/>"):
                return
            piece = piece[m.end():]
        end = piece.find(b"</sheetData>")
        if end >= 0:
            yield piece[:end]
            return
        yield piece
    raise Unusual("<sheetData> not closed" if started else "no <sheetData>")  # every worksheet has one


def _used_range(data: bytes, part: zipfile.ZipInfo) -> tuple[int, int]:
    """The used range's width and height, as calamine measures it; Unusual unless the rows come in order and no
    cell goes back to an earlier row (the second pass gives each row once it has read it: a cell calamine would
    put in a row already given must be found before any row is). The checks run over whole lists, not per cell."""
    width = height = last_position = last_row = 0
    columns: dict[bytes, int] = {}
    for piece in _sheet_data(sizing._inflate(data, part)):
        if _PREFIXED.search(piece):
            raise Unusual("prefixed rows or cells")  # the patterns here would not see them
        positions = list(map(int, _POSITIONS.findall(piece)))
        rows = list(map(int, _ROW_NUMBERS.findall(piece)))
        if positions:
            if positions[0] < last_position or any(map(operator.gt, positions, positions[1:])):
                raise Unusual("a cell before its row")
            last_position = positions[-1]
        if rows:
            if rows[0] <= last_row or any(map(operator.ge, rows, rows[1:])):
                raise Unusual("rows out of order")
            last_row = rows[-1]
        found = set(_VALUED.findall(piece))
        if b"<v></v>" in piece:
            found.update(_EMPTY_TEXT.findall(piece))
        if not found:
            continue
        width = max(width, *(columns.get(letters) or columns.setdefault(letters, sizing._column_number(letters.decode())) for letters in found))
        cut = len(piece)
        while (cut := piece.rfind(b'<c r="', 0, cut)) >= 0:
            last = _VALUED_AT.match(piece, cut)
            if last is not None:
                height = max(height, int(last.group(1)))
                break
    return width, height


def _rows(sheet: Sheet) -> Iterator[list[Any]]:
    strings, kinds, width = sheet._strings, sheet._kinds, sheet.width
    packed, starts = strings._bytes, strings._starts  # looked up inline: most cells of an applicant file are shared strings
    count = len(starts) - 1
    attributes: dict[bytes, tuple[str, str]] = {}
    columns: dict[bytes, int] = {}
    next_row = 1  # the number of the next row to give; rows without a value are given only when one with values follows
    current, current_digits, in_row = 0, b"", False
    out: list[Any] | None = None
    last_column = -1
    for piece in _sheet_data(sizing._inflate(sheet._data, sheet._part)):
        for letters, digits, raw, closed, v, rest, row_digits, row_closed, row_end, _junk in _ITEMS.findall(piece):
            if letters:
                if digits != current_digits or not in_row:
                    raise Unusual("cell outside its row")  # a later row: the first pass found none goes back
                index = columns.get(letters)
                if index is None:
                    index = columns[letters] = sizing._column_number(letters.decode()) - 1
                if index <= last_column:
                    raise Unusual("cells out of order")
                last_column = index
                if closed:
                    continue
                found = attributes.get(raw)
                if found is None:
                    found = attributes[raw] = _attributes(raw, kinds)
                type_, kind = found
                if rest:
                    value = _value(type_, kind, None, rest, strings)
                elif type_ == "s" and v.isdigit() and (i := int(v)) < count:
                    value = packed[starts[i]:starts[i + 1]].decode()
                elif type_ == "n" and kind == NUMBER and v.isdigit():
                    value = float(v)
                else:
                    value = _value(type_, kind, v, b"", strings)
                if value is None:
                    continue
                if index >= width:
                    raise Unusual("cell beyond the used range")
                if out is None:
                    out = [""] * width
                out[index] = value
            elif row_digits:
                if in_row:
                    raise Unusual("a row inside a row")
                current, current_digits, last_column, out = int(row_digits), row_digits, -1, None
                in_row = not row_closed
            elif row_end:
                if not in_row:
                    raise Unusual("a row's end without its start")
                in_row = False
                if out is not None:
                    for _ in range(current - next_row):
                        yield [""] * width
                    yield out
                    next_row = current + 1
            else:
                raise Unusual("unexpected element between cells")
        strings.release()  # the strings this piece's rows read go back to the page cache: memory stays flat
    if in_row:
        raise Unusual("a row not closed")
