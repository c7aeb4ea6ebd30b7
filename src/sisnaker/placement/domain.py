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
when it has no such day). Reporting itself is a later step; the card shows the boxes and their due dates.
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


@dataclass(frozen=True, slots=True)
class ReportBox:
    number: int  # 1..4
    due_on: dt.date
    due: bool  # the due date has come (reporting itself is a later step)


def report_boxes(*, issued_on: dt.date, today: dt.date) -> list[ReportBox]:
    """The four report boxes of a card issued on ``issued_on``, each six months after the previous one."""
    boxes = []
    for n in range(1, REPORT_BOXES + 1):
        due_on = add_months(issued_on, n * REPORT_INTERVAL_MONTHS)
        boxes.append(ReportBox(number=n, due_on=due_on, due=today >= due_on))
    return boxes


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
