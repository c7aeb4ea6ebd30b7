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
from sisnaker.regions.nik import age_on

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


def apply_blocker(*, statuses_and_issue_dates: list[tuple], today: dt.date) -> Msg | None:
    """Why a person may not apply now (None: they may): an application still waits, or a card is still valid.
    A refused application, an expired card or one that ended (its holder found work: (status, issued_on, ended_on))
    does not stand in the way — someone who lost that job registers again."""
    for status, issued_on, *ended in statuses_and_issue_dates:
        if ended and ended[0] is not None:
            continue
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
# =====================================================================================================
# Employers and vacancies (issue 12 "Employers and vacancies")
# =====================================================================================================

NIB_LENGTH = 13
COMPANY_NAME_MIN = 3
REASON_REQUIRED_ACTIONS = frozenset({"reject", "suspend", "reinstate"})

# KBLI 2020 sections (Klasifikasi Baku Lapangan Usaha Indonesia, BPS), A–U: a company's sector. Kept as data
# here (letters are stored; titles are shown). A vacancy's or placement's sector is the same letter.
KBLI_SECTIONS: tuple[tuple[str, str], ...] = (
    ("A", "Pertanian, Kehutanan dan Perikanan"),
    ("B", "Pertambangan dan Penggalian"),
    ("C", "Industri Pengolahan"),
    ("D", "Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin"),
    ("E", "Treatment Air, Treatment Air Limbah, Treatment dan Pemulihan Material Sampah, dan Aktivitas Remediasi"),
    ("F", "Konstruksi"),
    ("G", "Perdagangan Besar dan Eceran; Reparasi dan Perawatan Mobil dan Sepeda Motor"),
    ("H", "Pengangkutan dan Pergudangan"),
    ("I", "Penyediaan Akomodasi dan Penyediaan Makan Minum"),
    ("J", "Informasi dan Komunikasi"),
    ("K", "Aktivitas Keuangan dan Asuransi"),
    ("L", "Real Estat"),
    ("M", "Aktivitas Profesional, Ilmiah dan Teknis"),
    ("N", "Aktivitas Penyewaan dan Sewa Guna Usaha Tanpa Hak Opsi, Ketenagakerjaan, Agen Perjalanan dan Penunjang Usaha Lainnya"),
    ("O", "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib"),
    ("P", "Pendidikan"),
    ("Q", "Aktivitas Kesehatan Manusia dan Aktivitas Sosial"),
    ("R", "Kesenian, Hiburan dan Rekreasi"),
    ("S", "Aktivitas Jasa Lainnya"),
    ("T", "Aktivitas Rumah Tangga sebagai Pemberi Kerja; Aktivitas yang Menghasilkan Barang dan Jasa oleh Rumah Tangga "
          "yang Digunakan untuk Memenuhi Kebutuhan Sendiri"),
    ("U", "Aktivitas Badan Internasional dan Badan Ekstra Internasional Lainnya"),
)
KBLI_LETTERS = frozenset(letter for letter, _title in KBLI_SECTIONS)


def nib_clean(text: str) -> str | None:
    """The NIB (Nomor Induk Berusaha, OSS) as 13 digits, spaces and dashes typed in it dropped; None when it is
    not 13 digits."""
    digits = "".join(ch for ch in (text or "") if ch not in " -.")
    return digits if len(digits) == NIB_LENGTH and digits.isascii() and digits.isdigit() else None


class CompanyStatus:
    """Vetting of a company by the regency office of its regency (stored values; never change one).

                 approve                suspend
      pending ─────────────► approved ─────────► suspended
       ▲ │  ▲                 │ ▲                   │
       │ │  │ resubmit        │ └──── reinstate ────┘
       │ ▼  │ (its staff, after correcting the data)
       │ rejected             │
       └──── change_identity ─┘ (its staff change the name, NIB or regency: the office vets it again)

    Only an approved company publishes vacancies or handles applicants; a pending, rejected or suspended one
    shows nothing in public (its published vacancies disappear from the search while it is suspended).
    """

    PENDING, APPROVED, REJECTED, SUSPENDED = "pending", "approved", "rejected", "suspended"
    CHOICES = ((PENDING, _("Menunggu persetujuan")), (APPROVED, _("Disetujui")), (REJECTED, _("Ditolak")),
               (SUSPENDED, _("Dibekukan")))
    ALL = frozenset({PENDING, APPROVED, REJECTED, SUSPENDED})


