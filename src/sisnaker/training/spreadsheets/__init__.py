"""Spreadsheets of a program's people: importing applicants/participants from .xlsx, .xls or .csv, and
exporting the enrollment table.

* ``sizing``: a file is sized from its structure before any cell is read (pure).
* ``reading``: reading the data sheet (the first not hidden) and checking every row without the database (pure).
* ``writing``: the spreadsheets Sisnaker writes: template, error file, export (pure).
* ``services``: the import (one transaction, a fixed number of queries), error files kept for a week,
  the audited export.
* ``downloads``: those files as HTTP responses, for the pages (``views``) and the API (``api``).
"""
