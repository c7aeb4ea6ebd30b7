"""Pure rules of payments: the ledger's postings, who is owed what, payout accounts, batches and bank files.
No ORM, no clock: ``now``/``today`` are passed in.

Ledger (double entry, integer rupiah). A journal entry is a set of lines, each an amount on one account:
positive is a debit, negative a credit, and the lines of an entry sum to zero (``entry_refusal``; the
database refuses an unbalanced entry too, payments/migrations/0002). Entries are never updated nor deleted:
a correction is a new entry. Accounts, per funding source:

* ``budget``               programme budget spent (debit when something becomes owed)
* ``payable_person``       what is owed to people (credit when owed, debit when paid)
* ``payable_institution``  what is owed to institutions (training fees)
* ``paid_out``             money that left through the bank (credit when a transfer succeeds)
* ``returned``             what was owed and then cancelled, back to the budget holder (credit)
* ``beneficiary``          a person's own balance (Kartu Prakerja's training balance posts here)

Postings (``postings``)::

    accrue   budget +a            payable_<party> −a     a payable comes into being
    pay      payable_<party> +a   paid_out −a            the bank reports the transfer done
    cancel   payable_<party> +a   returned −a            a payable still due is withdrawn
    return   paid_out +a          payable_<party> −a     the bank sends a paid transfer back: owed again
    grant    budget +a            beneficiary −a         a beneficiary's balance is given (Kartu Prakerja)
    expire   budget −a            beneficiary +a         an unused balance goes back to the programme budget
    purchase beneficiary +a       payable_institution −a the balance buys a training: the institution is owed
    refund   payable_institution +a beneficiary −a       a purchase cancelled before its payable was paid

A beneficiary account belongs to one holder (``balance_postings``): its balance is minus the sum of its lines.

Each posting has an idempotency key (``entry_key``): ``accrue:<payable key>``, ``pay:<payable key>``,
``cancel:<payable key>``, ``return:<payable key>``; after the n-th return the next payment and return are
``pay:<payable key>#n`` and ``return:<payable key>#n``. Keys are unique in the database, so a payable is paid at most once whatever
happens around it (double clicks, concurrent imports, a result file imported twice).

Payables::

    due ──(batch built)──▶ in_batch ──(bank: paid)──▶ paid
     ▲ │                      │                          │
     │ └──cancel──▶ cancelled └──(bank: failed, or      └──(bank returns it)──▶ due (with the bank's reason)
     │                            batch cancelled)──▶ due (with the bank's reason)

Batches (four eyes: the approver is never the maker; a database check too)::

    draft ──approve──▶ approved ──export──▶ exported ──(every line settled)──▶ settled
      └──cancel──▶ cancelled

Exporting again gives the same files; importing a result again changes nothing.

Payout accounts (``payout_transition``; only ``verified`` accounts are paid)::

    recorded ──(holder name's score)──▶ verified | review | rejected
    review ──(officer: the name is right)──▶ verified        review ──(officer: it is not)──▶ rejected
    verified ──(bank fails or returns a transfer for a reason about the account)──▶ review (with the bank's reason)

A transfer the bank refused because of the account (``account_problem``: a closed account, a wrong number, a
holder name the receiving bank refused...) puts the account back in the officers' review queue: nothing is paid
to it again until the owner records another account (which replaces it) or an officer re-verifies it, with a
note saying why. A failure for another reason (the bank's system, a time-out) leaves the account verified: the
payable is paid again in a later batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from sisnaker.core.choices import Choices
from sisnaker.core.errors import Msg
from sisnaker.notifications import text as sms_text


class AccountKind(Choices):
    BUDGET = "budget", _("Anggaran program")
    PAYABLE_PERSON = "payable_person", _("Utang kepada orang")
    PAYABLE_INSTITUTION = "payable_institution", _("Utang kepada lembaga")
    PAID_OUT = "paid_out", _("Dibayarkan")
    RETURNED = "returned", _("Dikembalikan")
    BENEFICIARY = "beneficiary", _("Saldo penerima")


class EntryKind(Choices):
    ACCRUE = "accrue", _("Timbul kewajiban")
    PAY = "pay", _("Pembayaran")
    CANCEL = "cancel", _("Pembatalan")
    RETURN = "return", _("Dikembalikan bank")
    GRANT = "grant", _("Saldo diberikan")
    EXPIRE = "expire", _("Saldo kedaluwarsa")
    PURCHASE = "purchase", _("Pembelian pelatihan dari saldo")
    REFUND = "refund", _("Pembelian dibatalkan, saldo kembali")


# The entries of a payable (``postings``) and of a beneficiary's balance (``balance_postings``).
PAYABLE_ENTRIES = (EntryKind.ACCRUE, EntryKind.PAY, EntryKind.CANCEL, EntryKind.RETURN)
BALANCE_ENTRIES = (EntryKind.GRANT, EntryKind.EXPIRE, EntryKind.PURCHASE, EntryKind.REFUND)


class PayableKind(Choices):
    INCENTIVE = "incentive", _("Insentif alumni")
    TRAINING_FEE = "training_fee", _("Biaya pelatihan")
    # Kartu Prakerja's post-training and survey incentives: per instalment, owed to the card's holder (the
    # prakerja app makes them, keys ``prakerja-incentive:<purchase>:<n>`` / ``prakerja-survey:<purchase>:<n>``).
    PRAKERJA = "prakerja", _("Insentif Kartu Prakerja")


# The kinds owed to a person that they are told about and see on "Insentif saya": the programme's incentives and
# Kartu Prakerja's (post-training and survey incentives, decided by the prakerja app).
PERSON_INCENTIVE_KINDS = (PayableKind.INCENTIVE, PayableKind.PRAKERJA)


class PayableStatus(Choices):
    DUE = "due", _("Jatuh tempo")
    IN_BATCH = "in_batch", _("Dalam batch")
    PAID = "paid", _("Dibayar")
    CANCELLED = "cancelled", _("Dibatalkan")


class BatchStatus(Choices):
    DRAFT = "draft", _("Draf")
    APPROVED = "approved", _("Disetujui")
    EXPORTED = "exported", _("Berkas bank dibuat")
    SETTLED = "settled", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


OPEN_BATCH = frozenset({BatchStatus.DRAFT, BatchStatus.APPROVED, BatchStatus.EXPORTED})


class LineStatus(Choices):
    PENDING = "pending", _("Menunggu bank")
    PAID = "paid", _("Berhasil")
    FAILED = "failed", _("Gagal")
    CANCELLED = "cancelled", _("Dibatalkan")
    RETURNED = "returned", _("Dikembalikan bank")


class PayoutStatus(Choices):
    VERIFIED = "verified", _("Nama cocok")
    REVIEW = "review", _("Menunggu pemeriksaan petugas")
    REJECTED = "rejected", _("Nama tidak cocok")


# --- the ledger --------------------------------------------------------------------------------------

# An account is named by (kind, funding source); a beneficiary account also by its holder's reference
# (kind, funding source, reference).
AccountKey = tuple[str, ...]
Line = tuple[AccountKey, int]


def payable_account(kind: str) -> str:
    return AccountKind.PAYABLE_INSTITUTION if kind == PayableKind.TRAINING_FEE else AccountKind.PAYABLE_PERSON


def postings(entry: str, *, payable_kind: str, funding_source: str, amount: int) -> list[Line]:
    """The lines of ``entry`` (an ``EntryKind``) for one payable (see the module docstring)."""
    owed = (payable_account(payable_kind), funding_source)
    if entry == EntryKind.ACCRUE:
        return [((AccountKind.BUDGET, funding_source), amount), (owed, -amount)]
    if entry == EntryKind.PAY:
        return [(owed, amount), ((AccountKind.PAID_OUT, funding_source), -amount)]
    if entry == EntryKind.CANCEL:
        return [(owed, amount), ((AccountKind.RETURNED, funding_source), -amount)]
    if entry == EntryKind.RETURN:
        return [((AccountKind.PAID_OUT, funding_source), amount), (owed, -amount)]
    raise ValueError(f"unknown entry kind {entry!r}")


def balance_postings(entry: str, *, funding_source: str, holder: str, amount: int) -> list[Line]:
    """The lines of a beneficiary balance's ``grant``, ``expire``, ``purchase`` or ``refund`` (see the module
    docstring); ``holder`` is the beneficiary account's reference. A purchase's lines belong to the institution's
    training-fee payable (``ledger.Posting.payable_id``)."""
    budget, balance = (AccountKind.BUDGET, funding_source), (AccountKind.BENEFICIARY, funding_source, holder)
    if entry == EntryKind.GRANT:
        return [(budget, amount), (balance, -amount)]
    if entry == EntryKind.EXPIRE:
        return [(balance, amount), (budget, -amount)]
    owed = (AccountKind.PAYABLE_INSTITUTION, funding_source)
    if entry == EntryKind.PURCHASE:
        return [(balance, amount), (owed, -amount)]
    if entry == EntryKind.REFUND:
        return [(owed, amount), (balance, -amount)]
    raise ValueError(f"unknown balance entry kind {entry!r}")


def entry_key(entry: str, payable_key: str, returns: int = 0) -> str:
    """A posting's idempotency key. ``returns``: how many times the bank sent the payable's money back before;
    the payment after a return (and the next return) is a new posting, still once each."""
    return f"{entry}:{payable_key}" + (f"#{returns}" if returns else "")


def entry_refusal(lines: Iterable[Line]) -> Msg | None:
    """Why these lines cannot be one journal entry, or None: at least two lines, every amount a non-zero
    whole number of rupiah, summing to zero."""
    lines = list(lines)
    if len(lines) < 2:
        return Msg("Jurnal memerlukan sedikitnya dua baris.", "A journal entry needs at least two lines.")
    for _account, amount in lines:
        if type(amount) is not int or amount == 0:
            return Msg("Setiap baris jurnal berisi jumlah rupiah bulat bukan nol.",
                       "Every journal line holds a non-zero whole number of rupiah.")
    if sum(amount for _account, amount in lines) != 0:
        return Msg("Baris jurnal harus berjumlah nol (debit = kredit).", "Journal lines must sum to zero (debit = credit).")
    return None


# --- who is owed what ----------------------------------------------------------------------------------

DEFAULT_INCENTIVE = 600_000
# Funding sources that pay: government money (training.Program.Funding minus self-funded programs).
GOVERNMENT_FUNDED = ("apbn", "apbd")


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    program_id: int | None
    funding_source: str
    amount: int


def rule_for(rules: Iterable[Rule], *, program_id: int, funding_source: str) -> Rule | None:
    """The incentive rule of a program: its own rule if it has one, else its funding source's, else none
    (no incentive)."""
    by_program = by_source = None
    for rule in rules:
        if rule.program_id == program_id:
            by_program = rule
        elif rule.program_id is None and rule.funding_source == funding_source:
            by_source = rule
    return by_program or by_source


def incentive_key(rule_id: int, person_id: int) -> str:
    """One incentive per rule per person, whatever the number of programs they finished under it."""
    return f"incentive:{rule_id}:{person_id}"


def training_fee_key(program_id: int) -> str:
    return f"fee:{program_id}"


def training_fee(*, fee: int, graduates: int, funding_source: str, program_closed: bool) -> int:
    """What the government owes an institution for a program it ran (docs/payments.md): the program's fee
    (per participant) times the participants who graduated, once the program is closed, for government-funded
    programs only (APBN, APBD; Prakerja pays through its own flow, self-funded programs are paid by the
    participants). Participants who dropped out or did not pass are not paid for. 0 means nothing is owed."""
    if not program_closed or funding_source not in GOVERNMENT_FUNDED or fee <= 0 or graduates <= 0:
        return 0
    return fee * graduates


# --- payout accounts ---------------------------------------------------------------------------------

class PayoutEvent(Choices):
    """What happens to a payout account after its holder name's check (``PAYOUT_TRANSITIONS``)."""

    ACCEPTED = "accepted", _("Nama diterima petugas")
    REFUSED = "refused", _("Nama ditolak petugas")
    BANK_REFUSED = "bank_refused", _("Ditolak bank")


