"""Writes of integration: PMO officers register partners and issue, rotate and revoke their signing keys
(``domain``: kinds, schemes, the key lifecycle). Each in one transaction, permission-checked (``integration.manage``),
audited — never with the key itself. ``key_issue`` and ``key_rotate`` return the plaintext key once, for the
page to show once; only its sealed form is stored.

``signature_record`` is the replay guard of signed requests (``auth``): an insert that fails when the
signature was seen before, even when two copies arrive at the same moment."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit, crypto
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.institutions.models import Institution
from sisnaker.institutions.selectors import institution_by_registry_number

from . import domain
from .codes import Audit, Code
from .domain import Kind, Scheme, State
from .models import Partner, PartnerKey, SeenSignature


def overlap() -> dt.timedelta:
    """How long a rotated-out key keeps working (``SISNAKER_PARTNER_KEY_OVERLAP_DAYS``, default 7)."""
    return dt.timedelta(days=float(getattr(settings, "SISNAKER_PARTNER_KEY_OVERLAP_DAYS", domain.DEFAULT_OVERLAP_DAYS)))


def skew_seconds() -> int:
    """How far a request's timestamp may be from the server's clock (``SISNAKER_PARTNER_TIMESTAMP_SKEW``, default 300)."""
    return int(getattr(settings, "SISNAKER_PARTNER_TIMESTAMP_SKEW", domain.DEFAULT_SKEW_SECONDS))


@dataclass(frozen=True)
class IssuedKey:
    """A key just issued: ``secret`` is the plaintext, to show once and never again."""

    key: PartnerKey
    secret: str


def _new_client_code() -> str:
    while True:
        code = domain.CLIENT_CODE_PREFIX + "".join(secrets.choice(domain.CLIENT_CODE_ALPHABET)
                                                   for _ in range(domain.CLIENT_CODE_LENGTH))
        if not Partner.objects.filter(client_code=code).exists():
            return code


def _locked_partner(partner_id: int) -> Partner:
    partner = Partner.objects.select_for_update().filter(pk=partner_id).first()
    if partner is None:
        raise NotFound(Msg("Mitra tidak ditemukan.", "Partner not found."), code=Code.PARTNER_NOT_FOUND)
    return partner


def _require_active(partner: Partner) -> None:
    if partner.state != State.ACTIVE:
        raise Conflict(Msg("Mitra ini sudah dicabut.", "This partner is revoked."), code=Code.PARTNER_ALREADY_REVOKED)


def _scheme(scheme: str) -> Scheme:
    if scheme not in Scheme.values:
        raise ValidationFailed(Msg("Pilih skema kunci: hmac-sha1 atau hmac-sha256.", "Choose the key scheme: hmac-sha1 or hmac-sha256."),
                               code=Code.PARTNER_KEY_SCHEME, field="scheme")
    return Scheme(scheme)


def _new_key(*, actor: User, partner: Partner, scheme: Scheme, now: dt.datetime) -> IssuedKey:
    secret = secrets.token_hex(32)  # 256 random bits, as 64 hex characters (the HMAC key is their UTF-8 bytes)
    key = PartnerKey.objects.create(partner=partner, scheme=scheme, secret_encrypted=crypto.encrypt(secret),
                                    key_id=domain.key_fingerprint(secret), created_at=now, created_by=actor)
    return IssuedKey(key=key, secret=secret)


@transaction.atomic(durable=True)
def partner_register(*, actor: User, name: str, kind: str, institution_registry_number: str = "",
                     now: dt.datetime | None = None) -> Partner:
    """A new partner with a client code made by Sisnaker. An institution partner names an approved institution by its
    registry number (one active partner per institution); a platform names none."""
    now = now or timezone.now()
    require(actor, "integration.manage")
    number = institution_registry_number.strip()
    problem = domain.registration_problem(name=name, kind=kind, has_institution=bool(number))
    if problem is not None:
        field, message = problem
        code = {"name": Code.PARTNER_NAME, "kind": Code.PARTNER_KIND}.get(field, Code.PARTNER_INSTITUTION)
        raise ValidationFailed(message, code=code, field=field)
    institution = None
    if kind == Kind.INSTITUTION:
        institution = institution_by_registry_number(number=number)
        if institution is None or institution.status != Institution.Status.APPROVED:
            raise ValidationFailed(Msg("Tidak ada lembaga yang disetujui dengan nomor registrasi {n}.",
                                       "No approved institution has the registry number {n}.").format(n=number),
                                   code=Code.PARTNER_INSTITUTION, field="institution")
        Institution.objects.select_for_update().filter(pk=institution.pk).first()  # serialise two registrations of it
        if Partner.objects.filter(institution=institution, state=State.ACTIVE).exists():
            raise Conflict(Msg("{name} sudah menjadi mitra.", "{name} is already a partner.").format(name=institution.name),
                           code=Code.PARTNER_INSTITUTION_TAKEN, field="institution")
    partner = Partner.objects.create(client_code=_new_client_code(), name=name.strip(), kind=kind, institution=institution,
                                     created_at=now, created_by=actor)
    audit.record(actor=actor, action=Audit.PARTNER_REGISTERED, obj=partner, at=now,
                 after={"client_code": partner.client_code, "name": partner.name, "kind": kind,
                        "institution": institution.registry_number if institution else ""})
    return partner


@transaction.atomic(durable=True)
def key_issue(*, actor: User, partner_id: int, scheme: str, now: dt.datetime | None = None) -> IssuedKey:
    """A first key of ``scheme`` for the partner. Refused when it has an active one of that scheme (rotate it)."""
    now = now or timezone.now()
    require(actor, "integration.manage")
    scheme = _scheme(scheme)
    partner = _locked_partner(partner_id)
    _require_active(partner)
    if PartnerKey.objects.filter(partner=partner, scheme=scheme, not_after__isnull=True, revoked_at__isnull=True).exists():
        raise Conflict(Msg("Mitra ini sudah punya kunci {scheme} yang aktif: ganti (rotasi) kunci itu.",
                           "This partner already has an active {scheme} key: rotate it.").format(scheme=scheme.value),
                       code=Code.PARTNER_KEY_EXISTS, field="scheme")
    issued = _new_key(actor=actor, partner=partner, scheme=scheme, now=now)
    audit.record(actor=actor, action=Audit.PARTNER_KEY_ISSUED, obj=issued.key, at=now,
                 after={"partner": partner.client_code, "scheme": scheme.value, "key_id": issued.key.key_id})
    return issued


@transaction.atomic(durable=True)
def key_rotate(*, actor: User, partner_id: int, scheme: str, now: dt.datetime | None = None) -> IssuedKey:
    """A new key of ``scheme``; the active one keeps working until now + the overlap (``overlap()``), so the partner
    can switch without downtime. A key still in an earlier overlap is cut off now (one old key at a time). Without an
    active key this is the same as issuing one."""
    now = now or timezone.now()
    require(actor, "integration.manage")
    scheme = _scheme(scheme)
    partner = _locked_partner(partner_id)
    _require_active(partner)
    # One old key at a time: an earlier rotation's key still in its overlap ends now.
    PartnerKey.objects.filter(partner=partner, scheme=scheme, revoked_at__isnull=True, not_after__gt=now).update(not_after=now)
    old = PartnerKey.objects.filter(partner=partner, scheme=scheme, not_after__isnull=True, revoked_at__isnull=True).first()
    until = now + overlap()
    if old is not None:
        old.not_after = until
        old.save(update_fields=["not_after"])
    issued = _new_key(actor=actor, partner=partner, scheme=scheme, now=now)
    audit.record(actor=actor, action=Audit.PARTNER_KEY_ROTATED, obj=issued.key, at=now,
                 before={"key_id": old.key_id if old else ""},
                 after={"partner": partner.client_code, "scheme": scheme.value, "key_id": issued.key.key_id,
                        "old_valid_until": until if old else None})
    return issued


@transaction.atomic(durable=True)
def key_revoke(*, actor: User, key_id: int, reason: str = "", now: dt.datetime | None = None) -> PartnerKey:
    """The key stops working at once (a leaked key)."""
    now = now or timezone.now()
    require(actor, "integration.manage")
    key = PartnerKey.objects.select_for_update().select_related("partner").filter(pk=key_id).first()
    if key is None:
        raise NotFound(Msg("Kunci tidak ditemukan.", "Key not found."), code=Code.PARTNER_KEY_NOT_FOUND)
    if key.revoked_at is not None:
        raise Conflict(Msg("Kunci ini sudah dicabut.", "This key is already revoked."), code=Code.PARTNER_KEY_ALREADY_REVOKED)
    key.revoked_at = now
    key.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action=Audit.PARTNER_KEY_REVOKED, obj=key, at=now, reason=reason.strip(),
                 after={"partner": key.partner.client_code, "scheme": key.scheme, "key_id": key.key_id})
    return key


@transaction.atomic(durable=True)
def partner_revoke(*, actor: User, partner_id: int, reason: str = "", now: dt.datetime | None = None) -> Partner:
    """The partner's requests are refused from now on (``partner_revoked``) and its keys are revoked with it."""
    now = now or timezone.now()
    require(actor, "integration.manage")
    partner = _locked_partner(partner_id)
    _require_active(partner)
    partner.state, partner.revoked_at = State.REVOKED, now
    partner.save(update_fields=["state", "revoked_at"])
    revoked = PartnerKey.objects.filter(partner=partner, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(actor=actor, action=Audit.PARTNER_REVOKED, obj=partner, at=now, reason=reason.strip(),
                 before={"state": State.ACTIVE}, after={"state": State.REVOKED, "keys_revoked": revoked})
    return partner


def signature_record(*, partner: Partner, signature: str, now: dt.datetime) -> bool:
    """Record a signature as used; False when it was used before (a replay). Its own transaction (committed at once,
    so a concurrent copy of the request sees it), or a savepoint inside a caller's."""
    try:
        with transaction.atomic():
            SeenSignature.objects.create(partner=partner, signature=signature.strip().lower(), seen_at=now)
    except IntegrityError:
        return False
    return True


def seen_signatures_purge(*, now: dt.datetime | None = None) -> int:
    """Housekeeping: delete the signatures whose timestamps can no longer be accepted anyway. Returns how many."""
    cutoff = (now or timezone.now()) - domain.replay_keep(skew_seconds=skew_seconds())
    deleted, _ = SeenSignature.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
