"""The reconciliation report as an Excel workbook (XlsxWriter, as the other exports)."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from sisnaker.core.errors import Msg

HEADERS = [
    Msg("Batch", "Batch"), Msg("Sumber dana", "Funding source"), Msg("Status", "Status"), Msg("Baris", "Lines"),
    Msg("Jumlah (Rp)", "Amount (Rp)"), Msg("Berhasil", "Paid"), Msg("Berhasil (Rp)", "Paid (Rp)"), Msg("Gagal", "Failed"),
    Msg("Gagal (Rp)", "Failed (Rp)"), Msg("Menunggu bank", "Pending"), Msg("Menunggu (Rp)", "Pending (Rp)"),
    Msg("Buku besar: dibayarkan (Rp)", "Ledger: paid out (Rp)"), Msg("Cocok", "Reconciled"),
]


def _sheet(workbook, name: str, rows, *, title: str):
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0"})
    sheet = workbook.add_worksheet(name)
    sheet.write(0, 0, title, bold)
    for col, header in enumerate(HEADERS):
        sheet.write(2, col, str(header), bold)
    for i, r in enumerate(rows, start=3):
        values = [r.batch_id, r.funding_source.upper(), r.status_label, r.lines, r.amount, r.paid, r.paid_amount, r.failed,
                  r.failed_amount, r.pending, r.pending_amount, r.ledger_paid_amount, "✓" if r.balanced else "✗"]
        for col, value in enumerate(values):
            sheet.write(i, col, value, money if isinstance(value, int) and col in (4, 6, 8, 10, 11) else None)
    total_row = len(rows) + 3
    sheet.write(total_row, 0, str(Msg("Total", "Total")), bold)
    for col in (3, 4, 5, 6, 7, 8, 9, 10, 11):
        sheet.write(total_row, col, sum([r.lines, r.amount, r.paid, r.paid_amount, r.failed, r.failed_amount, r.pending,
                                         r.pending_amount, r.ledger_paid_amount][col - 3] for r in rows), money)
    sheet.set_column(0, len(HEADERS), 16)
    return sheet


def reconciliation_xlsx(rows, *, start: dt.datetime | None, end: dt.datetime | None) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    period = f"{start:%Y-%m-%d}" if start else "…"
    period += f" – {(end - dt.timedelta(days=1)):%Y-%m-%d}" if end else " – …"
    _sheet(workbook, "Rekonsiliasi", rows, title=str(Msg("Rekonsiliasi pembayaran Sisnaker", "Sisnaker payment reconciliation"))
           + f" ({period})")
    workbook.close()
    return out.getvalue()


def batch_xlsx(batch, rows, totals, lines) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0"})
    _sheet(workbook, "Rekonsiliasi", rows, title=f"Batch #{batch.pk} ({batch.funding_source.upper()})")
    for name, data in (("Per program", totals.by_program), ("Per bank", totals.by_bank)):
        sheet = workbook.add_worksheet(name)
        for col, header in enumerate((name, str(Msg("Baris", "Lines")), str(Msg("Jumlah (Rp)", "Amount (Rp)")))):
            sheet.write(0, col, header, bold)
        for i, (key, count, amount) in enumerate(data, start=1):
            sheet.write(i, 0, key)
            sheet.write(i, 1, count)
            sheet.write(i, 2, amount, money)
        sheet.set_column(0, 0, 50)
    sheet = workbook.add_worksheet("Baris")
    headers = ("reference", "status", "provider_code", "holder_name", "amount", "bank_reference", "failure_reason", "program")
    for col, header in enumerate(headers):
        sheet.write(0, col, header, bold)
    for i, line in enumerate(lines, start=1):
        # Holder names are people's input: written as strings, never as formulas.
        for col, value in enumerate((line.reference, line.status, line.provider_code, line.holder_name, line.amount,
                                     line.bank_reference, line.failure_reason, line.payable.program.title)):
            if isinstance(value, int):
                sheet.write_number(i, col, value, money)
            else:
                sheet.write_string(i, col, value)
    sheet.set_column(0, len(headers), 20)
    workbook.close()
    return out.getvalue()