COMPANY_TRANSITIONS: dict[str, dict[str, str]] = {
    "approve": {CompanyStatus.PENDING: CompanyStatus.APPROVED},
    "reject": {CompanyStatus.PENDING: CompanyStatus.REJECTED},
    "suspend": {CompanyStatus.APPROVED: CompanyStatus.SUSPENDED},
    "reinstate": {CompanyStatus.SUSPENDED: CompanyStatus.APPROVED},
    "resubmit": {CompanyStatus.REJECTED: CompanyStatus.PENDING},
    "change_identity": {CompanyStatus.APPROVED: CompanyStatus.PENDING},
}
COMPANY_REVIEW_ACTIONS = ("approve", "reject", "suspend", "reinstate")

# What the regency office checked when it approved (the NIB in OSS, the legal name on it, the regency that makes it
# the deciding office). Changing one of them on an approved company sends it back to the office
# (``change_identity``); the other fields (sector, district in the same regency, address, contacts) change freely.
COMPANY_IDENTITY_FIELDS = ("name", "nib", "regency")


class CompanyEdit:
    """What happens to an edit of a company's data (``company_edit_outcome``)."""

    SAVE, REVIEW, REFUSE, RESUBMIT = "save", "review", "refuse", "resubmit"


def company_edit_outcome(*, status: str, identity_changed: bool) -> str:
    """An edit by the company's staff: a rejected company's corrected data is a resubmission; the identity of an
    approved company goes back to the office for review (pending until it decides again); a suspended company's
    identity cannot change (the suspension is the office's, and is not lifted by an edit); anything else is saved
    as it is (a pending company's data are still being checked)."""
    if status == CompanyStatus.REJECTED:
        return CompanyEdit.RESUBMIT
    if not identity_changed or status == CompanyStatus.PENDING:
        return CompanyEdit.SAVE
    if status == CompanyStatus.APPROVED:
        return CompanyEdit.REVIEW
    return CompanyEdit.REFUSE


def company_next_status(*, action: str, status: str) -> str | None:
    """The company's status after ``action``, or None when ``action`` does not apply to ``status``."""
    return COMPANY_TRANSITIONS.get(action, {}).get(status)


def company_transition_refusal(*, status: str) -> Msg:
    labels = {CompanyStatus.PENDING: ("menunggu persetujuan", "pending"), CompanyStatus.APPROVED: ("disetujui", "approved"),
              CompanyStatus.REJECTED: ("ditolak", "rejected"), CompanyStatus.SUSPENDED: ("dibekukan", "suspended")}
    id_label, en_label = labels.get(status, (status, status))
    return Msg("Perusahaan berstatus \"{s}\": tindakan ini tidak berlaku.",
               "The company is \"{s_en}\": this action does not apply.").format(s=id_label, s_en=en_label)


def company_public_blocker(status: str) -> Msg | None:
    """Why a company may not do anything public (publish a vacancy, handle applicants); None when approved."""
    if status == CompanyStatus.APPROVED:
        return None
    if status == CompanyStatus.PENDING:
        return Msg("Perusahaan Anda masih menunggu persetujuan Disnaker kabupaten/kota; lowongan dapat ditayangkan "
                   "setelah disetujui.",
                   "Your company is awaiting approval by the regency manpower office; vacancies can be published once "
                   "it is approved.")
    if status == CompanyStatus.REJECTED:
        return Msg("Pendaftaran perusahaan ditolak. Perbaiki datanya lalu ajukan ulang.",
                   "The company's registration was rejected. Correct its data and resubmit it.")
    return Msg("Perusahaan dibekukan, sehingga tidak dapat menayangkan lowongan atau memproses pelamar.",
               "The company is suspended and can neither publish vacancies nor handle applicants.")


# --- vacancies ---------------------------------------------------------------------------------------

