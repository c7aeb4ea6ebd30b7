"""Kartu Prakerja writes: waves and quotas, applications (self or assisted at a posko), the PMO's identity
review, exclusion list imports, closing a wave (eligibility), the draw, the cards and their training balances
(posted to the payments ledger) and returning the balances not used by the purchase deadline.

Every service: keyword-only, one durable transaction, ``require``, an audit row, messages after commit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts import onetime
from sisnaker.accounts.domain import names_match
from sisnaker.accounts.models import Person
from sisnaker.core import audit, crypto
from sisnaker.core.bulk import chunks
from sisnaker.core.errors import Conflict, Msg, NotFound, SisnakerError, ValidationFailed
from sisnaker.core.links import absolute
from sisnaker.core.permissions import require
from sisnaker.core.tasks import enqueue_with_transaction
from sisnaker.notifications import services as notifications
from sisnaker.notifications.gateways import normalize_phone
from sisnaker.payments.domain import AccountKind, EntryKind, balance_postings
from sisnaker.payments.services import ledger
from sisnaker.regions import nik as nik_rules
from sisnaker.regions.models import District, Province
from sisnaker.training.spreadsheets.reading import CellError, nik_text, read_rows

from . import domain, identity, selectors, tasks
from .codes import Audit, Code
from .domain import ApplicationStatus as S
from .domain import WaveStatus as W
from .models import (
    FUNDING_SOURCE,
    Application,
    Card,
    Exclusion,
    ExclusionImport,
    ProvinceQuota,
    Wave,
    ledger_reference,
)
from .rows import insert_selections, set_rows

CODE_MINUTES = 10
MAX_CODE_ATTEMPTS = 5
CHUNK = 5000
CLOSE_REASON_MAX = 1000
PHONE_PURPOSE, EMAIL_PURPOSE = "prakerja_phone", "prakerja_email"
# The code goes to the applicant's own phone and e-mail. Applying themself, nobody else ever needs it: no officer, no
# call centre, no "helper" may ask for it. Helped at a posko, the citizen reads it out to the officer in front of them
# and to nobody else (and nobody at all when they are not at a posko right now).
CODE_TEXT_OWN = Msg("Kode verifikasi pendaftaran Kartu Prakerja: {code}. Berlaku 10 menit. RAHASIA: jangan berikan kode ini "
                    "kepada siapa pun, termasuk yang mengaku petugas Prakerja, Kemnaker, atau Disnaker.",
                    "Kartu Prakerja registration code: {code}. Valid 10 minutes. SECRET: never give this code to anyone, "
                    "including someone claiming to be a Prakerja, Kemnaker or Disnaker officer.")
CODE_TEXT_ASSISTED = Msg("Kode verifikasi pendaftaran Kartu Prakerja: {code}. Berlaku 10 menit. Berikan hanya kepada petugas "
                         "posko yang sedang membantu Anda secara langsung. Tidak sedang di posko? Jangan berikan kepada siapa "
                         "pun.",
                         "Kartu Prakerja registration code: {code}. Valid 10 minutes. Give it only to the posko officer "
                         "helping you in person right now. Not at a posko? Give it to nobody.")


def nik_index(nik: str) -> str:
    return crypto.blind_index(nik, label="nik")


def kk_index(kk: str) -> str:
    return crypto.blind_index(kk, label="kk")


# --- waves ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WaveData:
    name: str
    opens_on: dt.date
    closes_on: dt.date
    national_target: int
    training_balance: int
    post_training_incentive: int
    post_training_incentive_count: int
    incentive_interval_days: int
    survey_incentive: int
    survey_incentive_count: int
    purchase_deadline_days: int
    max_per_household: int = domain.DEFAULT_MAX_PER_HOUSEHOLD


def _check_wave(data: WaveData) -> None:
    if data.closes_on < data.opens_on:
        raise ValidationFailed(Msg("Tanggal tutup tidak boleh sebelum tanggal buka.", "The closing date cannot be before the opening date."),
                               code=Code.WAVE_DATES, field="closes_on")
    if data.national_target <= 0:
        raise ValidationFailed(Msg("Target nasional harus lebih dari 0.", "The national target must be more than 0."),
                               code=Code.QUOTA_SUM, field="national_target")
    if data.max_per_household < 1:
        raise ValidationFailed(Msg("Batas penerima per KK minimal 1.", "At least 1 beneficiary per household."),
                               code=Code.WAVE_STATE, field="max_per_household")


def wave_create(*, actor, data: WaveData, now: dt.datetime) -> Wave:
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage")
        _check_wave(data)
        number = (Wave.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        wave = Wave.objects.create(number=number, created_at=now, **data.__dict__)
        audit.record(actor=actor, action=Audit.WAVE_CREATED, obj=wave, after=data.__dict__)
    return wave


def wave_update(*, actor, wave: Wave, data: WaveData) -> Wave:
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        if wave.status != W.DRAFT:
            raise Conflict(Msg("Gelombang hanya dapat diubah selama masih draf.", "A wave can be changed only while a draft."),
                           code=Code.WAVE_STATE)
        _check_wave(data)
        before = {k: getattr(wave, k) for k in data.__dict__}
        for k, v in data.__dict__.items():
            setattr(wave, k, v)
        wave.save()
        audit.record(actor=actor, action=Audit.WAVE_UPDATED, obj=wave, before=before, after=data.__dict__)
    return wave


def _store_quotas(wave: Wave, quotas: Mapping[str, int], weights: Mapping[str, int] | None) -> None:
    ProvinceQuota.objects.filter(wave=wave).delete()
    ProvinceQuota.objects.bulk_create([
        ProvinceQuota(wave=wave, province_id=code, quota=n, weight=(weights or {}).get(code))
        for code, n in sorted(quotas.items()) if n > 0 or (weights or {}).get(code)
    ])


def _province_codes(codes: Iterable[str]) -> None:
    unknown = sorted(set(codes) - set(Province.objects.values_list("code", flat=True)))
    if unknown:
        raise ValidationFailed(Msg("Provinsi tidak dikenal: {codes}.", "Unknown provinces: {codes}.").format(codes=", ".join(unknown)),
                               code=Code.QUOTA_WEIGHTS, field="quotas")


def quotas_set(*, actor, wave: Wave, quotas: Mapping[str, int]) -> Wave:
    """Quotas typed by hand: they must sum exactly to the wave's national target."""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        if wave.status != W.DRAFT:
            raise Conflict(Msg("Kuota hanya dapat diubah selama gelombang masih draf.", "Quotas can be changed only while the wave is a draft."),
                           code=Code.WAVE_STATE)
        if any(n < 0 for n in quotas.values()):
            raise ValidationFailed(Msg("Kuota tidak boleh negatif.", "A quota cannot be negative."), code=Code.QUOTA_SUM, field="quotas")
        _province_codes(quotas)
        total = sum(quotas.values())
        if total != wave.national_target:
            raise ValidationFailed(Msg("Jumlah kuota provinsi {total} tidak sama dengan target nasional {target}.",
                                       "The province quotas sum to {total}, not to the national target {target}.").format(
                                           total=total, target=wave.national_target), code=Code.QUOTA_SUM, field="quotas")
        _store_quotas(wave, quotas, None)
        audit.record(actor=actor, action=Audit.QUOTAS_SET, obj=wave, after={"mode": "manual", "quotas": dict(quotas)})
    return wave