# (status, event) → the next status; an event not listed for a status changes nothing.
PAYOUT_TRANSITIONS: dict[tuple[str, str], str] = {
    (PayoutStatus.REVIEW, PayoutEvent.ACCEPTED): PayoutStatus.VERIFIED,
    (PayoutStatus.REVIEW, PayoutEvent.REFUSED): PayoutStatus.REJECTED,
    (PayoutStatus.VERIFIED, PayoutEvent.BANK_REFUSED): PayoutStatus.REVIEW,
}


def payout_transition(status: str, event: str) -> str | None:
    """The payout account's status after ``event``, or None when the event does not apply to it."""
    return PAYOUT_TRANSITIONS.get((status, event))


def bank_refusal_event(reason: str) -> str | None:
    """The payout account's event when the bank failed or returned a transfer for ``reason``: ``bank_refused``
    when the reason is about the account (the account must not be paid again as it is), else None (a transient
    failure: the next batch tries again)."""
    return PayoutEvent.BANK_REFUSED if account_problem(reason) else None


# Titles written before a name; degrees come after a comma ("Siti, S.E., M.M.") and are cut there.
_PREFIX_TITLES = frozenset({"dr", "drs", "dra", "ir", "h", "hj", "prof", "bapak", "bpk", "ibu", "sdr", "sdri", "tn", "ny", "nn"})


