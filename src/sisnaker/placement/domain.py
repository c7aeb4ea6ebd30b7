"""Pure rules of placement: the AK/1 job-seeker card (kartu tanda pencari kerja, "kartu kuning").

No ORM, no clock: ``today`` is always passed in.

**Number.** ``<regency code, 4 digits>-<year>-<6-digit sequence>``, e.g. ``3273-2026-000017``: the regency
office that issued the card (Kemendagri code without the dot), the year of issue in Indonesia (Asia/Jakarta)
and the card's place in that office's sequence for that year. The sequence comes from the office's
``JobSeekerCounter`` row for the year, locked (SELECT … FOR UPDATE) and incremented in the transaction that
issues the card, so it has no gaps and no duplicates (``placement.services.ak1``).

**Validity.** A card is valid for two years from its issue date: from ``issued_on`` through the day before
the second anniversary (``expires_on``, the anniversary itself, is the first day it is expired). A card
issued on 29 February expires on 1 March two years later (the anniversary does not exist).

**Reports.** While still looking for work, the holder reports every six months: four report boxes, due six,
twelve, eighteen and twenty-four months after issue (the same day of the month, or the month's last day
when it has no such day). A box can be filled from ``REPORT_OPENS_DAYS`` before its due date through
``REPORT_GRACE_DAYS`` after it; a box whose window has passed unfilled is *missed* ("tidak melapor"). The
holder (or the office on their behalf) reports either "still looking" (fills the box) or "has found work"
(fills the box when one is open and ends the card: it needs no more reports). Reminders go out
``REMINDER_DAYS`` before each due date (``reminder_due``).

**State** (``card_state``) of an issued card on a day, first match wins: *ended* (found work), *expired* (past
``valid_until``), *unreported* (a box missed), *report_due* (a box open and unfilled), else *active*.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sisnaker.core.errors import Msg

VALID_YEARS = 2
REPORT_INTERVAL_MONTHS = 6
REPORT_BOXES = 4
REPORT_OPENS_DAYS = 30  # a box can be filled from 30 days before its due date …
REPORT_GRACE_DAYS = 30  # … through 30 days after it
REMINDER_DAYS = 7  # the holder is reminded 7 days before a box is due
EMPLOYER_MAX = 200
POSITION_MAX = 150
SKILLS_MAX = 1000
TRAINING_MAX = 1000
REASON_MAX = 1000
BIRTH_PLACE_MAX = 100
ADDRESS_MAX = 300


class CardStatus:
    """The status of an AK/1 application (stored values; never change one)."""

    SUBMITTED = "submitted"  # waiting for the regency office
    ISSUED = "issued"  # issued by a placement officer: has a number and validity
    REFUSED = "refused"  # refused with a reason

    CHOICES = ((SUBMITTED, _("Menunggu diterbitkan")), (ISSUED, _("Diterbitkan")), (REFUSED, _("Ditolak")))
    ALL = frozenset({SUBMITTED, ISSUED, REFUSED})


class Validity:
    """What the card page shows about an issued card."""

    VALID = "valid"
    EXPIRED = "expired"


MARITAL_STATUSES = (
    ("single", _("Belum kawin")),
    ("married", _("Kawin")),
    ("divorced", _("Cerai hidup")),
    ("widowed", _("Cerai mati")),
)

RELIGIONS = (
    ("islam", _("Islam")),
    ("protestant", _("Kristen")),
    ("catholic", _("Katolik")),
    ("hindu", _("Hindu")),
    ("buddhist", _("Buddha")),
    ("confucian", _("Khonghucu")),
    ("belief", _("Kepercayaan terhadap Tuhan YME")),
)


def card_number(*, regency_code: str, year: int, sequence: int) -> str:
    """The card's number (module docstring): ``card_number(regency_code="32.73", year=2026, sequence=17)``
    is ``3273-2026-000017``."""
    digits = regency_code.replace(".", "")
    if len(digits) != 4 or not digits.isdigit():
        raise ValueError(f"not a regency code: {regency_code!r}")
    if not 1 <= sequence <= 999_999:
        raise ValueError(f"sequence out of range: {sequence}")
    return f"{digits}-{year:04d}-{sequence:06d}"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expires_on(issued_on: dt.date) -> dt.date:
    """The first day the card is no longer valid: the second anniversary of issue (1 March for 29 February)."""
    try:
        return issued_on.replace(year=issued_on.year + VALID_YEARS)
    except ValueError:  # 29 February, and the anniversary's year is not a leap year
        return dt.date(issued_on.year + VALID_YEARS, 3, 1)


def valid_until(issued_on: dt.date) -> dt.date:
    """The last day the card is valid."""
    return expires_on(issued_on) - dt.timedelta(days=1)


def validity(*, issued_on: dt.date, today: dt.date) -> str:
    """``Validity.VALID`` from the issue date through ``valid_until``, ``Validity.EXPIRED`` after."""
    return Validity.VALID if today < expires_on(issued_on) else Validity.EXPIRED


class ReportOutcome:
    """What a six-monthly report says (stored values; never change one)."""

    LOOKING = "looking"  # still looking for work
    EMPLOYED = "employed"  # has found work: the card ends

    CHOICES = ((LOOKING, _("Masih mencari kerja")), (EMPLOYED, _("Sudah bekerja")))
    ALL = frozenset({LOOKING, EMPLOYED})


class BoxState:
    """One report box on a day."""

    LATER = "later"  # its window has not opened
    OPEN = "open"  # can be filled now
    FILLED = "filled"
    MISSED = "missed"  # its window passed unfilled
    CLOSED = "closed"  # the card ended before the box was due: nothing to report


class CardState:
    """An issued card on a day (module docstring: first match wins)."""

    ENDED = "ended"
    EXPIRED = "expired"
    UNREPORTED = "unreported"
    REPORT_DUE = "report_due"
    ACTIVE = "active"

    LABELS = {ENDED: _("Selesai — sudah bekerja"), EXPIRED: _("Kedaluwarsa"), UNREPORTED: _("Tidak melapor"),
              REPORT_DUE: _("Waktunya melapor"), ACTIVE: _("Berlaku")}


def report_due_on(issued_on: dt.date, number: int) -> dt.date:
    return add_months(issued_on, number * REPORT_INTERVAL_MONTHS)


def report_window(issued_on: dt.date, number: int) -> tuple[dt.date, dt.date]:
    """The first and last day box ``number`` can be filled."""
    due = report_due_on(issued_on, number)
    return due - dt.timedelta(days=REPORT_OPENS_DAYS), due + dt.timedelta(days=REPORT_GRACE_DAYS)


@dataclass(frozen=True, slots=True)
class ReportBox:
    number: int  # 1..4
    due_on: dt.date
    due: bool  # the due date has come
    state: str = BoxState.LATER  # BoxState
    reported_on: dt.date | None = None


def report_boxes(*, issued_on: dt.date, today: dt.date, reported: dict[int, dt.date] | None = None,
                 ended_on: dt.date | None = None) -> list[ReportBox]:
    """The four report boxes of a card issued on ``issued_on``, each six months after the previous one, with
    their state on ``today``; ``reported`` maps a box number to the day it was filled; ``ended_on``: the day
    the card ended (found work)."""
    reported = reported or {}
    boxes = []
    for n in range(1, REPORT_BOXES + 1):
        due_on = report_due_on(issued_on, n)
        opens, closes = report_window(issued_on, n)
        if n in reported:
            state = BoxState.FILLED
        elif ended_on is not None and ended_on <= closes:
            state = BoxState.CLOSED  # the card ended before this box's window closed: nothing more to report
        elif today > closes:
            state = BoxState.MISSED
        elif today >= opens:
            state = BoxState.OPEN
        else:
            state = BoxState.LATER
        boxes.append(ReportBox(number=n, due_on=due_on, due=today >= due_on, state=state, reported_on=reported.get(n)))
    return boxes


def open_box(*, issued_on: dt.date, today: dt.date, reported: dict[int, dt.date]) -> int | None:
    """The box that can be filled on ``today`` (None: none is open)."""
    for n in range(1, REPORT_BOXES + 1):
        opens, closes = report_window(issued_on, n)
        if opens <= today <= closes and n not in reported:
            return n
    return None


def card_state(*, issued_on: dt.date, today: dt.date, reported: dict[int, dt.date], ended_on: dt.date | None) -> str:
    """The card's ``CardState`` on ``today``."""
    if ended_on is not None and ended_on <= today:
        return CardState.ENDED
    if validity(issued_on=issued_on, today=today) == Validity.EXPIRED:
        return CardState.EXPIRED
    boxes = report_boxes(issued_on=issued_on, today=today, reported=reported)
    if any(b.state == BoxState.MISSED for b in boxes):
        return CardState.UNREPORTED
    if any(b.state == BoxState.OPEN for b in boxes):
        return CardState.REPORT_DUE
    return CardState.ACTIVE


