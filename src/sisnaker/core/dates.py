"""Dates as people read them in messages: "7 Desember 2026" / "7 December 2026" (never ISO in prose).
Pure: no clock, no locale settings (the month names are Indonesia's, whatever the server's locale)."""

from __future__ import annotations

import datetime as dt

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def long_id(value: dt.date) -> str:
    """7 Desember 2026."""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def long_en(value: dt.date) -> str:
    """7 December 2026."""
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def msg_params(name: str, value: dt.date) -> dict[str, str]:
    """``{name}_id`` and ``{name}_en`` for ``Msg.format``: the date in each language."""
    return {f"{name}_id": long_id(value), f"{name}_en": long_en(value)}
