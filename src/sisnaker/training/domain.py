"""Pure rules of the training lifecycle. No ORM, no clock: ``today`` is always passed in.

Program status::

    draft ──publish──▶ published ──close_registration──▶ selection ──start──▶ running ──close──▶ closed
      │                   │   └────────────────start──────────────────────────▲
      └────cancel─────────┴──────────cancel────────┘   (cancel: draft, published, selection)

Enrollment state (Pendaftar → Peserta → Alumni)::

    registered ──select──▶ selected ──accept──▶ participant ──(close: passed)──▶ graduated
        │  └────────────accept────────────────────▲      ├──(close: failed / not assessed)──▶ not_passed
        ├──reject──▶ not_selected ◀──reject── selected   └──drop_out──▶ dropped_out   (while running)
        └──withdraw──▶ withdrawn ◀──withdraw── selected, participant (before the program runs)

At ``start`` every enrollment still ``registered``/``selected`` becomes ``not_selected`` ("seleksi
berakhir sebelum pelatihan dimulai"); at ``close`` every participant becomes ``graduated`` when the
result is passed, else ``not_passed`` with the reason (failed, or not assessed), and any late
applicant never accepted becomes ``not_selected``. Cancelling a
program withdraws every active enrollment with the cancellation as the reason. These bulk effects are
one table, ``PROGRAM_ENROLLMENT_EFFECTS``: the service applies it and the confirmation page and the API
preview (``transition_effects``) count from it, so what a step says it will do is what it does.

Dates: starting before the start date, or closing before the end date, needs a written reason, as
cancelling always does (``transition_reason_needed``; the reason goes to the audit trail).

A new batch ("angkatan") of a program copies it with the next batch number in the title
(``next_batch_title``) and suggested dates of the same durations after it ends (``next_batch_dates``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sisnaker.core import dates
from sisnaker.core.choices import Choices
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Conflict, Msg, ValidationFailed
from sisnaker.notifications import text as sms_text

from .codes import Code


class ProgramStatus(Choices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Pendaftaran dibuka")
    SELECTION = "selection", _("Seleksi")
    RUNNING = "running", _("Berjalan")
    CLOSED = "closed", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class EnrollmentState(Choices):
    REGISTERED = "registered", _("Pendaftar")
    SELECTED = "selected", _("Lolos seleksi")
    NOT_SELECTED = "not_selected", _("Tidak lolos seleksi")
    PARTICIPANT = "participant", _("Peserta")
    GRADUATED = "graduated", _("Alumni")
    NOT_PASSED = "not_passed", _("Tidak lulus")
    WITHDRAWN = "withdrawn", _("Mengundurkan diri")
    DROPPED_OUT = "dropped_out", _("Putus di tengah")


P, E = ProgramStatus, EnrollmentState

# Enrollments that hold a person's time (overlap rule) and may still move.
ACTIVE_STATES = frozenset({E.REGISTERED, E.SELECTED, E.PARTICIPANT})
FINAL_STATES = frozenset(set(E) - ACTIVE_STATES)
# Enrollments whose holders occupy a seat of the program (counted against the quota).
SEAT_STATES = frozenset({E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT})
# Program statuses in which nobody can be added (by the manager, by NIK or from a file).
CLOSED_TO_ADDITIONS = frozenset({P.DRAFT, P.CLOSED, P.CANCELLED})

PROGRAM_TRANSITIONS: dict[str, dict[str, str]] = {
    "publish": {P.DRAFT: P.PUBLISHED},
    "close_registration": {P.PUBLISHED: P.SELECTION},
    "start": {P.PUBLISHED: P.RUNNING, P.SELECTION: P.RUNNING},
    "close": {P.RUNNING: P.CLOSED},
    "cancel": {P.DRAFT: P.CANCELLED, P.PUBLISHED: P.CANCELLED, P.SELECTION: P.CANCELLED},
}

# action → {from state: to state}; and the program statuses in which the action is allowed.
ENROLLMENT_TRANSITIONS: dict[str, dict[str, str]] = {
    "select": {E.REGISTERED: E.SELECTED},
    "accept": {E.REGISTERED: E.PARTICIPANT, E.SELECTED: E.PARTICIPANT},
    "reject": {E.REGISTERED: E.NOT_SELECTED, E.SELECTED: E.NOT_SELECTED},
    "withdraw": {E.REGISTERED: E.WITHDRAWN, E.SELECTED: E.WITHDRAWN, E.PARTICIPANT: E.WITHDRAWN},
    "drop_out": {E.PARTICIPANT: E.DROPPED_OUT},
}
ENROLLMENT_ACTION_PROGRAM_STATUS: dict[str, frozenset[str]] = {
    "select": frozenset({P.PUBLISHED, P.SELECTION}),
    "accept": frozenset({P.PUBLISHED, P.SELECTION, P.RUNNING}),
    "reject": frozenset({P.PUBLISHED, P.SELECTION}),
    "withdraw": frozenset({P.PUBLISHED, P.SELECTION}),
    "drop_out": frozenset({P.RUNNING}),
}
# Actions that take a seat: checked against the quota.
SEAT_TAKING = frozenset({"accept"})

ACTION_LABELS = {
    "select": Msg("meloloskan seleksi", "select"),
    "accept": Msg("menerima sebagai peserta", "accept as participant"),
    "reject": Msg("menyatakan tidak lolos", "reject"),
    "withdraw": Msg("mengundurkan diri", "withdraw"),
    "drop_out": Msg("menyatakan putus di tengah", "mark as dropped out"),
    "publish": Msg("membuka pendaftaran", "publish"),
    "close_registration": Msg("menutup pendaftaran dan memulai seleksi", "close registration"),
    "start": Msg("memulai pelatihan", "start training"),
    "close": Msg("menutup program", "close the program"),
    "cancel": Msg("membatalkan program", "cancel the program"),
}

STATE_LABELS_EN = {
    E.REGISTERED: "Applicant", E.SELECTED: "Selected", E.NOT_SELECTED: "Not selected", E.PARTICIPANT: "Participant",
    E.GRADUATED: "Alumnus", E.NOT_PASSED: "Not passed", E.WITHDRAWN: "Withdrawn", E.DROPPED_OUT: "Dropped out",
}
STATUS_LABELS_EN = {
    P.DRAFT: "Draft", P.PUBLISHED: "Registration open", P.SELECTION: "Selection", P.RUNNING: "Running",
    P.CLOSED: "Closed", P.CANCELLED: "Cancelled",
}


def _indonesian(label) -> str:
    # Choice labels are lazy translations whose msgid is the Indonesian text.
    with translation.override("id"):
        return str(label)


def state_label(state: str) -> Msg:
    return Msg(_indonesian(EnrollmentState(state).label), STATE_LABELS_EN[state])


def status_label(status: str) -> Msg:
    return Msg(_indonesian(ProgramStatus(status).label), STATUS_LABELS_EN[status])


def program_next_status(*, action: str, status: str) -> str:
    """The status after ``action``, or Conflict saying why not."""
    table = PROGRAM_TRANSITIONS[action]
    if status not in table:
        raise Conflict(
            Msg(
                "Tidak dapat {action}: program berstatus \"{status_id}\".",
                "Cannot {action_en}: the program is \"{status_en}\".",
            ).format(
                action=ACTION_LABELS[action].id, action_en=ACTION_LABELS[action].en,
                status_id=status_label(status).id, status_en=status_label(status).en,
            ),
            code=Code.PROGRAM_TRANSITION,
        )
    return table[status]


def enrollment_next_state(*, action: str, state: str, program_status: str) -> str:
    """The state after ``action``, or Conflict saying why not (illegal from this state, or not
    allowed while the program has this status)."""
    table = ENROLLMENT_TRANSITIONS[action]
    label = ACTION_LABELS[action]
    if state not in table:
        raise Conflict(
            Msg(
                "Tidak dapat {action}: status pendaftaran saat ini \"{state_id}\".",
                "Cannot {action_en}: the enrollment is currently \"{state_en}\".",
            ).format(action=label.id, action_en=label.en, state_id=state_label(state).id, state_en=state_label(state).en),
            code=Code.ENROLLMENT_TRANSITION,
        )
    if program_status not in ENROLLMENT_ACTION_PROGRAM_STATUS[action]:
        raise Conflict(
            Msg(
                "Tidak dapat {action} saat program berstatus \"{status_id}\".",
                "Cannot {action_en} while the program is \"{status_en}\".",
            ).format(
                action=label.id, action_en=label.en,
                status_id=status_label(program_status).id, status_en=status_label(program_status).en,
            ),
            code=Code.ENROLLMENT_PROGRAM_STATUS,
        )
    if action == "withdraw" and state == E.PARTICIPANT and program_status == P.RUNNING:
        raise Conflict(Msg("Peserta pelatihan yang sedang berjalan dinyatakan putus di tengah, bukan mengundurkan diri.",
                           "A participant of a running program is marked as dropped out, not withdrawn."), code=Code.ENROLLMENT_TRANSITION)
    return table[state]


def completion_date(*, end_date: dt.date, closed_on: dt.date | None) -> dt.date:
    """The day the training was completed: its planned end date, or the day it was closed when the manager
    closed it earlier (with a written reason). Closing after the end changes nothing: it ended on its end date."""
    return min(end_date, closed_on) if closed_on is not None else end_date


CERTIFIED_NO_WITHDRAW = Msg(
    "Sertifikat pelatihan ini sudah terbit atas nama Anda: pendaftarannya tidak dapat ditarik lagi, juga tidak sebagai "
    "\u201cbukan saya\u201d. Bila sertifikat itu bukan milik Anda, hubungi lembaga pelatihan atau Disnaker.",
    "A certificate of this training has been issued in your name: the enrollment can no longer be withdrawn, nor "
    "reported as \u201cnot me\u201d. If the certificate is not yours, contact the training institution or the manpower office.",
)


def self_withdraw_next_state(*, state: str, program_status: str, by_others: bool, not_me: bool, certified: bool = False) -> str:
    """The state a person's own withdrawal leads to. The usual rule (``withdraw``: before the program
    runs) applies, except that a person enrolled by someone else (import, staff) who says it was not them
    ("bukan saya") leaves any still-active enrollment, even while the program runs. Once a certificate exists
    for the enrollment (``certified``) neither is possible: the training was done and signed for."""
    if certified:
        raise Conflict(CERTIFIED_NO_WITHDRAW, code=Code.ENROLLMENT_CERTIFIED)
    if not_me and by_others and state in ACTIVE_STATES:
        return E.WITHDRAWN
    return enrollment_next_state(action="withdraw", state=state, program_status=program_status)


CLOSE_REASONS_EN = {"Tidak lulus penilaian.": "failed the assessment",
                    "Belum dinilai saat program ditutup.": "not assessed when the program closed"}


def close_outcome(*, result: str) -> tuple[str, str]:
    """What closing the program does to a participant: (new state, reason)."""
    if result == "passed":
        return E.GRADUATED, ""
    if result == "failed":
        return E.NOT_PASSED, "Tidak lulus penilaian."
    return E.NOT_PASSED, "Belum dinilai saat program ditutup."


# --- what a program transition does to its enrollments -------------------------------------------

# A participant's outcome at ``close`` depends on their result (``close_outcome``).
BY_RESULT = "by_result"
# action → {enrollment state: state it becomes (or BY_RESULT)}; states not listed stay as they are.
PROGRAM_ENROLLMENT_EFFECTS: dict[str, dict[str, str]] = {
    "start": {E.REGISTERED: E.NOT_SELECTED, E.SELECTED: E.NOT_SELECTED},
    "close": {E.PARTICIPANT: BY_RESULT, E.REGISTERED: E.NOT_SELECTED, E.SELECTED: E.NOT_SELECTED},
    "cancel": {E.REGISTERED: E.WITHDRAWN, E.SELECTED: E.WITHDRAWN, E.PARTICIPANT: E.WITHDRAWN},
}


@dataclass(frozen=True, slots=True)
class Effect:
    """``count`` enrollments in state ``source`` become ``target`` (``why``: the reason written on them)."""

    source: str
    target: str
    count: int
    why: str = ""

    @property
    def message(self) -> Msg:
        s, t = state_label(self.source), state_label(self.target)
        msg = Msg("{n} pendaftaran berstatus \"{s}\" menjadi \"{t}\"", "{n} enrollments that are \"{s_en}\" become \"{t_en}\"").format(
            n=self.count, s=s.id, t=t.id, s_en=s.en, t_en=t.en)
        why = Msg(self.why.rstrip("."), CLOSE_REASONS_EN.get(self.why, self.why))
        return Msg(f"{msg.id} ({why.id}).", f"{msg.en} ({why.en}).") if self.why else Msg(f"{msg.id}.", f"{msg.en}.")


def transition_effects(*, action: str, counts: dict[str, int], participant_results: dict[str, int] | None = None) -> list[Effect]:
    """What ``action`` will do to the program's enrollments, from the counts per state (and, for
    ``close``, the participants per result). Only non-empty moves, in the order of the table."""
    out = []
    for source, target in PROGRAM_ENROLLMENT_EFFECTS.get(action, {}).items():
        if target == BY_RESULT:
            outcomes: dict[tuple[str, str], int] = {}
            for result, n in (participant_results or {}).items():
                key = close_outcome(result=result)
                outcomes[key] = outcomes.get(key, 0) + n
            out += [Effect(source, to, n, why) for (to, why), n in sorted(outcomes.items()) if n]
        elif counts.get(source, 0):
            out.append(Effect(source, target, counts[source]))
    return out


def transition_reason_needed(*, action: str, start_date: dt.date, end_date: dt.date, today: dt.date) -> Msg | None:
    """Why ``action`` needs a written reason today, or None when it does not: cancelling always; starting
    before the start date; closing before the end date."""
    if action == "cancel":
        return Msg("Tuliskan alasan pembatalan.", "Write the reason for cancelling.")
    if action == "start" and today < start_date:
        # Assessment still opens on the planned start date (certification.domain.assessment_opens_blocker): the
        # manager must know before starting, or the instructors find a locked grid with nothing to say why.
        return Msg("Pelatihan dijadwalkan mulai {d_id}: tuliskan alasan memulai lebih awal. Penilaian kompetensi tetap baru "
                   "dapat diisi instruktur mulai {d_id}.",
                   "The training is scheduled to start on {d_en}: write the reason for starting early. Instructors can still "
                   "assess competencies only from {d_en}.").format(**dates.msg_params("d", start_date))
    if action == "close" and today < end_date:
        return Msg("Pelatihan dijadwalkan selesai {d_id}: tuliskan alasan menutup lebih awal.",
                   "The training is scheduled to end on {d_en}: write the reason for closing early.").format(
                       **dates.msg_params("d", end_date))
    return None


def check_transition_reason(*, action: str, reason: str, start_date: dt.date, end_date: dt.date, today: dt.date) -> None:
    """ValidationFailed on ``reason`` when this transition needs one today and none was written."""
    needed = transition_reason_needed(action=action, start_date=start_date, end_date=end_date, today=today)
    if needed is not None and not (reason or "").strip():
        raise ValidationFailed(needed, code=CoreCode.REASON_REQUIRED, field="reason")


# --- who teaches ----------------------------------------------------------------------------------

# The instructors of a program may change while it has a future: before it runs and while it runs (an
# instructor falls ill). A closed or cancelled program keeps those who taught it; its managers stand in
# for corrections of a closed program's assessment.
INSTRUCTORS_CHANGEABLE = (P.DRAFT, P.PUBLISHED, P.SELECTION, P.RUNNING)


def instructors_change_blocker(*, status: str) -> Msg | None:
    """Why the program's instructors cannot change now, or None."""
    if status in INSTRUCTORS_CHANGEABLE:
        return None
    return Msg("Instruktur program yang sudah selesai atau dibatalkan tidak dapat diganti.",
               "The instructors of a finished or cancelled programme cannot be changed.")


