"""Kartu Prakerja rules: application states, eligibility, per-province quotas and the fair draw.

Pure: no ORM, no clock (``today`` is passed in), no request.

Application states (``ApplicationStatus``)::

    unverified ──confirm codes──▶ submitted ──wave closes──▶ eligible ──draw──▶ selected
        │                 │           │                          └──(not drawn)──▶ read as not_selected
        │                 └──────▶ review ──PMO accepts──▶ submitted
        │                             └────PMO rejects──▶ ineligible (identity_rejected)
        └──wave closes──▶ lapsed (the phone and e-mail codes were never confirmed)
    submitted ──wave closes──▶ ineligible (its reason: age, formal education, an exclusion list, ...)

A wave cannot close while applications wait in ``review``: a mismatch is decided by a PMO officer, never
silently accepted or refused. The draw rewrites no application: it records the selected as narrow rows of their
own (``Selection``); an application ``eligible`` in a drawn wave is shown as ``selected`` when it has one, else as
``not_selected`` (``Application.outcome``). Not selected
may apply again in a later wave; ``selected`` (a beneficiary) never again (``earlier_beneficiary``).

Cards (``CardStatus``): a selected application gets a card at the draw (``card_number``: wave, application id,
Luhn digit) and the wave's training balance; ``active`` ──purchase deadline over, balance returned──▶ ``expired``.

Wave states (``WaveStatus``): draft → open → closed → drawn. Closing before the announced closing day
(``closes_on``, the last day applications are taken) needs a written reason (``close_reason_needed``; the
reason goes to the audit trail): it cuts the deadline citizens were told. Amounts (training balance, incentives) are
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
import heapq
import hmac
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from sisnaker.core import dates
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


def close_reason_needed(*, closes_on: dt.date, today: dt.date) -> Msg | None:
    """Why closing a wave ``today`` needs a written reason, or None when it does not: closing before the announced
    closing day ``closes_on`` (applications are taken up to and including that day) cuts the deadline citizens were
    told, and the applications still waiting for their verification codes lapse without the time they were promised.
    On or after the closing day a wave closes as announced."""
    if today < closes_on:
        return Msg("Pendaftaran gelombang ini diumumkan dibuka sampai {d_id}: tuliskan alasan menutupnya lebih awal.",
                   "Applications to this wave were announced open until {d_en}: write the reason for closing it early.").format(
                       **dates.msg_params("d", closes_on))
    return None


def _applications_en(n: int) -> str:
    return f"{n} application" if n == 1 else f"{n} applications"


def close_effects(*, lapse: int, check: int, review: int, closes_on: dt.date, today: dt.date) -> list[Msg]:
    """What closing a wave ``today`` will do, for its confirmation: ``lapse`` applications still waiting for their
    verification codes lapse, ``check`` registered ones get their eligibility, the announced closing day is cut short
    when it has not come yet; ``review`` waiting for an identity check block it."""
    out = []
    if review:
        out.append(Msg("{n} pendaftaran masih menunggu pemeriksaan identitas: gelombang baru dapat ditutup setelah semuanya "
                       "diputuskan.", "{en} still wait for an identity check: the wave can close only once all are decided.")
                   .format(n=review, en=_applications_en(review)))
    if today < closes_on:
        days = (closes_on - today).days
        out.append(Msg("Batas pendaftaran yang diumumkan, {d_id}, dipotong {days} hari: sejak penutupan tidak ada lagi yang "
                       "dapat mendaftar di gelombang ini.",
                       "The announced deadline, {d_en}, is cut short by {days_en}: from the closing on nobody can apply to "
                       "this wave any more.").format(days=days, days_en=f"{days} day" if days == 1 else f"{days} days",
                                                     **dates.msg_params("d", closes_on)))
    else:
        out.append(Msg("Pendaftaran berhenti: tidak ada lagi yang dapat mendaftar di gelombang ini.",
                       "Applications stop: nobody can apply to this wave any more."))
    if lapse:
        out.append(Msg("{n} pendaftaran yang masih menunggu kode verifikasi akan kedaluwarsa: tidak ikut pemeriksaan "
                       "kelayakan dan pengundian.",
                       "{en} still waiting for their verification codes will lapse: they are not checked and not drawn.")
                   .format(n=lapse, en=_applications_en(lapse)))
    out.append(Msg("{n} pendaftaran terdaftar akan diperiksa kelayakannya.",
                   "{en} registered will be checked for eligibility.").format(n=check, en=_applications_en(check)))
    out.append(Msg("Benih pengundian dibuat dan SHA-256-nya diumumkan bersama daftar pendaftar yang memenuhi syarat.",
                   "The draw's seed is made and its SHA-256 published with the list of eligible applications."))
    return out


def close_outcome(*, lapsed: int, eligible: int, ineligible: int, closes_on: dt.date | None = None,
                  closed_on: dt.date | None = None) -> Msg:
    """What closing a wave did (``services.wave_close``'s counts, kept in ``Wave.counts["close"]``), for the PMO's
    message and the wave's page; ``closes_on`` and ``closed_on`` when it closed before its announced closing day."""
    checked = eligible + ineligible
    msg = Msg("Gelombang ditutup: {checked} pendaftaran diperiksa kelayakannya ({eligible} memenuhi syarat, {ineligible} "
              "tidak memenuhi syarat); {lapsed} pendaftaran kedaluwarsa karena kode verifikasinya tidak dimasukkan.",
              "Wave closed: {checked_en} checked for eligibility ({eligible} eligible, {ineligible} not eligible); "
              "{lapsed_en} lapsed because their verification codes were never entered.").format(
                  checked=checked, eligible=eligible, ineligible=ineligible, lapsed=lapsed,
                  checked_en=_applications_en(checked), lapsed_en=_applications_en(lapsed))
    if closes_on is not None and closed_on is not None and closed_on < closes_on:
        early = Msg(" Ditutup {c_id}, lebih awal dari tanggal tutup yang diumumkan ({d_id}); alasannya tercatat di jejak audit.",
                    " Closed on {c_en}, before the announced closing date ({d_en}); the reason is in the audit trail.").format(
                        **dates.msg_params("c", closed_on), **dates.msg_params("d", closes_on))
        msg = Msg(msg.id + early.id, msg.en + early.en)
    return msg


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


# What the applicant reads about each reason: why it keeps them out of Kartu Prakerja, and what they can do (fix
# the data they typed, apply in a later wave, report a mistake, train elsewhere). The refusal when they apply
# (``services._not_eligible``) and the "Prakerja saya" page; ``REASONS`` stays the short label of lists.
_TRAINING_ELSEWHERE = Msg("Pelatihan di BLK dan LPK (masing-masing dengan syaratnya sendiri) dapat Anda cari di menu Pelatihan.",
                          "Trainings at BLKs and LPKs (each with its own conditions) are under Training in the menu.")
_ADVICE: dict[str, Msg] = {
    "age": Msg("Kartu Prakerja hanya untuk warga berusia {min}–{max} tahun pada tanggal gelombang dibuka; menurut tanggal "
               "lahir yang diisi, usia Anda di luar batas itu. Periksa tanggal lahir sesuai KTP dan daftar lagi bila keliru. "
               "Bila benar dan Anda belum {min} tahun, daftarlah pada gelombang yang dibuka sesudah ulang tahun ke-{min}.",
               "Kartu Prakerja is only for people aged {min}–{max} on the day the wave opens; by the birth date entered you are "
               "outside that range. Check the birth date against your KTP and apply again if it was wrong. If it is right and "
               "you are under {min}, apply in a wave that opens after your {min}th birthday.").format(min=AGE_MIN, max=AGE_MAX),
    "formal_education": Msg("Orang yang sedang menempuh pendidikan formal (sekolah atau kuliah) tidak dapat ikut Kartu Prakerja, "
                            "dan Anda mencentang \"sedang sekolah atau kuliah\". Bila Anda sudah tidak sekolah atau kuliah, "
                            "daftar lagi tanpa mencentangnya. Bila masih, daftarlah pada gelombang yang dibuka sesudah Anda "
                            "lulus atau berhenti.",
                            "People in formal education (at school or university) cannot join Kartu Prakerja, and you ticked "
                            "\"at school or university\". If you no longer are, apply again without ticking it. If you still "
                            "are, apply in a wave that opens after you graduate or leave."),
    "earlier_beneficiary": Msg("Kartu Prakerja diberikan satu kali per orang, dan NIK ini tercatat sudah pernah menerimanya. Bila "
                               "Anda tidak pernah menerima Kartu Prakerja, NIK Anda mungkin dipakai orang lain: laporkan ke "
                               "dinas ketenagakerjaan (Disnaker) kabupaten/kota Anda dengan membawa KTP.",
                               "Kartu Prakerja is given once per person, and this NIK is recorded as having received it. If "
                               "you never received Kartu Prakerja, someone else may have used your NIK: report it to the "
                               "manpower office (Disnaker) of your regency or city, with your KTP."),
    "identity_rejected": Msg("Petugas PMO memeriksa data identitas pendaftaran ini dan menyatakannya tidak cocok dengan data "
                             "kependudukan. Pada gelombang berikutnya, isi nama, tanggal lahir, jenis kelamin, NIK dan nomor KK "
                             "persis seperti di KTP dan Kartu Keluarga; bila data kependudukan Anda sendiri yang keliru, "
                             "perbaiki dulu di Dukcapil.",
                             "A PMO officer checked this application's identity data and found it does not match the population "
                             "records. In a later wave, enter the name, birth date, sex, NIK and KK number exactly as on your "
                             "KTP and family card; if your population record itself is wrong, have Dukcapil correct it first."),
    "household_full": Msg("Satu Kartu Keluarga hanya boleh mendapat sejumlah penerima Kartu Prakerja, dan KK Anda sudah mencapai "
                          "batas itu. Bila nomor KK yang diisi bukan KK Anda, daftar pada gelombang berikutnya dengan nomor KK "
                          "yang benar.",
                          "A family card (KK) may only have so many Kartu Prakerja beneficiaries, and yours has reached that "
                          "limit. If the KK number entered is not yours, apply in a later wave with the right one."),
}
for _category, _label in ExclusionCategory.CHOICES:
    _ADVICE[f"excluded:{_category}"] = Msg(
        "NIK Anda tercatat dalam daftar pengecualian \"{label}\": golongan ini tidak dapat menerima Kartu Prakerja. Bila Anda "
        "tidak (lagi) termasuk golongan ini, minta instansi Anda memperbaiki datanya, atau laporkan ke Disnaker kabupaten/kota "
        "Anda dengan membawa buktinya, lalu daftar pada gelombang berikutnya.",
        "Your NIK is on the exclusion list \"{label}\": people in this group cannot receive Kartu Prakerja. If you are not (or "
        "no longer) in it, ask your agency to correct its records, or report it to the Disnaker of your regency or city with "
        "proof, then apply in a later wave.").format(label=_label)
REFUSALS: dict[str, Msg] = {code: Msg(f"{advice.id} {_TRAINING_ELSEWHERE.id}", f"{advice.en} {_TRAINING_ELSEWHERE.en}")
                            for code, advice in _ADVICE.items()}


def reason_text(code: str) -> Msg | None:
    return REASONS.get(code)


def refusal_text(code: str) -> Msg | None:
    """Why ``code`` (a key of ``REASONS``) keeps the applicant out, and what they can do."""
    return REFUSALS.get(code)


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


def hmac_pads(seed: str) -> tuple[bytes, bytes]:
    """The seed as HMAC-SHA256's inner and outer padded keys (RFC 2104; the seed is 32 bytes, shorter than the
    64-byte block): ``draw_key`` is sha256(outer || sha256(inner || message)), which SQL can compute."""
    key = bytes.fromhex(seed)
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def seed_commitment(seed: str) -> str:
    """What is published when the wave closes: SHA-256 of the seed's bytes, lowercase hex."""
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def draw_order(seed: str):
    """The sort key of ``draw``'s order for a candidate (the raw HMAC digest, then the id): the order of
    ``draw_key``'s lowercase hex, from one keyed HMAC state copied per candidate (no re-keying, no hex)."""
    keyed = hmac.new(bytes.fromhex(seed), digestmod=hashlib.sha256)

    def order(c: Candidate) -> tuple[bytes, int]:
        h = keyed.copy()
        h.update(str(c.id).encode())
        return h.digest(), c.id
    return order


def draw(*, seed: str, candidates: Iterable[Candidate], quotas: Mapping[str, int],
         max_per_household: int = DEFAULT_MAX_PER_HOUSEHOLD) -> list[int]:
    """The selected application ids, in the order they were drawn: the module's docstring, step by step (the
    replay runs it over the published list; the app runs ``draw_by_province``, which gives the same result)."""
    ordered = sorted(candidates, key=draw_order(seed))
    household: dict[int, int] = {}
    for c in ordered:
        household[c.household] = max(household.get(c.household, 0), c.prior)
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
        if household[c.household] < max_per_household:
            pool -= 1
            household[c.household] += 1
            selected.append(c.id)
    return selected


def draw_by_province(*, seed: str, streams: Mapping[str, Iterator[Candidate]], quotas: Mapping[str, int],
                     max_per_household: int = DEFAULT_MAX_PER_HOUSEHOLD) -> tuple[list[int], list[str]]:
    """``draw``'s result from one stream per province, each in the draw's order (``draw_order``), reading of each
    stream only what the result depends on: ``(selected ids in the order drawn, their provinces)``.

    The streams are merged by key. A province's stream is read until its quota is full (its later candidates can
    only wait or be skipped, which changes nothing in the first pass) or it runs out; a province without quota
    waits from the start. When seats are left (the second pass), the waiting streams are merged from where they
    stopped, until the pool is empty: a candidate the first pass would have skipped had a full household then,
    and households only fill up, so it is skipped here too. The result equals ``draw``'s when the members of a
    household carry the same ``prior`` (closing a wave gives them the same), while a province's selection reads
    about its quota of candidates, not all of them (docs/prakerja.md "At national size")."""
    order = draw_order(seed)
    household: dict[int, int] = {}
    left = {province: max(int(n), 0) for province, n in quotas.items()}
    heap: list = []

    def pull(stream: Iterator[Candidate]) -> None:
        c = next(stream, None)
        if c is not None:  # (digest, id) keys are unique: the tuple comparison never reaches the candidate
            heapq.heappush(heap, (order(c), c, stream))

    selected: list[int] = []
    provinces: list[str] = []

    def take(c: Candidate) -> bool:
        """Select ``c`` when their household has room; whether they were."""
        count = household.get(c.household)
        if count is None or c.prior > count:
            count = household[c.household] = c.prior
        if count >= max_per_household:
            return False
        household[c.household] = count + 1
        selected.append(c.id)
        provinces.append(c.province)
        return True

    waiting: list[Iterator[Candidate]] = []
    for province, stream in streams.items():
        if left.get(province, 0) > 0:
            pull(stream)
        else:
            waiting.append(stream)
    while heap:  # first pass: only provinces with quota left are in the heap
        _, c, stream = heapq.heappop(heap)
        if take(c):
            left[c.province] -= 1
        if left[c.province] > 0:
            pull(stream)
        else:
            waiting.append(stream)
    pool = sum(left.values())
    if pool > 0:
        for stream in waiting:
            pull(stream)
        while heap and pool > 0:
            _, c, stream = heapq.heappop(heap)
            if take(c):
                pool -= 1
            pull(stream)
    return selected, provinces


def household_full(*, prior: int, selected_in_household: int, max_per_household: int) -> bool:
    """Whether a candidate not selected by a draw was passed over because their household (KK) reached its limit:
    its earlier beneficiaries plus those the draw selected. The draw does not store it; readers derive it."""
    return prior + selected_in_household >= max_per_household


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


# --- curation, purchase, voucher and redeem codes ----------------------------------------------------------------
#
# Curation (``CurationStatus``): a program enters the Prakerja catalogue in two stages::
#
#     proposed ──curator accepts──▶ stage1_accepted ──PMO accepts──▶ curated (purchasable)
#        └──curator rejects──▶ rejected        └──PMO rejects──▶ rejected
#     rejected ──the institution proposes again──▶ proposed
#
# Purchase (``PurchaseStatus``)::
#
#     requested ──purchase_authorise: every rule holds──▶ authorised ──completion reported──▶ completed
#         └────── a rule fails ──▶ refused                    └──cancelled (before any redeem)──▶ cancelled
#     requested ──cancelled──▶ cancelled
#
#     (a partner platform's request)
#     consent ──the beneficiary's code (or the holder, logged in)──▶ requested ──▶ … as above
#        ├──code expired (``CONSENT_MINUTES``)──▶ refused (consent_expired)
#        ├──``MAX_CONSENT_ATTEMPTS`` wrong codes──▶ refused (consent_locked)
#        └──the holder cancels──▶ cancelled
#
# ``authorise_refusal`` is the PMO's rule check; a card holds at most one unfinished (consent, requested or
# authorised) purchase: "a second training can be bought only when the first is finished" (a database constraint
# too). A partner platform cannot spend a balance on its own word: the purchase waits in ``consent`` until the
# beneficiary confirms it with the one-time code sent to the phone and e-mail verified for their application
# (``consent_refusal``); nothing is debited before.


class CurationStatus:
    PROPOSED = "proposed"
    STAGE1_ACCEPTED = "stage1_accepted"
    CURATED = "curated"
    REJECTED = "rejected"
    CHOICES = (
        (PROPOSED, Msg("Diajukan, menunggu kurator", "Proposed, waiting for a curator")),
        (STAGE1_ACCEPTED, Msg("Lolos tahap 1, menunggu PMO", "Stage 1 accepted, waiting for the PMO")),
        (CURATED, Msg("Terkurasi (dapat dibeli)", "Curated (purchasable)")),
        (REJECTED, Msg("Ditolak", "Rejected")),
    )


CURATION_STAGES = {1: (CurationStatus.PROPOSED, CurationStatus.STAGE1_ACCEPTED),
                   2: (CurationStatus.STAGE1_ACCEPTED, CurationStatus.CURATED)}


def curation_target(*, stage: int, status: str, accept: bool) -> str | None:
    """The status a stage's decision leads to, or None when the entry does not wait for that stage."""
    source, accepted = CURATION_STAGES[stage]
    if status != source:
        return None
    return accepted if accept else CurationStatus.REJECTED


class CourseType:
    """How a curated course is delivered (the Prakerja course types): a webinar (live online), offline (luring,
    in person) or a self-paced LMS course. The session-based redeem API serves webinar and offline courses."""

    WEBINAR, OFFLINE, LMS = "webinar", "offline", "lms"
    CHOICES = ((WEBINAR, Msg("Webinar (daring langsung)", "Webinar (live online)")),
               (OFFLINE, Msg("Luring (tatap muka)", "Offline (in person)")),
               (LMS, Msg("Daring mandiri (LMS)", "Self-paced online (LMS)")))
    SESSION_BASED = (WEBINAR, OFFLINE)


def course_type_for_mode(mode: str) -> str:
    """The default course type of a program's mode (training.Program.Mode)."""
    return CourseType.WEBINAR if mode == "online" else CourseType.OFFLINE


class PurchaseStatus:
    CONSENT = "consent"
    REQUESTED = "requested"
    AUTHORISED = "authorised"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    UNFINISHED = (CONSENT, REQUESTED, AUTHORISED)
    CHOICES = (
        (CONSENT, Msg("Menunggu persetujuan pemilik kartu (kode)", "Waiting for the card holder's consent (code)")),
        (REQUESTED, Msg("Menunggu persetujuan PMO", "Waiting for the PMO's approval")),
        (AUTHORISED, Msg("Disetujui, voucher terbit", "Authorised, voucher issued")),
        (REFUSED, Msg("Ditolak", "Refused")),
        (CANCELLED, Msg("Dibatalkan", "Cancelled")),
        (COMPLETED, Msg("Selesai", "Completed")),
    )


# Why the PMO's rule check refuses a purchase (``authorise_refusal``): code → message.
AUTHORISE_REFUSALS = {
    "card_inactive": Msg("Kartu Prakerja tidak aktif.", "The Prakerja card is not active."),
    "deadline_passed": Msg("Batas waktu pembelian pelatihan sudah lewat.", "The purchase deadline has passed."),
    "not_curated": Msg("Pelatihan ini tidak (lagi) ada dalam katalog Prakerja.", "This training is not (or no longer) in the Prakerja catalogue."),
    "unfinished_purchase": Msg("Pelatihan sebelumnya belum selesai: pelatihan kedua dapat dibeli setelah yang pertama selesai.",
                               "The earlier training is not finished: a second training can be bought only when the first is finished."),
    "balance_insufficient": Msg("Saldo pelatihan tidak cukup.", "The training balance is not enough."),
    "already_bought": Msg("Pelatihan ini sudah pernah dibeli dengan kartu ini.", "This training was already bought with this card."),
    # Set by the service when training refuses the enrolment (seats full, a schedule clash, age or education).
    "enrol_refused": Msg("Peserta tidak dapat didaftarkan ke program ini (kuota penuh, jadwal bentrok, atau syarat).",
                         "The participant cannot be enrolled in this program (seats full, a schedule clash, or its requirements)."),
    # Set before the rule check, when the beneficiary did not confirm a partner platform's purchase.
    "consent_expired": Msg("Pemilik kartu tidak mengonfirmasi pembelian dalam 10 menit: kode persetujuan kedaluwarsa.",
                           "The card holder did not confirm the purchase within 10 minutes: the consent code expired."),
    "consent_locked": Msg("Kode persetujuan salah 5 kali: pembelian dikunci dan tidak diproses.",
                          "The consent code was wrong 5 times: the purchase is locked and not processed."),
}

# The beneficiary's consent to a partner platform's purchase: one code, valid ``CONSENT_MINUTES``, at most
# ``MAX_CONSENT_ATTEMPTS`` wrong tries (the last wrong one locks the purchase).
CONSENT_MINUTES = 10
MAX_CONSENT_ATTEMPTS = 5


def consent_refusal(*, status: str, expires_at: dt.datetime | None, attempts: int, now: dt.datetime) -> str | None:
    """Why a purchase's consent cannot be given now (``consent_not_pending``, ``consent_expired``,
    ``consent_locked``), or None when a code may be checked. Expiry is inclusive of its last instant."""
    if status != PurchaseStatus.CONSENT:
        return "consent_not_pending"
    if attempts >= MAX_CONSENT_ATTEMPTS:
        return "consent_locked"
    if expires_at is None or now > expires_at:
        return "consent_expired"
    return None


def consent_attempt(*, attempts: int) -> tuple[int, bool]:
    """After a wrong code: the new count and whether it locks the purchase."""
    attempts += 1
    return attempts, attempts >= MAX_CONSENT_ATTEMPTS


def authorise_refusal(*, card_active: bool, deadline: dt.date, today: dt.date, curated: bool, other_unfinished: bool,
                      balance: int, price: int, bought_before: bool = False) -> str | None:
    """The first rule a purchase breaks (a key of ``AUTHORISE_REFUSALS``), or None: the card is active and its
    deadline (inclusive) not over, the program is curated, no earlier purchase is unfinished, the same program was
    not bought before, and the balance covers the price (it never goes below zero)."""
    if not card_active:
        return "card_inactive"
    if today > deadline:
        return "deadline_passed"
    if not curated:
        return "not_curated"
    if other_unfinished:
        return "unfinished_purchase"
    if bought_before:
        return "already_bought"
    if price > balance:
        return "balance_insufficient"
    return None


def request_fingerprint(*, card_number: str, program_id: int, platform_code: str) -> str:
    """What an idempotency key promises: the same key must come with the same card, program and platform."""
    return hashlib.sha256(f"{card_number}|{program_id}|{platform_code}".encode()).hexdigest()


# Codes: unambiguous upper-case letters and digits (no 0/O, 1/I/L), grouped for reading aloud.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def code_from_bytes(prefix: str, data: bytes, length: int = 10) -> str:
    """A code of ``length`` characters from random ``data`` (at least ``length`` bytes), after ``prefix``."""
    if len(data) < length:
        raise ValueError("not enough random bytes for the code")
    return prefix + "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in data[:length])


def normalise_code(text: str) -> str:
    """A typed voucher or redeem code: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())


# --- redeem ---------------------------------------------------------------------------------------------------

REDEEM_WINDOW = dt.timedelta(hours=1)


class RedeemStatus:
    ACTIVE, USED, CANCELLED = "active", "used", "cancelled"
    CHOICES = ((ACTIVE, Msg("Belum dipakai", "Not used")), (USED, Msg("Sudah dipakai", "Used")),
               (CANCELLED, Msg("Dibatalkan", "Cancelled")))


class AttendanceStatus:
    PENDING, PRESENT, ABSENT = "pending", "present", "absent"
    CHOICES = ((PENDING, Msg("Belum dilaporkan", "Not reported")), (PRESENT, Msg("Hadir", "Present")),
               (ABSENT, Msg("Tidak hadir", "Absent")))


def completion_refusal(attendance: list[str]) -> str | None:
    """Why a purchase cannot be reported completed, from the attendance of its redeemed sessions (``attendance``:
    one ``AttendanceStatus`` per session whose code was used): ``"redeem_not_used"`` when none was redeemed,
    ``"absent"`` when the institution itself reported the participant absent from every one of them (completing
    would start the incentives, public money, for a training nobody attended); None otherwise. A session not yet
    reported (pending) does not block: attendance is optional in the integration."""
    if not attendance:
        return "redeem_not_used"
    if all(status == AttendanceStatus.ABSENT for status in attendance):
        return "absent"
    return None


# The distinct reasons a redeem code is refused (``redeem_refusal``): code → message. Partners rely on the codes.
REDEEM_REFUSALS = {
    "redeem_not_found": Msg("Kode redeem tidak ditemukan.", "Redeem code not found."),
    "redeem_wrong_course_type": Msg("Kode redeem ini untuk jenis pelatihan lain.", "This redeem code is for another course type."),
    "redeem_other_institution": Msg("Kode redeem ini milik lembaga pelatihan lain.", "This redeem code belongs to another institution."),
    "redeem_code_cancelled": Msg("Kode redeem ini sudah dibatalkan.", "This redeem code was cancelled."),
    "redeem_transaction_cancelled": Msg("Transaksi pembelian kode ini sudah dibatalkan.", "This code's purchase was cancelled."),
    "redeem_already_used": Msg("Kode redeem ini sudah dipakai.", "This redeem code was already used."),
    "redeem_too_early": Msg("Kode redeem baru berlaku 1 jam sebelum sesi dimulai.", "The redeem code is valid from 1 hour before the session starts."),
    "redeem_too_late": Msg("Kode redeem hanya berlaku sampai 1 jam setelah sesi dimulai.", "The redeem code is valid only until 1 hour after the session starts."),
    "redeem_wrong_sequence": Msg("Nomor sesi tidak sesuai dengan kode redeem.", "The session number does not match the redeem code."),
}


@dataclass(frozen=True, slots=True)
class RedeemFacts:
    """What ``redeem_refusal`` looks at, read from the database by the service (None: no such code)."""

    institution_id: int
    course_type: str
    status: str             # RedeemStatus
    purchase_cancelled: bool
    sequence: int
    session_start: dt.datetime


def redeem_window(session_start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The redeem code of a session is valid from 1 hour before to 1 hour after its start (both ends included)."""
    return session_start - REDEEM_WINDOW, session_start + REDEEM_WINDOW


def redeem_refusal(facts: RedeemFacts | None, *, institution_id: int, now: dt.datetime, sequence: int | None = None,
                   course_types: Iterable[str] | None = None, for_commit: bool = True) -> str | None:
    """Why a redeem code cannot be used now by ``institution_id`` (a key of ``REDEEM_REFUSALS``), or None. Checked in
    this order, so each case has its own answer: not found, other institution's code (before anything else is
    told about it), wrong course type, wrong session number, cancelled transaction, cancelled code, already used,
    then the window (too early / too late). ``for_commit`` False (the status query): a used code is not a refusal,
    its status says so, and the window is not checked."""
    if facts is None:
        return "redeem_not_found"
    if facts.institution_id != institution_id:
        return "redeem_other_institution"
    if course_types is not None and facts.course_type not in tuple(course_types):
        return "redeem_wrong_course_type"
    if sequence is not None and sequence != facts.sequence:
        return "redeem_wrong_sequence"
    if facts.purchase_cancelled:
        return "redeem_transaction_cancelled"
    if facts.status == RedeemStatus.CANCELLED:
        return "redeem_code_cancelled"
    if not for_commit:
        return None
    if facts.status == RedeemStatus.USED:
        return "redeem_already_used"
    opens, closes = redeem_window(facts.session_start)
    if now < opens:
        return "redeem_too_early"
    if now > closes:
        return "redeem_too_late"
    return None


# --- incentives -----------------------------------------------------------------------------------------------

def incentive_due_dates(*, base: dt.date, count: int, interval_days: int) -> list[dt.date]:
    """When each post-training incentive instalment is due: the first on ``base`` (completion reported and the
    certificate issued, whichever came later), each next one ``interval_days`` after the one before."""
    return [base + dt.timedelta(days=i * interval_days) for i in range(count)]


SURVEY_OPENS_DAYS = 30
SURVEY_WINDOW_DAYS = 30
# The Prakerja surveys after a training, by number: the 1st is the employment survey (the surveys app's
# ``employment``), the 2nd and 3rd are Prakerja's follow-up questionnaires (installed by prakerja migration 0005).
# Each has its own questionnaire, so "one response per enrollment and questionnaire" (a database constraint of the
# surveys app) means each survey is answered once; each pays its incentive once (``prakerja-survey:<card>:<n>``).
SURVEY_CODES = {1: "employment", 2: "prakerja-survei-2", 3: "prakerja-survei-3"}
SURVEY_NUMBERS = {code: n for n, code in SURVEY_CODES.items()}
SURVEYS_MAX = len(SURVEY_CODES)


def survey_window(completed_on: dt.date, n: int = 1) -> tuple[dt.date, dt.date]:
    """The ``n``-th Prakerja survey after a training: opens ``30 × n`` days after completion and must be filled within
    30 days (both days included) — the 1st from day 30 to 59, the 2nd from day 60 to 89, the 3rd from day 90 to 119."""
    if n not in SURVEY_CODES:
        raise ValueError(f"no Prakerja survey number {n}")
    opens = completed_on + dt.timedelta(days=SURVEY_OPENS_DAYS * n)
    return opens, opens + dt.timedelta(days=SURVEY_WINDOW_DAYS - 1)


def survey_in_window(*, completed_on: dt.date, filled_on: dt.date, n: int = 1) -> bool:
    opens, closes = survey_window(completed_on, n)
    return opens <= filled_on <= closes


def surveys_paid(count: int) -> range:
    """The survey numbers a wave pays an incentive for (its ``survey_incentive_count``, at most the surveys there are)."""
    return range(1, min(count, SURVEYS_MAX) + 1)


def incentives_settled(*, today: dt.date, base: dt.date, completed_on: dt.date, amount: int, count: int, interval_days: int,
                       survey_amount: int, survey_count: int) -> bool:
    """Whether a completed, certified purchase can have no incentive due after an accrual run of ``today``: every
    post-training instalment's day has come (so that run made it), and the last paid survey's window closed before
    ``today`` (a response in a window is submitted by its last day, so that run saw it). The hourly accrual then stops
    reading the purchase (``Purchase.incentives_open``)."""
    dues = incentive_due_dates(base=base, count=count, interval_days=interval_days) if amount > 0 else []
    surveys = surveys_paid(survey_count) if survey_amount > 0 else range(0)
    instalments_made = all(due <= today for due in dues)
    windows_over = all(survey_window(completed_on, n)[1] < today for n in surveys)
    return instalments_made and windows_over


def survey_refusal(*, completed_on: dt.date | None, today: dt.date, n: int) -> Msg | None:
    """Why the ``n``-th Prakerja survey cannot be filled today (``completed_on`` None: the training was not reported
    completed through a Kartu Prakerja purchase), or None."""
    if completed_on is None:
        return Msg("Survei ini untuk peserta Kartu Prakerja yang telah menyelesaikan pelatihan ini.",
                   "This survey is for Kartu Prakerja participants who completed this training.")
    opens, closes = survey_window(completed_on, n)
    if today < opens:
        return Msg("Survei ke-{n} dibuka pada {date}.", "Survey {n} opens on {date}.").format(n=n, date=opens.isoformat())
    if today > closes:
        return Msg("Survei ke-{n} sudah ditutup pada {date}.", "Survey {n} closed on {date}.").format(n=n, date=closes.isoformat())
    return None


# A new consent code for a beneficiary whose SMS or e-mail did not arrive (``purchases.purchase_consent_resend``): at
# most ``MAX_CONSENT_RESENDS`` new codes per purchase, each at least ``CONSENT_RESEND_SECONDS`` after the one before. Each new code replaces the old one (which no
# longer works) and lives ``CONSENT_MINUTES`` from its sending. Wrong tries are NOT reset: at most
# ``MAX_CONSENT_ATTEMPTS`` wrong codes per purchase, whatever the number of codes sent (a resend never buys a
# guesser more tries).
MAX_CONSENT_RESENDS = 3
CONSENT_RESEND_SECONDS = 60


# Consent requests per card (``purchases.purchase_request`` from partner platforms): each sends the holder an SMS and
# an e-mail, and card numbers can be worked out from the public draw results, so a platform must not be able to keep
# a holder's phone ringing (or the card held) by asking again as each code lapses. At most
# ``MAX_CONSENT_REQUESTS_PER_DAY`` requests waiting for consent per card in any ``CONSENT_REQUEST_WINDOW``, whichever
# platforms asked; a holder buying on Sisnaker itself is not counted.
MAX_CONSENT_REQUESTS_PER_DAY = 5
CONSENT_REQUEST_WINDOW = dt.timedelta(hours=24)


def consent_request_wait(*, requested: list[dt.datetime], now: dt.datetime) -> int:
    """Seconds until the card may be sent another consent code (0: now), given when its earlier consent requests were
    made (``requested``)."""
    recent = sorted(t for t in requested if now - t < CONSENT_REQUEST_WINDOW)
    if len(recent) < MAX_CONSENT_REQUESTS_PER_DAY:
        return 0
    frees = recent[len(recent) - MAX_CONSENT_REQUESTS_PER_DAY] + CONSENT_REQUEST_WINDOW
    return max(1, int(-(-(frees - now).total_seconds() // 1)))


def consent_resend_refusal(*, status: str, expires_at: dt.datetime | None, attempts: int, resends: int,
                           now: dt.datetime) -> tuple[str, int] | None:
    """Why no new consent code can be sent now, with the seconds to wait (0 when waiting does not help), or None. In
    order: not waiting for consent, locked, expired (``consent_refusal``); ``consent_resend_limit`` after
    ``MAX_CONSENT_RESENDS`` new codes; ``consent_resend_too_soon`` within ``CONSENT_RESEND_SECONDS`` of the last code
    (sent ``CONSENT_MINUTES`` before its expiry)."""
    why = consent_refusal(status=status, expires_at=expires_at, attempts=attempts, now=now)
    if why is not None:
        return why, 0
    if resends >= MAX_CONSENT_RESENDS:
        return "consent_resend_limit", 0
    sent_at = expires_at - dt.timedelta(minutes=CONSENT_MINUTES)
    wait = CONSENT_RESEND_SECONDS - (now - sent_at).total_seconds()
    if wait > 0:
        return "consent_resend_too_soon", max(1, int(-(-wait // 1)))
    return None


# The reminders of Prakerja's follow-up surveys 2 and 3 (``purchases.survey_reminders_send``): due in the window's
# last ``SURVEY_REMINDER_DAYS`` days (the last day included), so a run missed on one day is made up the next.
SURVEY_REMINDER_DAYS = 7
REMINDED_SURVEYS = (2, 3)


def survey_reminder_due(*, completed_on: dt.date, today: dt.date, n: int) -> bool:
    """Whether survey ``n``'s reminder is due ``today`` for a training completed on ``completed_on``: its window
    (``survey_window``) is open and closes within ``SURVEY_REMINDER_DAYS`` days."""
    opens, closes = survey_window(completed_on, n)
    return max(opens, closes - dt.timedelta(days=SURVEY_REMINDER_DAYS - 1)) <= today <= closes
