"""Kartu Prakerja writes after the draw (issue 11): the two-stage curation of the catalogue, the purchase (the
platform's request, the PMO's rule check that authorises payment from the balance), the voucher and its redeem
codes, attendance and completion reported by the institution, and the incentives that become due.

Every service: keyword-only, one durable transaction, a permission check, an audit row. ``actor`` None is
Sisnaker itself (the PMO's authorisation run, the housekeeping job) or, for the partner API, a partner whose
signature the API checked: it passes the partner's ``institution`` / ``platform_code`` and ``via`` (its client
code, kept in the audit row).

Locks, always in this order: card, purchase, program (training's), redeem code. The balance is checked with the
card row locked (``SELECT … FOR UPDATE``) and the database refuses a card whose ``spent`` passes ``granted``.

How a purchase maps to training: authorising it enrols the buyer in the program as a participant
(``training.services.enrollment_record_purchased``, so seats, schedule clashes and eligibility count as for any
registration); cancelling it withdraws that enrollment. Assessment and the certificate follow the training's
normal flow; the post-training incentive is due once the institution reported completion and the enrollment's
certificate exists."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts import onetime
from sisnaker.core import audit
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import (
    Conflict,
    Msg,
    NotFound,
    PermissionDenied,
    SisnakerError,
    TooManyRequests,
    ValidationFailed,
)
from sisnaker.core.links import absolute
from sisnaker.core.models import AuditEvent
from sisnaker.core.permissions import can, require
from sisnaker.core.tasks import enqueue_with_transaction
from sisnaker.notifications import services as notifications
from sisnaker.notifications import text as sms_text
from sisnaker.notifications.services import notify_address
from sisnaker.payments.domain import AccountKind, EntryKind, PayableKind, balance_postings
from sisnaker.payments.models import Payable
from sisnaker.payments.services import ledger
from sisnaker.payments.services.payables import payables_create
from sisnaker.surveys.models import Response
from sisnaker.training import services as training
from sisnaker.training.models import Enrollment, Program

from . import domain, tasks
from .codes import Audit, Code
from .domain import CurationStatus as C
from .domain import PurchaseStatus as PS
from .domain import RedeemStatus as RS
from .models import FUNDING_SOURCE, Application, Card, CatalogueEntry, Purchase, RedeemCode, ledger_reference

MAX_PRICE = 100_000_000
MAX_SESSIONS = 60
DEFAULT_SESSION_HOUR = 8


def purchase_key(purchase_id: int) -> str:
    """The ledger's idempotency key of a purchase's payment (and of the institution's payable)."""
    return f"prakerja-purchase:{purchase_id}"


def refund_key(purchase_id: int) -> str:
    return f"prakerja-refund:{purchase_id}"


def incentive_key(card_number: str, n: int) -> str:
    """One post-training incentive instalment per card (a second training pays no second incentive)."""
    return f"prakerja-incentive:{card_number}:{n}"


def survey_incentive_key(card_number: str, n: int) -> str:
    return f"prakerja-survey:{card_number}:{n}"


def _who(actor, via: str) -> str:
    return via or (getattr(actor, "username", "") or "sisnaker")


# --- curation ---------------------------------------------------------------------------------------------------

def default_sessions(program: Program) -> list[dt.datetime]:
    """No per-session schedule in training: session 1 starts on the program's start date at 08:00 local time."""
    return [timezone.make_aware(dt.datetime.combine(program.start_date, dt.time(DEFAULT_SESSION_HOUR)))]


def catalogue_propose(*, actor, program: Program, price: int, course_type: str = "", sessions: list[dt.datetime] | None = None,
                      now: dt.datetime) -> CatalogueEntry:
    """The institution proposes its Prakerja-funded program for the catalogue, at ``price`` (its Prakerja price),
    with its sessions (default: one, at the program's start). Proposing a rejected entry again starts over."""
    with transaction.atomic(durable=True):
        require(actor, "prakerja.propose", program)
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.funding != Program.Funding.PRAKERJA:
            raise ValidationFailed(Msg("Hanya program dengan sumber dana Kartu Prakerja yang dapat diajukan ke katalog.",
                                       "Only programs funded by Kartu Prakerja can be proposed for the catalogue."),
                                   code=Code.CATALOGUE_INPUT, field="program")
        if type(price) is not int or not 0 < price <= MAX_PRICE:
            raise ValidationFailed(Msg("Harga Prakerja 1–100.000.000 rupiah.", "The Prakerja price is 1–100,000,000 rupiah."),
                                   code=Code.CATALOGUE_INPUT, field="price")
        course_type = course_type or domain.course_type_for_mode(program.mode)
        if course_type not in dict(domain.CourseType.CHOICES):
            raise ValidationFailed(Msg("Jenis pelatihan tidak dikenal.", "Unknown course type."), code=Code.CATALOGUE_INPUT,
                                   field="course_type")
        sessions = sorted(sessions or default_sessions(program))
        if len(sessions) > MAX_SESSIONS or len(set(sessions)) != len(sessions):
            raise ValidationFailed(Msg("Paling banyak 60 sesi, tanpa jadwal ganda.", "At most 60 sessions, none twice."),
                                   code=Code.CATALOGUE_INPUT, field="sessions")
        if any(not program.start_date <= timezone.localdate(s) <= program.end_date for s in sessions):
            raise ValidationFailed(Msg("Setiap sesi harus di antara tanggal mulai dan selesai program.",
                                       "Every session must fall between the program's start and end dates."),
                                   code=Code.CATALOGUE_INPUT, field="sessions")
        entry = CatalogueEntry.objects.select_for_update().filter(program=program).first()
        before = None
        if entry is not None:
            if entry.status != C.REJECTED:
                raise Conflict(Msg("Program ini sudah diajukan ({status}).", "This program was already proposed ({status}).").format(
                    status=entry.status), code=Code.CATALOGUE_STATE)
            before = {"status": entry.status, "price": entry.price}
        else:
            entry = CatalogueEntry(program=program, institution_id=program.institution_id)
        entry.course_type, entry.price, entry.sessions = course_type, price, [s.isoformat() for s in sessions]
        entry.status, entry.proposed_by, entry.proposed_at = C.PROPOSED, actor, now
        entry.stage1_by = entry.stage1_at = entry.stage2_by = entry.stage2_at = None
        entry.stage1_note = entry.stage2_note = ""
        if not entry.course_code:
            entry.course_code = f"SNK{program.pk:08d}"
        entry.save()
        audit.record(actor=actor, action=Audit.CATALOGUE_PROPOSED, obj=entry, before=before, at=now,
                     after={"program": program.pk, "price": price, "course_type": course_type, "sessions": entry.sessions})
    return entry


def catalogue_decide(*, actor, entry: CatalogueEntry, stage: int, accept: bool, note: str, now: dt.datetime) -> CatalogueEntry:
    """Stage 1 (a ministry curator) or stage 2 (a PMO officer) accepts or rejects (a rejection needs a note)."""
    if stage not in domain.CURATION_STAGES:
        raise ValidationFailed(Msg("Tahap kurasi 1 atau 2.", "Curation stage 1 or 2."), code=Code.CATALOGUE_INPUT, field="stage")
    with transaction.atomic(durable=True):
        require(actor, f"prakerja.curate_stage{stage}", entry)
        entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
        target = domain.curation_target(stage=stage, status=entry.status, accept=accept)
        if target is None:
            raise Conflict(Msg("Pengajuan ini tidak menunggu kurasi tahap {stage}.", "This proposal does not wait for stage {stage}.").format(
                stage=stage), code=Code.CATALOGUE_STATE)
        note = " ".join((note or "").split())[:500]
        if not accept and not note:
            raise ValidationFailed(Msg("Tulis alasan penolakan.", "Write the reason for the rejection."), code=Code.NOTE_REQUIRED, field="note")
        before = entry.status
        setattr(entry, f"stage{stage}_by", actor)
        setattr(entry, f"stage{stage}_at", now)
        setattr(entry, f"stage{stage}_note", note)
        entry.status = target
        entry.save()
        audit.record(actor=actor, action=Audit.CATALOGUE_STAGE1 if stage == 1 else Audit.CATALOGUE_STAGE2, obj=entry,
                     before={"status": before}, after={"status": target, "accept": accept}, reason=note, at=now)
    return entry


# --- purchase -----------------------------------------------------------------------------------------------------

REFUSAL_CODES = {
    "consent_expired": Code.CONSENT_EXPIRED, "consent_locked": Code.CONSENT_LOCKED,
    "card_inactive": Code.CARD_INACTIVE, "deadline_passed": Code.DEADLINE_PASSED, "not_curated": Code.NOT_CURATED,
    "unfinished_purchase": Code.UNFINISHED_PURCHASE, "balance_insufficient": Code.BALANCE_INSUFFICIENT,
    "already_bought": Code.ALREADY_BOUGHT, "enrol_refused": Code.ENROL_REFUSED,
}


def refusal_message(key: str) -> Msg:
    return domain.AUTHORISE_REFUSALS.get(key) or Msg("Peserta tidak dapat didaftarkan ke program ini.",
                                                     "The participant cannot be enrolled in this program.")


def _new_code(prefix: str, model, field: str) -> str:
    while True:
        code = domain.code_from_bytes(prefix, secrets.token_bytes(12))
        if not model.objects.filter(**{field: code}).exists():
            return code


def purchase_request(*, actor, card: Card, program: Program, platform_code: str, idempotency_key: str,
                     now: dt.datetime, platform_name: str = "") -> Purchase:
    """A platform asks the PMO to approve a purchase (``platform_code`` empty: Sisnaker itself, where the card's
    holder is the actor). Idempotent: the same ``(platform_code, idempotency_key)`` returns the same purchase; the
    same key with another card, program or platform is refused. The PMO's rule check
    (``purchase_authorise``) is queued once the request has committed.

    A partner platform (``actor`` None; ``platform_name`` its name, for the message) cannot spend the balance on its
    own word: the purchase waits in ``consent`` and a one-time code goes to the phone and e-mail verified for the
    card's application; ``purchase_consent`` with that code (or the holder, logged in) sends it on to the rule
    check. A pending consent whose code expired no longer holds the card (it is refused here first)."""
    platform_code = (platform_code or "").strip()
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key or len(idempotency_key) > 100 or len(platform_code) > 40:
        raise ValidationFailed(Msg("Kunci idempotensi wajib (paling banyak 100 karakter).", "An idempotency key is required (at most 100 characters)."),
                               code=Code.IDEMPOTENCY_MISMATCH, field="idempotency_key")
    fingerprint = domain.request_fingerprint(card_number=card.number, program_id=program.pk, platform_code=platform_code)
    try:
        with transaction.atomic(durable=True):
            if platform_code == "" or actor is not None:
                require(actor, "prakerja.buy", card)
            existing = Purchase.objects.filter(platform_code=platform_code, idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_request(existing, fingerprint)
            card = Card.objects.select_for_update().get(pk=card.pk)
            # Again with the card locked: the same request may have committed while this one waited for the lock.
            existing = Purchase.objects.filter(platform_code=platform_code, idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_request(existing, fingerprint)
            if card.person_id is None:
                raise Conflict(Msg("Kartu ini belum terhubung ke akun Sisnaker: masuk dengan akun pemilik kartu.",
                                   "This card is not linked to a Sisnaker account: log in with the card holder's account."),
                               code=Code.NO_ACCOUNT)
            entry = CatalogueEntry.objects.filter(program=program, status=C.CURATED).first()
            if entry is None:
                raise Conflict(domain.AUTHORISE_REFUSALS["not_curated"], code=Code.NOT_CURATED)
            _consents_lapse(actor=actor, now=now, card_ids=[card.pk])
            if Purchase.objects.filter(card=card, status__in=PS.UNFINISHED).exists():
                raise Conflict(domain.AUTHORISE_REFUSALS["unfinished_purchase"], code=Code.UNFINISHED_PURCHASE)
            consent = actor is None  # a partner platform: the beneficiary confirms with a code
            if consent:
                asked = Purchase.objects.filter(card=card, requested_at__gt=now - domain.CONSENT_REQUEST_WINDOW).exclude(
                    platform_code="").values_list("requested_at", flat=True)
                wait = domain.consent_request_wait(requested=list(asked), now=now)
                if wait:  # the card is locked: requests at the same moment are counted one after the other
                    raise TooManyRequests(
                        Msg("Pemegang kartu ini sudah {n} kali dimintai persetujuan pembelian dalam 24 jam terakhir. Minta "
                            "pemegang kartu membeli langsung di Sisnaker, atau coba lagi dalam {m} menit.",
                            "This card's holder was asked for purchase consent {n} times in the last 24 hours. Ask the holder "
                            "to buy on Sisnaker directly, or try again in {m} minutes.").format(
                                n=domain.MAX_CONSENT_REQUESTS_PER_DAY, m=max(1, -(-wait // 60))),
                        retry_after=wait, code=Code.CONSENT_REQUEST_LIMIT)
            token, code = (onetime.new_token(), onetime.new_code()) if consent else ("", "")
            with transaction.atomic():
                purchase = Purchase.objects.create(
                    card=card, entry=entry, program=program, institution_id=entry.institution_id, person_id=card.person_id,
                    price=entry.price, platform_code=platform_code, idempotency_key=idempotency_key, fingerprint=fingerprint,
                    invoice_code=_new_code("INV", Purchase, "invoice_code"), requested_at=now,
                    requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                    status=PS.CONSENT if consent else PS.REQUESTED, consent_token=token,
                    consent_code_hash=onetime.code_hash(purpose=CONSENT_PURPOSE, token=token, code=code) if consent else "",
                    consent_expires_at=now + dt.timedelta(minutes=domain.CONSENT_MINUTES) if consent else None)
            audit.record(actor=actor, action=Audit.PURCHASE_REQUESTED, obj=purchase, at=now,
                         after={"card": card.number, "program": program.pk, "price": entry.price, "platform": purchase.platform_name,
                                "key": idempotency_key, "status": purchase.status})
            if consent:
                sent_to = _consent_send(purchase, card=card, code=code, platform_name=platform_name or platform_code)
                audit.record(actor=actor, action=Audit.CONSENT_ASKED, obj=purchase, at=now,
                             after={"sent_to": sent_to, "expires_at": purchase.consent_expires_at.isoformat()})
                return purchase
            enqueue_with_transaction(tasks.authorise_purchase, purchase_id=purchase.pk, at=now.isoformat())
            return purchase
    except IntegrityError:
        # The same request committed at the same moment by another process (the key), or another unfinished
        # purchase of the card (the one-unfinished constraint).
        existing = Purchase.objects.filter(platform_code=platform_code, idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_request(existing, fingerprint)
        raise Conflict(domain.AUTHORISE_REFUSALS["unfinished_purchase"], code=Code.UNFINISHED_PURCHASE) from None


# --- the beneficiary's consent to a partner platform's purchase ---------------------------------------------------

CONSENT_PURPOSE = "prakerja_consent"
CONSENT_TEXT = Msg("Kode persetujuan Kartu Prakerja: {code}. {platform} membeli pelatihan \"{course}\" seharga {price} dengan "
                   "saldo kartu Anda. Berikan kode ini hanya jika Anda sendiri yang membeli; berlaku 10 menit.",
                   "Kartu Prakerja consent code: {code}. {platform} is buying the training \"{course}\" for {price} with your "
                   "card's balance. Give this code only if you are buying it yourself; valid 10 minutes.")


def _mask_email(email: str) -> str:
    name, _at, domain_part = (email or "").partition("@")
    return f"{name[:1]}***@{domain_part}" if domain_part else ""


def _consent_send(purchase: Purchase, *, card: Card, code: str, platform_name: str) -> list[str]:
    """One code, by SMS and by e-mail, to the phone and address verified for the card's application (never stored:
    the notification keeps a blanked copy). Returns where it went, masked (what the partner may show)."""
    phone, email = Application.objects.filter(pk=card.application_id).values_list("phone", "email").get()
    title = Program.objects.filter(pk=purchase.program_id).values_list("title", flat=True).get()
    text = CONSENT_TEXT.format(code=code, platform=platform_name[:60], course=title[:60], price=f"Rp{purchase.price:,}".replace(",", "."))
    sent = []
    if notify_address(channel="sms", to=phone, topic="prakerja_consent", subject="", text=text.id, secret=code):
        sent.append(onetime.mask_phone(phone))
    if notify_address(channel="email", to=email, topic="prakerja_consent", subject="Kode persetujuan pembelian Kartu Prakerja",
                      text=text.id, secret=code):
        sent.append(_mask_email(email))
    return sent


def consent_sent_to(purchase: Purchase) -> list[str]:
    """Where a purchase's consent code went, masked (for the partner's answer)."""
    phone, email = Application.objects.filter(card__pk=purchase.card_id).values_list("phone", "email").get()
    return [m for m in (onetime.mask_phone(phone), _mask_email(email)) if m]


CONSENT_ERRORS = {
    "consent_expired": Msg("Kode persetujuan sudah kedaluwarsa dan pembelian ditolak. Kirim permintaan pembelian baru (kunci "
                           "idempotensi baru) agar pemilik kartu menerima kode baru.",
                           "The consent code expired and the purchase was refused. Send a new purchase request (a new "
                           "idempotency key) so that the card holder receives a new code."),
    "consent_locked": Msg("Kode persetujuan salah 5 kali: pembelian dikunci dan ditolak. Kirim permintaan pembelian baru bila "
                          "pemilik kartu memang membeli.",
                          "The consent code was wrong 5 times: the purchase is locked and refused. Send a new purchase request "
                          "if the card holder really is buying."),
    "consent_not_pending": Msg("Pembelian ini tidak menunggu persetujuan pemilik kartu.", "This purchase does not wait for the card holder's consent."),
}
CONSENT_CODES = {"consent_expired": Code.CONSENT_EXPIRED, "consent_locked": Code.CONSENT_LOCKED,
                 "consent_not_pending": Code.CONSENT_NOT_PENDING}


def _consent_error(key: str) -> Conflict:
    return Conflict(CONSENT_ERRORS[key], code=CONSENT_CODES[key], field="consent_code")


def _code_is(purchase: Purchase, typed: str) -> bool:
    """Whether ``typed`` is the purchase's consent code (constant time; expiry is the caller's)."""
    code = onetime.clean(typed)
    expected = onetime.code_hash(purpose=CONSENT_PURPOSE, token=purchase.consent_token, code=code)
    return bool(purchase.consent_code_hash) and len(code) == onetime.DIGITS and hmac.compare_digest(purchase.consent_code_hash, expected)


def purchase_consent(*, actor, purchase: Purchase, code: str = "", now: dt.datetime, via: str = "") -> Purchase:
    """The beneficiary consents to a partner platform's purchase: ``actor`` None with ``via`` (the platform's client
    code, which must be the purchase's) relays the ``code`` the beneficiary received; the holder logged in on
    Sisnaker (``prakerja.buy``) needs no code. Then the purchase is ``requested`` and the PMO's rule check (which
    debits the balance) is queued after commit.

    Refusals: a wrong code counts (``consent_attempts``, saved before the refusal) and the 5th locks the purchase
    (refused, ``consent_locked``); an expired code refuses it (``consent_expired``). A purchase confirmed before
    answers as it is (two confirmations at once are one: the card and the purchase are locked), but only to its
    right code or its holder."""
    refusal: SisnakerError | None = None
    with transaction.atomic(durable=True):
        card_id = Purchase.objects.filter(pk=purchase.pk).values_list("card_id", flat=True).first()
        if card_id is None:
            raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
        card = Card.objects.select_for_update().get(pk=card_id)
        purchase = Purchase.objects.select_for_update(of=("self",)).get(pk=purchase.pk)
        if actor is None:
            if not via or purchase.platform_code != via:
                raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
        else:
            require(actor, "prakerja.buy", card)
        if purchase.consented_at is not None:
            if actor is not None or _code_is(purchase, code):
                return purchase
            raise _consent_error("consent_not_pending")
        why = domain.consent_refusal(status=purchase.status, expires_at=purchase.consent_expires_at,
                                     attempts=purchase.consent_attempts, now=now)
        if why is None and actor is None and not _code_is(purchase, code):
            purchase.consent_attempts, locked = domain.consent_attempt(attempts=purchase.consent_attempts)
            fields = ["consent_attempts"]
            if locked:
                purchase.status, purchase.refusal, purchase.decided_at = PS.REFUSED, "consent_locked", now
                fields += ["status", "refusal", "decided_at"]
            purchase.save(update_fields=fields)
            audit.record(actor=actor, action=Audit.CONSENT_FAILED, obj=purchase, at=now,
                         after={"attempts": purchase.consent_attempts, "locked": locked, "via": _who(actor, via)})
            left = domain.MAX_CONSENT_ATTEMPTS - purchase.consent_attempts
            refusal = _consent_error("consent_locked") if locked else ValidationFailed(
                Msg("Kode persetujuan salah (sisa {n} kali). Minta pemilik kartu memeriksa SMS dan e-mail-nya.",
                    "Wrong consent code ({n} tries left). Ask the card holder to check their SMS and e-mail.").format(n=left),
                code=Code.CONSENT_CODE_WRONG, field="consent_code", details={"attempts_left": left})
        elif why == "consent_expired" and purchase.status == PS.CONSENT:
            _consents_lapse(actor=actor, now=now, purchase_ids=[purchase.pk])
            refusal = _consent_error("consent_expired")
        elif why is not None:
            # Already refused for want of consent: say why; otherwise it never waited for one (or was cancelled).
            raise _consent_error(purchase.refusal if purchase.refusal in CONSENT_CODES else why)
        else:
            purchase.status, purchase.consented_at = PS.REQUESTED, now
            purchase.consented_via = "code" if actor is None else "account"
            purchase.save(update_fields=["status", "consented_at", "consented_via"])
            audit.record(actor=actor, action=Audit.CONSENT_GIVEN, obj=purchase, at=now, before={"status": PS.CONSENT},
                         after={"status": PS.REQUESTED, "via": _who(actor, via), "by": purchase.consented_via})
            enqueue_with_transaction(tasks.authorise_purchase, purchase_id=purchase.pk, at=now.isoformat())
    if refusal is not None:
        raise refusal
    return purchase


# A new consent code for a beneficiary whose SMS or e-mail did not arrive (the platform asks: ``purchase_consent_resend``;
# the rules: ``domain.consent_resend_refusal``).


def consent_resends(purchase_id: int) -> int:
    """How many new consent codes the purchase had: its ``consent_resent`` audit rows (written in the resend's own
    transaction, never changed; the caller holds the purchase's row lock when the count decides). One indexed query."""
    return AuditEvent.objects.filter(object_type=Purchase._meta.label_lower, object_id=str(purchase_id),
                                     action=Audit.CONSENT_RESENT).count()


def purchase_consent_resend(*, actor, purchase: Purchase, now: dt.datetime, via: str = "", platform_name: str = "") -> Purchase:
    """A new consent code for a partner platform's purchase still waiting for consent (the beneficiary did not get
    the SMS or the e-mail): ``actor`` None with ``via``, the platform's client code, which must be the purchase's. The
    new code goes to the same phone and address (verified for the card's application) and replaces the old one, which
    no longer works; it is valid ``domain.CONSENT_MINUTES`` from now. Refused: ``consent_resend_too_soon`` (429, the
    seconds to wait), ``consent_resend_limit`` after ``domain.MAX_CONSENT_RESENDS``, and as ``purchase_consent`` refuses
    (not waiting, locked, expired — an expired wait is refused here and then). Wrong tries carry over."""
    refusal: SisnakerError | None = None
    with transaction.atomic(durable=True):
        card_id = Purchase.objects.filter(pk=purchase.pk).values_list("card_id", flat=True).first()
        if card_id is None or actor is not None:
            # The card holder logged in needs no code (they approve on /prakerja/saya/); staff send none.
            raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
        card = Card.objects.select_for_update().get(pk=card_id)
        purchase = Purchase.objects.select_for_update(of=("self",)).get(pk=purchase.pk)
        if not via or purchase.platform_code != via:
            raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
        resends = consent_resends(purchase.pk)
        why = domain.consent_resend_refusal(status=purchase.status, expires_at=purchase.consent_expires_at,
                                     attempts=purchase.consent_attempts, resends=resends, now=now)
        if why is None:
            token, code = onetime.new_token(), onetime.new_code()
            purchase.consent_token = token
            purchase.consent_code_hash = onetime.code_hash(purpose=CONSENT_PURPOSE, token=token, code=code)
            purchase.consent_expires_at = now + dt.timedelta(minutes=domain.CONSENT_MINUTES)
            purchase.save(update_fields=["consent_token", "consent_code_hash", "consent_expires_at"])
            sent_to = _consent_send(purchase, card=card, code=code, platform_name=platform_name or purchase.platform_code)
            audit.record(actor=actor, action=Audit.CONSENT_RESENT, obj=purchase, at=now,
                         after={"sent_to": sent_to, "expires_at": purchase.consent_expires_at.isoformat(), "resend": resends + 1,
                                "attempts": purchase.consent_attempts, "via": _who(actor, via)})
            return purchase
        key, wait = why
        if key == "consent_expired" and purchase.status == PS.CONSENT:
            _consents_lapse(actor=actor, now=now, purchase_ids=[purchase.pk])
            refusal = _consent_error("consent_expired")  # raised once the lapse is committed
        elif key == "consent_resend_too_soon":
            raise TooManyRequests(Msg("Kode persetujuan baru dapat diminta {n} detik lagi (paling cepat {gap} detik setelah kode "
                                      "sebelumnya). Minta pemilik kartu memeriksa SMS dan e-mail-nya dulu.",
                                      "A new consent code can be asked for in {n} seconds (at least {gap} seconds after the last "
                                      "one). Ask the card holder to check their SMS and e-mail first.").format(
                                          n=wait, gap=domain.CONSENT_RESEND_SECONDS),
                                  retry_after=wait, code=Code.CONSENT_RESEND_TOO_SOON, field="invoice_code")
        elif key == "consent_resend_limit":
            raise Conflict(Msg("Kode persetujuan sudah dikirim ulang {n} kali untuk pembelian ini. Minta pemilik kartu menyetujui "
                               "di Sisnaker (menu Prakerja saya), atau tunggu kode kedaluwarsa lalu kirim permintaan pembelian baru.",
                               "The consent code was already sent again {n} times for this purchase. Ask the card holder to "
                               "approve it on Sisnaker (Prakerja saya), or let the code expire and send a new purchase request."
                               ).format(n=domain.MAX_CONSENT_RESENDS), code=Code.CONSENT_RESEND_LIMIT, field="invoice_code")
        else:
            # Already refused for want of consent: say why; otherwise it does not wait for one (confirmed, cancelled).
            raise _consent_error(purchase.refusal if purchase.refusal in CONSENT_CODES else key)
    raise refusal


def purchase_consents_lapse(*, actor, now: dt.datetime) -> int:
    """Refuse the partner purchases whose consent code expired unconfirmed (the hourly housekeeping job, Sisnaker
    itself; or a PMO officer), so that they no longer hold the card (its next purchase, its balance's return)."""
    with transaction.atomic(durable=True):
        if actor is not None:
            require(actor, "prakerja.manage")
        return _consents_lapse(actor=actor, now=now)


def _consents_lapse(*, actor, now: dt.datetime, card_ids: list[int] | None = None, purchase_ids: list[int] | None = None) -> int:
    rows = Purchase.objects.filter(status=PS.CONSENT, consent_expires_at__lt=now)
    if card_ids is not None:
        rows = rows.filter(card_id__in=card_ids)
    if purchase_ids is not None:
        rows = rows.filter(pk__in=purchase_ids)
    ids = list(rows.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return 0
    Purchase.objects.filter(pk__in=ids, status=PS.CONSENT).update(status=PS.REFUSED, refusal="consent_expired", decided_at=now)
    audit.record(actor=actor, action=Audit.CONSENT_LAPSED, object_type="prakerja.purchase", at=now,
                 after={"count": len(ids), "purchases": ids[:100]})
    return len(ids)


def _same_request(existing: Purchase, fingerprint: str) -> Purchase:
    if existing.fingerprint != fingerprint:
        raise Conflict(Msg("Kunci idempotensi ini sudah dipakai untuk permintaan pembelian lain.",
                           "This idempotency key was already used for another purchase request."), code=Code.IDEMPOTENCY_MISMATCH)
    return existing


def card_balance(card: Card) -> int:
    return ledger.balances(AccountKind.BENEFICIARY, FUNDING_SOURCE, [ledger_reference(card.number)])[ledger_reference(card.number)]


def purchase_authorise(*, actor, purchase: Purchase, now: dt.datetime) -> Purchase:
    """The PMO's rule check (``domain.authorise_refusal``), run by Sisnaker itself (``actor`` None, the queued task)
    or a PMO officer: card active and before its deadline, program curated, no other unfinished purchase, the
    program not bought before with this card, the balance (read from the ledger with the card locked) covers the
    price, and the buyer can be enrolled. Then, in one transaction: the institution's training-fee payable, the
    ledger entry ``prakerja-purchase:<id>`` (beneficiary −price, institution payable +price), the card's ``spent``
    (the database refuses a balance below zero), the enrollment and the voucher code. A purchase already decided
    is returned as it is (running it twice charges once)."""
    with transaction.atomic(durable=True):
        if actor is not None:
            require(actor, "prakerja.authorise", purchase)
        card_id = Purchase.objects.filter(pk=purchase.pk).values_list("card_id", flat=True).get()
        card = Card.objects.select_for_update().get(pk=card_id)
        purchase = Purchase.objects.select_for_update(of=("self",)).select_related("entry", "program", "person").get(pk=purchase.pk)
        if purchase.status != PS.REQUESTED:
            return purchase
        balance = card_balance(card)
        refusal = domain.authorise_refusal(
            card_active=card.status == domain.CardStatus.ACTIVE, deadline=card.deadline, today=timezone.localdate(now),
            curated=purchase.entry.status == C.CURATED,
            other_unfinished=Purchase.objects.filter(card=card, status__in=PS.UNFINISHED).exclude(pk=purchase.pk).exists(),
            bought_before=Purchase.objects.filter(card=card, program_id=purchase.program_id, status__in=[PS.AUTHORISED, PS.COMPLETED]).exists(),
            balance=min(balance, card.granted - card.spent), price=purchase.price)
        detail = ""
        enrollment = None
        if refusal is None:
            try:
                with transaction.atomic():
                    enrollment = training.enrollment_record_purchased(actor=actor, program=purchase.program, person=purchase.person, now=now)
            except SisnakerError as exc:
                refusal, detail = "enrol_refused", exc.message.id
        purchase.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        purchase.decided_at = now
        if refusal is not None:
            purchase.status, purchase.refusal = PS.REFUSED, refusal
            purchase.save(update_fields=["status", "refusal", "decided_by", "decided_at"])
            audit.record(actor=actor, action=Audit.PURCHASE_REFUSED, obj=purchase, at=now, before={"status": PS.REQUESTED},
                         after={"status": PS.REFUSED, "refusal": refusal, "balance": balance, "price": purchase.price}, reason=detail)
            return purchase
        key = purchase_key(purchase.pk)
        payable = Payable.objects.create(kind=PayableKind.TRAINING_FEE, idempotency_key=key, funding_source=FUNDING_SOURCE,
                                         amount=purchase.price, institution_id=purchase.institution_id, program_id=purchase.program_id,
                                         enrollment=enrollment, created_at=now)
        ledger.post([ledger.Posting(kind=EntryKind.PURCHASE, key=key, payable_id=payable.pk,
                                    memo=f"Kartu Prakerja {card.number}: {purchase.invoice_code}",
                                    lines=balance_postings(EntryKind.PURCHASE, funding_source=FUNDING_SOURCE,
                                                           holder=ledger_reference(card.number), amount=purchase.price))],
                    actor=actor, now=now)
        Card.objects.filter(pk=card.pk).update(spent=F("spent") + purchase.price)
        purchase.status, purchase.ledger_key, purchase.payable, purchase.enrollment = PS.AUTHORISED, key, payable, enrollment
        purchase.voucher_code = _new_code("V", Purchase, "voucher_code")
        purchase.save(update_fields=["status", "decided_by", "decided_at", "ledger_key", "payable", "enrollment", "voucher_code"])
        audit.record(actor=actor, action=Audit.PURCHASE_AUTHORISED, obj=purchase, at=now, before={"status": PS.REQUESTED},
                     after={"status": PS.AUTHORISED, "price": purchase.price, "balance_before": balance, "ledger_key": key,
                            "payable": payable.pk, "enrollment": enrollment.pk})
    return purchase


def purchase_cancel(*, actor, purchase: Purchase, reason: str, now: dt.datetime, via: str = "") -> Purchase:
    """The buyer (or a PMO officer) cancels a purchase: one waiting for consent or requested at once; an authorised
    one only while no session was redeemed and the institution's payable was not paid yet — the money goes back to
    the balance (``prakerja-refund:<id>``), the payable is cancelled, the redeem codes too, and the enrollment is
    withdrawn. ``actor`` None with ``via`` (a platform's client code, which must be the purchase's): the platform
    the beneficiary bought on cancels for them, under the same rules; another platform's purchase is not found."""
    reason = " ".join((reason or "").split())[:300]
    with transaction.atomic(durable=True):
        card_id = Purchase.objects.filter(pk=purchase.pk).values_list("card_id", flat=True).first()
        if card_id is None:
            raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
        card = Card.objects.select_for_update().get(pk=card_id)
        purchase = Purchase.objects.select_for_update(of=("self",)).select_related("person", "payable").get(pk=purchase.pk)
        if actor is None:
            if not via or purchase.platform_code != via:
                raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
        elif not (can(actor, "prakerja.buy", card) or can(actor, "prakerja.manage")):
            raise PermissionDenied()
        if purchase.status not in PS.UNFINISHED:
            raise Conflict(Msg("Pembelian ini tidak dapat dibatalkan lagi.", "This purchase can no longer be cancelled."), code=Code.PURCHASE_STATE)
        before = purchase.status
        if purchase.status == PS.AUTHORISED:
            # The codes are locked before they are looked at: a session being redeemed at this moment
            # (``redeem_commit`` locks its code row) is then seen as used once it commits, instead of being
            # overwritten as cancelled below (which the database refuses: a 500 for the platform).
            statuses = RedeemCode.objects.select_for_update().filter(purchase_id=purchase.pk).values_list("status", flat=True)
            if RS.USED in set(statuses):
                raise Conflict(Msg("Sesi pelatihan sudah di-redeem: pembelian tidak dapat dibatalkan.",
                                   "A session was already redeemed: the purchase cannot be cancelled."), code=Code.PURCHASE_STATE)
            payable = Payable.objects.select_for_update().get(pk=purchase.payable_id)
            if payable.status != "due":
                raise Conflict(Msg("Pembayaran ke lembaga sudah diproses: hubungi PMO.", "The institution's payment is already being processed: contact the PMO."),
                               code=Code.PURCHASE_STATE)
            ledger.post([ledger.Posting(kind=EntryKind.REFUND, key=refund_key(purchase.pk), payable_id=payable.pk, memo=reason,
                                        lines=balance_postings(EntryKind.REFUND, funding_source=FUNDING_SOURCE,
                                                               holder=ledger_reference(card.number), amount=purchase.price))],
                        actor=actor, now=now)
            Payable.objects.filter(pk=payable.pk).update(status="cancelled")
            Card.objects.filter(pk=card.pk).update(spent=F("spent") - purchase.price)
            purchase.redeem_codes.update(status=RS.CANCELLED)
            if purchase.enrollment_id:
                training.enrollment_withdraw_purchased(actor=actor, enrollment=Enrollment(pk=purchase.enrollment_id,
                                                                                          program_id=purchase.program_id),
                                                       reason="Pembelian Kartu Prakerja dibatalkan.", now=now)
        purchase.status, purchase.cancelled_at, purchase.cancel_reason = PS.CANCELLED, now, reason
        purchase.voucher_code = None
        purchase.save(update_fields=["status", "cancelled_at", "cancel_reason", "voucher_code"])
        audit.record(actor=actor, action=Audit.PURCHASE_CANCELLED, obj=purchase, at=now, before={"status": before},
                     after={"status": PS.CANCELLED, "refunded": purchase.price if before == PS.AUTHORISED else 0,
                            "via": _who(actor, via)}, reason=reason)
    return purchase


# --- voucher and redeem codes -----------------------------------------------------------------------------------

def _institution_check(actor, institution, via: str) -> None:
    """A user must manage the institution; ``actor`` None is a partner the API authenticated (``via``)."""
    if actor is not None or not via:
        require(actor, "prakerja.redeem", institution)


def voucher_exchange(*, actor, institution, voucher_code: str, now: dt.datetime, via: str = "") -> list[RedeemCode]:
    """The institution exchanges a voucher for the purchase's redeem codes, one per session (``sequence`` 1..n,
    each with its session's start). Exchanging again returns the same codes."""
    _institution_check(actor, institution, via)
    code = domain.normalise_code(voucher_code)
    with transaction.atomic(durable=True):
        purchase = Purchase.objects.select_for_update(of=("self",)).select_related("entry").filter(voucher_code=code).first() if code else None
        if purchase is None or purchase.institution_id != institution.pk:
            raise NotFound(Msg("Kode voucher tidak ditemukan untuk lembaga ini.", "Voucher code not found for this institution."),
                           code=Code.VOUCHER_NOT_FOUND)
        if purchase.status not in (PS.AUTHORISED, PS.COMPLETED):
            raise Conflict(domain.REDEEM_REFUSALS["redeem_transaction_cancelled"], code=Code.REDEEM_TRANSACTION_CANCELLED)
        codes = list(purchase.redeem_codes.all())
        if not codes:
            starts = [dt.datetime.fromisoformat(s) for s in purchase.entry.sessions]
            codes = RedeemCode.objects.bulk_create([
                RedeemCode(purchase=purchase, sequence=i, code=_new_code("R", RedeemCode, "code"), session_start=start,
                           schedule_code=f"{purchase.entry.course_code}-S{i:02d}", created_at=now)
                for i, start in enumerate(starts, start=1)])
            audit.record(actor=actor, action=Audit.VOUCHER_EXCHANGED, obj=purchase, at=now,
                         after={"codes": len(codes), "via": _who(actor, via)})
    return sorted(codes, key=lambda c: c.sequence)


@dataclass(frozen=True, slots=True)
class RedeemAnswer:
    """The published Kartu Prakerja redeem answer: exactly these fields."""

    redeem_code: str
    course_code: str
    invoice_code: str
    schedule_code: str
    status: str
    attendance_status: str
    redeem_at: str | None
    dp_platform: str
    sequence: int


REFUSAL_ERRORS = {
    "redeem_not_found": (NotFound, Code.REDEEM_NOT_FOUND),
    "redeem_other_institution": (PermissionDenied, Code.REDEEM_OTHER_INSTITUTION),
    "redeem_wrong_course_type": (ValidationFailed, Code.REDEEM_WRONG_COURSE_TYPE),
    "redeem_wrong_sequence": (ValidationFailed, Code.REDEEM_WRONG_SEQUENCE),
    "redeem_transaction_cancelled": (Conflict, Code.REDEEM_TRANSACTION_CANCELLED),
    "redeem_code_cancelled": (Conflict, Code.REDEEM_CODE_CANCELLED),
    "redeem_already_used": (Conflict, Code.REDEEM_ALREADY_USED),
    "redeem_too_early": (Conflict, Code.REDEEM_TOO_EARLY),
    "redeem_too_late": (Conflict, Code.REDEEM_TOO_LATE),
}


def redeem_error(key: str) -> SisnakerError:
    cls, code = REFUSAL_ERRORS[key]
    return cls(domain.REDEEM_REFUSALS[key], code=code)


def _answer(rc: RedeemCode) -> RedeemAnswer:
    p = rc.purchase
    return RedeemAnswer(redeem_code=rc.code, course_code=p.entry.course_code, invoice_code=p.invoice_code,
                        schedule_code=rc.schedule_code, status=rc.status, attendance_status=rc.attendance_status,
                        redeem_at=rc.redeemed_at.isoformat() if rc.redeemed_at else None, dp_platform=p.platform_name,
                        sequence=rc.sequence)


def _facts(rc: RedeemCode | None) -> domain.RedeemFacts | None:
    if rc is None:
        return None
    return domain.RedeemFacts(institution_id=rc.purchase.institution_id, course_type=rc.purchase.entry.course_type,
                              status=rc.status, purchase_cancelled=rc.purchase.status == PS.CANCELLED, sequence=rc.sequence,
                              session_start=rc.session_start)


def _code_row(code: str, *, lock: bool) -> RedeemCode | None:
    code = domain.normalise_code(code)
    if not code:
        return None
    rows = RedeemCode.objects.select_related("purchase__entry")
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.filter(code=code).first()


def _sequence(sequence) -> int | None:
    if sequence in (None, ""):
        return None
    # ASCII digits only ("²" and "①" pass str.isdigit() but not int()), and few of them (int() of thousands fails too).
    if type(sequence) is bool or not re.fullmatch(r"[0-9]{1,5}", str(sequence).strip()) or not 0 < int(sequence) <= 32767:
        raise ValidationFailed(domain.REDEEM_REFUSALS["redeem_wrong_sequence"], code=Code.REDEEM_WRONG_SEQUENCE, field="sequence")
    return int(sequence)


def redeem_status(*, actor, institution, code: str, sequence=None, now: dt.datetime, course_types=None, via: str = "") -> RedeemAnswer:
    """What a redeem code is (the status query): refused with its distinct error when not found, another
    institution's, of another course type or session, or cancelled (its code or its purchase); else its answer."""
    _institution_check(actor, institution, via)
    rc = _code_row(code, lock=False)
    refusal = domain.redeem_refusal(_facts(rc), institution_id=institution.pk, now=now, sequence=_sequence(sequence),
                                    course_types=course_types, for_commit=False)
    if refusal:
        raise redeem_error(refusal)
    return _answer(rc)


def redeem_commit(*, actor, institution, code: str, sequence=None, now: dt.datetime, course_types=None, via: str = "") -> RedeemAnswer:
    """The participant attends the session: the code is used (once; only from 1 hour before to 1 hour after the
    session's start). Every refusal has its own error (``domain.redeem_refusal``)."""
    _institution_check(actor, institution, via)
    with transaction.atomic(durable=True):
        rc = _code_row(code, lock=True)
        refusal = domain.redeem_refusal(_facts(rc), institution_id=institution.pk, now=now, sequence=_sequence(sequence),
                                        course_types=course_types, for_commit=True)
        if refusal:
            raise redeem_error(refusal)
        rc.status, rc.redeemed_at, rc.redeemed_by = RS.USED, now, _who(actor, via)[:150]
        rc.save(update_fields=["status", "redeemed_at", "redeemed_by"])
        audit.record(actor=actor, action=Audit.REDEEM_COMMITTED, obj=rc.purchase, at=now,
                     after={"code": rc.code, "sequence": rc.sequence, "via": _who(actor, via)})
    return _answer(rc)


def attendance_report(*, actor, institution, code: str, present: bool, now: dt.datetime, sequence=None, via: str = "") -> RedeemAnswer:
    """The institution reports whether the participant attended a redeemed session."""
    _institution_check(actor, institution, via)
    with transaction.atomic(durable=True):
        rc = _code_row(code, lock=True)
        refusal = domain.redeem_refusal(_facts(rc), institution_id=institution.pk, now=now, sequence=_sequence(sequence),
                                        for_commit=False)
        if refusal:
            raise redeem_error(refusal)
        if rc.status != RS.USED:
            raise Conflict(Msg("Kehadiran dilaporkan setelah kode redeem sesi dipakai.", "Attendance is reported after the session's code was redeemed."),
                           code=Code.REDEEM_NOT_USED)
        before = rc.attendance_status
        rc.attendance_status = domain.AttendanceStatus.PRESENT if present else domain.AttendanceStatus.ABSENT
        rc.attendance_at = now
        rc.save(update_fields=["attendance_status", "attendance_at"])
        audit.record(actor=actor, action=Audit.ATTENDANCE_REPORTED, obj=rc.purchase, at=now, before={"attendance": before},
                     after={"code": rc.code, "sequence": rc.sequence, "attendance": rc.attendance_status, "via": _who(actor, via)})
    return _answer(rc)


def completion_report(*, actor, institution, code: str, now: dt.datetime, via: str = "") -> Purchase:
    """The institution reports that the participant completed the training (``code``: any of the purchase's redeem
    codes, or its invoice code). Needs a redeemed session, not every one reported absent (``domain.completion_refusal``). The purchase is ``completed`` (the card may buy its
    next training) and the incentives whose time has come are made (``incentives_accrue``'s rule)."""
    _institution_check(actor, institution, via)
    normal = domain.normalise_code(code)
    with transaction.atomic(durable=True):
        purchase_id = (RedeemCode.objects.filter(code=normal).values_list("purchase_id", flat=True).first()
                       or Purchase.objects.filter(invoice_code=normal).values_list("pk", flat=True).first()) if normal else None
        if purchase_id is None:
            raise redeem_error("redeem_not_found")
        card_id = Purchase.objects.filter(pk=purchase_id).values_list("card_id", flat=True).get()
        list(Card.objects.select_for_update().filter(pk=card_id).values_list("pk", flat=True))
        purchase = Purchase.objects.select_for_update().get(pk=purchase_id)
        if purchase.institution_id != institution.pk:
            raise redeem_error("redeem_other_institution")
        if purchase.status == PS.COMPLETED:
            return purchase
        if purchase.status != PS.AUTHORISED:
            raise redeem_error("redeem_transaction_cancelled")
        refusal = domain.completion_refusal(list(purchase.redeem_codes.filter(status=RS.USED).values_list("attendance_status", flat=True)))
        if refusal == "redeem_not_used":
            raise Conflict(Msg("Belum ada sesi yang di-redeem untuk pembelian ini.", "No session of this purchase was redeemed yet."),
                           code=Code.REDEEM_NOT_USED)
        if refusal == "absent":
            raise Conflict(Msg("Peserta tercatat tidak hadir di semua sesi yang di-redeem, jadi pelatihan tidak dapat dilaporkan selesai. "
                               "Bila ia hadir, laporkan kehadirannya (hadir) untuk sesi itu lebih dulu.",
                               "The participant is recorded absent from every redeemed session, so the training cannot be reported "
                               "completed. If they attended, report that session's attendance (present) first."),
                           code=Code.COMPLETION_ABSENT)
        purchase.status, purchase.completed_at, purchase.completion_reported_by = PS.COMPLETED, now, _who(actor, via)[:150]
        purchase.incentives_open = True
        purchase.save(update_fields=["status", "completed_at", "completion_reported_by", "incentives_open"])
        audit.record(actor=actor, action=Audit.PURCHASE_COMPLETED, obj=purchase, at=now, before={"status": PS.AUTHORISED},
                     after={"status": PS.COMPLETED, "via": _who(actor, via)})
        _accrue(actor=None, purchase_ids=[purchase.pk], now=now)
    return purchase


# --- incentives -------------------------------------------------------------------------------------------------

def incentives_accrue(*, actor, now: dt.datetime) -> int:
    """Make the Kartu Prakerja incentives whose time has come (Sisnaker itself, the housekeeping job, or a PMO
    officer): for each completed purchase whose enrollment has a certificate (not revoked), each post-training
    instalment on or after its day (``domain.incentive_due_dates``, from the later of completion and certification: a
    replacement certificate keeps the first one's date),
    and a survey incentive for each of the wave's surveys (``domain.surveys_paid``: 1 the employment survey, 2 and 3
    the follow-ups) answered in its window (``domain.survey_in_window``). Once per card and number
    (``incentive_key``, ``survey_incentive_key``: unique payable keys); returns how many payables were made."""
    with transaction.atomic(durable=True):
        if actor is not None:
            require(actor, "prakerja.manage")
        # Only the purchases an incentive may still become due for (a partial index): not every purchase ever completed.
        # A standing certificate (at most one per enrollment: a replaced one is revoked, its replacement stands).
        # (Both conditions in one filter: the same certificate row; ``revoked_at__isnull`` alone would let an enrolment
        # without any certificate through its outer join.)
        ids = list(Purchase.objects.filter(incentives_open=True, status=PS.COMPLETED, enrollment__certificates__isnull=False,
                                           enrollment__certificates__revoked_at__isnull=True).values_list("pk", flat=True))
        return _accrue(actor=actor, purchase_ids=ids, now=now)


def _accrue(*, actor, purchase_ids: list[int], now: dt.datetime) -> int:
    today = timezone.localdate(now)
    rows = list(Purchase.objects.filter(pk__in=purchase_ids, status=PS.COMPLETED)
                .filter(enrollment__certificates__isnull=False, enrollment__certificates__revoked_at__isnull=True)
                .values_list("pk", "card__number", "person_id", "program_id", "enrollment_id", "completed_at",
                             "enrollment__certificates__issued_at", "enrollment__certificates__first_issued_at",
                             "card__wave__post_training_incentive",
                             "card__wave__post_training_incentive_count", "card__wave__incentive_interval_days",
                             "card__wave__survey_incentive", "card__wave__survey_incentive_count"))
    # The first completed purchase of a card is the one its incentives are for.
    rows.sort(key=lambda r: (r[5], r[0]))
    # When each Prakerja survey (1: employment, 2 and 3: the follow-ups) was answered, per enrollment.
    surveys = {(enrollment_id, domain.SURVEY_NUMBERS[code]): submitted_at for enrollment_id, code, submitted_at in
               Response.objects.filter(enrollment_id__in=[r[4] for r in rows], questionnaire__code__in=list(domain.SURVEY_NUMBERS))
               .values_list("enrollment_id", "questionnaire__code", "submitted_at")}
    payables: dict[str, Payable] = {}
    settled = []
    for (pk, number, person_id, program_id, enrollment_id, completed_at, issued_at, first_issued_at, amount, count, interval, s_amount,
         s_count) in rows:
        completed_on = timezone.localdate(completed_at)
        # From the certification: a replacement (corrected data) keeps its chain's first date, so correcting a
        # name does not push the instalments not yet due further out.
        base = max(completed_on, timezone.localdate(first_issued_at or issued_at))
        if domain.incentives_settled(today=today, base=base, completed_on=completed_on, amount=amount, count=count,
                                     interval_days=interval, survey_amount=s_amount, survey_count=s_count):
            settled.append(pk)  # everything is made by the end of this run: later runs need not read it
        if amount > 0:
            for n, due in enumerate(domain.incentive_due_dates(base=base, count=count, interval_days=interval), start=1):
                key = incentive_key(number, n)
                if due <= today and key not in payables:
                    payables[key] = Payable(kind=PayableKind.PRAKERJA, idempotency_key=key, funding_source=FUNDING_SOURCE,
                                            amount=amount, person_id=person_id, program_id=program_id, enrollment_id=enrollment_id,
                                            created_at=now)
        for n in domain.surveys_paid(s_count) if s_amount > 0 else ():
            filled = surveys.get((enrollment_id, n))
            key = survey_incentive_key(number, n)
            if (filled is not None and key not in payables
                    and domain.survey_in_window(completed_on=completed_on, filled_on=timezone.localdate(filled), n=n)):
                payables[key] = Payable(kind=PayableKind.PRAKERJA, idempotency_key=key, funding_source=FUNDING_SOURCE, amount=s_amount,
                                        person_id=person_id, program_id=program_id, enrollment_id=enrollment_id, created_at=now)
    made = payables_create(actor=actor, rows=list(payables.values()), now=now)
    if settled:
        Purchase.objects.filter(pk__in=settled).update(incentives_open=False)
    if made:
        audit.record(actor=actor, action=Audit.INCENTIVES_DUE, object_type="prakerja.purchase", at=now,
                     after={"payables": len(made), "amount": sum(p.amount for p in made), "keys": [p.idempotency_key for p in made][:50]})
    return len(made)


# --- reminders of the follow-up surveys ---------------------------------------------------------------------------
# Survey 1 is the employment survey: certification reminds every alumnus of it (``employment_reminders_send``). Surveys
# 2 and 3 are Prakerja's: the beneficiary is reminded before each one's window closes — once per survey and window —
# while its incentive can still be earned. The rule: ``domain.survey_reminder_due``.
SURVEY_REMINDER_TEXT = Msg("Sisnaker: isi Survei Prakerja ke-{n} pelatihan \"{course}\" paling lambat {last} agar insentif {amount} "
                           "dibayarkan: {url}",
                           "Sisnaker: fill in Prakerja survey {n} of the training \"{course}\" by {last} so that the {amount} "
                           "incentive is paid: {url}")


def survey_reminder_topic(purchase_id: int, n: int, closes: dt.date) -> str:
    """The notification topic of one survey's reminder in one window (sent once: ``notifications.topics_used``)."""
    return f"prakerja_survey:{purchase_id}:{n}:{closes:%Y%m%d}"


def survey_reminders_send(*, actor, now: dt.datetime) -> int:
    """Remind the beneficiaries whose Prakerja survey 2 or 3 closes within ``domain.SURVEY_REMINDER_DAYS`` days and is not
    filled, while its incentive can still be earned (the wave pays for it; not made yet), at the phone and e-mail
    verified for the card's application (``SISNAKER_PRAKERJA_NOTICE_CHANNELS``), with the survey's link. Once per
    survey and window (its topic, any day); run by the hourly housekeeping job (Sisnaker itself) or a PMO officer.
    Set-based: the purchases read once (only those ``incentives_open`` whose completion puts a survey in its last
    days; rows locked, so two runs at once send once), one query each for the answers, the incentives made and the
    topics used, one bulk insert; sent after commit. Returns how many reminders (survey × purchase) went out."""
    from .services import notice_channels

    today = timezone.localdate(now)
    with transaction.atomic(durable=True):
        if actor is not None:
            require(actor, "prakerja.manage")
        completed = Q()
        for n in domain.REMINDED_SURVEYS:  # the completion days that put survey n in its last days today
            closes_after = (domain.survey_window(today, n)[1] - today).days
            first = today - dt.timedelta(days=closes_after)
            last = first + dt.timedelta(days=domain.SURVEY_REMINDER_DAYS - 1)
            completed |= Q(completed_at__gte=_day_start(first), completed_at__lt=_day_start(last + dt.timedelta(days=1)))
        rows = list(Purchase.objects.filter(completed, status=PS.COMPLETED, incentives_open=True).select_for_update(of=("self",))
                    .order_by("pk").values_list("pk", "card__number", "enrollment_id", "person_id", "completed_at", "program__title",
                                                "card__application__phone", "card__application__email",
                                                "card__wave__survey_incentive", "card__wave__survey_incentive_count"))
        wanted = []
        for pk, number, enrollment_id, person_id, completed_at, title, phone, email, amount, count in rows:
            completed_on = timezone.localdate(completed_at)
            for n in domain.REMINDED_SURVEYS:
                if amount > 0 and n in domain.surveys_paid(count) and domain.survey_reminder_due(completed_on=completed_on, today=today, n=n):
                    closes = domain.survey_window(completed_on, n)[1]
                    wanted.append((pk, n, closes, number, enrollment_id, person_id, title, phone, email, amount))
        if not wanted:
            return 0
        filled = set(Response.objects.filter(enrollment_id__in={w[4] for w in wanted},
                                             questionnaire__code__in=[domain.SURVEY_CODES[n] for n in domain.REMINDED_SURVEYS])
                     .values_list("enrollment_id", "questionnaire__code"))
        made = set(Payable.objects.filter(idempotency_key__in=[survey_incentive_key(w[3], w[1]) for w in wanted])
                   .values_list("idempotency_key", flat=True))
        used = notifications.topics_used(survey_reminder_topic(w[0], w[1], w[2]) for w in wanted)
        messages, reminded = [], []
        channels = notice_channels()
        for pk, n, closes, number, enrollment_id, person_id, title, phone, email, amount in wanted:
            topic = survey_reminder_topic(pk, n, closes)
            if (enrollment_id, domain.SURVEY_CODES[n]) in filled or survey_incentive_key(number, n) in made or topic in used:
                continue
            url = absolute(reverse("surveys:fill", args=[domain.SURVEY_CODES[n], enrollment_id]))
            text = SURVEY_REMINDER_TEXT.format(n=n, course=sms_text.clip(title, 24), last=f"{closes:%d/%m/%Y}",
                                               amount=f"Rp{amount:,}".replace(",", "."), url=url).id
            subject = f"Pengingat Survei Prakerja ke-{n}: {title}"[:200]
            addresses = {"sms": phone, "whatsapp": phone, "email": email}
            messages += [notifications.Addressed(channel=c, to=addresses[c], topic=topic, subject=subject, text=text,
                                                 person_id=person_id) for c in channels]
            reminded.append({"purchase": pk, "survey": n, "closes": closes.isoformat()})
        notifications.notify_addresses(messages=messages)
        if reminded:
            audit.record(actor=actor, action=Audit.SURVEY_REMINDERS_SENT, object_type="prakerja.purchase", at=now,
                         after={"count": len(reminded), "day": today.isoformat(), "reminded": reminded[:100]})
    return len(reminded)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