# Academic degrees written after a comma ("S.E.", "S.Kom.", "M.M.", "Ph.D", "A.Md."), with or without dots.
_DEGREE_DOTTED = re.compile(r"^(?:[a-z]{1,4}\.){1,3}[a-z]{0,4}\.?$")
_DEGREES = frozenset({"se", "sh", "st", "mm", "mba", "phd", "msc", "bsc", "ma", "mh", "mkom", "skom", "amd", "spd", "mpd",
                      "ssos", "sag", "ssi", "msi", "mt", "mpa", "sked", "ked", "mkes", "skm", "sfarm", "apt", "ners", "sip"})


def _is_degree(part: str) -> bool:
    text = part.strip().lower().replace(" ", "")
    return bool(text) and len(text) <= 12 and (bool(_DEGREE_DOTTED.match(text)) or text in _DEGREES)


def normalise_name(name: str) -> str:
    """Upper-case letters and single spaces, as banks print holder names: accents and punctuation removed,
    degrees after a comma and titles before the name dropped ("Dr. Siti Nurhaliza, S.E." → "SITI NURHALIZA").
    Only degrees are dropped after a comma: "Siti Nurhaliza, Joko Prasetyo" keeps both names (a joint or another
    person's account must not pass as hers)."""
    first, *rest = (name or "").split(",")
    text = unicodedata.normalize("NFKD", " ".join([first, *(part for part in rest if not _is_degree(part))]))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    words = re.sub(r"[^a-z ]", " ", text).split()
    while len(words) > 1 and words[0] in _PREFIX_TITLES:
        words = words[1:]
    return " ".join(words).upper()