def quotas_compute(*, actor, wave: Wave, weights: Mapping[str, int]) -> dict[str, int]:
    """Quotas in proportion to ``weights`` (largest remainder: they sum exactly to the target)."""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        if wave.status != W.DRAFT:
            raise Conflict(Msg("Kuota hanya dapat diubah selama gelombang masih draf.", "Quotas can be changed only while the wave is a draft."),
                           code=Code.WAVE_STATE)
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValidationFailed(Msg("Bobot tidak boleh negatif dan minimal satu provinsi berbobot lebih dari 0.",
                                       "Weights cannot be negative and at least one province needs a weight above 0."),
                                   code=Code.QUOTA_WEIGHTS, field="quotas")
        _province_codes(weights)
        quotas = domain.largest_remainder(weights, wave.national_target)
        _store_quotas(wave, quotas, weights)
        audit.record(actor=actor, action=Audit.QUOTAS_SET, obj=wave,
                     after={"mode": "weights", "weights": dict(weights), "quotas": quotas})
    return quotas


def wave_open(*, actor, wave: Wave, now: dt.datetime) -> Wave:
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = _transition(wave, "open")
        total = sum(wave.quotas.values_list("quota", flat=True))
        if total != wave.national_target:
            raise Conflict(Msg("Tetapkan kuota provinsi (jumlahnya {total}, target {target}) sebelum membuka gelombang.",
                               "Set the province quotas (they sum to {total}, the target is {target}) before opening the wave.").format(
                                   total=total, target=wave.national_target), code=Code.QUOTA_MISSING)
        wave.save(update_fields=["status"])
        audit.record(actor=actor, action=Audit.WAVE_OPENED, obj=wave, before={"status": W.DRAFT}, after={"status": W.OPEN})
    return wave


def _transition(wave: Wave, action: str) -> Wave:
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    source, target = domain.WAVE_TRANSITIONS[action]
    _check_source(wave, source)
    wave.status = target
    if wave.step_pending == action:  # the background step asked for is done (saved with the new status)
        wave.step_pending, wave.step_error = "", {}
    return wave


def _check_source(wave: Wave, source: str) -> None:
    if wave.status != source:
        raise Conflict(Msg("Gelombang berstatus {status}; tindakan ini tidak berlaku.",
                           "The wave is {status}; this action does not apply.").format(status=wave.status), code=Code.WAVE_STATE)


def _reviews_pending(wave: Wave) -> None:
    waiting = Application.objects.filter(wave=wave, status=S.REVIEW).count()
    if waiting:
        raise Conflict(Msg("{n} pendaftar masih menunggu pemeriksaan identitas: putuskan dulu.",
                           "{n} applications still wait for an identity check: decide them first.").format(n=waiting),
                       code=Code.REVIEWS_PENDING)


# A step asked for longer ago than this and still pending was lost (its worker died; its transaction rolled back):
# it may be asked for again.
STEP_STALE = dt.timedelta(hours=3)


