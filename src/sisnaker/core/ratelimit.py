"""Fixed-window rate limits kept in the database, so that every web process and machine counts
together (no per-process memory, nothing extra to run on one machine).

``hit`` counts one event for a key and says whether it is still within the limit; ``peek`` only
reads. One upsert per event (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, on PostgreSQL and on
SQLite ≥ 3.35), so concurrent requests never lose a count. Keys are built by callers from what they
limit (``signup:ip:203.0.113.9``); anything personal (a NIK, an e-mail) must be hashed first with
``key_hash``. Old windows are deleted by ``purge`` (run from the housekeeping task).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateCounter


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` events per ``seconds`` for one key."""

    count: int
    seconds: int


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    count: int  # events in the current window, this one included (for ``hit``)
    retry_after: int  # seconds until the window ends (0 when allowed)


def key_hash(value: str) -> str:
    """A keyed hash of personal data for use inside a rate-limit key (never the value itself)."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, b"ratelimit:" + value.encode(), hashlib.sha256).hexdigest()[:32]


def _window(now: dt.datetime, seconds: int) -> int:
    epoch = int(now.timestamp())
    return epoch - epoch % seconds


def hit(key: str, limit: Limit, *, now: dt.datetime | None = None) -> Decision:
    """Count one event for ``key``; ``allowed`` is False once the window holds more than the limit."""
    now = now or timezone.now()
    window = _window(now, limit.seconds)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # Table name from the model; values are parameters.
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, window_seconds, count) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (key, window_start, window_seconds) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [key[:200], window, limit.seconds],
        )
        count = cursor.fetchone()[0]
    allowed = count <= limit.count
    return Decision(allowed=allowed, count=count, retry_after=0 if allowed else window + limit.seconds - int(now.timestamp()))


def peek(key: str, limit: Limit, *, now: dt.datetime | None = None) -> Decision:
    """Whether one more event would still be allowed, without counting it."""
    now = now or timezone.now()
    window = _window(now, limit.seconds)
    count = (
        RateCounter.objects.filter(key=key[:200], window_start=window, window_seconds=limit.seconds)
        .values_list("count", flat=True).first()
    ) or 0
    allowed = count < limit.count
    return Decision(allowed=allowed, count=count, retry_after=0 if allowed else window + limit.seconds - int(now.timestamp()))


def hit_all(keys_and_limits: list[tuple[str, Limit]], *, now: dt.datetime | None = None) -> Decision:
    """Count one event under several keys (e.g. per address and per network); refused when any
    limit is exceeded, with the longest wait."""
    decisions = [hit(key, limit, now=now) for key, limit in keys_and_limits if key]
    refused = [d for d in decisions if not d.allowed]
    if refused:
        worst = max(refused, key=lambda d: d.retry_after)
        return Decision(allowed=False, count=worst.count, retry_after=worst.retry_after)
    return Decision(allowed=True, count=max((d.count for d in decisions), default=0), retry_after=0)


def purge(*, now: dt.datetime | None = None) -> int:
    """Delete the windows that have ended. Returns the number deleted."""
    now = now or timezone.now()
    deleted, _ = RateCounter.objects.filter(window_start__lt=int(now.timestamp()) - F("window_seconds")).delete()
    return deleted
