"""Spreadsheets written by hand for the tests: a legacy .xls (a compound file holding a BIFF8 workbook),
and .xlsx packages assembled part by part with zipfile, so that tests can build exactly the hostile
files a real office suite never writes (a far cell, a lying size, overlapping parts...)."""

from __future__ import annotations

import io
import struct
import zipfile

# --- .xls (MS-CFB version 3 container, MS-XLS BIFF8 records) ------------------------------------------

SECTOR = 512
END_OF_CHAIN, FREE, FAT_SECTOR, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _text(value: str) -> bytes:
    """XLUnicodeString, 16-bit characters."""
    return struct.pack("<HB", len(value), 1) + value.encode("utf-16-le")


def biff8_workbook(cells: list[tuple[int, int, object]], *, dimension: tuple[int, int] | None = None) -> bytes:
    """A Workbook stream with one sheet holding ``cells`` as (row, column, value), 0-based; a value is a
    str (LABELSST) or a number (NUMBER). ``dimension`` overrides the DIMENSIONS record (rows, columns)."""
    strings = [v for _, _, v in cells if isinstance(v, str)]
    unique = list(dict.fromkeys(strings))
    sst = _record(0x00FC, struct.pack("<II", len(strings), len(unique)) + b"".join(_text(s) for s in unique))
    xf = _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    xfs = xf * 16 + _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    font = _record(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + struct.pack("<BB", 5, 1)
                   + "Arial".encode("utf-16-le"))
    name = "Data"
    sheet_entry = lambda offset: _record(0x0085, struct.pack("<IBB", offset, 0, 0) + struct.pack("<BB", len(name), 0)  # noqa: E731
                                         + name.encode("latin-1"))
    globals_ = _bof(0x0005) + _record(0x0042, struct.pack("<H", 1200)) + font * 5 + xfs
    head_len = len(globals_) + len(sheet_entry(0)) + len(sst) + len(_record(0x000A, b""))
    globals_ += sheet_entry(head_len) + sst + _record(0x000A, b"")
    rows = max((r for r, _, _ in cells), default=0) + 1
    cols = max((c for _, c, _ in cells), default=0) + 1
    if dimension is not None:
        rows, cols = dimension
    sheet = _bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, rows, 0, min(cols, 0xFFFF), 0))
    for r, c, v in cells:
        if isinstance(v, str):
            sheet += _record(0x00FD, struct.pack("<HHHI", r, c, 15, unique.index(v)))
        else:
            sheet += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(v)))
    sheet += _record(0x000A, b"")
    stream = globals_ + sheet
    return stream + b"\x00" * max(0, 4096 - len(stream))  # at least the mini-stream cut-off: a regular stream


def _dir_entry(name: str, kind: int, *, child=NO_STREAM, start=END_OF_CHAIN, size=0) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NO_STREAM, NO_STREAM, child) + b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16
            + struct.pack("<IQ", start, size))


def xls_bytes(rows: list[list], *, header_at: int = 0, dimension: tuple[int, int] | None = None,
              extra_cells: list[tuple[int, int, object]] = ()) -> bytes:
    """A minimal .xls whose first sheet holds ``rows`` (str or number cells; empty strings left out)."""
    cells = [(header_at + r, c, v) for r, values in enumerate(rows) for c, v in enumerate(values) if v != ""]
    stream = biff8_workbook(cells + list(extra_cells), dimension=dimension)
    stream_sectors = -(-len(stream) // SECTOR)
    fat = [FAT_SECTOR, END_OF_CHAIN] + [i + 1 for i in range(2, 2 + stream_sectors - 1)] + [END_OF_CHAIN]
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for these test files"
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(SECTOR, b"\xff")
    directory = (_dir_entry("Root Entry", 5, child=1) + _dir_entry("Workbook", 2, start=2, size=len(stream))
                 + _dir_entry("", 0) * 2)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16  # signature, CLSID
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6  # versions, byte order, sector shifts
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)  # FAT in 1 sector, dir at 1
              + struct.pack("<I", 0) + b"\xff" * (4 * 108))  # DIFAT: the FAT is sector 0
    assert len(header) == SECTOR
    return header + fat_bytes + directory + stream.ljust(stream_sectors * SECTOR, b"\x00")


# --- .xlsx assembled part by part -------------------------------------------------------------------

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
                 'ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
             'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                 '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_xml(body: str, *, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}>{dim}<sheetData>{body}</sheetData></worksheet>'


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_package(sheet: str, *, extra: dict[str, bytes | str] | None = None,
                 compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An .xlsx with one sheet (``sheet`` is its XML) and any ``extra`` parts, written with zipfile."""
    parts: dict[str, bytes | str] = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
                                     "xl/_rels/workbook.xml.rels": WORKBOOK_RELS, "xl/worksheets/sheet1.xml": sheet}
    parts.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as book:
        for name, content in parts.items():
            book.writestr(name, content)
    return out.getvalue()


def set_declared_size(package: bytes, part: str, size: int) -> bytes:
    """The package with ``part``'s uncompressed size changed in both its local header and the central
    directory (the bytes themselves untouched): a part that inflates beyond what it declares."""
    data = bytearray(package)
    encoded = part.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            length = struct.unpack("<H", data[at + (26 if signature == b"PK\x03\x04" else 28):][:2])[0]
            if bytes(data[name_at:name_at + length]) == encoded:
                data[at + offset:at + offset + 4] = struct.pack("<I", size)
            at += 4
    return bytes(data)
