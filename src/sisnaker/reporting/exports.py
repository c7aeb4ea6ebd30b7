"""A dashboard table as a file: .xlsx (XlsxWriter) or .csv, the same numbers as the page (hidden cells stay hidden)."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from sisnaker.core.errors import Msg

from .domain import BASES
from .selectors import Dashboard, Table

HIDDEN = Msg("<{threshold}", "<{threshold}")


def _title(d: Dashboard, table: Table) -> str:
    year = str(d.year) if d.year is not None else str(Msg("semua tahun", "all years"))
    return f"{table.title} — {d.region_name} ({BASES[d.basis]}, {year})"


def _cell(n: int | None) -> str | int:
    return "" if n is None else n


def table_csv(d: Dashboard, table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_title(d, table)])
    writer.writerow([table.title, *[str(m.label) for m in table.columns]])
    for row in table.rows:
        writer.writerow([row.label, *[_cell(n) for n in row.cells]])
    writer.writerow([str(Msg("Jumlah", "Total")), *[_cell(n) for n in table.total]])
    if d.public:
        writer.writerow([str(Msg("Sel kosong: disembunyikan (kurang dari 5 orang, atau agar tidak dapat dihitung "
                                 "dari jumlah).", "Empty cells: hidden (fewer than 5 people, or so they cannot be "
                                 "worked out from the total)."))])
    return out.getvalue()


def table_xlsx(d: Dashboard, table: Table) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    number = workbook.add_format({"num_format": "#,##0"})
    sheet = workbook.add_worksheet(str(table.title)[:31])
    sheet.write_string(0, 0, _title(d, table), bold)
    sheet.write_row(2, 0, [table.title, *[str(m.label) for m in table.columns]], bold)
    rows = [*[(r.label, r.cells) for r in table.rows], (str(Msg("Jumlah", "Total")), table.total)]
    for i, (label, cells) in enumerate(rows, start=3):
        sheet.write_string(i, 0, label)
        for col, n in enumerate(cells, start=1):
            if n is None:
                sheet.write_string(i, col, "")
            else:
                sheet.write_number(i, col, n, number)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, len(table.columns), 16)
    workbook.close()
    return out.getvalue()