# --- a new batch (angkatan) of a program ---------------------------------------------------------

TITLE_MAX = 200
NEXT_BATCH_SUFFIX = " — Angkatan 2"
_ROMAN = (("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90), ("L", 50), ("XL", 40),
          ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))
_ROMAN_RE = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# "Angkatan 3", "Batch II", "Gelombang ke-2", "Angkatan-4"... at the end of the title (case kept).
_BATCH_RE = re.compile(r"(?P<word>\b(?:angkatan|batch|gelombang|angk\.)[\s-]*(?:ke[-\s]?)?)(?P<n>\d{1,6}|[ivxlcdm]+)\s*$", re.IGNORECASE)
# A bare roman numeral ends the title ("Operator Forklift III"): only I, V and X, since C, D, L and M
# alone are more often something else ("SIM C", "Kelas D").
_BARE_ROMAN_RE = re.compile(r"(?P<word>\s)(?P<n>[IVX]+)\s*$")


def to_roman(n: int) -> str:
    if not 0 < n < 4000:
        raise ValueError(n)
    out = []
    for letters, value in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def from_roman(text: str) -> int | None:
    """The value of a canonical roman numeral (upper or lower case), else None."""
    upper = text.upper()
    if not upper or not _ROMAN_RE.fullmatch(upper):
        return None
    total, i = 0, 0
    for letters, value in _ROMAN:
        while upper.startswith(letters, i):
            total += value
            i += len(letters)
    return total