class VacancyStatus:
    """A vacancy's lifecycle (stored values; never change one).

      draft ──publish──► published ──close──► closed
                              └──────fill────► filled   (the employer reports how many were filled)
    """

    DRAFT, PUBLISHED, CLOSED, FILLED = "draft", "published", "closed", "filled"
    CHOICES = ((DRAFT, _("Draf")), (PUBLISHED, _("Tayang")), (CLOSED, _("Ditutup")), (FILLED, _("Terisi")))
    ALL = frozenset({DRAFT, PUBLISHED, CLOSED, FILLED})


VACANCY_TRANSITIONS: dict[str, dict[str, str]] = {
    "publish": {VacancyStatus.DRAFT: VacancyStatus.PUBLISHED},
    "close": {VacancyStatus.PUBLISHED: VacancyStatus.CLOSED},
    "fill": {VacancyStatus.PUBLISHED: VacancyStatus.FILLED, VacancyStatus.CLOSED: VacancyStatus.FILLED},
}


def vacancy_next_status(*, action: str, status: str) -> str | None:
    return VACANCY_TRANSITIONS.get(action, {}).get(status)


WORK_TYPES = (
    ("full_time", _("Penuh waktu")),
    ("part_time", _("Paruh waktu")),
    ("contract", _("Kontrak (PKWT)")),
    ("internship", _("Magang")),
)
WORK_TYPE_VALUES = frozenset(v for v, _label in WORK_TYPES)
SEX_REQUIREMENTS = (("any", _("Laki-laki/perempuan")), ("M", _("Laki-laki")), ("F", _("Perempuan")))
SEX_VALUES = frozenset(v for v, _label in SEX_REQUIREMENTS)

# Formal education levels (accounts.Person.Education values) in order: a vacancy asking for "sma" is open to
# anyone with SMA, SMK or more. SMA and SMK rank the same; D4 and S1 too.
EDUCATION_RANK = {"none": 0, "sd": 1, "smp": 2, "sma": 3, "smk": 3, "d1": 4, "d2": 5, "d3": 6, "d4": 7, "s1": 7,
                  "s2": 8, "s3": 9}


def education_at_most(level: str) -> list[str]:
    """The education requirements a person with ``level`` meets (for the search filter "my education")."""
    rank = EDUCATION_RANK.get(level)
    if rank is None:
        return []
    return sorted(code for code, r in EDUCATION_RANK.items() if r <= rank)


TITLE_MIN, TITLE_MAX = 3, 150
SKILLS_VACANCY_MAX = 2000
DESCRIPTION_MAX = 5000
OPENINGS_MAX = 10_000
AGE_MIN, AGE_MAX = 15, 70  # UU 13/2003: no work under 15 (a child's light work is not a vacancy here)
EXPERIENCE_MAX = 50
WAGE_MAX = 1_000_000_000  # a month, in rupiah: a sanity bound, not a policy
VALIDITY_MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class VacancyInput:
    """What the employer types (parsed by the form or the API), checked by ``vacancy_errors``."""

    title: str
    openings: int
    opens_on: dt.date
    closes_on: dt.date
    skills: str
    work_type: str
    sex: str = "any"
    age_min: int | None = None
    age_max: int | None = None
    min_education: str = ""
    experience_years: int = 0
    wage_min: int | None = None
    wage_max: int | None = None
    wage_negotiable: bool = False
    description: str = ""