def wave_step_request(*, actor, wave: Wave, step: str, reason: str = "", now: dt.datetime) -> Wave:
    """Ask for closing (``"close"``) or drawing (``"draw"``) a wave: checked now (permission, the wave's status,
    identities waiting for review, another step still running, a written ``reason`` when closing before the
    announced closing day), run by a background task after commit (``tasks.wave_step``, which hands the reason to
    ``wave_close``), because at national size each rewrites millions of rows (minutes, longer than a web request
    may take). The wave's page shows the step pending, then its result or the reason it failed."""
    if step not in ("close", "draw"):
        raise ValueError(f"not a background step: {step}")
    if step != "close":
        reason = ""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        _check_source(wave, domain.WAVE_TRANSITIONS[step][0])
        if wave.step_pending and wave.step_requested_at and now - wave.step_requested_at < STEP_STALE:
            raise Conflict(Msg("Gelombang ini sedang diproses sejak {at}; tunggu sampai selesai.",
                               "This wave has been processing since {at}; wait until it is done.").format(
                                   at=timezone.localtime(wave.step_requested_at).strftime("%d-%m-%Y %H:%M")),
                           code=Code.WAVE_BUSY)
        if step == "close":
            reason = _close_reason(wave, reason, today=timezone.localdate(now))
            _reviews_pending(wave)
        wave.step_pending, wave.step_requested_at, wave.step_requested_by, wave.step_error = step, now, actor, {}
        wave.save(update_fields=["step_pending", "step_requested_at", "step_requested_by", "step_error"])
        audit.record(actor=actor, action=Audit.STEP_REQUESTED, obj=wave, after={"step": step}, reason=reason)
        enqueue_with_transaction(tasks.wave_step, wave_id=wave.pk, step=step, actor_id=actor.pk, reason=reason)
    return wave


def wave_step_run(*, actor, wave_id: int, step: str, reason: str = "", now: dt.datetime) -> dict:
    """The background task's body: run the step asked for (``wave_close`` with the reason written when it was asked
    for / ``wave_draw``, each one transaction that also clears the pending step). A refusal (the wave changed
    meanwhile, identities to review) is kept on the wave with its message and the step is no longer pending; so is
    an unexpected failure, which is re-raised for the task's log."""
    if step not in ("close", "draw"):
        raise ValueError(f"not a background step: {step}")
    wave = Wave.objects.get(pk=wave_id)
    try:
        if step == "close":
            return wave_close(actor=actor, wave=wave, reason=reason, now=now)
        return wave_draw(actor=actor, wave=wave, now=now)
    except SisnakerError as exc:
        _step_failed(actor=actor, wave=wave, step=step, message=exc.message)
        return {"failed": str(exc.message)}
    except Exception:
        _step_failed(actor=actor, wave=wave, step=step, message=Msg(
            "Terjadi kesalahan sistem; tidak ada yang berubah. Coba lagi atau hubungi tim teknis.",
            "A system error occurred; nothing was changed. Try again or contact the technical team."))
        raise


def _step_failed(*, actor, wave: Wave, step: str, message: Msg) -> None:
    with transaction.atomic(durable=True):
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        if wave.step_pending != step:
            return
        error = {"id": message.id, "en": message.en} if isinstance(message, Msg) else {"id": str(message), "en": str(message)}
        wave.step_pending, wave.step_error = "", error
        wave.save(update_fields=["step_pending", "step_error"])
        audit.record(actor=actor, action=Audit.STEP_FAILED, obj=wave, after={"step": step, "error": error["en"]})


def wave_close(*, actor, wave: Wave, reason: str = "", now: dt.datetime) -> dict[str, int]:
    """Stop applications and decide eligibility, set-based: applications whose codes were never confirmed lapse;
    the rest are eligible or not, each with its reason; households get their number and earlier beneficiaries.
    The seed of the draw is made now and its SHA-256 published. Refused while identities wait for review, and
    before the announced closing day without a written ``reason`` (``domain.close_reason_needed``; kept in the
    audit row). The outcome's counts are kept on the wave (``Wave.counts["close"]``) for its page."""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = _transition(wave, "close")
        today = timezone.localdate(now)
        reason = _close_reason(wave, reason, today=today)
        _reviews_pending(wave)
        lapsed = Application.objects.filter(wave=wave, status=S.UNVERIFIED).update(status=S.LAPSED)
        rows = list(Application.objects.filter(wave=wave, status=S.SUBMITTED)
                    .values_list("pk", "nik_index", "kk_index", "birth_date", "in_formal_education"))
        niks = [r[1] for r in rows]
        kks = sorted({r[2] for r in rows})
        excluded: dict[str, set[str]] = defaultdict(set)
        earlier: set[str] = set()
        prior: Counter = Counter()
        for chunk in chunks(niks, CHUNK):
            for index, category in Exclusion.objects.filter(nik_index__in=chunk).values_list("nik_index", "category"):
                excluded[index].add(category)
            earlier.update(Application.objects.filter(nik_index__in=chunk, selection__isnull=False).exclude(wave=wave)
                           .values_list("nik_index", flat=True))
        for chunk in chunks(kks, CHUNK):
            for index, n in (Application.objects.filter(kk_index__in=chunk, selection__isnull=False).exclude(wave=wave)
                             .values_list("kk_index").annotate(n=Count("pk"))):
                prior[index] = n
        household_of = {kk: i for i, kk in enumerate(kks, start=1)}
        outcomes = []  # (pk, status, reason, household, household_prior): one set-based write (prakerja.rows)
        for pk, index, kk, birth, schooling in rows:
            why = domain.eligibility_reason(birth_date=birth, wave_day=wave.opens_on, in_formal_education=schooling,
                                            exclusions=excluded.get(index, ()), earlier_beneficiary=index in earlier)
            if why:
                outcomes.append((pk, S.INELIGIBLE, why, None, 0))
            else:
                outcomes.append((pk, S.ELIGIBLE, "", household_of[kk], min(prior[kk], 32767)))
        set_rows(("status", "reason", "household", "household_prior"), outcomes)
        wave.seed = secrets.token_hex(32)
        wave.seed_commitment = domain.seed_commitment(wave.seed)
        wave.closed_at = now
        eligible = sum(1 for o in outcomes if o[1] == S.ELIGIBLE)
        counts = {"lapsed": lapsed, "eligible": eligible, "ineligible": len(outcomes) - eligible}
        # When it closed early: the announced closing day cut short (the reason is in the audit row).
        early = {"closes_on": wave.closes_on.isoformat(), "closed_on": today.isoformat()} if today < wave.closes_on else {}
        # No application of a closed wave changes any more: its counts are frozen for the PMO's pages, with what
        # closing did (shown on the wave's page once the background step is done).
        wave.counts = {"applications": selectors.applications_counted(wave), "close": {**counts, **early}}
        wave.save(update_fields=["status", "seed", "seed_commitment", "closed_at", "step_pending", "step_error", "counts"])
        audit.record(actor=actor, action=Audit.WAVE_CLOSED, obj=wave, before={"status": W.OPEN},
                     after={"status": W.CLOSED, "seed_commitment": wave.seed_commitment, **counts, **early}, reason=reason)
    return counts


