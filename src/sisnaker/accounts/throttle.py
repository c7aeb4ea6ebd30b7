"""Log-in throttling that can be neither dodged nor turned against someone (issue 7 §4).

* **Per account.** Failures count against the *account* an identifier leads to, whichever identifier
  was typed (NIK, e-mail, phone, username), so switching identifiers gains nothing. An identifier that
  leads to no account is counted the same way under its own keyed hash, so the answers do not reveal
  which identifiers exist. After ``SISNAKER_LOGIN_FREE_FAILURES`` failures each further attempt must
  wait a growing delay (30 s, 60 s, 120 s … up to ``SISNAKER_LOGIN_MAX_DELAY``): a slow-down, never a
  lock that an attacker could keep shut. A count resets after a successful log-in or 24 hours
  without failures. Each attempt is counted *before* the password is checked (under a row lock), so
  parallel requests cannot all slip in before the first failure is written.
* **Device cookies** (OWASP). A browser that completed a log-in to an account receives a random token
  (``sisnaker_device``, only its SHA-256 stored in ``LoginDevice``). From that browser the account's
  delay and the address ceilings do not apply, so someone hammering the account (or sharing the
  user's carrier-grade NAT address) does not keep the owner out. The token's own failures are counted;
  past the free ones it loses that trust.
* **Per address and network.** Failures per client address and per /24 (IPv4) or /64 (IPv6) have a
  ceiling per hour (``SISNAKER_LOGIN_IP_FAILURES``, ``SISNAKER_LOGIN_NETWORK_FAILURES``), so one source
  cannot try many accounts once each. The address is ``core.net.client_ip``: ``X-Forwarded-For`` is
  believed only from ``SISNAKER_TRUSTED_PROXIES``.

State lives in the database (``LoginCounter``, ``LoginDevice``, ``core.RateCounter``), shared by all
processes. ``purge`` deletes what has expired.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sisnaker.core import gate, ratelimit
from sisnaker.core.errors import Msg, SisnakerError
from sisnaker.core.models import RateCounter
from sisnaker.core.net import client_ip, network_of

from .backends import find_user
from .codes import Code
from .domain import classify_identifier
from .models import LoginCounter, LoginDevice, User

BASE_DELAY = 30  # seconds of wait after the last free failure; doubles with each further failure
RESET_AFTER = dt.timedelta(hours=24)
ADDRESS_WINDOW = 3600  # seconds: the address and network ceilings are per hour
DEVICE_COOKIE = "sisnaker_device"
DEVICE_COOKIE_PATH = "/akun/"  # only the log-in pages read it
DEVICE_LIFETIME = dt.timedelta(days=180)
MAX_DEVICE_TOKENS = 5  # accounts remembered by one browser (a shared computer at a posko)


class LoginThrottled(SisnakerError):
    """Too many failed log-ins: wait ``retry_after`` seconds (details)."""

    def __init__(self, retry_after: int) -> None:
        retry_after = max(int(retry_after), 1)
        minutes = max(math.ceil(retry_after / 60), 1)
        super().__init__(
            Msg(
                "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {m} menit.",
                "Too many failed log-in attempts. Try again in {m} minute(s).",
            ).format(m=minutes),
            code=Code.LOGIN_THROTTLED,
            field="current_password",
            details={"retry_after": retry_after},
        )
        self.retry_after = retry_after


def delay_after(failures: int) -> int:
    """Seconds an attempt must wait after the latest of ``failures`` counted failures (pure)."""
    free = max(int(settings.SISNAKER_LOGIN_FREE_FAILURES), 1)
    if failures < free:
        return 0
    exponent = min(failures - free, 30)
    return min(BASE_DELAY * 2**exponent, max(int(settings.SISNAKER_LOGIN_MAX_DELAY), BASE_DELAY))


def account_key(identifier: str) -> tuple[str, User | None]:
    """The counter key of whatever ``identifier`` leads to: ``user:<id>`` for an account (all its
    identifiers share it), else ``unknown:<keyed hash of the normalised identifier>``."""
    user = find_user(identifier)
    if user is not None:
        return f"user:{user.pk}", user
    kind, value = classify_identifier(identifier)
    return "unknown:" + ratelimit.key_hash(f"login:{kind}:{value}"), None


def _address_limits(ip: str | None) -> list[tuple[str, ratelimit.Limit]]:
    if not ip:
        return []
    return [
        (f"login:ip:{ip}", ratelimit.Limit(max(int(settings.SISNAKER_LOGIN_IP_FAILURES), 1), ADDRESS_WINDOW)),
        (f"login:net:{network_of(ip)}", ratelimit.Limit(max(int(settings.SISNAKER_LOGIN_NETWORK_FAILURES), 1), ADDRESS_WINDOW)),
    ]


def _refund(limits: list[tuple[str, ratelimit.Limit]], now: dt.datetime) -> None:
    """Take back an attempt counted against the addresses (it succeeded, or never tried a password)."""
    epoch = int(now.timestamp())
    for key, limit in limits:
        RateCounter.objects.filter(
            key=key[:200], window_start=epoch - epoch % limit.seconds, window_seconds=limit.seconds, count__gt=0
        ).update(count=F("count") - 1)


def _reserve(key: str, now: dt.datetime) -> None:
    """Count an attempt against ``key`` before its password is checked, or refuse it while the
    account's delay runs. One locked row per key: concurrent attempts see each other."""
    with transaction.atomic():
        LoginCounter.objects.get_or_create(key=key)
        row = LoginCounter.objects.select_for_update().get(key=key)
        recent = row.last_failure_at is not None and now - row.last_failure_at < RESET_AFTER
        failures = row.failures if recent else 0
        wait = delay_after(failures)
        if wait and row.last_failure_at is not None:
            allowed_at = row.last_failure_at + dt.timedelta(seconds=wait)
            if now < allowed_at:
                raise LoginThrottled(math.ceil((allowed_at - now).total_seconds()))
        row.failures = failures + 1
        row.last_failure_at = now
        row.save(update_fields=["failures", "last_failure_at"])


