"""The AK/1 card as a printable PDF: A5 landscape on the card's yellow, ReportLab's built-in Helvetica (no
font is fetched), with the QR code (the certificates' ``draw_qr``) to the public verification page
``/penempatan/ak1/v/<verification id>/`` and the four six-monthly report boxes with their due dates and, once
filled, the day each was reported. The holder's data is read from the card (its signed part: number, name,
birth, office, validity, officer; plus what the holder may update: address, education, skills).

The pas foto (3 × 4, ``PHOTO_W`` × ``PHOTO_H``) sits under the QR code in the card's right column, framed; it is
the cleaned JPEG of ``placement/photo.py``, embedded as it is. A card printed without it (no photo on file, or a
reader who may not see it) shows the empty frame, where a paper photo can be glued and stamped as before."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from sisnaker.accounts.models import Person
from sisnaker.certification.domain import format_date_id
from sisnaker.certification.models import Certificate
from sisnaker.certification.pdf import draw_qr

from . import domain
from .models import JobSeekerCard

PAGE = landscape(A5)
YELLOW = colors.HexColor("#fff3a8")
INK = colors.HexColor("#1d1d1b")
GREY = colors.HexColor("#555555")
MARGIN = 8 * mm
PHOTO_W, PHOTO_H = 24 * mm, 32 * mm  # 3 × 4


def _fit(c: Canvas, text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with "…" to fit ``width`` points."""
    if c.stringWidth(text, font, size) <= width:
        return text
    while text and c.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_photo(c: Canvas, photo: bytes | None, *, x: float, y: float) -> None:
    """The photo with its lower-left corner at (x, y), framed; the empty frame, labelled, without one."""
    if photo:
        c.drawImage(ImageReader(io.BytesIO(photo)), x, y, width=PHOTO_W, height=PHOTO_H)
    else:
        c.setFillColor(colors.white)
        c.rect(x, y, PHOTO_W, PHOTO_H, stroke=0, fill=1)
        c.setFillColor(GREY)
        c.setFont("Helvetica", 7)
        c.drawCentredString(x + PHOTO_W / 2, y + PHOTO_H / 2 + 1 * mm, "Pas foto")
        c.drawCentredString(x + PHOTO_W / 2, y + PHOTO_H / 2 - 2.5 * mm, "3 × 4")
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    c.rect(x, y, PHOTO_W, PHOTO_H, stroke=1, fill=0)