def report_blocker(*, issued_on: dt.date, today: dt.date, reported: dict[int, dt.date], ended_on: dt.date | None,
                   outcome: str) -> Msg | None:
    """Why the holder cannot report ``outcome`` today (None: they can). "Still looking" needs an open box;
    "found work" can be reported any day the card is valid."""
    if ended_on is not None:
        return Msg("Kartu ini sudah selesai: pemegangnya sudah melaporkan bekerja.",
                   "This card has ended: its holder reported having found work.")
    if validity(issued_on=issued_on, today=today) == Validity.EXPIRED and open_box(
            issued_on=issued_on, today=today, reported=reported) is None:
        return Msg("Kartu ini sudah kedaluwarsa; ajukan kartu AK/1 baru.", "This card has expired; apply for a new AK/1 card.")
    if outcome == ReportOutcome.LOOKING and open_box(issued_on=issued_on, today=today, reported=reported) is None:
        upcoming = [b for b in report_boxes(issued_on=issued_on, today=today, reported=reported) if b.state == BoxState.LATER]
        if upcoming:
            opens = upcoming[0].due_on - dt.timedelta(days=REPORT_OPENS_DAYS)
            return Msg("Belum waktunya melapor: laporan ke-{n} dapat diisi mulai {opens}.",
                       "It is not time to report yet: report {n} can be filled from {opens}.").format(
                n=upcoming[0].number, opens=opens.isoformat())
        return Msg("Tidak ada laporan yang dapat diisi sekarang.", "There is no report to fill now.")
    return None


