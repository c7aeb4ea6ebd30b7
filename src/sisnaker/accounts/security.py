"""Two-factor log-in policy (issue 7 §3): who must use TOTP, what a session may reach, and the
re-check of a person's identity before changes that could take their account over.

States of a session (``session_state``):

* ``ok``     — verified with a code, or the account has no authenticator and needs none (yet);
* ``grace``  — the account's roles require TOTP (``SISNAKER_REQUIRE_2FA``), it has none yet, and the
               grace period since its first such log-in has not ended: everything works, with a reminder;
* ``code``   — the account has an authenticator but this session was opened with the password only:
               the session reaches only the code page and log-out (accounts/middleware.py);
* ``enrol``  — the grace period is over without an authenticator: only the enrolment page and log-out.

API tokens (``sisnaker apitoken``) are a separate credential: created by an operator on the server
for one script, revocable, and not subject to these session rules (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.core.errors import Msg, TooManyRequests, ValidationFailed

from . import throttle
from .codes import Code
from .models import User

OK, GRACE, CODE, ENROL = "ok", "grace", "code", "enrol"

REAUTH_REQUIRED = Msg(
    "Untuk mengubah nomor HP, e-mail, rekening bank, atau autentikator, masukkan kata sandi Anda saat ini.",
    "To change the mobile number, e-mail, bank account or authenticator, enter your current password.",
)
REAUTH_FAILED = Msg("Kata sandi saat ini salah.", "The current password is wrong.")
CODE_REQUIRED = Msg(
    "Masukkan kode 6 angka dari aplikasi autentikator Anda.", "Enter the 6-digit code from your authenticator app."
)
CODE_INVALID = Msg(
    "Kode salah atau sudah kedaluwarsa. Masukkan kode terbaru dari aplikasi.",
    "The code is wrong or has expired. Enter the latest code from the app.",
)


def required_roles() -> frozenset[str]:
    """The roles that see personal data or move money (setting ``SISNAKER_2FA_ROLES``)."""
    return frozenset(getattr(settings, "SISNAKER_2FA_ROLES", ()))


def enforced() -> bool:
    return bool(getattr(settings, "SISNAKER_REQUIRE_2FA", False))


def grace_period() -> dt.timedelta:
    return dt.timedelta(days=max(int(getattr(settings, "SISNAKER_2FA_GRACE_DAYS", 7)), 0))


def roles_require_2fa(user) -> bool:
    """Whether the user's active roles are ones that must use TOTP (whatever the setting)."""
    roles = required_roles()
    return any(g.role.value in roles for g in getattr(user, "grants", ()))


def must_use_2fa(user) -> bool:
    """TOTP is mandatory for this account now (setting on and a role that requires it)."""
    return enforced() and roles_require_2fa(user)


def has_authenticator(user) -> bool:
    """Whether the account has a confirmed authenticator (remembered on the user object for the request)."""
    cached = getattr(user, "_sisnaker_has_otp", None)
    if cached is None:
        cached = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
        user._sisnaker_has_otp = cached
    return cached


def forget_cached(user) -> None:
    user.__dict__.pop("_sisnaker_has_otp", None)


def is_verified(user) -> bool:
    """The session was confirmed with a code (django-otp's middleware marks it)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def grace_started(user, *, now: dt.datetime | None = None) -> dt.datetime:
    """When the enrolment grace period of ``user`` began; starts it now on the first call."""
    if user.otp_required_since is None:
        now = now or timezone.now()
        User.objects.filter(pk=user.pk, otp_required_since__isnull=True).update(otp_required_since=now)
        user.otp_required_since = User.objects.filter(pk=user.pk).values_list("otp_required_since", flat=True).first() or now
    return user.otp_required_since


def grace_ends(user, *, now: dt.datetime | None = None) -> dt.datetime:
    return grace_started(user, now=now) + grace_period()


def session_state(request, *, now: dt.datetime | None = None) -> str:
    """``ok`` / ``grace`` / ``code`` / ``enrol`` for the session of ``request`` (see the module docstring)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return OK
    if is_verified(user):
        return OK
    if has_authenticator(user):
        return CODE
    if must_use_2fa(user):
        now = now or timezone.now()
        return ENROL if now >= grace_ends(user, now=now) else GRACE
    return OK