def _close_reason(wave: Wave, reason: str, *, today: dt.date) -> str:
    """The written reason for closing ``wave`` on ``today``, stripped. ValidationFailed (on ``reason``) when the wave
    closes before its announced closing day and none was written, or when it is longer than ``CLOSE_REASON_MAX``."""
    reason = (reason or "").strip()
    needed = domain.close_reason_needed(closes_on=wave.closes_on, today=today)
    if needed is not None and not reason:
        raise ValidationFailed(needed, code=Code.CLOSE_REASON_REQUIRED, field="reason")
    if len(reason) > CLOSE_REASON_MAX:
        raise ValidationFailed(Msg("Alasan paling panjang {n} karakter.", "The reason may be at most {n} characters.").format(
            n=CLOSE_REASON_MAX), code=Code.CLOSE_REASON_REQUIRED, field="reason")
    return reason


def wave_draw(*, actor, wave: Wave, now: dt.datetime) -> dict[str, int]:
    """The random draw per province from the wave's seed (domain.draw); the seed is revealed with the results."""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = _transition(wave, "draw")
        counts = _draw_apply(wave)
        wave.drawn_at = now
        wave.save(update_fields=["status", "drawn_at", "step_pending", "step_error", "counts"])
        audit.record(actor=actor, action=Audit.WAVE_DRAWN, obj=wave, before={"status": W.CLOSED},
                     after={"status": W.DRAWN, "seed": wave.seed, **counts})
        # Every selected application gets its card and the wave's training balance, in the draw's transaction.
        _cards_issue(actor=actor, wave=wave, now=now)
        # The results are published with the draw; the candidates are told once it has committed (queued with it).
        enqueue_with_transaction(tasks.tell_results, wave_id=wave.pk, actor_id=actor.pk)
    return counts


def _draw_apply(wave: Wave) -> dict[str, int]:
    """Inside the draw's transaction: ``domain.draw_by_province`` over one stream of candidates per province in the
    draw's order (sorted by the database on PostgreSQL, read about a quota's worth each), then one narrow
    ``Selection`` row per selected application (``prakerja.rows.insert_selections``: ``COPY`` on PostgreSQL). No
    application row is rewritten: an eligible application of a drawn wave is selected when it has a selection, else
    not selected (``Application.outcome``); a not selected one whose household reached its limit is told so from
    the household's count (``domain.household_full``). docs/prakerja.md "At national size"."""
    quotas = dict(wave.quotas.values_list("province_id", "quota"))
    selected, provinces = domain.draw_by_province(seed=wave.seed, streams=selectors.draw_streams(wave), quotas=quotas,
                                                  max_per_household=wave.max_per_household)
    insert_selections(wave_id=wave.pk, selected=selected, provinces=provinces)
    wave.counts = {**wave.counts, "selected": dict(Counter(provinces))}  # saved by the caller
    # Closing gives every eligible application its household: this count is an index-only scan of (wave, status).
    candidates = Application.objects.filter(wave=wave, status=S.ELIGIBLE).count()
    return {"candidates": candidates, "selected": len(selected), "not_selected": candidates - len(selected)}


# --- cards and training balances ----------------------------------------------------------------------------

def grant_key(card_number: str) -> str:
    """The idempotency key of a card's training balance in the ledger: posted once per card."""
    return f"prakerja-grant:{card_number}"


def expire_key(card_number: str) -> str:
    return f"prakerja-expire:{card_number}"


def _cards_issue(*, actor, wave: Wave, now: dt.datetime) -> dict[str, int]:
    """Inside the caller's transaction: a card for each selected application of ``wave`` that has none (one bulk
    insert per chunk), then the wave's training balance posted for each card (``ledger.post``: one entry per card,
    keys already posted skipped), one audit row for the wave. Running it again issues and posts nothing."""
    selected_on = timezone.localdate(now)
    deadline = domain.purchase_deadline(selected_on, wave.purchase_deadline_days)
    todo = list(Application.objects.filter(selection__wave=wave, card__isnull=True)
                .order_by("pk").values_list("pk", "person_id"))
    for chunk in chunks(todo, CHUNK):
        Card.objects.bulk_create([Card(application_id=pk, wave=wave, person_id=person_id, granted=wave.training_balance,
                                       number=domain.card_number(wave_number=wave.number, application_id=pk),
                                       issued_at=now, deadline=deadline) for pk, person_id in chunk], batch_size=CHUNK)
    posted = 0
    if wave.training_balance > 0:
        cards = list(Card.objects.filter(wave=wave).values_list("number", "granted"))
        for chunk in chunks(cards, CHUNK):
            posted += len(ledger.post([
                ledger.Posting(kind=EntryKind.GRANT, key=grant_key(number), memo=f"Kartu Prakerja {number}",
                               lines=balance_postings(EntryKind.GRANT, funding_source=FUNDING_SOURCE,
                                                      holder=ledger_reference(number), amount=granted))
                for number, granted in chunk if granted > 0], actor=actor, now=now))
    counts = {"issued": len(todo), "posted": posted}
    if todo or posted:
        audit.record(actor=actor, action=Audit.CARDS_ISSUED, obj=wave, at=now,
                     after={**counts, "balance": wave.training_balance, "deadline": deadline.isoformat()})
    return counts