def vacancy_errors(v: VacancyInput) -> dict[str, Msg]:
    """Every problem of a vacancy's fields, by field (empty: valid). Dates are checked for order and length
    here; that the closing date is not past is checked when publishing (``publish_blocker``)."""
    errors: dict[str, Msg] = {}
    title = " ".join((v.title or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = Msg("Nama jabatan {a}–{b} karakter.", "The job title is {a}–{b} characters.").format(a=TITLE_MIN, b=TITLE_MAX)
    if not 1 <= v.openings <= OPENINGS_MAX:
        errors["openings"] = Msg("Jumlah yang dibutuhkan 1–{n} orang.", "The number needed is 1–{n}.").format(n=OPENINGS_MAX)
    if v.closes_on < v.opens_on:
        errors["closes_on"] = Msg("Tanggal tutup tidak boleh sebelum tanggal buka.", "The closing date cannot be before the opening date.")
    elif (v.closes_on - v.opens_on).days > VALIDITY_MAX_DAYS:
        errors["closes_on"] = Msg("Masa berlaku lowongan paling lama {n} hari.", "A vacancy is valid for at most {n} days.").format(n=VALIDITY_MAX_DAYS)
    if not (v.skills or "").strip():
        errors["skills"] = Msg("Tuliskan keterampilan yang dibutuhkan.", "Write the skills needed.")
    elif len(v.skills) > SKILLS_VACANCY_MAX:
        errors["skills"] = Msg("Keterampilan paling banyak {n} karakter.", "Skills are at most {n} characters.").format(n=SKILLS_VACANCY_MAX)
    if len(v.description or "") > DESCRIPTION_MAX:
        errors["description"] = Msg("Uraian paling banyak {n} karakter.", "The description is at most {n} characters.").format(n=DESCRIPTION_MAX)
    if v.work_type not in WORK_TYPE_VALUES:
        errors["work_type"] = Msg("Pilih jenis pekerjaan.", "Choose the work type.")
    if v.sex not in SEX_VALUES:
        errors["sex"] = Msg("Pilih jenis kelamin yang dibutuhkan.", "Choose the sex required.")
    for name, age in (("age_min", v.age_min), ("age_max", v.age_max)):
        if age is not None and not AGE_MIN <= age <= AGE_MAX:
            errors[name] = Msg("Usia {a}–{b} tahun.", "Age is {a}–{b} years.").format(a=AGE_MIN, b=AGE_MAX)
    if "age_min" not in errors and "age_max" not in errors and v.age_min is not None and v.age_max is not None \
            and v.age_min > v.age_max:
        errors["age_max"] = Msg("Usia maksimal tidak boleh di bawah usia minimal.", "The maximum age cannot be below the minimum.")
    if v.min_education and v.min_education not in EDUCATION_RANK:
        errors["min_education"] = Msg("Pendidikan minimal tidak dikenal.", "Unknown minimum education.")
    if not 0 <= v.experience_years <= EXPERIENCE_MAX:
        errors["experience_years"] = Msg("Pengalaman 0–{n} tahun.", "Experience is 0–{n} years.").format(n=EXPERIENCE_MAX)
    for name, wage in (("wage_min", v.wage_min), ("wage_max", v.wage_max)):
        if wage is not None and not 0 < wage <= WAGE_MAX:
            errors[name] = Msg("Upah per bulan dalam rupiah, lebih dari 0.", "The monthly wage in rupiah, above 0.")
    if "wage_min" not in errors and "wage_max" not in errors:
        if v.wage_min is not None and v.wage_max is not None and v.wage_min > v.wage_max:
            errors["wage_max"] = Msg("Upah maksimal tidak boleh di bawah upah minimal.", "The maximum wage cannot be below the minimum.")
        if v.wage_min is None and v.wage_max is None and not v.wage_negotiable:
            errors["wage_min"] = Msg("Isi kisaran upah, atau pilih \"dapat dinegosiasikan\".",
                                     "Give the wage range, or choose \"negotiable\".")
        if v.wage_min is None and v.wage_max is not None:
            errors["wage_min"] = Msg("Isi juga upah minimal.", "Give the minimum wage too.")
    return errors


def publish_blocker(*, company_status: str, closes_on: dt.date, today: dt.date) -> Msg | None:
    """Why a draft may not be published now (None: it may): the company must be approved and the vacancy
    still open on ``today``."""
    blocker = company_public_blocker(company_status)
    if blocker is not None:
        return blocker
    if closes_on < today:
        return Msg("Tanggal tutup lowongan sudah lewat; ubah tanggalnya dulu.", "The vacancy's closing date has passed; change it first.")
    return None


def is_open(*, status: str, opens_on: dt.date, closes_on: dt.date, today: dt.date) -> bool:
    """A vacancy takes applications: published and ``today`` within its validity period."""
    return status == VacancyStatus.PUBLISHED and opens_on <= today <= closes_on


def fill_errors(*, filled: int, openings: int) -> Msg | None:
    """The employer reports how many were filled: 0..openings."""
    if not 0 <= filled <= openings:
        return Msg("Jumlah terisi 0–{n} (jumlah yang dibutuhkan).", "The number filled is 0–{n} (the number needed).").format(n=openings)
    return None


# --- applications ------------------------------------------------------------------------------------

class Stage:
    """An application's stage (stored values; never change one).

      applied ─► shortlisted ─► interview ─► offered ─► hired
         └───────────┴──────────────┴───────────┴─────► rejected

    Hiring creates a placement record (source "application") and raises the vacancy's filled count.
    """

    APPLIED, SHORTLISTED, INTERVIEW, OFFERED = "applied", "shortlisted", "interview", "offered"
    HIRED, REJECTED = "hired", "rejected"
    CHOICES = ((APPLIED, _("Melamar")), (SHORTLISTED, _("Lolos seleksi berkas")), (INTERVIEW, _("Wawancara")),
               (OFFERED, _("Ditawari kerja")), (HIRED, _("Diterima bekerja")), (REJECTED, _("Tidak lolos")))
    ALL = frozenset({APPLIED, SHORTLISTED, INTERVIEW, OFFERED, HIRED, REJECTED})
    FINAL = frozenset({HIRED, REJECTED})


APPLICATION_TRANSITIONS: dict[str, dict[str, str]] = {
    "shortlist": {Stage.APPLIED: Stage.SHORTLISTED},
    "interview": {Stage.SHORTLISTED: Stage.INTERVIEW},
    "offer": {Stage.INTERVIEW: Stage.OFFERED},
    "hire": {Stage.OFFERED: Stage.HIRED},
    "reject": {s: Stage.REJECTED for s in (Stage.APPLIED, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFERED)},
}
APPLICATION_ACTIONS = tuple(APPLICATION_TRANSITIONS)


# An interview invitation carries its day, time and place in the employer's note: the applicant learns them only
# from the message (the employer sees no applicant contact), so "Undang wawancara" without them invites to nothing.
INTERVIEW_NOTE_MIN = 10


def move_note_problem(*, action: str, note: str) -> Msg | None:
    """Why ``note`` cannot go with ``action``, or None: an interview needs its day, time and place."""
    if action == "interview" and len(note) < INTERVIEW_NOTE_MIN:
        return Msg("Tulis hari, jam, dan tempat wawancara di catatan: pelamar hanya mengetahuinya dari pesan ini.",
                   "Write the interview's day, time and place in the note: the applicant learns them only from this message.")
    return None


def application_next_stage(*, action: str, stage: str) -> str | None:
    return APPLICATION_TRANSITIONS.get(action, {}).get(stage)


def actions_from(stage: str) -> list[str]:
    """The actions the employer may take on an application at ``stage`` (the page's buttons)."""
    return [a for a in APPLICATION_ACTIONS if stage in APPLICATION_TRANSITIONS[a]]


def hire_blocker(*, filled: int, openings: int) -> Msg | None:
    if filled >= openings:
        return Msg("Semua {n} posisi lowongan ini sudah terisi.", "All {n} positions of this vacancy are filled.").format(n=openings)
    return None


class PlacementSource:
    """Where a placement record came from (stored values; never change one)."""

    APPLICATION, EMPLOYER, ALUMNUS, OFFICER = "application", "employer", "alumnus", "officer"
    CHOICES = ((APPLICATION, _("Lamaran di Sisnaker")), (EMPLOYER, _("Dilaporkan pemberi kerja")),
               (ALUMNUS, _("Dilaporkan sendiri (alumni, pemegang AK/1)")), (OFFICER, _("Dilaporkan petugas Disnaker")))
    ALL = frozenset({APPLICATION, EMPLOYER, ALUMNUS, OFFICER})


# =====================================================================================================
# Alumni outcomes and reporting completeness (issue 12 "Placement records and regional reporting")
# =====================================================================================================

class OutcomeStatus:
    """What is known of an alumnus's work after a training (stored values; never change one). The first two are
    at work and come with a placement record."""

    EMPLOYED, SELF_EMPLOYED, NOT_WORKING, STUDYING = "employed", "self_employed", "not_working", "studying"
    CHOICES = ((EMPLOYED, _("Bekerja (penerima upah)")), (SELF_EMPLOYED, _("Berwirausaha")),
               (NOT_WORKING, _("Belum bekerja")), (STUDYING, _("Melanjutkan pendidikan")))
    ALL = frozenset({EMPLOYED, SELF_EMPLOYED, NOT_WORKING, STUDYING})
    AT_WORK = frozenset({EMPLOYED, SELF_EMPLOYED})


OUTCOME_SOURCE_SURVEY = "survey"  # the employment survey's answer (counted, not copied: surveys holds it)
OUTCOME_BULK_MAX = 500  # alumni in one bulk report
COMPLETENESS_REMIND_BELOW = 50  # regions under this percentage of known outcomes are reminded


# The earliest age at which anyone's work is recorded (UU 13/2003: light work from 13 with conditions; 15 is the
# age the labour force counts from), and how far ahead a hire may start.
MIN_WORK_AGE = 15
HIRE_START_AHEAD_DAYS = 366


def start_date_problem(*, start_date: dt.date, birth_date: dt.date | None, today: dt.date, ahead_days: int = 0) -> Msg | None:
    """Why a start of work on ``start_date`` cannot be right (None: it can): after ``today`` + ``ahead_days`` (a hire
    may start later; a report says what already happened), or before the person was ``MIN_WORK_AGE``."""
    if start_date > today + dt.timedelta(days=ahead_days):
        if ahead_days:
            return Msg("Tanggal mulai bekerja paling lambat {d}.", "The start date is {d} at the latest.").format(
                d=(today + dt.timedelta(days=ahead_days)).isoformat())
        return Msg("Tanggal mulai bekerja tidak boleh di masa depan.", "The start date cannot be in the future.")
    if birth_date is not None and age_on(birth_date, start_date) < MIN_WORK_AGE:
        return Msg("Tanggal mulai bekerja {d} sebelum orang ini berumur {n} tahun: periksa tanggalnya.",
                   "The start date {d} is before this person was {n}: check the date.").format(d=start_date.isoformat(), n=MIN_WORK_AGE)
    return None


def outcome_blocker(*, status: str, employer_name: str, position: str, start_date: dt.date | None,
                    today: dt.date, birth_date: dt.date | None = None) -> Msg | None:
    """Why an outcome report cannot be taken (None: it can). At work needs the employer (or the business, when
    self-employed), the position and a start date that is not in the future."""
    if status not in OutcomeStatus.ALL:
        return Msg("Pilih keadaan kerja alumni.", "Choose the alumnus's work status.")
    if status in OutcomeStatus.AT_WORK:
        if not employer_name.strip():
            return Msg("Isi nama pemberi kerja atau usaha.", "Give the employer's or business's name.")
        if not position.strip():
            return Msg("Isi jabatan/pekerjaan.", "Give the position or work.")
        if start_date is None:
            return Msg("Isi tanggal mulai bekerja.", "Give the start date.")
        return start_date_problem(start_date=start_date, birth_date=birth_date, today=today)
    return None


def superseded_by_report(*, previous_start: dt.date, status: str, start_date: dt.date | None,
                         today: dt.date) -> dt.date | None:
    """What a regional office's new report for a training makes of the job its earlier report of that training
    recorded, still open (started ``previous_start``). Returns the last day worked there (the earlier job ended:
    it stays counted, the person was placed), or None when the earlier report was wrong and is corrected (left out
    of the figures): a job reported again from the same day or earlier is the same job, or the first was a mistake.
    Another job from a later day: the earlier one ended the day before it began. Not at work now: it ended by the
    day of this report (the latest day it can have ended)."""
    if status in OutcomeStatus.AT_WORK and start_date is not None:
        if start_date <= previous_start:
            return None
        return start_date - dt.timedelta(days=1)
    return max(previous_start, today)


_STAGE_NEWS = {
    Stage.SHORTLISTED: "lolos seleksi berkas",
    Stage.INTERVIEW: "diundang wawancara",
    Stage.OFFERED: "ditawari kerja",
    Stage.HIRED: "diterima bekerja",
    Stage.REJECTED: "belum berhasil (tidak lolos)",
}


def stage_news(*, stage: str, company: str, position: str, note: str, start_date: dt.date | None,
               link: str) -> tuple[str, str] | None:
    """The message (subject, text) that tells an applicant their application moved to ``stage`` (None: nothing to
    tell). The employer's note goes with it: an interview's time and place, a rejection's reason."""
    news = _STAGE_NEWS.get(stage)
    if news is None:
        return None
    text = f"Sisnaker: lamaran Anda untuk {position} di {company} {news}."
    if stage == Stage.HIRED and start_date is not None:
        text += f" Mulai bekerja {start_date:%d/%m/%Y}."
    if note:
        said = " ".join(note.split())[:300]
        text += f" Pesan perusahaan: {said}" + ("" if said.endswith((".", "!", "?")) else ".")
    text += f" Lamaran Anda: {link}"  # a link opens on a phone; "Sisnaker: Lamaran saya" had to be found
    return f"Sisnaker: lamaran Anda di {company}"[:150], text


FILLED_NOTE = "Semua posisi lowongan ini sudah terisi."  # the reason on the applications a filled vacancy closes


def filled_news(*, company: str, position: str, link: str) -> tuple[str, str]:
    """The message (subject, text) to an applicant still waiting when every position of the vacancy is filled (by
    hires here or as the employer reported): their application is closed, so they should look elsewhere rather
    than wait for an answer that will not come."""
    return (f"Sisnaker: lowongan {position} di {company} sudah terisi"[:150],
            f"Sisnaker: semua posisi {position} di {company} sudah terisi, jadi lamaran Anda tidak dilanjutkan. "
            f"Terima kasih sudah melamar. Lowongan lain: {link}")


def percentage(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole percent, rounded half up (None when there is nothing to count)."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


# =====================================================================================================
# Placements reported outside a hire: by the employer, by the alumnus themself (issue 12 "Placement records")
# =====================================================================================================
#
# **Employer.** The staff of an approved company report that a person works for them. The person is named by NIK,
# full name and birth date, which must all match one record (an account's, or an alumnus record an institution
# added); otherwise the answer is the same whether nobody has the NIK or the data belong to someone else. The
# placement is formal (someone an employer reports is employed, not self-employed) and, when the person has
# graduated from a training, linked to their latest graduation so it counts as that training's outcome.
# The company's staff end a placement they reported or hired ("no longer works here") with its end date.
#
# **Alumnus.** An alumnus reports their own work status for one of their graduated trainings, from their account or
# the personal link of a reminder: at work (employer or own business, position, start date) or not. Each report is
# a new ``Outcome`` (the latest wins; earlier ones stay). When their previous own report put them at a job that is
# still open, they say what became of it: the report was wrong (``PREVIOUS_CORRECT``: that placement is marked
# corrected and leaves the figures) or they left that job (``PREVIOUS_ENDED``, with the day they left).

PREVIOUS_CORRECT, PREVIOUS_ENDED = "correct", "ended"
PREVIOUS_CHOICES = ((PREVIOUS_CORRECT, _("Laporan saya sebelumnya keliru: ganti dengan laporan ini")),
                    (PREVIOUS_ENDED, _("Saya sudah berhenti dari pekerjaan itu")))
PREVIOUS_VALUES = frozenset({PREVIOUS_CORRECT, PREVIOUS_ENDED})
# The sources whose placements a company's staff may end: its hires and its own reports. Officers' and alumni's
# reports name an employer by its name only (no company), so no company can end them.
COMPANY_SOURCES = frozenset({PlacementSource.APPLICATION, PlacementSource.EMPLOYER})


def employer_report_blocker(*, position: str, start_date: dt.date | None, sector: str, today: dt.date,
                            birth_date: dt.date | None = None) -> tuple[str, Msg] | None:
    """Why an employer's report of a person working for them cannot be taken, as (field, message); None: it can."""
    position = " ".join((position or "").split())
    if not position:
        return "position", Msg("Isi jabatan/pekerjaan orang ini.", "Give this person's position or work.")
    if len(position) > TITLE_MAX:
        return "position", Msg("Jabatan paling panjang {n} karakter.", "The position is at most {n} characters.").format(n=TITLE_MAX)
    if start_date is None:
        return "start_date", Msg("Isi tanggal mulai bekerja.", "Give the start date.")
    problem = start_date_problem(start_date=start_date, birth_date=birth_date, today=today)
    if problem is not None:
        return "start_date", problem
    if sector and sector not in KBLI_LETTERS:
        return "sector", Msg("Sektor KBLI tidak dikenal (huruf A–U).", "Unknown KBLI sector (a letter A–U).")
    return None


def placement_end_blocker(*, start_date: dt.date, end_date: dt.date | None, ended_on: dt.date | None, corrected: bool,
                          today: dt.date) -> tuple[str, Msg] | None:
    """Why a placement cannot be ended on ``end_date`` (field, message); None: it can. The last day worked is on
    or after the start and not in the future; an ended or corrected placement is history."""
    if corrected:
        return "placement", Msg("Laporan penempatan ini sudah dikoreksi; tidak dapat diakhiri.",
                                "This placement report was corrected; it cannot be ended.")
    if ended_on is not None:
        return "placement", Msg("Penempatan ini sudah berakhir pada {d}.", "This placement already ended on {d}.").format(
            d=ended_on.isoformat())
    if end_date is None:
        return "end_date", Msg("Isi tanggal terakhir bekerja.", "Give the last day of work.")
    if end_date < start_date:
        return "end_date", Msg("Tanggal berhenti tidak boleh sebelum tanggal mulai bekerja ({d}).",
                               "The end date cannot be before the start date ({d}).").format(d=start_date.isoformat())
    if end_date > today:
        return "end_date", Msg("Tanggal berhenti tidak boleh di masa depan.", "The end date cannot be in the future.")
    return None


def alumnus_report_blocker(*, status: str, employer_name: str, position: str, start_date: dt.date | None, sector: str,
                           today: dt.date, previous_start: dt.date | None, previous: str, previous_end: dt.date | None,
                           birth_date: dt.date | None = None) -> tuple[str, Msg] | None:
    """Why an alumnus's own report cannot be taken (field, message); None: it can. ``previous_start`` is the start of
    their previous own report's job when it is still open (None: there is none), and ``previous`` what became of
    it (``PREVIOUS_CORRECT`` or ``PREVIOUS_ENDED`` with ``previous_end``, the day they left)."""
    blocker = outcome_blocker(status=status, employer_name=employer_name or "", position=position or "",
                              start_date=start_date, today=today, birth_date=birth_date)
    if blocker is not None:
        field = ("status" if status not in OutcomeStatus.ALL else "employer_name" if not (employer_name or "").strip()
                 else "position" if not (position or "").strip() else "start_date")
        return field, blocker
    if len((employer_name or "").strip()) > EMPLOYER_MAX:
        return "employer_name", Msg("Nama pemberi kerja paling panjang {n} karakter.",
                                    "The employer's name is at most {n} characters.").format(n=EMPLOYER_MAX)
    if len((position or "").strip()) > TITLE_MAX:
        return "position", Msg("Jabatan paling panjang {n} karakter.", "The position is at most {n} characters.").format(n=TITLE_MAX)
    if sector and sector not in KBLI_LETTERS:
        return "sector", Msg("Sektor KBLI tidak dikenal (huruf A–U).", "Unknown KBLI sector (a letter A–U).")
    if previous_start is None:
        return None
    if previous not in PREVIOUS_VALUES:
        return "previous", Msg("Katakan apa yang terjadi dengan pekerjaan yang Anda laporkan sebelumnya.",
                               "Say what became of the job you reported before.")
    if previous == PREVIOUS_ENDED:
        ended = placement_end_blocker(start_date=previous_start, end_date=previous_end, ended_on=None, corrected=False,
                                      today=today)
        if ended is not None:
            return "previous_end", ended[1]
    return None