def _bump(number: str) -> str | None:
    """The next number written the same way (digits, or a roman numeral in the same case)."""
    if number.isdigit():
        return str(int(number) + 1)
    value = from_roman(number)
    if value is None or value + 1 >= 4000:
        return None
    roman = to_roman(value + 1)
    return roman.lower() if number.islower() else roman


def next_batch_title(title: str) -> str:
    """The title of the next batch: a trailing "Angkatan N" / "Batch N" / "Gelombang N" (N in digits or
    roman numerals), or a bare trailing roman numeral made of I, V, X, is incremented; otherwise
    " — Angkatan 2" is appended. Never longer than ``TITLE_MAX`` (the base is shortened instead)."""
    title = " ".join((title or "").split())
    for pattern in (_BATCH_RE, _BARE_ROMAN_RE):
        m = pattern.search(title)
        if m:
            bumped = _bump(m.group("n"))
            if bumped is not None:
                base, word = title[: m.start("word")], m.group("word")
                return base[: TITLE_MAX - len(word) - len(bumped)] + word + bumped
    return title[: TITLE_MAX - len(NEXT_BATCH_SUFFIX)].rstrip() + NEXT_BATCH_SUFFIX


@dataclass(frozen=True, slots=True)
class Schedule:
    registration_opens: dt.date
    registration_closes: dt.date
    start_date: dt.date
    end_date: dt.date