def cards_issue(*, actor, wave: Wave, now: dt.datetime) -> dict[str, int]:
    """Issue the cards and post the balances of a drawn wave that are missing (the draw does it; this is the same
    step run again by a PMO officer, e.g. after a failure): idempotent."""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        if wave.status != W.DRAWN:
            raise Conflict(Msg("Kartu diterbitkan setelah pengundian.", "Cards are issued after the draw."), code=Code.WAVE_STATE)
        return _cards_issue(actor=actor, wave=wave, now=now)


def cards_expire(*, actor, today: dt.date, now: dt.datetime) -> dict[str, int]:
    """Return to the programme budget the balance of every active card whose purchase deadline is over
    (``domain.card_expires``): one ``expire`` entry per card for what its ledger account still holds, the card
    ``expired``; one audit row. Run by a PMO officer or by the daily job (``actor`` None: Sisnaker itself).
    Idempotent: cards already expired are not looked at again, and each card's return has its own key."""
    with transaction.atomic(durable=True):
        if actor is not None:
            require(actor, "prakerja.manage")
        return _cards_expire(actor=actor, today=today, now=now)


def _cards_expire(*, actor, today: dt.date, now: dt.datetime) -> dict[str, int]:
    """``cards_expire``'s work inside the caller's transaction (also the generated data set's: demo.seed)."""
    due = list(Card.objects.select_for_update(skip_locked=False)
               .filter(status=domain.CardStatus.ACTIVE, deadline__lt=today)
               # A card whose purchase is not finished keeps its balance until it is (then the next run returns the rest).
               .exclude(purchases__status__in=domain.PurchaseStatus.UNFINISHED).order_by("pk").values_list("pk", "number"))
    returned = amount = 0
    for chunk in chunks(due, CHUNK):
        held = ledger.balances(AccountKind.BENEFICIARY, FUNDING_SOURCE, [ledger_reference(n) for _pk, n in chunk])
        postings = [ledger.Posting(kind=EntryKind.EXPIRE, key=expire_key(number), memo=f"Kartu Prakerja {number} kedaluwarsa",
                                   lines=balance_postings(EntryKind.EXPIRE, funding_source=FUNDING_SOURCE,
                                                          holder=ledger_reference(number), amount=held[ledger_reference(number)]))
                    for _pk, number in chunk if held[ledger_reference(number)] > 0]
        done = ledger.post(postings, actor=actor, now=now)
        returned += len(done)
        amount += sum(p.lines[0][1] for p in done)
        Card.objects.filter(pk__in=[pk for pk, _n in chunk], status=domain.CardStatus.ACTIVE).update(
            status=domain.CardStatus.EXPIRED, expired_at=now)
    counts = {"expired": len(due), "returned": returned, "amount": amount}
    if due:
        audit.record(actor=actor, action=Audit.CARDS_EXPIRED, object_type="prakerja.card", at=now,
                     after={**counts, "today": today.isoformat()})
    return counts


def notice_channels() -> tuple[str, ...]:
    """The channels the draw's results go out on (``SISNAKER_PRAKERJA_NOTICE_CHANNELS``, default SMS and e-mail;
    add ``"whatsapp"`` where a WhatsApp gateway is configured), to the phone and e-mail verified for the application."""
    return tuple(getattr(settings, "SISNAKER_PRAKERJA_NOTICE_CHANNELS", ("sms", "email")))


def results_tell(*, actor, wave: Wave, now: dt.datetime) -> int:
    """Tell every candidate of a drawn wave its result ("lolos" / "belum lolos", and what comes next) at the phone
    and e-mail verified for the application; returns how many applications were told. Set-based: per chunk of
    applications one query for the topics already used and one bulk insert; sent after commit. Once per
    application whatever the day (topic ``domain.result_topic``): running it again tells only those not told yet."""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage", wave)
        wave = Wave.objects.select_for_update().get(pk=wave.pk)  # two runs at once wait for each other
        if wave.status != W.DRAWN:
            raise Conflict(Msg("Hasil hanya diberitahukan setelah pengundian.", "Results are told only after the draw."),
                           code=Code.WAVE_STATE)
        # The candidates: eligible in a drawn wave, selected when they have a selection (the draw writes only those).
        rows = list(Application.objects.filter(wave=wave, status=S.ELIGIBLE).order_by("pk")
                    .values_list("pk", "selection__rank", "household", "household_prior", "person_id", "phone", "email"))
        in_household = Counter(r[2] for r in rows if r[1] is not None)  # the selected per household
        url, channels = absolute(reverse("prakerja:mine")), notice_channels()
        told: Counter = Counter()
        for chunk in chunks(rows, CHUNK):
            used = notifications.topics_used(domain.result_topic(r[0]) for r in chunk)
            messages = []
            for pk, rank, household, prior, person_id, phone, email in chunk:
                topic = domain.result_topic(pk)
                if topic in used:
                    continue
                full = rank is None and household is not None and domain.household_full(
                    prior=prior, selected_in_household=in_household[household], max_per_household=wave.max_per_household)
                subject, text = domain.result_notice(selected=rank is not None, wave=wave.name, application_id=pk,
                                                     balance=wave.training_balance, deadline_days=wave.purchase_deadline_days,
                                                     reason="household_full" if full else "", url=url)
                addresses = {"sms": phone, "whatsapp": phone, "email": email}
                messages += [notifications.Addressed(channel=c, to=addresses[c], topic=topic, subject=subject, text=text,
                                                     person_id=person_id) for c in channels]
                told[S.SELECTED if rank is not None else S.NOT_SELECTED] += 1
            notifications.notify_addresses(messages=messages)
        audit.record(actor=actor, action=Audit.RESULTS_TOLD, obj=wave,
                     after={"selected": told[S.SELECTED], "not_selected": told[S.NOT_SELECTED], "channels": list(channels)})
    return sum(told.values())


