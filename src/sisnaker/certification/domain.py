"""Pure rules of certification. No ORM, no clock.

A certificate is issued only when all three steps hold (DESIGN.md §1, the operators' pain):

1. **assessed competent** — every competency unit of the program assessed "competent" by an instructor
   (all competent = competent; any "not yet competent" = not yet competent; a missing unit = not assessed);
2. **reviewed** — the participant rated (1–5) and reviewed the training;
3. **readiness survey** — the participant filled the work-readiness survey (survei kesiapan kerja);

and the program allows it: the program is running or closed and the enrollment is a participant
(running) or an alumnus (closed). ``readiness`` computes it from these facts — the one place it is
computed (``selectors.readiness`` gathers the facts, in a fixed number of queries). Who may do the
steps: ``assess_blocker`` (the instructor's assessment), ``review_blocker`` (the participant's review),
``readiness_survey_refusal`` (the work-readiness survey; the survey engine asks certification through
its extension point, see ``apps.py``).

Certificate number (documented format)::

    <registry number of the institution>/<year>/<sequence, 6 digits>     e.g. BLK-3273-001/2026/000123

unique nationally because registry numbers are unique; the sequence restarts each year per
institution and has no gaps (see models.CertificateCounter). Look-ups by number ignore case
(``number_key``): registry numbers are unique after folding case, so two numbers never differ only by it.

Certificate date (``certificate_date``): the day the training was completed — the program's end date, or
the day it was closed when closed early (``training.domain.completion_date``), or the participant's last
assessment when that came later — never the day someone clicked "issue", never before the training's
completion, and never in the future: no certificate is issued before the completion (``issue_date_blocker``). It is signed as ``certificate_date`` (payload version 3; versions 1 and 2
were dated ``issued_on``, the day of issue, which ``certificate_date_of`` falls back to). ``issued_on`` and
``issued_at`` keep their meaning: when the certificate was signed.

Numbering year — a decision: the ``<year>`` of the number is the year the certificate is *issued*
(entered in the register, Asia/Jakarta), not the year of the certificate's date. The institution's counter
for the current year is the one locked, so numbers are handed out in the order of issue and a year's series,
once the year is over, never grows again (a report of "certificates numbered in 2026" stays true). The
price: a training that ends on 30 December and is certified on 5 January carries a 2026 date and a 2027
number. Renumbering by the certificate date's year would reopen past series and mix their order.

Who may issue: only an institution the authority has approved (``issue_blocker``). What a verifier is
told about the issuer (``issuer_standing``): whether it was approved and active on the certificate's
date, from the institution's status history, and its status today. A certificate stays valid when its
institution is suspended later; one issued while the institution was not approved is not recognised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import NamedTuple

from sisnaker.core import dates
from sisnaker.core.errors import Msg, SisnakerError, ValidationFailed
from sisnaker.institutions import domain as institutions
from sisnaker.training import domain as training
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P

from .codes import Code

COMPETENT, NOT_YET, PENDING = "competent", "not_yet_competent", "pending"
RESULTS = (COMPETENT, NOT_YET)
# Overall result of the units → Enrollment.result.
ENROLLMENT_RESULT = {COMPETENT: "passed", NOT_YET: "failed", PENDING: "pending"}
OVERALL_LABELS = {
    COMPETENT: Msg("Kompeten", "Competent"),
    NOT_YET: Msg("Belum kompeten", "Not yet competent"),
    PENDING: Msg("Belum lengkap", "Incomplete"),
}
NOTE_MAX_CHARS = 500
REVIEW_MIN_CHARS, REVIEW_MAX_CHARS = 20, 5000
CORRECTION_REASON = "Koreksi penilaian kompetensi setelah program ditutup."
# Enrollments shown on the assessment grid.
GRID_STATES = (E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED)
# Enrollments that can (still) earn a certificate: participants of a running program, alumni of a closed one.
CERTIFIABLE_STATES = (E.PARTICIPANT, E.GRADUATED)
STEPS = ("assessed", "reviewed", "survey", "certificate")
# The steps a participant does themself (the assessment is the instructor's).
OWN_STEPS = ("reviewed", "survey")
STEP_LABELS = {
    "assessed": Msg("Dinilai kompeten", "Assessed competent"),
    "reviewed": Msg("Ulasan pelatihan", "Training review"),
    "survey": Msg("Survei kesiapan kerja", "Work-readiness survey"),
    "certificate": Msg("Sertifikat", "Certificate"),
}


def overall_result(*, unit_ids: list[int] | set[int], results: dict[int, str]) -> str:
    """'competent' when every unit is competent, 'not_yet_competent' when any unit is, else 'pending'.
    A program without units cannot be competent (nothing was assessed)."""
    if not unit_ids:
        return PENDING
    values = [results.get(u) for u in unit_ids]
    if any(v == NOT_YET for v in values):
        return NOT_YET
    if all(v == COMPETENT for v in values):
        return COMPETENT
    return PENDING


@dataclass(frozen=True, slots=True)
class Readiness:
    assessed: bool
    reviewed: bool
    survey: bool
    program_allows: bool
    certified: bool
    # Assessed "not yet competent" on some unit, or "tidak lulus" when the program closed: no certificate is
    # on its way, yet the person still has their result to see and may write the review and the survey.
    not_competent: bool = False
    # Of those: assessed "not yet competent" on some unit (the rest were closed "tidak lulus" unassessed).
    assessed_not_yet: bool = False

    @property
    def eligible(self) -> bool:
        return self.assessed and self.reviewed and self.survey and self.program_allows and not self.certified

    @property
    def blocking(self) -> bool:
        """Someone who still has a step to do before the certificate."""
        return not self.certified and not (self.assessed and self.reviewed and self.survey)


def program_allows(*, program_status: str, enrollment_state: str) -> bool:
    return (program_status == P.RUNNING and enrollment_state == E.PARTICIPANT) or (
        program_status == P.CLOSED and enrollment_state == E.GRADUATED
    )


def readiness(*, unit_ids: list[int] | set[int], results: dict[int, str], reviewed: bool, surveyed: bool,
              program_status: str, enrollment_state: str, certified: bool) -> Readiness:
    """Where one participant stands, from the facts: the program's units and their assessment results,
    whether they reviewed and filled the work-readiness survey, the program's status and their state,
    whether a certificate exists."""
    overall = overall_result(unit_ids=unit_ids, results=results)
    return Readiness(
        assessed=overall == COMPETENT,
        reviewed=reviewed, survey=surveyed,
        program_allows=program_allows(program_status=program_status, enrollment_state=enrollment_state),
        certified=certified,
        not_competent=overall == NOT_YET or enrollment_state == E.NOT_PASSED,
        assessed_not_yet=overall == NOT_YET,
    )


def steps(readiness: Readiness) -> dict[str, bool]:
    """Step → done, in ``STEPS`` order."""
    return {"assessed": readiness.assessed, "reviewed": readiness.reviewed, "survey": readiness.survey,
            "certificate": readiness.certified}


def own_todo(steps: dict[str, bool]) -> list[str]:
    """The steps the participant still has to do themself, in order."""
    return [s for s in OWN_STEPS if not steps[s]]


def missing_steps(readiness: Readiness) -> list[Msg]:
    """What stands between this participant and a certificate, in words."""
    missing = []
    if not readiness.assessed and readiness.assessed_not_yet:
        # Assessed, and "belum kompeten" on a unit: saying "not yet assessed" sent the manager to the instructor
        # for an assessment that was done.
        missing.append(Msg("dinilai belum kompeten pada sedikitnya satu unit kompetensi",
                           "assessed not yet competent on at least one competency unit"))
    elif not readiness.assessed and readiness.not_competent:
        # Closed "tidak lulus" without an assessment: "assessed not yet competent" named an assessment never made.
        missing.append(Msg("dinyatakan tidak lulus saat program ditutup, sebelum dinilai kompeten pada semua unit kompetensi",
                           "declared not passed when the program closed, before being assessed competent on every competency unit"))
    elif not readiness.assessed:
        missing.append(Msg("belum dinilai kompeten pada semua unit kompetensi oleh instruktur",
                           "not yet assessed competent on every competency unit by an instructor"))
    if not readiness.reviewed:
        missing.append(Msg("belum memberi penilaian dan ulasan pelatihan", "has not rated and reviewed the training"))
    if not readiness.survey:
        missing.append(Msg("belum mengisi survei kesiapan kerja", "has not filled the work-readiness survey"))
    if not readiness.program_allows:
        missing.append(Msg("status program/peserta belum memungkinkan sertifikat (harus peserta program berjalan atau alumni)",
                           "the program/participant status does not allow a certificate yet (participant of a running program, or alumnus)"))
    if readiness.certified:
        missing.append(Msg("sertifikat sudah diterbitkan", "the certificate was already issued"))
    return missing


# --- who may do each step --------------------------------------------------------------------------

# Who can be assessed, by the program's status: participants while it runs, alumni and not-passed participants of a
# closed program (a correction), until their certificate exists (``assess_blocker``).
ASSESSABLE_STATES = {P.RUNNING: (E.PARTICIPANT,), P.CLOSED: (E.GRADUATED, E.NOT_PASSED)}


def assess_blocker(*, program_status: str, state: str, certified: bool) -> Msg | None:
    """Why this enrollment's units cannot be assessed (or corrected) now; None when they can: while the
    enrollment is a participant of a running program, and — as a correction — for an alumnus or a
    not-passed participant of a closed program, until a certificate exists."""
    if certified:
        return Msg("Sertifikat peserta ini sudah diterbitkan: penilaian tidak dapat diubah lagi.",
                   "This participant's certificate was already issued: the assessment can no longer change.")
    if state in ASSESSABLE_STATES.get(program_status, ()):
        return None
    if program_status != P.RUNNING and state == E.PARTICIPANT:
        return Msg("Penilaian dilakukan saat program berjalan (status program: {s_id}).",
                   "Assessment happens while the program runs (program status: {s_en}).").format(
                       s_id=training.status_label(program_status).id, s_en=training.status_label(program_status).en)
    label = training.state_label(state)
    return Msg("Hanya peserta program berjalan, atau alumni/tidak lulus program yang sudah selesai, yang dapat dinilai "
               "(status pendaftaran: {s_id}).",
               "Only participants of a running program, or alumni/not passed of a closed one, can be assessed "
               "(enrollment status: {s_en}).").format(s_id=label.id, s_en=label.en)


def assessment_opens_blocker(*, start_date: dt.date, today: dt.date) -> Msg | None:
    """Assessment opens on the program's start date (its first training day), even when the manager
    started the program earlier: nothing has been taught before it. None once it is open."""
    if today >= start_date:
        return None
    return Msg("Penilaian kompetensi dibuka pada tanggal mulai program, {d_id}. Belum ada yang dapat dinilai sebelum itu.",
               "Competency assessment opens on the program's start date, {d_en}. Nothing can be assessed before then.").format(
                   **dates.msg_params("d", start_date))


def fill_competent(*, enrollment_ids: list[int], unit_ids: list[int], assessed: set[tuple[int, int]]) -> list[Entry]:
    """"All competent" as the assessor's starting point: a "competent" entry for every cell of these
    enrollments × units that has no assessment yet. Cells already assessed — "not yet competent" above
    all — are never overwritten: the assessor changes only the exceptions afterwards."""
    return [Entry(eid, uid, COMPETENT) for eid in enrollment_ids for uid in unit_ids if (eid, uid) not in assessed]


def review_blocker(*, program_status: str, state: str) -> Msg | None:
    """Why this enrollment cannot be reviewed now; None when it can."""
    if state in (E.GRADUATED, E.NOT_PASSED):
        return None
    if state == E.PARTICIPANT:
        if program_status == P.RUNNING:
            return None
        return Msg("Ulasan dapat diberikan setelah pelatihan dimulai.", "A review can be written once the training has started.")
    label = training.state_label(state)
    return Msg("Ulasan hanya untuk peserta dan alumni pelatihan (status pendaftaran Anda: {s_id}).",
               "Only participants and alumni can review the training (your enrollment status: {s_en}).").format(
                   s_id=label.id, s_en=label.en)


def readiness_survey_refusal(*, state: str, program_status: str) -> Msg | None:
    """Why this enrollment may not fill the work-readiness survey, or None when it may: a participant
    of a running program, or an alumnus / not-passed participant of a closed program."""
    if state == E.PARTICIPANT and program_status == P.RUNNING:
        return None
    if state in (E.GRADUATED, E.NOT_PASSED) and program_status == P.CLOSED:
        return None
    return Msg(
        "Survei kesiapan kerja diisi oleh peserta pelatihan yang sedang berjalan atau alumni program yang sudah "
        "selesai. Status Anda \u201c{s_id}\u201d, program \u201c{p_id}\u201d.",
        "The work-readiness survey is filled by participants of a running training or alumni of a closed program. "
        "Your status is \u201c{s_en}\u201d, the program is \u201c{p_en}\u201d.",
    ).format(s_id=training.state_label(state).id, s_en=training.state_label(state).en,
             p_id=training.status_label(program_status).id, p_en=training.status_label(program_status).en)


# --- one assessment entry ---------------------------------------------------------------------------

class Entry(NamedTuple):
    """One cell of the assessment grid to save. ``result`` "" clears the cell; ``note`` None keeps the
    current note."""

    enrollment_id: int
    unit_id: int
    result: str
    score: int | None = None
    note: str | None = None


def entry_problem(entry: Entry) -> SisnakerError | None:
    """Input problems of one entry, independent of the database."""
    if entry.result not in (*RESULTS, ""):
        return ValidationFailed(Msg("Hasil penilaian harus Kompeten (K) atau Belum kompeten (BK).",
                                    "The result must be competent (K) or not yet competent (BK)."),
                                code=Code.ASSESSMENT_RESULT, field="result")
    score = entry.score
    if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100):
        return ValidationFailed(Msg("Nilai angka harus bilangan bulat 0–100 (boleh kosong).",
                                    "The score must be a whole number from 0 to 100 (or empty)."), code=Code.ASSESSMENT_SCORE,
                                field="score")
    if entry.note is not None and len(entry.note) > NOTE_MAX_CHARS:
        return ValidationFailed(Msg("Catatan paling banyak {n} karakter.", "The note can have at most {n} characters.").format(
            n=NOTE_MAX_CHARS), code=Code.ASSESSMENT_NOTE, field="note")
    if entry.result == "" and (score is not None or (entry.note or "").strip()):
        return ValidationFailed(Msg("Pilih K atau BK untuk unit ini sebelum mengisi nilai angka atau catatan.",
                                    "Choose K or BK for this unit before entering a score or note."),
                                code=Code.ASSESSMENT_RESULT_MISSING, field="result")
    return None


# --- certificates -----------------------------------------------------------------------------------

def certificate_number(*, registry_number: str, year: int, sequence: int) -> str:
    return f"{registry_number}/{year}/{sequence:06d}"


def certificate_date(*, completed_on: dt.date, last_assessed_on: dt.date | None) -> dt.date:
    """The date a certificate bears: the training's completion (``training.domain.completion_date``: the end
    date, or the day it was closed early) — or the participant's last assessment when that was later. Never
    before the completion, whenever the certificate is issued (and never issued before it: ``issue_date_blocker``)."""
    return max(completed_on, last_assessed_on) if last_assessed_on is not None else completed_on


def issue_date_blocker(*, completed_on: dt.date, today: dt.date) -> Msg | None:
    """Why no certificate may be issued today, or None: a certificate bears the training's completion date and
    never a date in the future, so it waits for the training to be completed. A training that really ended
    earlier is closed early, with a written reason: its completion is then the day it was closed."""
    if today >= completed_on:
        return None
    return Msg("Sertifikat belum dapat diterbitkan: pelatihan selesai {d_id}. Bila pelatihan sudah selesai lebih awal, "
               "tutup program lebih awal dengan menuliskan alasannya, lalu terbitkan sertifikat.",
               "Certificates cannot be issued yet: the training is completed on {d_en}. If the training has already ended, "
               "close the programme early with a written reason, then issue the certificates.").format(
                   d_id=format_date_id(completed_on), d_en=f"{completed_on.day} {completed_on:%B} {completed_on.year}")


def certificate_date_of(fields: dict) -> dt.date | None:
    """The certificate's date from its signed fields: ``certificate_date`` (payload version 3 on), else
    ``issued_on`` (versions 1 and 2 were dated the day they were issued). None when unreadable."""
    for key in ("certificate_date", "issued_on"):
        value = fields.get(key)
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return None
    return None


# What a replacement changes of necessity (its own number, id, dates, who signed): not "data that was wrong".
_ISSUE_FIELDS = frozenset({"number", "verification_id", "year", "sequence", "issued_on", "issued_at", "signatory", "v"})
# How the changed parts of a certificate are named to the manager (the payload's top-level keys and the person's).
REPLACED_LABELS = {
    "person.name": Msg("Nama", "Name"), "person.nik_masked": Msg("NIK", "NIK"), "person.birth_year": Msg("Tahun lahir", "Birth year"),
    "title": Msg("Judul sertifikat", "Certificate title"), "program": Msg("Program", "Program"),
    "units": Msg("Unit kompetensi", "Competency units"), "institution": Msg("Lembaga", "Institution"),
    "certificate_date": Msg("Tanggal sertifikat", "Certificate date"),
}


def replaced_fields(old_payload: str, new_payload: str) -> set[str]:
    """Which parts of a certificate differ between two payloads (``canonical_payload`` texts), leaving out
    what every new issue changes (number, dates, signatory): "person.name", "program", "units"... An empty
    set: the replacement would carry the same data."""
    try:
        old, new = json.loads(old_payload), json.loads(new_payload)
    except ValueError:
        return {"payload"}
    if not isinstance(old, dict) or not isinstance(new, dict):
        return {"payload"}
    changed = set()
    for key in (old.keys() | new.keys()) - _ISSUE_FIELDS:
        if key == "person" and isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            changed |= {f"person.{k}" for k in old[key].keys() | new[key].keys() if old[key].get(k) != new[key].get(k)}
        elif old.get(key) != new.get(key):
            changed.add(key)
    return changed


def canonical_payload(fields: dict) -> str:
    """The exact bytes that are signed: JSON with sorted keys, no spaces, UTF-8, no floats."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def format_date_id(value: dt.date) -> str:
    """23 November 2026 (``core.dates.long_id``)."""
    return dates.long_id(value)