def render_card_pdf(*, card: JobSeekerCard, reports: dict[int, object], certificates: list[Certificate], url: str,
                    today, photo: bytes | None = None) -> bytes:
    """The issued ``card`` as PDF bytes; ``reports`` maps a box number to its ``JobSeekerReport``; ``photo`` the
    card's photo (JPEG bytes), or None for the empty frame."""
    w, h = PAGE
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    c.setTitle(f"Kartu AK/1 {card.number}")
    c.setAuthor(f"Dinas ketenagakerjaan {card.regency.name}")
    c.setSubject(url)
    c.setCreator("Sisnaker")
    c.setFillColor(YELLOW)
    c.rect(0, 0, w, h, stroke=0, fill=1)
    c.setStrokeColor(INK)
    c.setLineWidth(0.8)
    c.rect(MARGIN / 2, MARGIN / 2, w - MARGIN, h - MARGIN, stroke=1, fill=0)

    left, top = MARGIN, h - MARGIN - 4 * mm
    c.setFillColor(INK)
    c.setFont("Helvetica-Bold", 10.5)
    c.drawString(left, top, "KARTU TANDA BUKTI PENDAFTARAN PENCARI KERJA (AK/1)")
    c.setFont("Helvetica", 8)
    c.drawString(left, top - 4.2 * mm, f"Dinas yang membidangi ketenagakerjaan — {card.regency.name}")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(left, top - 10 * mm, f"No. {card.number}")

    qr_size = 30 * mm
    draw_qr(c, url, x=w - MARGIN - qr_size, y=h - MARGIN - qr_size - 2 * mm, size=qr_size)
    c.setFont("Helvetica", 6)
    c.setFillColor(GREY)
    c.drawRightString(w - MARGIN, h - MARGIN - qr_size - 5 * mm, "Pindai untuk memeriksa keaslian kartu")
    # The photo under the QR code, centred in the right column.
    photo_top = h - MARGIN - qr_size - 8 * mm
    _draw_photo(c, photo, x=w - MARGIN - qr_size / 2 - PHOTO_W / 2, y=photo_top - PHOTO_H)
    photo_bottom = photo_top - PHOTO_H

    education = str(dict(Person.Education.choices).get(card.education, card.education))
    nonformal = [f"{cert.enrollment.program.title} ({cert.number})" for cert in certificates]
    if card.other_training:
        nonformal.append(" ".join(card.other_training.split()))
    rows = [
        ("Nama", card.full_name),
        ("Tempat, tgl. lahir", f"{card.birth_place}, {format_date_id(card.birth_date)}"),
        ("Jenis kelamin", "Perempuan" if card.sex == "F" else "Laki-laki"),
        ("Status perkawinan", card.get_marital_status_display()),
        ("Agama", card.get_religion_display()),
        ("Alamat", " ".join(card.address.split())),
        ("Pendidikan formal", education),
        ("Pendidikan nonformal", "; ".join(nonformal) or "—"),
        ("Keterampilan", " ".join(card.skills.split())),
        ("Berlaku", f"{format_date_id(card.issued_on)} s.d. {format_date_id(domain.valid_until(card.issued_on))}"),
    ]
    y = top - 17 * mm
    label_w, value_w = 30 * mm, w - 2 * MARGIN - 30 * mm - qr_size - 4 * mm
    for label, value in rows:
        c.setFillColor(GREY)
        c.setFont("Helvetica", 7.5)
        c.drawString(left, y, label)
        c.setFillColor(INK)
        c.setFont("Helvetica-Bold", 8)
        c.drawString(left + label_w, y, _fit(c, str(value), "Helvetica-Bold", 8, value_w if y > photo_bottom - 2 * mm
                                             else w - 2 * MARGIN - label_w))
        y -= 5 * mm

    # The four report boxes, below the photo.
    y = min(y, photo_bottom - 3 * mm) - 2 * mm
    c.setFont("Helvetica-Bold", 8)
    c.drawString(left, y, "Laporan setiap 6 bulan (selama masih mencari kerja)")
    y -= 2 * mm
    box_w, box_h = (w - 2 * MARGIN - 9 * mm) / 4, 17 * mm
    boxes = domain.report_boxes(issued_on=card.issued_on, today=today, reported={n: r.reported_on for n, r in reports.items()},
                                ended_on=card.ended_on)
    for i, box in enumerate(boxes):
        x = left + i * (box_w + 3 * mm)
        c.setStrokeColor(INK)
        c.rect(x, y - box_h, box_w, box_h, stroke=1, fill=0)
        c.setFont("Helvetica-Bold", 7.5)
        c.drawString(x + 2 * mm, y - 4 * mm, f"Laporan {('I', 'II', 'III', 'IV')[i]}")
        c.setFont("Helvetica", 7)
        c.drawString(x + 2 * mm, y - 8 * mm, f"Jatuh tempo {format_date_id(box.due_on)}")
        report = reports.get(box.number)
        if report is not None:
            outcome = "masih mencari kerja" if report.outcome == domain.ReportOutcome.LOOKING else "sudah bekerja"
            c.drawString(x + 2 * mm, y - 12 * mm, f"Dilapor {format_date_id(report.reported_on)}")
            c.drawString(x + 2 * mm, y - 15.5 * mm, outcome)
        elif box.state == domain.BoxState.MISSED:
            c.drawString(x + 2 * mm, y - 12 * mm, "tidak dilaporkan")
        elif box.state == domain.BoxState.CLOSED:
            c.drawString(x + 2 * mm, y - 12 * mm, "— (sudah bekerja)")
    y -= box_h + 5 * mm

    c.setFillColor(INK)
    c.setFont("Helvetica", 7.5)
    if card.ended_on:
        c.drawString(left, y, _fit(c, f"Sudah bekerja sejak {format_date_id(card.ended_on)}: {card.position}, {card.employer_name}",
                                   "Helvetica", 7.5, w - 2 * MARGIN))
        y -= 4 * mm
    c.drawString(left, y, f"Pengantar kerja: {card.officer_name}")
    c.setFillColor(GREY)
    c.setFont("Helvetica", 6)
    c.drawString(left, MARGIN / 2 + 2 * mm,
                 _fit(c, f"Ditandatangani secara elektronik (Ed25519, kunci {card.key_id}). Periksa: {url}", "Helvetica", 6,
                      w - 2 * MARGIN))
    c.showPage()
    c.save()
    return buffer.getvalue()
