"""The certificate as a PDF: A4 landscape, ReportLab, built-in Helvetica (no font is fetched), and a QR
code (segno, drawn as vector modules) pointing at the public verification page ``/v/<verification id>/``.

Everything printed comes from the certificate's signed payload, so the PDF shows exactly what the
signature covers — plus one line from the issuing institution's status history (was it approved and
active on the certificate's date), which ``certificate_pdf`` reads when the file is made. Competency units
are listed on the front when they fit; a long list continues on the following page(s) ("Daftar unit
kompetensi").

The PDF carries its own proof: the signed export (``export.certificate_export``: payload, Ed25519
signature, key id) is embedded as a file attachment named ``EMBEDDED_NAME`` (pypdf adds it after
ReportLab has drawn the pages). ``embedded_export`` reads it back, so ``sisnaker verifycert
sertifikat.pdf`` checks a PDF offline with the published public key.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import segno
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import TextStringObject
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from sisnaker.core import links
from sisnaker.core.errors import Msg
from sisnaker.institutions.domain import STATUS_LABELS

from .domain import certificate_date_of, format_date_id
from .export import EXPORT_FORMAT, certificate_export
from .models import Certificate
from .selectors.certificates import issuer_standing_of

# The attachment that holds the signed certificate (JSON, ``export.certificate_export``).
EMBEDDED_NAME = "sisnaker-sertifikat.json"
EMBEDDED_MAX = 256 * 1024  # an export is ~2 KB; a long unit list stays far below this
PDF_MAX = 20 * 1024 * 1024  # a certificate PDF is ~50 KB; anything far larger is not one

PAGE = landscape(A4)
MARGIN = 14 * mm
GREEN = colors.HexColor("#0b5d3b")
GREY = colors.HexColor("#555555")

_cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8.5, leading=10.5)
_cell_bold = ParagraphStyle("cellb", parent=_cell, fontName="Helvetica-Bold")


def public_base_url() -> str:
    return links.public_url()


def verification_url(verification_id: str, *, base_url: str | None = None) -> str:
    return f"{(base_url or public_base_url()).rstrip('/')}/v/{verification_id}/"


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _date(value: str) -> str:
    try:
        return format_date_id(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def draw_qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """Draw ``data`` as a QR code whose lower-left corner is (x, y), ``size`` points wide: one filled
    rectangle per horizontal run of dark modules (small, sharp at any zoom)."""
    qr = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    border = 2
    module = size / (n + 2 * border)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x + (border + start) * module, y + size - (border + r + 1) * module, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _units_table(units: list[dict], width: float) -> Table:
    data = [[Paragraph("No.", _cell_bold), Paragraph("Kode unit", _cell_bold), Paragraph("Judul unit kompetensi", _cell_bold)]]
    for i, u in enumerate(units, start=1):
        data.append([Paragraph(str(i), _cell), Paragraph(_esc(u.get("code", "")), _cell), Paragraph(_esc(u.get("title", "")), _cell)])
    table = Table(data, colWidths=[10 * mm, 42 * mm, width - 52 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1ec")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _frame_border(c: Canvas) -> None:
    w, h = PAGE
    c.setStrokeColor(GREEN)
    c.setLineWidth(3)
    c.rect(8 * mm, 8 * mm, w - 16 * mm, h - 16 * mm)
    c.setLineWidth(0.8)
    c.rect(10 * mm, 10 * mm, w - 20 * mm, h - 20 * mm)


def _centered(c: Canvas, text: str, y: float, font: str, size: float, *, max_width: float | None = None, color=colors.black) -> None:
    w, _ = PAGE
    max_width = max_width or w - 2 * MARGIN - 20 * mm
    while size > 7 and c.stringWidth(text, font, size) > max_width:
        size -= 0.5
    c.setFont(font, size)
    c.setFillColor(color)
    c.drawCentredString(w / 2, y, text)


def _region_text(institution: dict) -> str:
    region = institution.get("region") or {}
    return ", ".join(x for x in (region.get("regency"), region.get("province")) if x)


def issuer_line(issuer: dict | None) -> tuple[str, bool]:
    """The sentence about the issuer's standing on the certificate's date, and whether it is a warning.
    ``issuer``: ``{"approved_on_issue": bool, "status_on_issue": str | None, "status_label": str}``."""
    if not issuer:
        return "", False
    if issuer.get("approved_on_issue"):
        return "Lembaga penerbit terverifikasi: disetujui dan aktif pada tanggal terbit sertifikat ini.", False
    if issuer.get("approved_later"):
        return ("Sertifikat terbit sebelum verifikasi lembaga berlaku; lembaga penerbit kemudian disetujui "
                "oleh pejabat berwenang."), False
    if issuer.get("status_on_issue") is None:
        return ("PERHATIAN: tidak ada catatan persetujuan lembaga penerbit pada tanggal terbit. "
                "Periksa melalui kode QR sebelum menerima sertifikat ini."), True
    return (f"PERHATIAN: lembaga penerbit tidak berstatus disetujui pada tanggal terbit "
            f"({issuer.get('status_label') or issuer.get('status_on_issue')}). Periksa melalui kode QR."), True


def render_certificate_pdf(*, payload: str | dict, key_id: str = "", base_url: str | None = None,
                           issuer: dict | None = None, embed: dict | None = None, revoked: tuple[dt.date, str] | None = None) -> bytes:
    """The certificate described by its canonical ``payload`` (JSON text or dict) as PDF bytes.

    ``issuer``: the issuing institution's standing on the certificate's date (``issuer_line``), printed
    under its name; ``embed``: the signed export to attach (``export.certificate_export``); ``revoked``: (the day,
    the reason) of its revocation, stamped across every page so that no printout of it passes for valid."""
    fields = json.loads(payload) if isinstance(payload, str) else payload
    person, program, institution = fields.get("person", {}), fields.get("program", {}), fields.get("institution", {})
    signatory, units = fields.get("signatory", {}), fields.get("units", [])
    number, verification_id = fields.get("number", ""), fields.get("verification_id", "")
    url = verification_url(verification_id, base_url=base_url)
    w, h = PAGE

    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    c.setTitle(f"{fields.get('title', 'SERTIFIKAT')} {number}")
    c.setAuthor(institution.get("name", "Sisnaker"))
    c.setSubject(url)
    c.setCreator("Sisnaker")
    _frame_border(c)

    y = h - 24 * mm
    _centered(c, institution.get("name", "").upper(), y, "Helvetica-Bold", 15, color=GREEN)
    y -= 5.5 * mm
    region = _region_text(institution)
    _centered(c, f"Nomor registrasi lembaga: {institution.get('registry_number', '')}" + (f" · {region}" if region else ""),
              y, "Helvetica", 9, color=GREY)
    line, warning = issuer_line(issuer)
    if line:
        y -= 4.5 * mm
        _centered(c, line, y, "Helvetica-Bold" if warning else "Helvetica", 8, color=colors.HexColor("#a61b1b") if warning else GREEN)
        y -= 10.5 * mm
    else:
        y -= 14 * mm
    _centered(c, fields.get("title", "SERTIFIKAT"), y, "Helvetica-Bold", 28)
    y -= 7 * mm
    _centered(c, f"Nomor: {number}", y, "Helvetica", 11)
    y -= 11 * mm
    _centered(c, "Diberikan kepada", y, "Helvetica", 11, color=GREY)
    y -= 11 * mm
    _centered(c, person.get("name", ""), y, "Helvetica-Bold", 24)
    if isinstance(person.get("birth_year"), int):
        y -= 5.5 * mm
        _centered(c, f"Tahun lahir {person['birth_year']}", y, "Helvetica", 9, color=GREY)
        y -= 7 * mm
    else:
        y -= 9 * mm
    _centered(c, "yang telah mengikuti dan dinyatakan KOMPETEN pada pelatihan berbasis kompetensi", y, "Helvetica", 11)
    y -= 8 * mm
    _centered(c, program.get("title", ""), y, "Helvetica-Bold", 15)
    y -= 6.5 * mm
    _centered(c, f"{program.get('hours', '')} JP, {_date(program.get('start_date'))} s.d. {_date(program.get('end_date'))}",
              y, "Helvetica", 10.5)
    y -= 6 * mm

    # Units: on the front when they fit above the signature block, else on the following pages.
    table_width = w - 2 * MARGIN - 70 * mm
    bottom = 56 * mm
    table = _units_table(units, table_width)
    _, th = table.wrapOn(c, table_width, y - bottom)
    overflow = units and th > y - bottom
    if units and not overflow:
        table.drawOn(c, (w - table_width) / 2, y - th)
    elif overflow:
        _centered(c, f"Unit kompetensi ({len(units)}): lihat halaman berikut (Daftar unit kompetensi).", y - 5 * mm,
                  "Helvetica-Oblique", 10)

    # Signature block (right), QR code (left).
    # The date the certificate bears: the training's completion (version 1–2 payloads: the day of issue).
    dated = certificate_date_of(fields)
    issued_on = _date(dated.isoformat() if dated else fields.get("issued_on", ""))
    sx = w - MARGIN - 45 * mm
    c.setFillColor(colors.black)
    c.setFont("Helvetica", 10)
    c.drawCentredString(sx, 48 * mm, f"Diterbitkan {issued_on}")
    c.drawCentredString(sx, 43 * mm, signatory.get("title", "")[:90])
    c.setFont("Helvetica-Bold", 11)
    c.drawCentredString(sx, 24 * mm, signatory.get("name", ""))
    c.setLineWidth(0.5)
    c.line(sx - 40 * mm, 22.5 * mm, sx + 40 * mm, 22.5 * mm)
    c.setFont("Helvetica", 7)
    c.setFillColor(GREY)
    c.drawCentredString(sx, 18 * mm, "Ditandatangani secara digital (Ed25519)" + (f", kunci {key_id}" if key_id else ""))

    qx, qy, qsize = MARGIN + 4 * mm, 16 * mm, 34 * mm
    draw_qr(c, url, x=qx, y=qy, size=qsize)
    c.linkURL(url, (qx, qy, qx + qsize, qy + qsize), relative=0)
    c.setFont("Helvetica", 7)
    c.setFillColor(GREY)
    c.drawString(qx + qsize + 3 * mm, qy + 20 * mm, "Periksa keaslian sertifikat:")
    c.drawString(qx + qsize + 3 * mm, qy + 16 * mm, url)
    c.drawString(qx + qsize + 3 * mm, qy + 12 * mm, f"atau cari nomor {number} di {public_base_url_of(url)}/v/")
    _revoked_stamp(c, revoked)
    c.showPage()

    if overflow:
        remaining = _units_table(units, w - 2 * MARGIN)
        page = 1
        while remaining is not None:
            _frame_border(c)
            _centered(c, f"Daftar unit kompetensi — {number}" + (f" (lanjutan {page})" if page > 1 else ""), h - 22 * mm,
                      "Helvetica-Bold", 13)
            avail = h - 32 * mm - 16 * mm
            parts = remaining.split(w - 2 * MARGIN, avail)
            if not parts:
                break
            first = parts[0]
            _, fh = first.wrapOn(c, w - 2 * MARGIN, avail)
            first.drawOn(c, MARGIN, h - 30 * mm - fh)
            remaining = parts[1] if len(parts) > 1 else None
            _revoked_stamp(c, revoked)
            c.showPage()
            page += 1
    c.save()
    body = buffer.getvalue()
    return attach_export(body, embed) if embed is not None else body


def _revoked_stamp(c: Canvas, revoked: tuple[dt.date, str] | None) -> None:
    if revoked is None:
        return
    w, h = PAGE
    c.saveState()
    c.setFillColor(colors.HexColor("#a61b1b"))
    c.setFillAlpha(0.35)
    c.translate(w / 2, h / 2)
    c.rotate(25)
    c.setFont("Helvetica-Bold", 110)
    c.drawCentredString(0, -20 * mm, "DICABUT")
    c.restoreState()
    c.setFillColor(colors.HexColor("#a61b1b"))
    c.setFont("Helvetica-Bold", 10)
    day, reason = revoked
    c.drawCentredString(w / 2, h - 12 * mm, f"SERTIFIKAT INI DICABUT pada {format_date_id(day)}: {reason}"[:150])


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF of a stored certificate: the signed payload drawn, the issuer's standing on the
    certificate's date (status history), and the signed export attached."""
    standing = issuer_standing_of(certificate)
    label = STATUS_LABELS.get(standing.status_on_issue or "")
    issuer = {"approved_on_issue": standing.approved_on_issue, "approved_later": standing.approved_later,
              "status_on_issue": standing.status_on_issue,
              "status_label": label.id if label else ""}
    revoked = None
    if certificate.revoked_at is not None:
        reason = certificate.revoke_reason or ""
        # A replaced certificate names the one that stands instead (whoever still holds the old PDF learns where to look).
        replacement = Certificate.objects.filter(replaces_id=certificate.pk).values_list("number", flat=True).first()
        if replacement:
            reason = f"diganti dengan {replacement}. {reason}"
        revoked = (timezone.localtime(certificate.revoked_at).date(), reason)
    return render_certificate_pdf(payload=certificate.payload, key_id=certificate.key_id, issuer=issuer,
                                  embed=certificate_export(certificate), revoked=revoked)