def name_score(person_name: str, holder_name: str) -> int:
    """0–100: how well an account holder's name matches the person, on normalised names: the mean of
    rapidfuzz's token sort ratio (word order does not matter, every word counts) and token set ratio (a name
    that is a subset of the other scores high). Same words in any order score 100, a typo about 90, a holder
    name missing some of the person's words about 75-85 (a person decides), another name well below."""
    a, b = normalise_name(person_name), normalise_name(holder_name)
    if not a or not b:
        return 0
    return int(round((fuzz.token_sort_ratio(a, b) + fuzz.token_set_ratio(a, b)) / 2))


def name_verdict(score: int, *, accept: int, review: int) -> str:
    """``verified`` at or above ``accept``, ``review`` (a person decides) from ``review``, else ``rejected``."""
    if score >= accept:
        return PayoutStatus.VERIFIED
    if score >= review:
        return PayoutStatus.REVIEW
    return PayoutStatus.REJECTED


def account_number_refusal(channel: str, number: str) -> Msg | None:
    if channel == "ewallet":
        if not re.fullmatch(r"08[0-9]{8,11}", number):
            return Msg("Nomor dompet digital adalah nomor HP yang terdaftar, mis. 081234567890.",
                       "An e-wallet number is its registered mobile number, e.g. 081234567890.")
        return None
    if not re.fullmatch(r"[0-9]{5,20}", number):
        return Msg("Nomor rekening hanya berisi 5–20 angka.", "The bank account number holds 5–20 digits.")
    return None