# --- applications ----------------------------------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class ApplicationData:
    nik: str
    kk_number: str
    full_name: str
    birth_date: dt.date
    sex: str
    education: str
    in_formal_education: bool
    has_disability: bool
    domicile_district: District
    phone: str
    email: str
    statement: bool

    def __repr__(self) -> str:  # never a NIK in logs
        return f"ApplicationData(nik={nik_rules.mask(self.nik)!r})"


def _not_eligible(reason: str) -> ValidationFailed:
    field = {"age": "birth_date", "formal_education": "in_formal_education"}.get(reason, "nik")
    return ValidationFailed(domain.REFUSALS[reason], code=Code.NOT_ELIGIBLE, field=field)


def _earlier_beneficiary(index: str) -> bool:
    return (Application.objects.filter(nik_index=index, selection__isnull=False).exists()
            or Exclusion.objects.filter(nik_index=index, category=domain.ExclusionCategory.EARLIER_BENEFICIARY).exists())


def application_start(*, actor, wave: Wave, data: ApplicationData, now: dt.datetime, assisted: bool = False,
                      consent: bool = False) -> tuple[Application, str]:
    """Register (or re-start an unconfirmed registration) and send one code to the phone and one to the e-mail
    address. ``assisted``: a posko officer types it with the citizen, who must have consented. Returns the
    application and the token of its code page."""
    today = timezone.localdate(now)
    try:
        with transaction.atomic(durable=True):
            person = None
            if assisted:
                require(actor, "prakerja.assist")
                if not consent:
                    raise ValidationFailed(Msg("Catat persetujuan warga yang dibantu.", "Record the consent of the citizen you help."),
                                           code=Code.CONSENT_REQUIRED, field="consent")
            else:
                person = getattr(actor, "person", None) if getattr(actor, "is_authenticated", False) else None
                require(actor, "prakerja.apply_own", person)
            wave = Wave.objects.get(pk=wave.pk)
            if wave.status != W.OPEN or not wave.opens_on <= today <= wave.closes_on:
                raise Conflict(Msg("Gelombang ini tidak sedang menerima pendaftaran.", "This wave is not taking applications."),
                               code=Code.WAVE_NOT_OPEN)
            if not data.statement:
                raise ValidationFailed(Msg("Setujui pernyataan untuk mendaftar.", "Sign the statement to apply."),
                                       code=Code.STATEMENT_REQUIRED, field="statement")
            parsed = nik_rules.parse(data.nik, today=today)
            kk = domain.normalise_digits(data.kk_number)
            problem = domain.kk_problem(kk)
            if problem:
                raise ValidationFailed(problem, code=Code.KK_INVALID, field="kk_number")
            phone = normalize_phone(data.phone)
            if not phone or not data.email:
                raise ValidationFailed(Msg("Isi nomor HP dan alamat e-mail: keduanya diverifikasi dengan kode.",
                                           "Enter a phone number and an e-mail address: both are verified with a code."),
                                       code=Code.CONTACT_REQUIRED, field="phone" if not phone else "email")
            index = nik_index(parsed.nik)
            if person is not None and person.nik_index != index:
                raise ValidationFailed(Msg("Daftar dengan NIK Anda sendiri (NIK akun ini). Untuk orang lain, minta bantuan posko.",
                                           "Apply with your own NIK (this account's). For someone else, ask a posko."),
                                       code=Code.NOT_OWN_NIK, field="nik")
            if person is None:  # assisted: link to the registered person only when name and birth date match
                found = Person.objects.filter(nik_index=index).first()
                if found is not None and names_match(found.full_name, data.full_name) and found.birth_date == data.birth_date:
                    person = found
                    # Someone with a Sisnaker account is helped only with their own phone and e-mail: the codes go
                    # where they read them (at the posko, in front of the officer), never to what the officer types.
                    if person.user_id and (person.phone or person.email):
                        phone = normalize_phone(person.phone) or phone
                        data = dataclasses.replace(data, email=person.email or data.email)
            reason = ("earlier_beneficiary" if _earlier_beneficiary(index) else
                      domain.eligibility_reason(birth_date=data.birth_date, wave_day=wave.opens_on,
                                                in_formal_education=data.in_formal_education))
            if reason:
                raise _not_eligible(reason)
            existing = Application.objects.select_for_update().filter(wave=wave, nik_index=index).first()
            if existing is not None and existing.status != S.UNVERIFIED:
                raise Conflict(Msg("NIK ini sudah terdaftar pada gelombang ini. Lihat statusnya di halaman Prakerja saya.",
                                   "This NIK already applied in this wave. See its status on the My Prakerja page."),
                               code=Code.DUPLICATE, field="nik")
            token = onetime.new_token()
            phone_code, email_code = onetime.new_code(), onetime.new_code()
            app = existing or Application(wave=wave, nik_index=index)
            for name, value in {
                "person": person, "nik_encrypted": crypto.encrypt(parsed.nik), "kk_encrypted": crypto.encrypt(kk),
                "kk_index": kk_index(kk), "full_name": data.full_name.strip(), "birth_date": data.birth_date, "sex": data.sex,
                "education": data.education, "in_formal_education": data.in_formal_education,
                "has_disability": data.has_disability, "province_id": parsed.region.province.code,
                "nik_regency_id": parsed.region.regency.code, "domicile_district": data.domicile_district, "phone": phone,
                "email": data.email.strip(), "statement_version": domain.STATEMENT_VERSION, "statement_signed_at": now,
                "created_by": actor, "assisted_by": actor if assisted else None, "consent_at": now if assisted else None,
                "verify_token": token, "phone_code_hash": onetime.code_hash(purpose=PHONE_PURPOSE, token=token, code=phone_code),
                "email_code_hash": onetime.code_hash(purpose=EMAIL_PURPOSE, token=token, code=email_code),
                "code_attempts": 0, "code_expires_at": now + dt.timedelta(minutes=CODE_MINUTES), "created_at": now,
            }.items():
                setattr(app, name, value)
            app.save()
            audit.record(actor=actor, action=Audit.APPLICATION_STARTED, obj=app,
                         after={"wave": wave.number, "assisted": assisted, "restarted": existing is not None})
            if assisted and person is not None:
                # The person learns that a posko applied in their name, and how to object (issue 7: nobody is
                # enrolled by another's hand without knowing it).
                notifications.notify(person=person, topic=f"prakerja_assisted.{app.pk}", now=now,
                                     subject=f"Pendaftaran Kartu Prakerja gelombang {wave.number} atas nama Anda",
                                     text=(f"Sisnaker: posko mendaftarkan Anda pada Kartu Prakerja gelombang {wave.number}. "
                                           f"Bukan Anda? Jangan berikan kode verifikasi kepada siapa pun dan laporkan "
                                           f"ke Disnaker setempat."))
            code_text = CODE_TEXT_ASSISTED if assisted else CODE_TEXT_OWN
            onetime.send(channel="sms", to=phone, topic="prakerja_code", text=code_text, code=phone_code)
            onetime.send(channel="email", to=app.email, topic="prakerja_code", text=code_text, code=email_code,
                         subject="Kode verifikasi Kartu Prakerja")
    except IntegrityError as exc:  # the same NIK registered at the same moment by another request
        raise Conflict(Msg("NIK ini sudah terdaftar pada gelombang ini.", "This NIK already applied in this wave."),
                       code=Code.DUPLICATE, field="nik") from exc
    return app, token