def _clear(key: str) -> None:
    LoginCounter.objects.filter(key=key).update(failures=0, last_failure_at=None)


def failures_of(key: str) -> int:
    return LoginCounter.objects.filter(key=key).values_list("failures", flat=True).first() or 0


# Device cookies ---------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_tokens(request) -> list[str]:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")[:1000]
    tokens = [t for t in raw.split(".") if 20 <= len(t) <= 64 and t.replace("-", "").replace("_", "").isalnum() and t.isascii()]
    return tokens[:MAX_DEVICE_TOKENS]


def trusted_device(user: User, tokens: list[str], *, now: dt.datetime) -> LoginDevice | None:
    """The unrevoked, unexpired device record of ``user`` that this browser holds, if any."""
    if not tokens:
        return None
    return (
        LoginDevice.objects.filter(user=user, token_hash__in=[_hash(t) for t in tokens], revoked_at__isnull=True,
                                   last_used_at__gte=now - DEVICE_LIFETIME)
        .order_by("-last_used_at").first()
    )


def _device_failure(device: LoginDevice, now: dt.datetime) -> None:
    free = max(int(settings.SISNAKER_LOGIN_FREE_FAILURES), 1)
    with transaction.atomic():
        row = LoginDevice.objects.select_for_update().get(pk=device.pk)
        row.failures += 1
        if row.failures >= free:
            row.revoked_at = now  # past the free failures the browser is treated like any other
        row.save(update_fields=["failures", "revoked_at"])


def remember_device(request, response, user: User, *, now: dt.datetime | None = None) -> None:
    """After a complete log-in: give this browser (or renew) its device token for ``user``."""
    now = now or timezone.now()
    tokens = device_tokens(request)
    rows = {
        r.token_hash: r
        for r in LoginDevice.objects.filter(token_hash__in=[_hash(t) for t in tokens], revoked_at__isnull=True,
                                            last_used_at__gte=now - DEVICE_LIFETIME)
    }
    keep = [t for t in tokens if _hash(t) in rows]
    mine = [t for t in keep if rows[_hash(t)].user_id == user.pk]
    if mine:
        LoginDevice.objects.filter(token_hash=_hash(mine[0])).update(last_used_at=now, failures=0)
    else:
        token = secrets.token_urlsafe(32)
        LoginDevice.objects.create(user=user, token_hash=_hash(token), created_at=now, last_used_at=now)
        keep = [t for t in keep if rows[_hash(t)].user_id != user.pk][-(MAX_DEVICE_TOKENS - 1):] + [token]
    response.set_cookie(
        DEVICE_COOKIE, ".".join(keep), max_age=int(DEVICE_LIFETIME.total_seconds()), path=DEVICE_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )


# Entry points -----------------------------------------------------------------------------------

def password_login(*, request, identifier: str, password: str, now: dt.datetime | None = None) -> User | None:
    """Check a log-in through every limit above: returns the user, or None for a wrong identifier
    or password, or raises ``LoginThrottled`` (without checking the password). Through the log-in's waiting
    room (``core.gate``): when SISNAKER_GATES["login"] log-ins are already being checked, raises ``gate.Busy``
    at once, before anything is counted."""
    with gate.admit("login"):
        return _password_login(request=request, identifier=identifier, password=password, now=now)


def _password_login(*, request, identifier: str, password: str, now: dt.datetime | None) -> User | None:
    now = now or timezone.now()
    key, account = account_key(identifier)
    device = trusted_device(account, device_tokens(request), now=now) if account is not None else None
    if device is not None:
        user = authenticate(request, username=identifier, password=password)
        if user is not None and user.pk == account.pk:
            LoginDevice.objects.filter(pk=device.pk).update(failures=0, last_used_at=now)
            return user
        _device_failure(device, now)
        return None
    ip = getattr(request, "client_ip", None) or client_ip(request)
    limits = _address_limits(ip)
    decision = ratelimit.hit_all(limits, now=now)
    if not decision.allowed:
        raise LoginThrottled(decision.retry_after)
    try:
        _reserve(key, now)
    except LoginThrottled:
        _refund(limits, now)  # no password was tried
        raise
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        return None
    _clear(key)
    _refund(limits, now)
    return user


def check_password(*, user: User, password: str, now: dt.datetime | None = None) -> bool:
    """The password of a signed-in user, re-asked before a sensitive change: counted against the
    same account as log-ins (raises ``LoginThrottled`` while its delay runs)."""
    now = now or timezone.now()
    key = f"user:{user.pk}"
    _reserve(key, now)
    fresh = User.objects.filter(pk=user.pk).first()
    if fresh is None or not fresh.is_active or not fresh.check_password(password or ""):
        return False
    _clear(key)
    return True


def purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired counters and device records (for the housekeeping task)."""
    now = now or timezone.now()
    counters, _ = LoginCounter.objects.filter(last_failure_at__lt=now - RESET_AFTER).delete()
    idle, _ = LoginCounter.objects.filter(last_failure_at__isnull=True).delete()
    devices, _ = LoginDevice.objects.filter(last_used_at__lt=now - DEVICE_LIFETIME).delete()
    return {"counters": counters + idle, "devices": devices}


def forget_account(*, user: User, now: dt.datetime | None = None) -> int:
    """After a password reset: the account's failure count starts again, and no browser keeps the trust
    of a device cookie (someone may have held the old password). Returns how many devices lost it."""
    _clear(f"user:{user.pk}")
    return LoginDevice.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now or timezone.now())
