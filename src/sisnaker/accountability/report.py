"""The LPJ as files: a PDF (ReportLab, as the certificates: built-in Helvetica, nothing fetched) and an Excel workbook
(XlsxWriter, one sheet per part). Pure: an ``selectors.Lpj`` in, bytes out. The documents are in Indonesian, the
language of the report an institution files; the page shows the same figures in the reader's language."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sisnaker.certification.domain import format_date_id

from .selectors import Lpj

GREEN = colors.HexColor("#0b5d3b")
WIB = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 all year


def rupiah(amount: int) -> str:
    return "Rp" + f"{int(amount):,}".replace(",", ".")


def _wib(value: dt.datetime) -> str:
    local = value.astimezone(dt.UTC) + WIB
    return f"{format_date_id(local.date())} {local:%H:%M} WIB"


def identity(report: Lpj) -> list[tuple[str, str]]:
    """The program's identity as (label, value) lines, as both files print them."""
    p = report.program
    inst = p.institution
    completed = p.closed_on or (p.end_date if p.status == "closed" else None)
    return [
        ("Program", p.title),
        ("Lembaga", f"{inst.name} ({inst.registry_number})"),
        ("Jenis lembaga", str(inst.get_kind_display())),
        ("Kejuruan", p.vocational_field.name),
        ("Lokasi", p.regency.name),
        ("Jadwal", f"{format_date_id(p.start_date)} s.d. {format_date_id(p.end_date)} ({p.hours} JP)"),
        ("Selesai", format_date_id(completed) if completed else "belum ditutup"),
        ("Kuota", str(p.quota)),
        ("Sumber dana", str(p.get_funding_display())),
        ("Nomor DIPA", p.dipa_reference or "-"),
        ("Status program", str(p.get_status_display())),
        ("Dibuat", _wib(report.generated_at)),
    ]


def state_rows(report: Lpj) -> list[list]:
    rows = [[r.label.id, r.count] for r in report.states]
    rows.append(["Jumlah pendaftaran", report.enrollments])
    rows.append(["di antaranya susulan", report.late])
    return rows


def unit_rows(report: Lpj) -> list[list]:
    return [[u.code, u.title, u.competent, u.not_yet_competent, u.not_assessed] for u in report.units]


def certificate_rows(report: Lpj) -> list[list]:
    return [["Diterbitkan", report.certificates_issued], ["Dicabut", report.certificates_revoked],
            ["Diganti (data diperbaiki)", report.certificates_replaced], ["Berlaku", report.certificates_valid]]


def budget_rows(report: Lpj) -> list[list]:
    rows = [[b.label.id, b.paid_count, b.paid_amount, b.owed_count, b.owed_amount] for b in report.budget]
    rows.append(["Jumlah", sum(b.paid_count for b in report.budget), report.paid_total,
                 sum(b.owed_count for b in report.budget), report.owed_total])
    return rows


# --- PDF ------------------------------------------------------------------------------------------------------

_body = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11.5)
_cell = ParagraphStyle("cell", parent=_body, fontSize=8.5, leading=10.5)
_h1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=14, leading=18, textColor=GREEN, spaceAfter=2 * mm)
_h2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=11, leading=14, textColor=GREEN, spaceBefore=4 * mm,
                     spaceAfter=1.5 * mm)


def _esc(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(header: list[str], rows: list[list], widths: list[float], *, numeric_from: int = 1, total_row: bool = False) -> Table:
    data = [[Paragraph(f"<b>{_esc(h)}</b>", _cell) for h in header]]
    for row in rows:
        data.append([Paragraph(_esc(v), _cell) if i < numeric_from else _esc(v) for i, v in enumerate(row)])
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9ca3af")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dbeafe")),
        ("FONTNAME", (0, 1), (-1, -1), "Helvetica"), ("FONTSIZE", (0, 1), (-1, -1), 8.5),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:
        style.append(("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"))
    table.setStyle(TableStyle(style))
    return table


