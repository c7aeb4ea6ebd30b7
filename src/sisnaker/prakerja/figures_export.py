"""The inclusion figures as a file: .xlsx (XlsxWriter, as the other exports; one sheet per breakdown) or .csv (one
table after another, a blank line between). Every column comes from ``figures.COLUMNS``."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from sisnaker.core.errors import Msg

from .figures import Figures

TITLE = Msg("Angka inklusi Kartu Prakerja", "Kartu Prakerja inclusion figures")


def _subtitle(f: Figures) -> str:
    wave = f.wave.name if f.wave is not None else str(Msg("Semua gelombang", "All waves"))
    if f.scope.national:
        where = str(Msg("Nasional", "National"))
    else:
        basis = Msg("menurut KTP", "by KTP") if f.scope.basis == "ktp" else Msg("menurut domisili", "by domicile")
        where = f"{', '.join(f.scope.areas)} ({basis})"
    return f"{wave} — {where}"


def _headers(f: Figures, table) -> list[str]:
    return [str(table.title)] + [str(c.label) for c in f.columns]


def figures_xlsx(f: Figures) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    number = workbook.add_format({"num_format": "#,##0"})
    for table in f.tables:
        sheet = workbook.add_worksheet(str(table.title)[:31])
        sheet.write_string(0, 0, f"{TITLE}: {_subtitle(f)}", bold)
        sheet.write_row(2, 0, _headers(f, table), bold)
        for i, row in enumerate(table.rows, start=3):
            sheet.write_string(i, 0, row.label)
            for col, n in enumerate(row.cells, start=1):
                sheet.write_number(i, col, n, number)
        last = len(table.rows) + 3
        sheet.write_string(last, 0, str(Msg("Jumlah", "Total")), bold)
        for col, n in enumerate(table.total_cells, start=1):
            sheet.write_number(last, col, n, number)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(f.columns), 16)
    workbook.close()
    return out.getvalue()


def figures_csv(f: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{TITLE}: {_subtitle(f)}"])
    for table in f.tables:
        writer.writerow([])
        writer.writerow(_headers(f, table))
        for row in table.rows:
            writer.writerow([row.label, *row.cells])
        writer.writerow([str(Msg("Jumlah", "Total")), *table.total_cells])
    return out.getvalue()