def clean_number(number: str) -> str:
    return "".join(ch for ch in (number or "") if not ch.isspace() and ch not in "-.")


# --- batches -----------------------------------------------------------------------------------------

def approve_refusal(*, status: str, maker_id: int, approver_id: int) -> Msg | None:
    """Four eyes: a draft batch, approved by someone other than its maker."""
    if status != BatchStatus.DRAFT:
        return Msg("Hanya batch draf yang dapat disetujui.", "Only a draft batch can be approved.")
    if maker_id == approver_id:
        return Msg("Batch harus disetujui oleh petugas lain, bukan pembuatnya.",
                   "A batch must be approved by another officer, not by its maker.")
    return None


def line_reference(batch_id: int, payable_id: int) -> str:
    """The reference a bank file carries for one line (and its result file gives back)."""
    return f"SNK{batch_id:06d}-{payable_id}"


# The bank transfer file (docs/payments.md): one CSV per bank or e-wallet provider, UTF-8, comma-separated,
# a header line, amounts in whole rupiah.
EXPORT_HEADER = ("reference", "bank_code", "account_number", "account_holder", "amount", "description")
RESULT_HEADER = ("reference", "status", "bank_reference", "reason")
PAID_WORDS = frozenset({"berhasil", "sukses", "success", "paid", "ok"})
FAILED_WORDS = frozenset({"gagal", "failed", "rejected", "ditolak"})


def _cell(value: str) -> str:
    # A cell a spreadsheet would run as a formula is written as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def export_csv(rows: Iterable[tuple[str, str, str, str, int, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    for reference, code, number, holder, amount, description in rows:
        writer.writerow([reference, code, number, _cell(holder), amount, _cell(description)])
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ResultRow:
    line: int  # the file's line number (2 is the first after the header)
    reference: str
    paid: bool
    bank_reference: str
    reason: str


@dataclass(frozen=True, slots=True)
class ResultProblem:
    line: int
    message: Msg


MAX_RESULT_BYTES = 50 * 1024 * 1024