def reminder_due(*, issued_on: dt.date, today: dt.date, reported: dict[int, dt.date], ended_on: dt.date | None,
                 reminded_box: int) -> int | None:
    """The box to remind the holder of today (None: no reminder): the first unfilled box whose due date is at
    most ``REMINDER_DAYS`` away (or past, within its window) and which was not reminded of before
    (``reminded_box``: the last box a reminder went out for)."""
    if ended_on is not None or validity(issued_on=issued_on, today=today) == Validity.EXPIRED and open_box(
            issued_on=issued_on, today=today, reported=reported) is None:
        return None
    for n in range(reminded_box + 1, REPORT_BOXES + 1):
        due = report_due_on(issued_on, n)
        _opens, closes = report_window(issued_on, n)
        if n not in reported and due - dt.timedelta(days=REMINDER_DAYS) <= today <= closes:
            return n
    return None


def apply_blocker(*, statuses_and_issue_dates: list[tuple[str, dt.date | None]], today: dt.date) -> Msg | None:
    """Why a person may not apply now (None: they may): an application still waits, or a card is still valid.
    A refused application or an expired card does not stand in the way."""
    for status, issued_on in statuses_and_issue_dates:
        if status == CardStatus.SUBMITTED:
            return Msg("Permohonan kartu AK/1 Anda masih menunggu diterbitkan oleh dinas kabupaten/kota.",
                       "Your AK/1 card application is still waiting for the regency office.")
        if status == CardStatus.ISSUED and issued_on is not None and validity(issued_on=issued_on, today=today) == Validity.VALID:
            return Msg("Anda masih memegang kartu AK/1 yang berlaku sampai {until}.",
                       "You still hold an AK/1 card valid until {until}.").format(until=valid_until(issued_on).isoformat())
    return None


def decide_blocker(status: str) -> Msg | None:
    """Why an application cannot be issued or refused (None: it can): only a waiting one is decided."""
    if status != CardStatus.SUBMITTED:
        return Msg("Permohonan ini sudah diputuskan.", "This application has already been decided.")
    return None


def signed_fields(*, number: str, full_name: str, birth_date: dt.date, sex: str, regency_code: str, regency_name: str,
                  issued_on: dt.date, officer_name: str, verification_id: str) -> dict:
    """What the card's signature covers (``certification.domain.canonical_payload`` of it is signed): who holds
    which card from which office, and for how long. No NIK and no address: the payload is shown to whoever
    scans the QR code."""
    return {
        "kind": "ak1",
        "number": number,
        "full_name": full_name,
        "birth_date": birth_date.isoformat(),
        "sex": sex,
        "office": {"regency_code": regency_code, "regency": regency_name},
        "issued_on": issued_on.isoformat(),
        "valid_until": valid_until(issued_on).isoformat(),
        "officer": officer_name,
        "verification_id": verification_id,
    }
