"""Pure rules of training-needs planning (issue 13). No ORM, no clock: ``today`` is always passed in.

Each region (a province "32" or a regency "32.73") proposes, per year, its priority vocational fields with the
number of people to train and why. A proposal (``Plan``) moves through a small lifecycle::

    draft ──submit──▶ submitted ──return (ministry, with a reason)──▶ returned
      ▲                  │                                              │
      └──reopen (region, └──────────────────────────◀──submit (region)──┘
         until the deadline)

* ``draft`` and ``returned`` are editable by the region's office (lines added, changed, removed);
* ``submit`` needs at least one line; a late submission (after the deadline) is accepted and shown as late;
* ``reopen`` takes a submitted plan back to draft, by its region, only until the year's deadline
  (``deadline``: after it the ministry has started to use the numbers);
* ``return`` is the ministry's (curators): a submitted plan goes back to its region with a written reason.

Who may act is ``core.permissions`` (``planning.propose``: the office of exactly the plan's area;
``planning.return``: the ministry); what the state allows is ``TRANSITIONS`` here.

The gap reading (``reading``) turns the numbers of one vocational field — open vacancies (demand), alumni
living in the area (supply, of whom job seekers with a valid AK/1 card) and the people proposed — into a verdict
and a sentence an officer can read out in a meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sisnaker.core.choices import Choices
from sisnaker.core.errors import Msg


class PlanStatus(Choices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")


# action → {from status: to status}. An action absent for a status is refused with ``refusal``.
TRANSITIONS: dict[str, dict[str, str]] = {
    "submit": {PlanStatus.DRAFT: PlanStatus.SUBMITTED, PlanStatus.RETURNED: PlanStatus.SUBMITTED},
    "reopen": {PlanStatus.SUBMITTED: PlanStatus.DRAFT},
    "return": {PlanStatus.SUBMITTED: PlanStatus.RETURNED},
}
ACTIONS = tuple(TRANSITIONS)
# Who performs each action: the region's own office, or the ministry.
ACTOR_OF = {"submit": "region", "reopen": "region", "return": "ministry"}
EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})

PEOPLE_MAX = 100_000
REASON_MAX = 1000
# How many years ahead a region may plan (the current year counts for late plans).
YEARS_AHEAD = 1
# The day of the year *before* the plan's year by which proposals are due (month, day); settings may move it.
DEFAULT_DEADLINE = (11, 30)
# The alumni window the gap view offers (years; 0: all alumni).
ALUMNI_WINDOWS = (1, 2, 3, 5, 0)
DEFAULT_ALUMNI_YEARS = 3


def next_status(*, action: str, status: str) -> str | None:
    """The status after ``action`` from ``status``, or None when the table does not allow it."""
    return TRANSITIONS.get(action, {}).get(status)


def is_editable(status: str) -> bool:
    return status in EDITABLE


def actions_for(status: str) -> list[str]:
    """The actions the table allows from ``status`` (the page offers those the viewer may do)."""
    return [a for a in ACTIONS if status in TRANSITIONS[a]]


def refusal(*, action: str, status: str) -> Msg:
    label = str(PlanStatus(status).label) if status in PlanStatus.values else status
    return Msg('Tindakan ini tidak berlaku untuk usulan berstatus "{s}".',
               'This action does not apply to a proposal that is "{s}".').format(s=label)


def deadline(year: int, month_day: tuple[int, int] = DEFAULT_DEADLINE) -> dt.date:
    """The last day to submit (and to reopen) proposals for ``year``: ``month_day`` of the year before."""
    month, day = month_day
    return dt.date(year - 1, month, day)


def reopen_blocker(*, year: int, today: dt.date, month_day: tuple[int, int] = DEFAULT_DEADLINE) -> Msg | None:
    """A submitted plan is reopened by its region only until the deadline; after it, only a return by the
    ministry gives it back."""
    due = deadline(year, month_day)
    if today > due:
        return Msg("Batas waktu usulan tahun {year} sudah lewat ({due}); usulan hanya dapat dikembalikan oleh Kementerian.",
                   "The deadline for {year} proposals has passed ({due}); only the ministry can return the proposal.").format(
            year=year, due=due.isoformat())
    return None


def is_late(*, year: int, submitted_on: dt.date, month_day: tuple[int, int] = DEFAULT_DEADLINE) -> bool:
    return submitted_on > deadline(year, month_day)


def years_open(today: dt.date) -> list[int]:
    """The years a plan can be made for today: this year (late) and the next ``YEARS_AHEAD``."""
    return list(range(today.year, today.year + YEARS_AHEAD + 1))


def year_error(year: int | None, *, today: dt.date) -> Msg | None:
    years = years_open(today)
    if year is None or year not in years:
        return Msg("Pilih tahun usulan {first}–{last}.", "Choose a proposal year {first}–{last}.").format(
            first=years[0], last=years[-1])
    return None


def submit_blocker(*, lines: int) -> Msg | None:
    if lines < 1:
        return Msg("Tambahkan paling sedikit satu kejuruan sebelum mengajukan usulan.",
                   "Add at least one vocational field before submitting the proposal.")
    return None


def line_errors(*, people: int | None, reason: str) -> dict[str, Msg]:
    """What is wrong with a line as typed (field → message); empty when it is fine."""
    errors: dict[str, Msg] = {}
    if people is None or people < 1 or people > PEOPLE_MAX:
        errors["people"] = Msg("Jumlah orang yang dilatih harus 1–{n}.", "People to train must be 1–{n}.").format(n=PEOPLE_MAX)
    text = (reason or "").strip()
    if not text:
        errors["reason"] = Msg("Tulis alasan usulan kejuruan ini (mis. permintaan industri, lowongan yang belum terisi).",
                               "Write why this field is proposed (e.g. industry demand, unfilled vacancies).")
    elif len(text) > REASON_MAX:
        errors["reason"] = Msg("Alasan paling panjang {n} karakter.", "The reason can be at most {n} characters.").format(n=REASON_MAX)
    return errors


def return_reason_error(reason: str) -> Msg | None:
    text = (reason or "").strip()
    if not text:
        return Msg("Tulis alasan pengembalian agar daerah tahu apa yang harus diperbaiki.",
                   "Write why the proposal is returned, so the region knows what to fix.")
    if len(text) > REASON_MAX:
        return Msg("Alasan paling panjang {n} karakter.", "The reason can be at most {n} characters.").format(n=REASON_MAX)
    return None


def alumni_since(*, today: dt.date, years: int) -> dt.date | None:
    """The first training end date counted in a window of ``years`` (0: all alumni, None)."""
    if years <= 0:
        return None
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return dt.date(today.year - years, 2, 28)


# --- the gap reading ---------------------------------------------------------------------------------------

class Verdict(Choices):
    UNCOVERED = "uncovered", _("Kekurangan tanpa usulan")
    PARTLY = "partly", _("Usulan menutup sebagian")
    COVERED = "covered", _("Usulan menutup kekurangan")
    NO_GAP = "no_gap", _("Tidak ada kekurangan")
    ABOVE_DEMAND = "above_demand", _("Usulan tanpa kekurangan lowongan")


@dataclass(frozen=True, slots=True)
class Reading:
    gap: int  # demand − alumni: trained people the open vacancies still lack (negative: more alumni than openings)
    remaining: int  # what stays uncovered after the proposal (never below 0)
    verdict: Verdict
    text: Msg


def reading(*, demand: int, alumni: int, seekers: int, proposed: int) -> Reading:
    """The numbers of one vocational field, read: e.g. "permintaan 120 lowongan, alumni 30 (12 pencari kerja
    ber-AK/1), usulan 40: usulan menutup 40 dari kekurangan 90"."""
    gap = demand - alumni
    remaining = max(gap - proposed, 0)
    head = Msg("permintaan {d} lowongan, alumni {a} ({s} pencari kerja ber-AK/1), usulan {p}",
               "demand {d} openings, alumni {a} ({s} job seekers with an AK/1 card), proposed {p}").format(
        d=demand, a=alumni, s=seekers, p=proposed)
    if gap > 0 and proposed <= 0:
        verdict, tail = Verdict.UNCOVERED, Msg("kekurangan {g} orang terlatih tanpa usulan", "a shortfall of {g} trained people "
                                              "with no proposal").format(g=gap)
    elif gap > 0 and proposed < gap:
        verdict, tail = Verdict.PARTLY, Msg("usulan menutup {p} dari kekurangan {g}",
                                            "the proposal covers {p} of a shortfall of {g}").format(p=proposed, g=gap)
    elif gap > 0:
        verdict, tail = Verdict.COVERED, Msg("usulan menutup kekurangan {g}", "the proposal covers the shortfall of {g}").format(g=gap)
    elif proposed > 0:
        verdict, tail = Verdict.ABOVE_DEMAND, Msg("alumni sudah cukup untuk lowongan terbuka; alasan usulan perlu dibaca",
                                                  "alumni already match the open vacancies; read the proposal's reason")
    else:
        verdict, tail = Verdict.NO_GAP, Msg("tidak ada kekurangan", "no shortfall")
    return Reading(gap=gap, remaining=remaining, verdict=verdict,
                   text=Msg(f"{head.id}: {tail.id}", f"{head.en}: {tail.en}"))


def gap_order(*, gap: int, proposed: int, name: str) -> tuple:
    """Rows sorted by gap, largest first; then by the people proposed, then by name."""
    return (-gap, -proposed, name.casefold())