def next_batch_dates(source: Schedule, *, today: dt.date) -> Schedule:
    """Suggested dates for the next batch: the source's schedule shifted so that training starts the day
    after the source ends, or later when that would open registration before today. The durations (and
    the gaps between registration and training) stay the same."""
    start = source.end_date + dt.timedelta(days=1)
    lead = source.start_date - source.registration_opens
    if start - lead < today:
        start = today + lead
    shift = start - source.start_date
    return Schedule(source.registration_opens + shift, source.registration_closes + shift, start, source.end_date + shift)


# --- registration rules -------------------------------------------------------------------------

EDUCATION_ORDER = ["none", "sd", "smp", "sma", "smk", "d1", "d2", "d3", "d4", "s1", "s2", "s3"]
EDUCATION_RANK = {code: i for i, code in enumerate(EDUCATION_ORDER)}
# SMA and SMK are the same level.
EDUCATION_RANK["smk"] = EDUCATION_RANK["sma"]


@dataclass(frozen=True, slots=True)
class Window:
    opens: dt.date
    closes: dt.date


INSTITUTION_SUSPENDED = Msg("Lembaga penyelenggara program ini sedang dibekukan; pendaftaran tidak dapat diterima saat ini.",
                            "The institution running this program is suspended; registrations cannot be accepted now.")