def application_for_token(*, actor, token: str) -> Application:
    app = Application.objects.select_related("wave").filter(verify_token=token, created_by_id=getattr(actor, "pk", None)).first()
    if app is None:
        raise NotFound(Msg("Pendaftaran tidak ditemukan.", "Application not found."))
    return app


def application_confirm(*, actor, token: str, phone_code: str, email_code: str, now: dt.datetime) -> Application:
    """Check the two codes; then verify the identity (identity.verify): no finding → submitted, any → PMO review.
    A wrong code counts (5 tries, 10 minutes) and is refused after the count is saved."""
    refusal = None
    with transaction.atomic(durable=True):
        app = Application.objects.select_for_update().filter(verify_token=token, created_by_id=getattr(actor, "pk", None)).first()
        if app is None:
            raise NotFound(Msg("Pendaftaran tidak ditemukan.", "Application not found."))
        if app.status != S.UNVERIFIED:
            raise Conflict(Msg("Pendaftaran ini sudah diverifikasi.", "This application is already verified."), code=Code.APPLICATION_STATE)
        if app.code_attempts >= MAX_CODE_ATTEMPTS or now > app.code_expires_at:
            raise ValidationFailed(Msg("Kode sudah tidak berlaku. Daftar ulang untuk menerima kode baru.",
                                       "The codes are no longer valid. Apply again to receive new codes."),
                                   code=Code.CODE_WRONG, field="phone_code")
        phone_ok = onetime.matches(purpose=PHONE_PURPOSE, token=token, stored_hash=app.phone_code_hash, typed=phone_code,
                                   expires_at=app.code_expires_at, now=now)
        email_ok = onetime.matches(purpose=EMAIL_PURPOSE, token=token, stored_hash=app.email_code_hash, typed=email_code,
                                   expires_at=app.code_expires_at, now=now)
        if not (phone_ok and email_ok):
            app.code_attempts += 1
            app.save(update_fields=["code_attempts"])
            refusal = ValidationFailed(Msg("Kode salah. Periksa SMS dan e-mail Anda (sisa {n} kali).",
                                           "Wrong code. Check your SMS and e-mail ({n} tries left).").format(
                                               n=MAX_CODE_ATTEMPTS - app.code_attempts),
                                       code=Code.CODE_WRONG, field="phone_code" if not phone_ok else "email_code")
        else:
            claim = identity.IdentityClaim(nik=crypto.decrypt(app.nik_encrypted), kk_number=crypto.decrypt(app.kk_encrypted),
                                           full_name=app.full_name, birth_date=app.birth_date, sex=app.sex)
            findings = identity.verify(claim, today=timezone.localdate(now))
            app.findings = [f.as_dict() for f in findings]
            app.status = S.REVIEW if findings else S.SUBMITTED
            app.contacts_verified_at = now
            app.save(update_fields=["findings", "status", "contacts_verified_at"])
            audit.record(actor=actor, action=Audit.APPLICATION_SUBMITTED, obj=app, before={"status": S.UNVERIFIED},
                         after={"status": app.status, "findings": [f.code for f in findings]})
    if refusal is not None:
        raise refusal
    return app