def parse_result(data: bytes) -> tuple[list[ResultRow], list[ResultProblem]]:
    """The bank's result file: ``reference,status,bank_reference,reason`` (a header line first; ``status``
    BERHASIL/SUKSES/SUCCESS/PAID or GAGAL/FAILED/REJECTED/DITOLAK; a failed line needs a reason). Every problem
    is reported with its line number; nothing is applied when there is one."""
    problems: list[ResultProblem] = []
    if len(data) > MAX_RESULT_BYTES:
        return [], [ResultProblem(0, Msg("Berkas terlalu besar (maks. 50 MB).", "The file is too large (50 MB at most)."))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [ResultProblem(0, Msg("Berkas harus CSV berenkode UTF-8.", "The file must be a UTF-8 CSV."))]
    if "\x00" in text:
        return [], [ResultProblem(0, Msg("Berkas berisi karakter NUL.", "The file holds a NUL character."))]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header[:4]) != RESULT_HEADER:
        return [], [ResultProblem(1, Msg("Baris pertama harus: reference,status,bank_reference,reason.",
                                         "The first line must be: reference,status,bank_reference,reason."))]
    rows: list[ResultRow] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = [c.strip() for c in cells] + [""] * (4 - len(cells))
        reference, status, bank_reference, reason = cells[:4]
        word = status.lower()
        if not reference:
            problems.append(ResultProblem(number, Msg("Referensi kosong.", "The reference is empty.")))
            continue
        if word not in PAID_WORDS | FAILED_WORDS:
            problems.append(ResultProblem(number, Msg("Status {status!r} tidak dikenal (BERHASIL atau GAGAL).",
                                                      "Unknown status {status!r} (BERHASIL or GAGAL).").format(status=status)))
            continue
        if word in FAILED_WORDS and not reason:
            problems.append(ResultProblem(number, Msg("Baris gagal harus menyebut alasan dari bank.",
                                                      "A failed line must give the bank's reason.")))
            continue
        if reference in seen:
            problems.append(ResultProblem(number, Msg("Referensi {ref} sudah ada di baris {line}.",
                                                      "Reference {ref} is already on line {line}.").format(
                ref=reference, line=seen[reference])))
            continue
        seen[reference] = number
        rows.append(ResultRow(number, reference, word in PAID_WORDS, bank_reference[:100], reason[:300]))
    return rows, problems


@dataclass(frozen=True, slots=True)
class Settlement:
    """What importing a result does: lines to mark paid / failed, and lines already settled the same way
    (nothing to do). A line already settled the other way is a problem, never a change."""

    paid: list[ResultRow]
    failed: list[ResultRow]
    unchanged: int
    problems: list[ResultProblem]


def settle(rows: Iterable[ResultRow], lines: dict[str, str]) -> Settlement:
    """Match result rows to the batch's lines (reference → current line status)."""
    paid, failed, problems = [], [], []
    unchanged = 0
    for row in rows:
        status = lines.get(row.reference)
        if status is None:
            problems.append(ResultProblem(row.line, Msg("Referensi {ref} bukan baris batch ini.",
                                                        "Reference {ref} is not a line of this batch.").format(ref=row.reference)))
        elif status == LineStatus.PENDING:
            (paid if row.paid else failed).append(row)
        elif ((status == LineStatus.PAID) == row.paid and status in (LineStatus.PAID, LineStatus.FAILED)
              or (status == LineStatus.RETURNED and row.paid)):  # paid, then sent back: the result file is still true
            unchanged += 1
        else:
            problems.append(ResultProblem(row.line, Msg(
                "Baris {ref} sudah tercatat {status}; hasil yang berbeda tidak diterapkan.",
                "Line {ref} is already recorded as {status}; a different result is not applied.",
            ).format(ref=row.reference, status=status)))
    return Settlement(paid, failed, unchanged, problems)