def registration_open(*, status: str, window: Window, today: dt.date, institution_active: bool = True) -> Msg | None:
    """Why a citizen may not register themself now, or None when they may. ``institution_active``: the institution
    running it is approved (a suspended one's program stays visible to those who know it, but takes no one)."""
    if not institution_active:
        return INSTITUTION_SUSPENDED
    if status != P.PUBLISHED:
        return Msg(
            "Pendaftaran program ini tidak dibuka (status: {s_id}).", "Registration for this program is not open (status: {s_en})."
        ).format(s_id=status_label(status).id, s_en=status_label(status).en)
    if today < window.opens:
        return Msg("Pendaftaran baru dibuka pada {d_id}.", "Registration opens on {d_en}.").format(**dates.msg_params("d", window.opens))
    if today > window.closes:
        return Msg(
            "Pendaftaran sudah ditutup pada {d_id}. Pendaftaran susulan hanya dapat dicatat oleh pengelola lembaga.",
            "Registration closed on {d_en}. A late registration can only be recorded by the institution's manager.",
        ).format(**dates.msg_params("d", window.closes))
    return None


def is_late(*, window: Window, status: str, today: dt.date) -> bool:
    """A registration recorded now is late ("susulan") when the window is over or the program moved on past it.
    A draft's list prepared before publishing (an import of the people already chosen) is not late."""
    return today > window.closes or status not in (P.DRAFT, P.PUBLISHED)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def eligibility_problems(
    *, birth_date: dt.date, education: str, start_date: dt.date, min_age: int | None, max_age: int | None, min_education: str
) -> list[Msg]:
    """Why a person is not eligible (age on the first training day; education). Empty when eligible."""
    problems = []
    age = age_on(birth_date, start_date)
    if min_age is not None and age < min_age:
        problems.append(Msg("Usia minimal {n} tahun saat pelatihan dimulai (usia Anda {a}).",
                            "Minimum age is {n} when training starts (you will be {a}).").format(n=min_age, a=age))
    if max_age is not None and age > max_age:
        problems.append(Msg("Usia maksimal {n} tahun saat pelatihan dimulai (usia Anda {a}).",
                            "Maximum age is {n} when training starts (you will be {a}).").format(n=max_age, a=age))
    if min_education and EDUCATION_RANK.get(education, -1) < EDUCATION_RANK[min_education]:
        problems.append(Msg("Pendidikan minimal {e}.", "Minimum education is {e}.").format(e=min_education.upper()))
    return problems


