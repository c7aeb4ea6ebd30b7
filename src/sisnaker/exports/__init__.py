"""Exports (issue 13): every table as .xlsx or .csv, written by the background worker in constant memory, with a
progress page and a download link for whoever asked. The business apps register their export sources here
(``registry.register``, from their ``AppConfig.ready``); this app imports none of them (docs/exports.md)."""