def lpj_pdf(report: Lpj) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=f"LPJ {report.program.title}", author="Sisnaker")
    width = A4[0] - 32 * mm
    story = [Paragraph("Laporan Pertanggungjawaban Program Pelatihan", _h1),
             _table(["", ""], [[k, v] for k, v in identity(report)], [0.25 * width, 0.75 * width], numeric_from=2)]
    story += [Paragraph("1. Peserta menurut status", _h2),
              _table(["Status", "Jumlah"], state_rows(report), [0.7 * width, 0.3 * width], total_row=False)]
    story += [Paragraph("2. Hasil asesmen per unit kompetensi", _h2),
              Paragraph(f"Dari {report.trainees} peserta yang mengikuti pelatihan (peserta, alumni, tidak lulus, putus di tengah).",
                        _body), Spacer(1, 1.5 * mm)]
    if report.units:
        story.append(_table(["Kode unit", "Judul unit", "Kompeten", "Belum kompeten", "Belum dinilai"], unit_rows(report),
                            [0.2 * width, 0.41 * width, 0.12 * width, 0.14 * width, 0.13 * width], numeric_from=2))
    else:
        story.append(Paragraph("Program tidak memiliki unit kompetensi.", _body))
    story += [Paragraph("3. Sertifikat", _h2),
              _table(["Sertifikat", "Jumlah"], certificate_rows(report), [0.7 * width, 0.3 * width])]
    story += [Paragraph("4. Anggaran terpakai", _h2)]
    money = [[r[0], r[1], rupiah(r[2]), r[3], rupiah(r[4])] for r in budget_rows(report)]
    story.append(_table(["Jenis", "Dibayar (orang/tagihan)", "Dibayar (Rp)", "Terutang (orang/tagihan)", "Terutang (Rp)"], money,
                        [0.34 * width, 0.15 * width, 0.18 * width, 0.15 * width, 0.18 * width], total_row=True))
    story.append(Paragraph("Dibayar: transfer yang sudah berhasil. Terutang: jatuh tempo atau dalam batch pembayaran yang belum "
                           "selesai. Tagihan yang dibatalkan tidak dihitung.", _body))
    doc.build(story)
    return buffer.getvalue()


# --- Excel ----------------------------------------------------------------------------------------------------

def lpj_xlsx(report: Lpj) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#DBEAFE"})
    title = book.add_format({"bold": True, "font_size": 13})
    money = book.add_format({"num_format": "#,##0"})
    money_bold = book.add_format({"num_format": "#,##0", "bold": True})

    def sheet(name: str, header: list[str], rows: list[list], widths: list[int], *, money_cols=(), total_row=False):
        ws = book.add_worksheet(name)
        ws.write_string(0, 0, f"LPJ · {report.program.title}"[:250], title)
        ws.write_row(2, 0, header, bold)
        for i, row in enumerate(rows, start=3):
            last = total_row and i == len(rows) + 2
            for c, value in enumerate(row):
                if isinstance(value, int):
                    ws.write_number(i, c, value, (money_bold if last else money) if c in money_cols else None)
                else:
                    ws.write_string(i, c, str(value))
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(3, 0)

    sheet("Identitas", ["Keterangan", "Isi"], [[k, v] for k, v in identity(report)], [22, 70])
    sheet("Status peserta", ["Status", "Jumlah"], state_rows(report), [28, 12])
    sheet("Hasil asesmen", ["Kode unit", "Judul unit", "Kompeten", "Belum kompeten", "Belum dinilai"], unit_rows(report),
          [22, 50, 12, 16, 14])
    sheet("Sertifikat", ["Sertifikat", "Jumlah"], certificate_rows(report), [20, 12])
    sheet("Anggaran", ["Jenis", "Dibayar (orang/tagihan)", "Dibayar (Rp)", "Terutang (orang/tagihan)", "Terutang (Rp)"],
          budget_rows(report), [40, 22, 18, 24, 18], money_cols=(2, 4), total_row=True)
    book.close()
    return buffer.getvalue()
