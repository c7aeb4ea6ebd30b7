"""Pure helpers for the words of a message that may go by SMS: no ORM, no clock.

An SMS is cheap only while it fits one or two parts, so what a caller puts into a sentence (a program's title, a
manager's reason) is cut at a word with "…", and a reason that ends the caller's sentence loses its own full stop
(a message read "… BLK).." and "(Kartu Prake)" before these helpers)."""

from __future__ import annotations

PROGRAM_TITLE = 60  # characters of a program's title inside a message
REASON = 80  # characters of a reason inside a message (the page the message links to shows it whole)


def clip(text: str, limit: int) -> str:
    """``text`` on one line within ``limit`` characters, cut at a word with "…" when longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    # Cut at the last space unless the cut already ends a word; a single long word is cut where it stands.
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    # A parenthesis opened and not closed before the cut goes with its words: "Kuliner (Kartu…" read as a typo.
    if cut.count("(") > cut.count(")") and cut.rfind("(") > 0:
        cut = cut[:cut.rfind("(")]
    return cut.rstrip(" ,;:-(") + "…"


def reason(text: str, limit: int = REASON) -> str:
    """A reason to put before the caller's own full stop: clipped, without its trailing full stops or spaces."""
    return clip(text, limit).rstrip(". ")
