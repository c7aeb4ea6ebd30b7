"""Pure helpers for the words of a message that may go by SMS: no ORM, no clock.

An SMS is cheap only while it fits one or two parts, so what a caller puts into a sentence (a program's title, a
manager's reason) is cut at a word with "...", and a reason that ends the caller's sentence loses its own full stop
(a message read "… BLK).." and "(Kartu Prake)" before these helpers). The mark is three full stops, not "…": a
character outside the GSM 7-bit alphabet turns the whole SMS into UCS-2, 70 characters a part instead of 160."""

from __future__ import annotations

PROGRAM_TITLE = 60  # characters of a program's title inside a message
REASON = 80  # characters of a reason inside a message (the page the message links to shows it whole)


ELLIPSIS = "..."


def clip(text: str, limit: int) -> str:
    """``text`` on one line within ``limit`` characters (at least 4), cut at a word with "..." when longer."""
    if limit < len(ELLIPSIS) + 1:
        raise ValueError(f"clip needs a limit of at least {len(ELLIPSIS) + 1} characters")
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = max(1, limit - len(ELLIPSIS))
    cut = text[:room]
    # Cut at the last space unless the cut already ends a word, or unless that would drop more than half of what fits
    # (a long first word, a short limit): then the word is cut where it stands.
    if text[room] != " " and " " in cut and cut.rfind(" ") >= room // 2:
        cut = cut[:cut.rfind(" ")]
    # A parenthesis opened and not closed before the cut goes with its words: "Kuliner (Kartu..." read as a typo.
    if cut.count("(") > cut.count(")") and cut.rfind("(") >= room // 2:
        cut = cut[:cut.rfind("(")]
    return cut.rstrip(" ,;:-(.") + ELLIPSIS


def reason(text: str, limit: int = REASON) -> str:
    """A reason to put before the caller's own full stop: without its own trailing full stops, then clipped. A cut
    one ends with two of the ellipsis' dots: the caller's full stop makes the third ("syarat usia" + ".." + ".")."""
    short = clip(" ".join(text.split()).rstrip(". "), limit)
    return short[:-1] if short.endswith(ELLIPSIS) else short