def attach_export(body: bytes, export: dict) -> bytes:
    """``body`` (a PDF) with ``export`` attached as ``EMBEDDED_NAME``."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(body)))
    attachment = writer.add_attachment(EMBEDDED_NAME, json.dumps(export, ensure_ascii=True, indent=1).encode("ascii"))
    attachment.description = TextStringObject("Sertifikat Sisnaker bertanda tangan digital (Ed25519): sisnaker verifycert <berkas PDF>")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class NotACertificateFile(Exception):
    """A file that is not (or no longer) a readable Sisnaker certificate; ``message`` says why."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.en)
        self.message = message


def is_pdf(data: bytes) -> bool:
    # PDF readers accept the header anywhere in the first kilobyte.
    return b"%PDF-" in data[:1024]


def embedded_export(data: bytes) -> dict:
    """The signed export attached to a certificate PDF (``attach_export``). Raises ``NotACertificateFile``
    for anything else: not a PDF, a damaged PDF, a PDF without the attachment, an attachment that is
    not the export. Never checks the signature (``export.verify_export`` does)."""
    if not is_pdf(data):
        raise NotACertificateFile(Msg("Berkas ini bukan PDF.", "This file is not a PDF."))
    if len(data) > PDF_MAX:
        raise NotACertificateFile(Msg("Berkas PDF terlalu besar untuk sebuah sertifikat Sisnaker.",
                                      "The PDF is too large to be a Sisnaker certificate."))
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # its warnings about damaged files would read like a crash
    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
        names = [EMBEDDED_NAME] if EMBEDDED_NAME in attachments else sorted(n for n in attachments if n.lower().endswith(".json"))
        contents = [content for name in names for content in attachments[name]]
    # The file is untrusted input to a third-party parser: whatever it raises (PdfReadError, ValueError,
    # KeyError, RecursionError, zlib.error …) means the same thing to the person holding it.
    except Exception as exc:
        raise NotACertificateFile(Msg("Berkas PDF rusak atau tidak dapat dibaca.", "The PDF is damaged or cannot be read.")) from exc
    finally:
        pypdf_log.setLevel(level)
    for content in contents:
        if len(content) > EMBEDDED_MAX:
            continue
        try:
            export = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
        if isinstance(export, dict) and export.get("format") == EXPORT_FORMAT:
            return export
    raise NotACertificateFile(Msg(
        "PDF ini tidak memuat sertifikat Sisnaker bertanda tangan digital (lampiran {name} tidak ada). Hanya PDF yang "
        "diunduh dari Sisnaker yang dapat diperiksa tanpa koneksi; periksa sertifikat lain melalui kode QR-nya.",
        "This PDF carries no signed Sisnaker certificate (no {name} attachment). Only PDFs downloaded from Sisnaker can "
        "be checked offline; check other certificates through their QR code.").format(name=EMBEDDED_NAME))


def public_base_url_of(url: str) -> str:
    return url.split("/v/", 1)[0]