def mask_name(name: str) -> str:
    """'Siti Nurhaliza Putri' → 'Siti N******* P****': the first name whole, other words initial only."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]])


# --- public look-ups ---------------------------------------------------------------------------------

NUMBER_MAX = 80
# Printable ASCII only: what certificate numbers are made of. Anything else (a NUL byte, control
# characters, other scripts) can never match, and some of it the database refuses outright.
_NUMBER_RE = re.compile(r"[\x20-\x7e]{1," + str(NUMBER_MAX) + "}")
# ``secrets.token_urlsafe(16)``: 22 URL-safe characters; a little slack for other lengths.
_VERIFICATION_ID_RE = re.compile(r"[A-Za-z0-9_-]{8,32}")


def clean_number(value: str | None) -> str | None:
    """A typed certificate number, trimmed and with inner runs of spaces collapsed; "" when empty and
    None when it cannot be a certificate number (too long, control or non-ASCII characters)."""
    text = (value or "").strip()
    if not text:
        return ""
    return " ".join(text.split()) if _NUMBER_RE.fullmatch(text) else None


def number_key(number: str) -> str:
    """What number look-ups compare: the number in upper case (they ignore case)."""
    return number.upper()


def is_verification_id(value: str | None) -> bool:
    return bool(value) and _VERIFICATION_ID_RE.fullmatch(value) is not None


# --- the issuer ---------------------------------------------------------------------------------------

def issue_blocker(*, institution_status: str, institution_name: str) -> Msg | None:
    """Why this institution may not issue certificates now, or None when it may (only an approved one).

    The permission rules already refuse the staff of an institution that is not approved; this is the
    same rule stated once more where certificates are made, so that no other path (an administrator,
    a queued batch that outlived an approval) can issue in the name of an unvetted institution."""
    if institution_status == institutions.APPROVED:
        return None
    reason = {
        institutions.PENDING: Msg("masih menunggu persetujuan Disnaker/Kementerian", "is still awaiting approval by the authority"),
        institutions.REJECTED: Msg("pendaftarannya ditolak", "had its registration rejected"),
        institutions.SUSPENDED: Msg("sedang dibekukan", "is suspended"),
    }.get(institution_status, Msg("belum disetujui", "is not approved"))
    return Msg(
        "Sertifikat tidak dapat diterbitkan: lembaga {name} {r}. Hanya lembaga yang telah disetujui dan aktif yang "
        "dapat menerbitkan sertifikat.",
        "The certificate cannot be issued: the institution {name} {r_en}. Only an approved, active institution can "
        "issue certificates.",
    ).format(name=institution_name, r=reason.id, r_en=reason.en)


@dataclass(frozen=True, slots=True)
class IssuerStanding:
    """The issuing institution as a verifier needs to know it.

    ``status_on_issue``: its status when the certificate was issued (None: no status recorded then,
    e.g. a certificate older than institution vetting); ``approved_on_issue``: it was approved and
    active then; ``approved_later``: no status was recorded then (the certificate predates vetting)
    and the authority has since approved the institution, which vouches for what it issued before;
    ``status_now``/``since``: its status today and since when."""

    status_on_issue: str | None
    approved_on_issue: bool
    approved_later: bool
    status_now: str
    since: dt.datetime | None

    @property
    def active_now(self) -> bool:
        return self.status_now == institutions.APPROVED

    @property
    def recognised(self) -> bool:
        """Whether the issuer's standing lets the certificate count: approved on its date, or (for a
        certificate older than vetting) approved by the authority since."""
        return self.approved_on_issue or self.approved_later


def issuer_standing(*, history: list[tuple[dt.datetime, str]], issued_at: dt.datetime, status_now: str,
                    status_changed_at: dt.datetime | None) -> IssuerStanding:
    on_issue = institutions.status_at(history, issued_at)
    # Certificates older than vetting: recognised once the authority has approved the institution
    # (a copycat that issued before vetting is rejected, never approved, so its certificates stay
    # unrecognised).
    later = on_issue is None and any(status == institutions.APPROVED for _, status in history)
    return IssuerStanding(status_on_issue=on_issue, approved_on_issue=on_issue == institutions.APPROVED, approved_later=later,
                          status_now=status_now, since=status_changed_at)


# --- personal links ------------------------------------------------------------------------------------
# A participant reached by SMS/WhatsApp/e-mail gets a personal link (``models.PersonalLink``) to the steps of
# ONE enrollment: the review, the work-readiness survey, and the certificate download once it exists. The
# link is a random token of ``LINK_TOKEN_BYTES`` bytes; only its SHA-256 is stored (``link_token_hash``).
# It expires (``settings.SISNAKER_PERSONAL_LINK_DAYS``), can be revoked, and issuing a new one for the same
# enrollment and purpose revokes the old one.

LINK_TOKEN_BYTES = 16  # 128 bits → 22 URL-safe characters (short enough for an SMS)
LINK_PURPOSE_STEPS = "certificate_steps"
# A link to the employment survey of one alumnus (sent by the daily reminder): the same enrollment's pages, a
# purpose of its own so that it never replaces (revokes) the link to the certificate.
LINK_PURPOSE_EMPLOYMENT = "employment_survey"
LINK_EMPLOYMENT = "employment"  # why it was sent (its ``reason``)
# What a well-formed token looks like (``secrets.token_urlsafe(16)``); anything else is unknown at once.
_LINK_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
# Why a link is sent: the participant still has their own steps to do, their certificate is ready, or their
# result is "not yet competent" / "tidak lulus" (the result to see and their own steps, no certificate promised).
LINK_REMINDER, LINK_CERTIFICATE_READY, LINK_RESULT = "reminder", "certificate_ready", "result"
# Whom the board's links reach: participants and alumni, and those who did not pass.
LINK_STATES = (*CERTIFIABLE_STATES, E.NOT_PASSED)
LINK_DEFAULT_DAYS = 30


def is_link_token(value: str | None) -> bool:
    return bool(value) and _LINK_TOKEN_RE.fullmatch(value) is not None


def link_token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256 (hex). 128 random bits need no key or slow hash."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


LINK_EXPIRED = Msg("Tautan pribadi ini sudah kedaluwarsa ({date}). Minta tautan baru kepada lembaga pelatihan Anda.",
                   "This personal link expired ({date}). Ask your training institution for a new one.")
LINK_REVOKED = Msg("Tautan pribadi ini sudah tidak berlaku: lembaga pelatihan mencabutnya atau mengirim tautan yang lebih baru. "
                   "Gunakan tautan terbaru dari SMS/e-mail Anda, atau minta tautan baru kepada lembaga pelatihan.",
                   "This personal link is no longer valid: the training institution revoked it or sent a newer one. "
                   "Use the newest link from your SMS/e-mail, or ask the training institution for a new one.")
LINK_MISSING = Msg("Halaman ini dibuka dengan tautan pribadi dari SMS/e-mail Anda. Buka lagi tautan itu, atau masuk ke Sisnaker "
                   "bila Anda memiliki akun.",
                   "This page opens with the personal link from your SMS/e-mail. Open that link again, or log in to Sisnaker "
                   "if you have an account.")
LINK_UNKNOWN = Msg("Tautan tidak ditemukan. Periksa apakah tautan tersalin lengkap dari SMS/e-mail.",
                   "Link not found. Check that the whole link was copied from the SMS/e-mail.")


LINK_ENROLLMENT_ENDED = Msg("Tautan pribadi ini sudah tidak berlaku: pendaftaran pelatihannya dibatalkan atau ditarik. "
                           "Hubungi lembaga pelatihan bila ini keliru.",
                           "This personal link is no longer valid: its training enrollment was cancelled or withdrawn. "
                           "Contact the training institution if this is a mistake.")
LINK_ACCOUNT_CLAIMED = Msg("Data ini sudah diambil alih oleh pemiliknya dengan akun Sisnaker setelah tautan ini dikirim. "
                           "Masuk dengan akun tersebut untuk melanjutkan.",
                           "The owner took over this record with a Sisnaker account after this link was sent. Log in with "
                           "that account to go on.")


def link_refusal(*, revoked_at: dt.datetime | None, expires_at: dt.datetime, now: dt.datetime,
                 enrollment_state: str | None = None, created_at: dt.datetime | None = None,
                 account_since: dt.datetime | None = None) -> tuple[str, Msg] | None:
    """Why a known link cannot be used now — ("revoked" | "expired" | "ended" | "claimed", message) — or None
    when it can. Besides revocation and expiry: a link follows its enrollment (withdrawn, "not me", cancelled:
    ``LINK_STATES`` no more), and a link sent before the person's account took the record over (to a phone or
    e-mail someone else typed) gives way to that account."""
    if revoked_at is not None:
        return "revoked", LINK_REVOKED
    if now >= expires_at:
        return "expired", LINK_EXPIRED.format(date=format_date_id(expires_at.date()))
    if enrollment_state is not None and enrollment_state not in LINK_STATES:
        return "ended", LINK_ENROLLMENT_ENDED
    if account_since is not None and created_at is not None and account_since > created_at:
        return "claimed", LINK_ACCOUNT_CLAIMED
    return None


def link_next_step(readiness: Readiness) -> str:
    """Where a personal link leads: the first of the participant's own steps not done ("reviewed",
    "survey"), else "done" (the steps page: the certificate, or what it still waits for, or the result of
    someone not yet competent). Someone not competent still does their own steps first, as everyone does."""
    if readiness.certified or not (readiness.program_allows or readiness.not_competent):
        return "done"
    todo = own_todo(steps(readiness))
    return todo[0] if todo else "done"


def link_purpose_for(readiness: Readiness) -> str | None:
    """Why a participant gets a link from the board: ``LINK_CERTIFICATE_READY`` once certified, ``LINK_RESULT``
    when not yet competent or not passed (their result, and the review and survey they may still write — never
    a certificate), ``LINK_REMINDER`` while they still have their own steps to do, None otherwise (nothing they
    can do: the assessment waits)."""
    if readiness.certified:
        return LINK_CERTIFICATE_READY
    if readiness.not_competent:
        return LINK_RESULT
    if readiness.program_allows and own_todo(steps(readiness)):
        return LINK_REMINDER
    return None


def link_purpose_of(*, state: str, readiness: Readiness) -> str | None:
    """``link_purpose_for`` of an enrollment in ``state``: None outside ``LINK_STATES`` (no longer a participant)."""
    return link_purpose_for(readiness) if state in LINK_STATES else None


# --- the employment survey (survei kebekerjaan) ------------------------------------------------------
# Alumni fill it some time after graduating — the training's completion (``training.domain.completion_date``)
# for an enrollment that became an alumnus (``E.GRADUATED``) of a closed program: it opens ``opens_days`` after
# that day and stays open ``window_days`` (settings ``SISNAKER_EMPLOYMENT_SURVEY_OPENS_DAYS`` /
# ``_WINDOW_DAYS``, 30 and 30 by default). One response per enrollment (the survey engine's constraint).
# Alumni are reminded once per window, with a personal link (purpose ``employment_survey``).

EMPLOYMENT_OPENS_DAYS, EMPLOYMENT_WINDOW_DAYS = 30, 30


@dataclass(frozen=True, slots=True)
class SurveyWindow:
    """The days an alumnus may fill the employment survey: from ``opens`` to ``last``, both included."""

    opens: dt.date
    last: dt.date

    def is_open(self, today: dt.date) -> bool:
        return self.opens <= today <= self.last


def employment_window(*, completed_on: dt.date, opens_days: int, window_days: int) -> SurveyWindow:
    """The employment survey's window of someone who graduated on ``completed_on``."""
    opens = completed_on + dt.timedelta(days=max(opens_days, 0))
    return SurveyWindow(opens=opens, last=opens + dt.timedelta(days=max(window_days, 1) - 1))