def overlaps(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    """Inclusive date ranges overlap."""
    return a_start <= b_end and b_start <= a_end


def check_open_for_additions(status: str) -> None:
    """Conflict when nobody can be added to a program in ``status`` (recorded by the manager, by NIK, or
    from a file): a draft, closed or cancelled program."""
    if status in CLOSED_TO_ADDITIONS:
        raise Conflict(Msg("Program berstatus \"{s}\": tidak dapat menambah pendaftar.", "The program is \"{s_en}\": no one can be added.").format(
            s=status_label(status).id, s_en=status_label(status).en), code=Code.PROGRAM_NOT_OPEN)


# A person holds one active enrollment at a time for any day: another active enrollment (``ACTIVE_STATES``)
# in a program whose dates ``overlaps`` this one's is a clash (the query is ``selectors.schedule_clashes``).
SCHEDULE_CLASH = Msg("Jadwal bentrok dengan pendaftaran aktif di \"{t}\" ({a} s.d. {b}).",
                     "The dates clash with an active enrollment in \"{t}\" ({a} to {b}).")
SCHEDULE_CLASH_ADVICE = Msg(" Mundur dari program itu dulu bila ingin mendaftar di sini.", " Withdraw from it first to register here.")


def schedule_clash(*, title: str, start: dt.date, end: dt.date, advice: bool = False) -> Msg:
    """Why a person cannot be enrolled: the clashing program; with ``advice`` (a person registering or being
    recorded one at a time), what to do about it."""
    msg = SCHEDULE_CLASH.format(t=title, a=start.isoformat(), b=end.isoformat())
    return Msg(msg.id + SCHEDULE_CLASH_ADVICE.id, msg.en + SCHEDULE_CLASH_ADVICE.en) if advice else msg


# Sanity bounds that also keep values inside their columns (BIGINT fee, SMALLINT ages): beyond them
# the database refuses the row and the caller would get a 500 instead of a message.
FEE_MAX = 1_000_000_000_000
# At most this many JP (jam pelajaran, 45 minutes) a day on average over the training's calendar days: 16 JP is twelve
# hours of lessons, beyond any training day (a boarding course's long days included). A program of "120 JP" from 1 to
# 1 December is a typo of the end date or the hours, and would certify a month's training done in a day.
JP_PER_DAY_MAX = 16
AGE_MAX = 100


# Fields of a program that always hold a value (an API PATCH may send null for them), with their labels.
PROGRAM_REQUIRED_FIELDS: dict[str, Msg] = {
    "title": Msg("Judul program", "The program title"),
    "vocational_field": Msg("Kejuruan", "The vocational field"),
    "hours": Msg("Jumlah JP", "Training hours (JP)"),
    "start_date": Msg("Tanggal mulai", "The start date"),
    "end_date": Msg("Tanggal selesai", "The end date"),
    "registration_opens": Msg("Tanggal pendaftaran dibuka", "The registration opening date"),
    "registration_closes": Msg("Tanggal pendaftaran ditutup", "The registration closing date"),
    "quota": Msg("Kuota peserta", "The quota"),
    "regency": Msg("Kabupaten/kota tempat pelatihan", "The regency of the training"),
    "funding": Msg("Sumber dana", "The funding source"),
    "mode": Msg("Moda pelatihan", "The training mode"),
    "boarding": Msg("Pilihan asrama", "The boarding choice"),
    "fee": Msg("Biaya", "The fee"),
    "selection_method": Msg("Metode seleksi", "The selection method"),
}


def missing_program_field(values: dict) -> str | None:
    """The first field of ``PROGRAM_REQUIRED_FIELDS`` whose value is None (or ``boarding`` that is not
    a yes/no), else None."""
    for name in PROGRAM_REQUIRED_FIELDS:
        if values.get(name) is None:
            return name
    if not isinstance(values.get("boarding"), bool):
        return "boarding"
    return None


def validate_program_fields(
    *, title: str, hours: int, start_date: dt.date, end_date: dt.date, registration_opens: dt.date,
    registration_closes: dt.date, quota: int, funding: str, dipa_reference: str, fee: int,
    min_age: int | None, max_age: int | None, min_education: str, hours_per_day: bool = True,
) -> None:
    """Raise ValidationFailed naming the first field that is wrong. ``hours_per_day=False`` skips the JP-per-day cap
    (an edit that changes neither the hours nor the dates of a program saved before the cap existed)."""
    def fail(field: str, id_: str, en: str):
        raise ValidationFailed(Msg(id_, en), code=Code(f"program_{field}"), field=field)

    if len((title or "").strip()) < 5:
        fail("title", "Judul program minimal 5 karakter.", "The program title needs at least 5 characters.")
    if hours is None or hours <= 0 or hours > 5000:
        fail("hours", "Jumlah JP harus antara 1 dan 5000.", "Training hours (JP) must be between 1 and 5000.")
    if end_date < start_date:
        fail("end_date", "Tanggal selesai tidak boleh sebelum tanggal mulai.", "The end date cannot be before the start date.")
    days = (end_date - start_date).days + 1
    if hours_per_day and hours > days * JP_PER_DAY_MAX:
        raise ValidationFailed(Msg("{h} JP dalam {d} hari berarti lebih dari {m} JP sehari: periksa jumlah JP atau tanggal selesai.",
                                   "{h} training hours (JP) in {d} days is more than {m} a day: check the hours or the end date.")
                               .format(h=hours, d=days, m=JP_PER_DAY_MAX), code=Code("program_hours"), field="hours")
    if registration_closes < registration_opens:
        fail("registration_closes", "Pendaftaran tidak boleh ditutup sebelum dibuka.", "Registration cannot close before it opens.")
    if registration_closes > end_date:
        fail("registration_closes", "Pendaftaran harus ditutup paling lambat pada tanggal selesai pelatihan.",
             "Registration must close by the training's end date.")
    if quota is None or quota <= 0 or quota > 100_000:
        fail("quota", "Kuota peserta harus antara 1 dan 100.000.", "The quota must be between 1 and 100,000.")
    if funding == "apbn" and not (dipa_reference or "").strip():
        fail("dipa_reference", "Program APBN wajib mencantumkan nomor DIPA.", "An APBN program needs its DIPA reference.")
    if fee is None or fee < 0:
        fail("fee", "Biaya tidak boleh negatif.", "The fee cannot be negative.")
    if fee > FEE_MAX:
        fail("fee", "Biaya paling besar Rp1.000.000.000.000 (tulis dalam rupiah, tanpa titik).",
             "The fee is at most Rp1,000,000,000,000 (in rupiah, without separators).")
    for name, age in (("min_age", min_age), ("max_age", max_age)):
        if age is not None and not 0 <= age <= AGE_MAX:
            fail(name, "Batas usia harus antara 0 dan 100 tahun.", "Age limits must be between 0 and 100 years.")
    if min_age is not None and max_age is not None and max_age < min_age:
        fail("max_age", "Usia maksimal harus lebih besar dari usia minimal.", "The maximum age must be above the minimum age.")
    if min_education and min_education not in EDUCATION_RANK:
        fail("min_education", "Pendidikan minimal tidak dikenal.", "Unknown minimum education.")


# --- telling applicants the manager's decision -----------------------------------------------------------------

# The selection decisions an applicant is told of (by SMS and e-mail): accepted as a participant, or not selected
# (by the manager, or left over when the training starts). "select" (through to the next round) and the others are
# the institution's working steps, not news to send. A cancelled program is told to everyone it withdrew ("cancel").
DECISIONS_TOLD = frozenset({"accept", "reject"})


def decision_topic(*, action: str, program_id: int) -> str:
    """The notification topic of a decision: one message per person, program and decision."""
    return f"enrollment_{action}:{program_id}"


def decision_message(*, action: str, program: str, institution: str, start_date: dt.date, reason: str,
                     link: str) -> tuple[Msg, Msg]:
    """(subject, text) telling an applicant the manager's decision ``action`` (one of ``DECISIONS_TOLD``); ``link``
    opens the program's page (its dates and place) or, when not selected, the catalogue of other trainings."""
    program = sms_text.clip(program, sms_text.PROGRAM_TITLE)
    if action == "accept":
        return (Msg("Anda diterima sebagai peserta pelatihan", "You were accepted as a training participant"),
                Msg("Anda diterima sebagai peserta \"{p}\" di {i}, mulai {d_id}. Jadwal dan tempat: {link}",
                    "You were accepted as a participant of \"{p}\" at {i}, starting {d_en}. Schedule and place: {link}")
                .format(p=program, i=institution, link=link, **dates.msg_params("d", start_date)))
    reason = sms_text.reason(reason)  # the sentences put their own full stop after it
    if action == "reject":
        why = Msg(" Alasan: {r}.", " Reason: {r}.").format(r=reason) if reason else Msg("", "")
        return (Msg("Hasil seleksi pelatihan", "Training selection result"),
                Msg("Mohon maaf, Anda belum lolos seleksi \"{p}\" di {i}.{why_id} Pelatihan lain: {link}",
                    "We are sorry: you were not selected for \"{p}\" at {i}.{why_en} Other trainings: {link}")
                .format(p=program, i=institution, why_id=why.id, why_en=why.en, link=link))
    if action == "cancel":
        return (Msg("Pelatihan dibatalkan", "Training cancelled"),
                Msg("Pelatihan \"{p}\" di {i} dibatalkan: {r_id}. Pelatihan lain: {link}",
                    "The training \"{p}\" at {i} was cancelled: {r_en}. Other trainings: {link}")
                .format(p=program, i=institution, r_id=reason or "tanpa alasan tertulis",
                        r_en=reason or "no reason given", link=link))
    raise ValueError(f"no message for the decision {action!r}")


def schedule_change_topic(*, program_id: int, changed_at: dt.datetime) -> str:
    """The notification topic of one change of a program's dates: every change is news, even back to dates told
    earlier the same day (a topic is sent once a day per person, so one keyed by the dates stayed silent then)."""
    return f"{schedule_change_topic_prefix(program_id=program_id)}{changed_at:%Y%m%d%H%M%S%f}"


def schedule_change_topic_prefix(*, program_id: int) -> str:
    """What the topics of every change of a program's dates begin with (to withdraw those no longer true)."""
    return f"program_dates:{program_id}:"


def schedule_changed(*, status: str, before: tuple[dt.date, dt.date], after: tuple[dt.date, dt.date]) -> bool:
    """Whether applicants must be told of new dates: the training's days moved after it was published (a draft has
    nobody to tell)."""
    return status != P.DRAFT and before != after


def schedule_change_message(*, program: str, institution: str, start_date: dt.date, end_date: dt.date,
                            link: str, clash: str = "") -> tuple[Msg, Msg]:
    """(subject, text) telling an applicant or participant that the training's dates changed, with the new ones and
    the program's page (where they can withdraw when the new days do not suit them). ``clash``: the title of another
    training of theirs the new days overlap (one active enrollment per day is the rule; the person chooses which
    to leave, so they are told)."""
    program = sms_text.clip(program, sms_text.PROGRAM_TITLE)
    parts = [Msg("Jadwal \"{p}\" di {i} berubah: {s_id} s.d. {e_id}.", "The dates of \"{p}\" at {i} changed: {s_en} to {e_en}.")]
    if clash:
        parts.append(Msg(" Jadwal ini bentrok dengan pelatihan Anda \"{c}\": mundur dari salah satunya.",
                         " They clash with your training \"{c}\": withdraw from one of them."))
    parts.append(Msg(" Rincian atau mengundurkan diri: {link}", " Details or withdraw: {link}"))
    text = Msg("".join(m.id for m in parts), "".join(m.en for m in parts))
    return (Msg("Jadwal pelatihan berubah", "Training dates changed"),
            text.format(p=program, i=institution, link=link, c=sms_text.clip(clash, 40),
                        **dates.msg_params("s", start_date), **dates.msg_params("e", end_date)))
