"""Accountability reports (issue 13): the LPJ (laporan pertanggungjawaban) of a program — participants by state,
assessment results per competency unit, certificates issued and revoked, the budget used — as a page, a PDF and an
Excel workbook. It reads training, certification and payments, so it sits above them in the layers."""