def totals_by(rows: Iterable[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """(key, count, amount) per key, largest amount first."""
    count: dict[str, int] = defaultdict(int)
    amount: dict[str, int] = defaultdict(int)
    for key, value in rows:
        count[key] += 1
        amount[key] += value
    return sorted(((k, count[k], amount[k]) for k in count), key=lambda t: (-t[2], t[0]))


# --- what a citizen sees -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class IncentiveFacts:
    responded: bool
    payable_status: str | None  # None: no payable (yet)
    paid_at: dt.datetime | None
    failure_reason: str
    account_status: str | None  # the person's current payout account: None, verified, review, rejected


def incentive_state(facts: IncentiveFacts) -> str:
    """One word for the citizen's incentive: ``survey`` (fill the employment survey), ``processing``
    (responded, payable not made yet), ``account`` (no usable account: add or correct it), ``review`` (the
    account's name is being checked), ``due``, ``in_batch``, ``paid``, ``failed`` (the bank refused the last
    transfer), ``cancelled``."""
    if facts.payable_status == PayableStatus.PAID:
        return "paid"
    if facts.payable_status == PayableStatus.CANCELLED:
        return "cancelled"
    if facts.payable_status == PayableStatus.IN_BATCH:
        return "in_batch"
    if not facts.responded and facts.payable_status is None:
        return "survey"
    if facts.payable_status == PayableStatus.DUE and facts.failure_reason:
        return "failed"
    if facts.account_status in (None, PayoutStatus.REJECTED):
        return "account"
    if facts.account_status == PayoutStatus.REVIEW:
        return "review"
    return "due" if facts.payable_status == PayableStatus.DUE else "processing"


# --- what a citizen is told ---------------------------------------------------------------------------

class Notice(Choices):
    """The events of an incentive a citizen is told about (once each: the topic names the event's object)."""

    DUE = "due", _("Insentif jatuh tempo")
    PAID = "paid", _("Insentif dibayar")
    FAILED = "failed", _("Transfer insentif gagal")
    RETURNED = "returned", _("Transfer insentif dikembalikan bank")


# Words of a bank's reason that say the account is at fault (its name, number or state): the person must act.
_ACCOUNT_WORDS = ("nama", "rekening", "account", "name", "nomor", "number", "tidak ditemukan", "not found", "tutup", "closed",
                  "dormant", "pasif", "blokir", "blocked", "invalid", "tidak aktif", "inactive", "beneficiary")


def account_problem(reason: str) -> bool:
    """Whether a bank's reason for a failed (or returned) transfer is about the account, so the person must
    correct it (rather than wait for the next batch)."""
    text = (reason or "").lower()
    return any(word in text for word in _ACCOUNT_WORDS)


def notice_topic(event: str, object_id: int) -> str:
    """One message per event: due and paid once per payable, failed once per batch line, returned once per
    return (its journal entry's line of the payable)."""
    return f"payment.{event}.{object_id}"


def _rp(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


def incentive_notice(event: str, *, amount: int, program: str, reason: str = "", paid_on: dt.date | None = None,
                     account_ok: bool = True, mine_url: str, account_url: str) -> tuple[str, str]:
    """(e-mail subject, text) of a message to an alumnus about their incentive; short enough for an SMS in
    the usual case. When a transfer failed or came back because of the account, the text says how to fix it:
    the link to the account page."""
    program = sms_text.clip(program, sms_text.PROGRAM_TITLE)
    reason = sms_text.reason(reason)  # the sentence puts its own full stop after it
    if event == Notice.DUE:
        subject = f"Insentif {_rp(amount)} siap dibayar"
        if account_ok:
            return subject, f"Sisnaker: insentif {_rp(amount)} ({program}) siap dibayar ke rekening Anda. Status: {mine_url}"
        return subject, (f"Sisnaker: insentif {_rp(amount)} ({program}) siap dibayar. Catat rekening atas nama Anda: "
                         f"{account_url}")
    if event == Notice.PAID:
        day = paid_on.strftime("%d-%m-%Y") if paid_on else ""
        return (f"Insentif {_rp(amount)} sudah dibayar",
                f"Sisnaker: insentif {_rp(amount)} ({program}) sudah ditransfer ke rekening Anda pada {day}. {mine_url}")
    if event in (Notice.FAILED, Notice.RETURNED):
        what = "gagal" if event == Notice.FAILED else "dikembalikan bank"
        subject = f"Transfer insentif {_rp(amount)} {what}"
        if account_problem(reason):
            return subject, (f"Sisnaker: transfer insentif {_rp(amount)} {what}: {reason}. Rekening ini tidak dipakai lagi "
                             f"sampai diperbarui atau diperiksa petugas. Perbarui rekening: {account_url}")
        return subject, (f"Sisnaker: transfer insentif {_rp(amount)} {what}: {reason}. Akan dikirim lagi pada pembayaran "
                         f"berikutnya. {mine_url}")
    raise ValueError(f"unknown notice {event!r}")