def admin_session_ok(request) -> bool:
    """The admin needs an OTP-verified session when the account has an authenticator or must have
    one, grace period or not."""
    user = request.user
    if is_verified(user):
        return True
    return not has_authenticator(user) and not must_use_2fa(user)


def admin_missing_step(request) -> str | None:
    """What an administrator's session still lacks for the admin: ``code``, ``enrol`` or nothing."""
    user = request.user
    if is_verified(user):
        return None
    if has_authenticator(user):
        return CODE
    if must_use_2fa(user):
        return ENROL
    return None


CODE_THROTTLED = Msg(
    "Terlalu banyak kode salah: demi keamanan, kode baru dapat diperiksa lagi dalam {s} detik. Tunggu, lalu masukkan "
    "kode terbaru dari aplikasi.",
    "Too many wrong codes: for your security, a code can be checked again in {s} seconds. Wait, then enter the latest "
    "code from the app.",
)


def _throttled(locked_until: dt.datetime, *, field: str) -> TooManyRequests:
    """The refusal of a code that was not checked because the authenticator is still waiting after wrong codes
    (django-otp's growing wait), saying how many seconds are left."""
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return TooManyRequests(CODE_THROTTLED.format(s=seconds), retry_after=seconds, code=Code.OTP_THROTTLED, field=field)


def _wait_of(device) -> dt.datetime | None:
    """When ``device`` checks codes again, while django-otp's throttle holds it after wrong codes; else None."""
    allowed, data = device.verify_is_allowed()
    return None if allowed else (data or {}).get("locked_until") or timezone.now()


def verify_code(user, token: str, *, field: str = "otp_token"):
    """The confirmed authenticator of ``user`` that accepts ``token``, or None. Each device is locked
    while checked, so one code cannot be used twice by concurrent requests; django-otp counts failures
    on the device (growing wait), committed even when the caller then refuses the request.

    A code that could not be checked because every authenticator that might take it is still in its wait after
    wrong codes raises ``TooManyRequests`` (code ``otp_throttled``, on ``field``) saying how many seconds are left,
    rather than passing for a wrong code: the wait itself is django-otp's, unchanged."""
    token = (token or "").strip()
    if not (token.isascii() and token.isdigit() and len(token) == 6):
        return None
    waits = []
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).order_by("pk"):
            wait = _wait_of(device)
            if wait is not None:
                waits.append(wait)
            elif device.verify_token(token):
                return device
    if waits:
        raise _throttled(min(waits), field=field)
    return None


def verify_new_device(device, token: str) -> bool:
    """Check the first code of an authenticator being added (locked, counted like ``verify_code``; a code that
    arrives during the wait after wrong codes is refused with the seconds left, field ``token``)."""
    token = (token or "").strip()
    if not (token.isascii() and token.isdigit() and len(token) == 6):
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, confirmed=False).first()
        if locked is None:
            return False
        wait = _wait_of(locked)
        if wait is None:
            return bool(locked.verify_token(token))
    raise _throttled(wait, field="token")


def confirm_identity(*, user, password: str | None, otp_token: str | None = "") -> None:
    """Re-ask who is at the keyboard before a change that could take the account over: the current
    password, and a code from the authenticator when the account has one. Raises ``ValidationFailed``
    (field ``current_password`` or ``otp_token``), ``TooManyRequests`` (``otp_throttled``: the authenticator's
    wait after wrong codes, with the seconds left) or ``throttle.LoginThrottled``.

    Must be called *outside* the caller's transaction: a wrong guess is counted against the account
    (``accounts.throttle``) and stays counted although the change is refused."""
    if not password:
        raise ValidationFailed(REAUTH_REQUIRED, code=Code.REAUTH_REQUIRED, field="current_password")
    if not throttle.check_password(user=user, password=password):
        raise ValidationFailed(REAUTH_FAILED, code=Code.REAUTH_FAILED, field="current_password")
    forget_cached(user)  # decided on the database's word, not on what this request saw earlier
    if has_authenticator(user):
        if not (otp_token or "").strip():
            raise ValidationFailed(CODE_REQUIRED, code=Code.OTP_REQUIRED, field="otp_token")
        if verify_code(user, otp_token) is None:
            raise ValidationFailed(CODE_INVALID, code=Code.OTP_INVALID, field="otp_token")
