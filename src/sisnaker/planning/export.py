"""The gap table as a file: .xlsx (XlsxWriter, with the options of training's writer: no text ever becomes a
formula, a number or a link) or .csv (UTF-8 with BOM; cells through training's ``csv_cell``, so a reason that
begins with "=" stays text). Pure: a ``GapTable`` in, bytes out."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from sisnaker.core.errors import Msg
from sisnaker.training.spreadsheets.writing import csv_cell

from .selectors import GapTable

HEADERS = (
    Msg("Kode kejuruan", "Field code"), Msg("Kejuruan", "Vocational field"), Msg("Usulan (orang)", "Proposed (people)"),
    Msg("Alasan usulan", "Reason"), Msg("Lowongan terbuka", "Open vacancies"), Msg("Alumni", "Alumni"),
    Msg("Alumni ber-AK/1", "Alumni with an AK/1 card"), Msg("Kekurangan (lowongan − alumni)", "Shortfall (openings − alumni)"),
    Msg("Sisa setelah usulan", "Left after the proposal"), Msg("Bacaan", "Reading"),
)
TOTAL = Msg("Jumlah", "Total")


def basis(table: GapTable) -> str:
    window = (Msg("alumni lulus {n} tahun terakhir", "alumni of the last {n} years").format(n=table.alumni_years)
              if table.alumni_years else Msg("semua alumni", "all alumni"))
    return str(Msg("Lowongan terbuka per {day}; {window} yang tinggal di wilayah; pemegang AK/1 berlaku di wilayah: {ak1}; "
                   "lowongan tanpa kejuruan: {nofield}.",
                   "Open vacancies on {day}; {window} living in the area; valid AK/1 holders in the area: {ak1}; "
                   "vacancies without a vocational field: {nofield}.").format(
        day=table.today.isoformat(), window=str(window), ak1=table.ak1_holders, nofield=table.demand_without_field))


def _rows(table: GapTable) -> list[list]:
    out = [[r.code, r.name, r.proposed, r.reason, r.demand, r.alumni, r.seekers, r.gap, r.reading.remaining,
            str(r.reading.text)] for r in table.rows]
    t = table.totals
    out.append(["", str(TOTAL), t["proposed"], "", t["demand"], t["alumni"], t["seekers"], t["demand"] - t["alumni"],
                t["remaining"], ""])
    return out


def gap_xlsx(table: GapTable, *, title: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    sheet = book.add_worksheet(str(Msg("Kebutuhan pelatihan", "Training needs")))
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#DBEAFE", "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, title, bold)
    sheet.write_string(1, 0, basis(table))
    sheet.write_row(3, 0, [str(h) for h in HEADERS], head)
    rows = _rows(table)
    for i, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(i, c, value, bold if i == len(rows) + 3 else None)
            elif value:
                sheet.write_string(i, c, value, bold if i == len(rows) + 3 else wrap)
    for c, width in enumerate((14, 32, 12, 40, 12, 10, 12, 14, 12, 60)):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(4, 2)
    book.close()
    return out.getvalue()


def gap_csv(table: GapTable, *, title: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(title)])
    writer.writerow([csv_cell(basis(table))])
    writer.writerow([str(h) for h in HEADERS])
    for row in _rows(table):
        writer.writerow([csv_cell(v) for v in row])
    return "\ufeff" + out.getvalue()