def employment_completed_on_range(*, today: dt.date, opens_days: int, window_days: int) -> tuple[dt.date, dt.date]:
    """The completion dates whose window contains ``today`` (earliest, latest): what a set-based read filters on."""
    latest = today - dt.timedelta(days=max(opens_days, 0))
    return latest - dt.timedelta(days=max(window_days, 1) - 1), latest


def employment_survey_refusal(*, state: str, program_status: str, completed_on: dt.date, today: dt.date, opens_days: int,
                              window_days: int) -> Msg | None:
    """Why this enrollment may not fill the employment survey today, or None while its window is open: only
    alumni (graduated from a closed program), from ``opens_days`` after graduation for ``window_days``."""
    if state != E.GRADUATED or program_status != P.CLOSED:
        label = training.state_label(state)
        return Msg("Survei kebekerjaan diisi oleh alumni pelatihan yang sudah selesai (status Anda: {s_id}).",
                   "The employment survey is filled by alumni of a completed training (your status: {s_en}).").format(
                       s_id=label.id, s_en=label.en)
    window = employment_window(completed_on=completed_on, opens_days=opens_days, window_days=window_days)
    if today < window.opens:
        return Msg("Survei kebekerjaan dibuka {d_id}, {n} hari sesudah pelatihan selesai.",
                   "The employment survey opens on {d_en}, {n} days after the training ended.").format(
                       d_id=format_date_id(window.opens), d_en=_date_en(window.opens), n=opens_days)
    if today > window.last:
        return Msg("Survei kebekerjaan untuk pelatihan ini sudah ditutup pada {d_id}.",
                   "The employment survey for this training closed on {d_en}.").format(
                       d_id=format_date_id(window.last), d_en=_date_en(window.last))
    return None


def _date_en(value: dt.date) -> str:
    return f"{value.day} {value:%B} {value.year}"


# Titles and honorifics written before a name on the KTP or by an office ("Drs. H. Asep", "KH. Ahmad", "dr. Rina",
# "Hj. Siti", "Tgk. Ali"): a message greets the person by the first word that is none of them.
_TITLES = frozenset({"h", "hj", "kh", "dr", "drs", "dra", "ir", "prof", "tgk", "ust", "ustadz", "ustazah", "ny", "nn", "tn",
                     "sdr", "sdri", "bpk", "bapak", "ibu", "pak", "bu", "haji", "hajjah", "hajah", "st", "s", "r", "rr"})


def greeting_name(full_name: str) -> str:
    """The word to greet a person by: the first of their name that is not a title ("Drs. H. Asep Sunandar" →
    "Asep"); "" when there is none."""
    for word in full_name.split():
        bare = word.strip(".,").lower()
        if bare and not word.endswith(".") and bare not in _TITLES:
            return word.strip(",")
    return ""