def application_review(*, actor, application: Application, accept: bool, note: str, now: dt.datetime) -> Application:
    """A PMO officer decides an identity mismatch: accepted → registered; rejected (with a note) → not eligible."""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.review", application)
        app = Application.objects.select_for_update().get(pk=application.pk)
        if app.status != S.REVIEW:
            raise Conflict(Msg("Pendaftaran ini tidak menunggu pemeriksaan.", "This application is not waiting for a check."),
                           code=Code.APPLICATION_STATE)
        note = (note or "").strip()
        if not accept and not note:
            raise ValidationFailed(Msg("Tulis alasan penolakan.", "Write the reason for the rejection."),
                                   code=Code.APPLICATION_STATE, field="note")
        app.status, app.reason = (S.SUBMITTED, "") if accept else (S.INELIGIBLE, "identity_rejected")
        app.reviewed_by, app.reviewed_at, app.review_note = actor, now, note[:300]
        app.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "review_note"])
        audit.record(actor=actor, action=Audit.APPLICATION_REVIEWED, obj=app, before={"status": S.REVIEW},
                     after={"status": app.status, "findings": [f.get("code") for f in app.findings]}, reason=note)
    return app


# --- exclusion lists ---------------------------------------------------------------------------------------------

NIK_HEADERS = {"nik", "noktp", "nomorktp", "nomorindukkependudukan", "nomornik"}


def _header_key(value) -> str:
    return "".join(ch for ch in str(value or "").lower() if ch.isalnum())


def exclusions_import(*, actor, category: str, file_name: str, data: bytes, now: dt.datetime) -> ExclusionImport:
    """Add the NIKs of a file (.xlsx/.xls/.csv with a "NIK" column) to the exclusion list of ``category``.
    Set-based: the blind indexes are computed in memory, existing ones read in chunks, new ones inserted in bulk.
    Idempotent: a NIK already listed in the category is counted ``already``. Rows with a malformed NIK are
    refused one by one (the rest is imported); the report lists every row that was not added, with why."""
    if category not in domain.ExclusionCategory.LABELS:
        raise ValidationFailed(Msg("Pilih kategori daftar pengecualian.", "Choose the exclusion list's category."),
                               code=Code.EXCLUSION_FILE, field="category")
    with transaction.atomic(durable=True):
        require(actor, "prakerja.manage")
        rows = read_rows(file_name, data)
        header_at = next((i for i, row in enumerate(rows[:10]) if any(_header_key(c) in NIK_HEADERS for c in row)), None)
        if header_at is None:
            raise ValidationFailed(Msg("Berkas harus punya kolom berjudul \"NIK\" (pada salah satu dari 10 baris pertama).",
                                       "The file needs a column headed \"NIK\" (in one of its first 10 rows)."),
                                   code=Code.EXCLUSION_FILE, field="file")
        column = next(i for i, c in enumerate(rows[header_at]) if _header_key(c) in NIK_HEADERS)
        today = timezone.localdate(now)
        report: list[dict] = []
        first_row: dict[str, int] = {}
        for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            cell = row[column] if column < len(row) else None
            try:
                text = nik_text(cell)
                if not text.strip():
                    if not any(str(c or "").strip() for c in row):
                        continue  # an empty line
                    raise ValidationFailed(Msg("NIK kosong.", "The NIK is empty."), field="nik")
                parsed = nik_rules.parse(text, today=today)
            except (CellError, ValidationFailed) as exc:
                report.append({"row": number, "outcome": "refused", "id": exc.message.id, "en": exc.message.en})
                continue
            index = nik_index(parsed.nik)
            if index in first_row:
                report.append({"row": number, "outcome": "duplicate", "id": f"Sama dengan baris {first_row[index]}.",
                               "en": f"Same as row {first_row[index]}."})
                continue
            first_row[index] = number
        indexes = list(first_row)
        listed: set[str] = set()
        for chunk in chunks(indexes, CHUNK):
            listed.update(Exclusion.objects.filter(category=category, nik_index__in=chunk).values_list("nik_index", flat=True))
        for index in indexes:
            if index in listed:
                report.append({"row": first_row[index], "outcome": "already", "id": "Sudah ada dalam daftar.", "en": "Already listed."})
        source = ExclusionImport.objects.create(category=category, file_name=file_name[:200], imported_by=actor, created_at=now)
        new = [Exclusion(nik_index=i, category=category, source=source, created_at=now) for i in indexes if i not in listed]
        Exclusion.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
        report.sort(key=lambda r: r["row"])
        source.rows = len(first_row) + sum(1 for r in report if r["outcome"] in ("refused", "duplicate"))
        source.added, source.already = len(new), len(listed)
        source.refused = sum(1 for r in report if r["outcome"] in ("refused", "duplicate"))
        source.report = report
        source.save(update_fields=["rows", "added", "already", "refused", "report"])
        audit.record(actor=actor, action=Audit.EXCLUSIONS_IMPORTED, obj=source,
                     after={"category": category, "file": source.file_name, "rows": source.rows, "added": source.added,
                            "already": source.already, "refused": source.refused})
    return source
