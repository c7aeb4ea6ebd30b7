"""Kartu Prakerja rules: application states, eligibility, per-province quotas and the fair draw.

Pure: no ORM, no clock (``today`` is passed in), no request.

Application states (``ApplicationStatus``)::

    unverified ──confirm codes──▶ submitted ──wave closes──▶ eligible ──draw──▶ selected
        │                 │           │                          └────draw──▶ not_selected
        │                 └──────▶ review ──PMO accepts──▶ submitted
        │                             └────PMO rejects──▶ ineligible (identity_rejected)
        └──wave closes──▶ lapsed (the phone and e-mail codes were never confirmed)
    submitted ──wave closes──▶ ineligible (its reason: age, formal education, an exclusion list, ...)

A wave cannot close while applications wait in ``review``: a mismatch is decided by a PMO officer, never
silently accepted or refused. ``not_selected`` may apply again in a later wave; ``selected`` (a beneficiary)
never again (``earlier_beneficiary``).

Cards (``CardStatus``): a selected application gets a card at the draw (``card_number``: wave, application id,
Luhn digit) and the wave's training balance; ``active`` ──purchase deadline over, balance returned──▶ ``expired``.

Wave states (``WaveStatus``): draft → open → closed → drawn. Amounts (training balance, incentives) are
per wave, because they changed over the years.

Quotas (``largest_remainder``): a national target split over provinces by integer weights (workforce,
unemployment, ...): each province gets the floor of its exact share, and the seats left go one each to the
largest remainders (ties: the larger weight, then the smaller province code). The quotas sum exactly to the
target.

The draw (``draw``), reproducible by anyone from the published seed and list (``sisnaker prakerja
replaydraw``):

1. The candidates are the wave's eligible applications, each with its province, its household (a number
   for its KK, the same within the wave) and the household's earlier beneficiaries (``prior``).
2. Each candidate's key is ``HMAC-SHA256(key = bytes.fromhex(seed), message = str(application id))`` in
   lowercase hex; candidates are taken in ascending key order (ties, impossible in practice: the smaller
   id first).
3. First pass, in that order: a candidate whose household already has ``max_per_household`` beneficiaries
   (earlier ones plus those drawn so far) is skipped; else, when their province still has quota, they are
   selected; else they wait for the second pass.
4. Second pass (quota a province could not use, because it had too few candidates, is redistributed): the
   seats left unused by all provinces form one national pool, given to the waiting candidates in the same key
   order, with the same household rule, until the pool is empty.

Within one province this is a random draw: the keys are uniform and unknown until the seed is revealed. The
seed's SHA-256 is published when the wave closes (with the list), the seed itself at the draw, so nobody can
pick a seed after seeing the list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sisnaker.core.errors import Msg

AGE_MIN, AGE_MAX = 18, 64
DEFAULT_MAX_PER_HOUSEHOLD = 2
KK_LENGTH = 16
STATEMENT_VERSION = 1
STATEMENT = Msg(
    "Saya menyatakan bahwa data yang saya isi benar; bahwa saya bukan ASN, anggota TNI/Polri, perangkat desa, "
    "direksi/komisaris/dewan pengawas BUMN/BUMD, dan tidak sedang menempuh pendidikan formal; dan bahwa saya "
    "bersedia dikeluarkan dari program bila pernyataan ini tidak benar.",
    "I declare that the data I entered is true; that I am not a civil servant, a member of the TNI/Polri, a "
    "village official, a director/commissioner/supervisor of a state- or region-owned company, nor in formal "
    "education; and that I accept removal from the programme if this statement is untrue.",
)


class WaveStatus:
    DRAFT, OPEN, CLOSED, DRAWN = "draft", "open", "closed", "drawn"
    CHOICES = ((DRAFT, Msg("Draf", "Draft")), (OPEN, Msg("Dibuka", "Open")), (CLOSED, Msg("Ditutup", "Closed")),
               (DRAWN, Msg("Diundi", "Drawn")))


WAVE_TRANSITIONS = {
    "open": (WaveStatus.DRAFT, WaveStatus.OPEN),
    "close": (WaveStatus.OPEN, WaveStatus.CLOSED),
    "draw": (WaveStatus.CLOSED, WaveStatus.DRAWN),
}


class ApplicationStatus:
    UNVERIFIED = "unverified"
    REVIEW = "review"
    SUBMITTED = "submitted"
    LAPSED = "lapsed"
    INELIGIBLE = "ineligible"
    ELIGIBLE = "eligible"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    CHOICES = (
        (UNVERIFIED, Msg("Menunggu kode verifikasi", "Waiting for the verification codes")),
        (REVIEW, Msg("Diperiksa petugas PMO", "Checked by a PMO officer")),
        (SUBMITTED, Msg("Terdaftar", "Registered")),
        (LAPSED, Msg("Tidak dilanjutkan (kode tidak dimasukkan)", "Not completed (codes never entered)")),
        (INELIGIBLE, Msg("Tidak memenuhi syarat", "Not eligible")),
        (ELIGIBLE, Msg("Memenuhi syarat, menunggu pengundian", "Eligible, waiting for the draw")),
        (SELECTED, Msg("Lolos", "Selected")),
        (NOT_SELECTED, Msg("Belum lolos", "Not selected")),
    )


# Exclusion list categories (imported by PMO officers, matched by NIK blind index).
class ExclusionCategory:
    CIVIL_SERVANT = "civil_servant"
    MILITARY_POLICE = "military_police"
    VILLAGE_OFFICIAL = "village_official"
    STATE_COMPANY_BOARD = "state_company_board"
    EARLIER_BENEFICIARY = "earlier_beneficiary"
    OTHER_AID = "other_aid"
    CHOICES = (
        (CIVIL_SERVANT, Msg("ASN (PNS/PPPK)", "Civil servant (PNS/PPPK)")),
        (MILITARY_POLICE, Msg("Anggota TNI/Polri", "TNI/Polri member")),
        (VILLAGE_OFFICIAL, Msg("Kepala desa dan perangkat desa", "Village head or official")),
        (STATE_COMPANY_BOARD, Msg("Direksi, komisaris, dewan pengawas BUMN/BUMD",
                                  "Director, commissioner or supervisor of a state- or region-owned company")),
        (EARLIER_BENEFICIARY, Msg("Penerima Kartu Prakerja sebelumnya", "Earlier Kartu Prakerja beneficiary")),
        (OTHER_AID, Msg("Penerima bantuan sosial lain yang dikecualikan", "Recipient of other listed aid")),
    )
    LABELS = dict(CHOICES)


# Why an application is not eligible (stored in Application.reason; shown to the citizen).
REASONS: dict[str, Msg] = {
    "age": Msg("Usia harus {min}–{max} tahun pada tanggal gelombang dibuka.",
               "Age must be {min}–{max} on the day the wave opens.").format(min=AGE_MIN, max=AGE_MAX),
    "formal_education": Msg("Sedang menempuh pendidikan formal.", "In formal education."),
    "earlier_beneficiary": Msg("Sudah pernah menjadi penerima Kartu Prakerja.", "Already a Kartu Prakerja beneficiary."),
    "identity_rejected": Msg("Data identitas tidak cocok (diperiksa petugas PMO).",
                             "The identity data does not match (checked by a PMO officer)."),
    "household_full": Msg("Kuota penerima dalam satu Kartu Keluarga sudah penuh.",
                          "The household (family card) already has the most beneficiaries allowed."),
}
for _category, _label in ExclusionCategory.CHOICES:
    REASONS[f"excluded:{_category}"] = Msg("Terdaftar dalam daftar pengecualian: {label}.",
                                           "On an exclusion list: {label}.").format(label=_label)


def reason_text(code: str) -> Msg | None:
    return REASONS.get(code)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day`` (a 29 February birthday counts on 1 March in other years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligibility_reason(*, birth_date: dt.date, wave_day: dt.date, in_formal_education: bool,
                       exclusions: Iterable[str] = (), earlier_beneficiary: bool = False) -> str | None:
    """The first reason the applicant is not eligible (a key of ``REASONS``), or None. Order: earlier
    beneficiary, age, formal education, exclusion lists (by category order)."""
    if earlier_beneficiary:
        return "earlier_beneficiary"
    if not AGE_MIN <= age_on(birth_date, wave_day) <= AGE_MAX:
        return "age"
    if in_formal_education:
        return "formal_education"
    found = set(exclusions)
    if ExclusionCategory.EARLIER_BENEFICIARY in found:
        return "earlier_beneficiary"
    for category, _label in ExclusionCategory.CHOICES:
        if category in found:
            return f"excluded:{category}"
    return None


def kk_problem(kk: str) -> Msg | None:
    """Why a typed family card (KK) number is not one: 16 ASCII digits."""
    if not kk:
        return Msg("Isi nomor Kartu Keluarga (KK).", "Enter the family card (KK) number.")
    if not (kk.isascii() and kk.isdigit()) or len(kk) != KK_LENGTH:
        return Msg("Nomor KK harus 16 angka (tertulis di bagian atas Kartu Keluarga).",
                   "The KK number must be 16 digits (printed at the top of the family card).")
    return None


def normalise_digits(text: str) -> str:
    """A number as typed, without spaces, dots and dashes."""
    return "".join(ch for ch in (text or "").strip() if ch not in " .-\u00a0")


# --- quotas -----------------------------------------------------------------------------------------------

def largest_remainder(weights: Mapping[str, int], total: int) -> dict[str, int]:
    """Split ``total`` seats over the keys of ``weights`` (non-negative integers, at least one positive) in
    proportion, summing exactly to ``total`` (Hamilton's method, exact integer arithmetic)."""
    if total < 0:
        raise ValueError("total must not be negative")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    whole = sum(weights.values())
    if whole <= 0:
        raise ValueError("at least one weight must be positive")
    quotas = {key: total * w // whole for key, w in weights.items()}
    left = total - sum(quotas.values())
    order = sorted(weights, key=lambda k: (-(total * weights[k] % whole), -weights[k], k))
    for key in order[:left]:
        quotas[key] += 1
    return quotas


# --- the draw -----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    province: str
    household: int
    prior: int = 0  # the household's beneficiaries from earlier waves


def draw_key(seed: str, application_id: int) -> str:
    return hmac.new(bytes.fromhex(seed), str(application_id).encode(), hashlib.sha256).hexdigest()


def seed_commitment(seed: str) -> str:
    """What is published when the wave closes: SHA-256 of the seed's bytes, lowercase hex."""
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def draw(*, seed: str, candidates: Iterable[Candidate], quotas: Mapping[str, int],
         max_per_household: int = DEFAULT_MAX_PER_HOUSEHOLD) -> list[int]:
    """The selected application ids, in the order they were drawn (see the module's docstring)."""
    # The order of ``draw_key`` (lowercase hex) is the order of the raw digests: compare those, from one keyed
    # HMAC state copied per candidate (the same bytes, without re-keying or hex: 5,000,000 candidates in seconds).
    keyed = hmac.new(bytes.fromhex(seed), digestmod=hashlib.sha256)

    def order(c: Candidate) -> tuple[bytes, int]:
        h = keyed.copy()
        h.update(str(c.id).encode())
        return h.digest(), c.id

    ordered = sorted(candidates, key=order)
    household = Counter()
    for c in ordered:
        household[c.household] = max(household[c.household], c.prior)
    left = {province: max(int(n), 0) for province, n in quotas.items()}
    selected: list[int] = []
    waiting: list[Candidate] = []
    for c in ordered:
        if household[c.household] >= max_per_household:
            continue
        if left.get(c.province, 0) > 0:
            left[c.province] -= 1
            household[c.household] += 1
            selected.append(c.id)
        else:
            waiting.append(c)
    pool = sum(left.values())
    for c in waiting:
        if pool <= 0:
            break
        if household[c.household] >= max_per_household:
            continue
        pool -= 1
        household[c.household] += 1
        selected.append(c.id)
    return selected


def result_topic(application_id: int) -> str:
    """The notification topic of an application's draw result: one message per application, ever."""
    return f"prakerja_result:{application_id}"


def result_notice(*, selected: bool, wave: str, application_id: int, balance: int, deadline_days: int, reason: str,
                  url: str) -> tuple[str, str]:
    """(e-mail subject, text) telling a candidate the draw's result; fits one SMS in the usual case. Not
    selected: a later wave is open to them (the household limit, when that was the cause, is said)."""
    wave = wave[:40]
    if selected:
        amount = f"Rp{balance:,}".replace(",", ".")
        return (f"Selamat, Anda lolos Kartu Prakerja {wave}",
                f"Sisnaker: Selamat, Anda LOLOS Kartu Prakerja {wave} (no. {application_id}). Saldo pelatihan {amount}; "
                f"beli pelatihan pertama dalam {deadline_days} hari. {url}")
    why = " karena kuota per KK sudah penuh" if reason == "household_full" else ""
    return (f"Anda belum lolos Kartu Prakerja {wave}",
            f"Sisnaker: Anda belum lolos Kartu Prakerja {wave} (no. {application_id}){why}. Anda dapat mendaftar lagi "
            f"pada gelombang berikutnya. {url}")


# --- the card and its training balance ------------------------------------------------------------------------

CARD_LENGTH = 16


class CardStatus:
    """A Kartu Prakerja: ``active`` (the training balance may be spent) until the purchase deadline passes unused,
    then ``expired`` (kedaluwarsa: the balance went back to the programme budget, the membership ends)."""

    ACTIVE = "active"
    EXPIRED = "expired"
    CHOICES = (
        (ACTIVE, Msg("Aktif", "Active")),
        (EXPIRED, Msg("Kedaluwarsa", "Expired")),
    )


def luhn_digit(payload: str) -> str:
    """The Luhn (mod 10) check digit of a string of digits: from the right, every second digit of the payload
    (starting with the last) is doubled (less 9 when above 9); the check digit brings the sum to a multiple of 10."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def card_number(*, wave_number: int, application_id: int) -> str:
    """The 16-digit Kartu Prakerja number: the wave's number (4 digits), the application's id (11 digits), a Luhn
    check digit (``luhn_digit``). Unique because wave numbers and application ids are; not a secret (the
    application number is published with the draw's results). Mistyped digits and most swaps fail the check."""
    if not (0 < wave_number <= 9999 and 0 < application_id <= 99_999_999_999):
        raise ValueError("wave number or application id out of the card number's range")
    payload = f"{wave_number:04d}{application_id:011d}"
    return payload + luhn_digit(payload)


def card_number_valid(number: str) -> bool:
    return (len(number) == CARD_LENGTH and number.isascii() and number.isdigit()
            and luhn_digit(number[:-1]) == number[-1])


def purchase_deadline(selected_on: dt.date, days: int) -> dt.date:
    """The last day the first training can be bought: ``days`` after the day of selection (the draw)."""
    return selected_on + dt.timedelta(days=days)


def card_expires(*, status: str, deadline: dt.date, today: dt.date) -> bool:
    """An active card whose deadline is over (``today`` is after it) expires; its unused balance returns."""
    return status == CardStatus.ACTIVE and today > deadline


def card_state(*, status: str, deadline: dt.date, today: dt.date) -> str:
    """What the citizen's page says: ``active``, ``expired``, or ``expiring`` (active, deadline over, the daily
    run has not returned the balance yet: it can no longer be spent)."""
    if status == CardStatus.EXPIRED:
        return CardStatus.EXPIRED
    return "expiring" if today > deadline else CardStatus.ACTIVE
