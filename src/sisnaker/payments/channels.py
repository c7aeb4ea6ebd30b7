"""The reference lists of where money can be sent, kept as data (``data/banks.csv``, ``data/ewallets.csv``):
banks by their Bank Indonesia clearing (SKN/RTGS) code, e-wallets by a provider code of our own. Read once,
no database (like ``regions.registry``), so a flushed test database or a fresh install always has them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
BANK, EWALLET = "bank", "ewallet"


@dataclass(frozen=True, slots=True)
class Provider:
    channel: str  # BANK or EWALLET
    code: str     # "002" (BRI), "gopay"
    name: str
    short_name: str


@cache
def providers() -> dict[str, Provider]:
    """Every provider by code (bank codes are digits, e-wallet codes letters, so they never collide)."""
    out: dict[str, Provider] = {}
    for channel, filename in ((BANK, "banks.csv"), (EWALLET, "ewallets.csv")):
        with open(DATA / filename, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                out[row["code"]] = Provider(channel, row["code"], row["name"], row["short_name"])
    return out


def provider(code: str) -> Provider | None:
    return providers().get((code or "").strip())


def choices(channel: str) -> list[tuple[str, str]]:
    return sorted(((p.code, f"{p.short_name} ({p.code})" if channel == BANK else p.short_name)
                   for p in providers().values() if p.channel == channel), key=lambda c: c[1].lower())
