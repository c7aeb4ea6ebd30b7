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
from django.db import connection
from django.db.models import F
from django.utils import timezone

from . import context
from .errors import TooManyRequests
from .models import RateCounter
from .net import network_of

# Default policies (events per window), overridable with settings.SISNAKER_RATE_LIMITS
# {"name": [count, seconds]}. "ip" and "net" (the /24 or /64 around it) are counted separately, so
# one office behind NAT is not mistaken for one attacker, yet a botnet in one network still is.
DEFAULT_POLICIES: dict[str, tuple[int, int]] = {
    # Sign-up attempts (any outcome).
    "signup.ip": (30, 3600),
    "signup.net": (150, 3600),
    # Answers that reveal that a NIK is registered ("already registered", claim codes sent).
    "nik_answer.ip": (10, 3600),
    "nik_answer.net": (40, 3600),
    # Answers that a mobile number or e-mail address belongs to another account, to someone signed in changing
    # their own (accounts.services.person_update).
    "contact_answer.ip": (10, 3600),
    "contact_answer.net": (40, 3600),
    # One-time codes: sending and checking.
    "otp_send.ip": (10, 3600),
    "otp_check.ip": (30, 3600),
    # Password resets (accounts.services.password_reset_*): requests per client and per identifier typed
    # (whether or not it leads to an account, so a refusal says nothing about that); codes sent to one
    # account whatever identifier led to it (past it nothing more is sent, without a word); code checks.
    "password_reset.ip": (10, 3600),
    "password_reset.net": (40, 3600),
    "password_reset.id": (5, 3600),
    "password_reset.account": (5, 3600),
    "password_reset_check.ip": (30, 3600),
    "password_reset_check.id": (10, 3600),
    # Certificate look-ups by number (+ birth date) on the public verification page and API.
    "certificate_lookup.ip": (30, 900),
    "certificate_lookup.net": (120, 900),
    # Personal links opened (``/l/<token>/``, any outcome). A whole BLK behind one NAT address opens its
    # classes' links together (several classes of ~30, each link opened more than once: previews, retries);
    # the tokens carry 128 random bits, so the limit only stops scanning at scale, not guessing.
    "personal_link.ip": (300, 900),
    "personal_link.net": (1000, 900),
    # An employer's look-ups of one NIK (with a name and birth date) to report that person working for them
    # (placement.services.reports), per company: enough to correct typos, too few to guess a birth date.
    "placement_lookup.id": (10, 3600),
}


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


def _decision(limit: Limit, count: int, window: int, now: dt.datetime, *, counted: bool) -> Decision:
    allowed = count <= limit.count if counted else count < limit.count
    return Decision(allowed=allowed, count=count, retry_after=0 if allowed else window + limit.seconds - int(now.timestamp()))


def _windows(keys_and_limits: list[tuple[str, Limit]], now: dt.datetime) -> dict[tuple[str, int, int], Limit]:
    """(key, window start, window seconds) → limit, for the keys given (empty keys left out)."""
    return {(key[:200], _window(now, limit.seconds), limit.seconds): limit for key, limit in keys_and_limits if key}


def _worst(decisions: list[Decision]) -> Decision:
    refused = [d for d in decisions if not d.allowed]
    if refused:
        worst = max(refused, key=lambda d: d.retry_after)
        return Decision(allowed=False, count=worst.count, retry_after=worst.retry_after)
    return Decision(allowed=True, count=max((d.count for d in decisions), default=0), retry_after=0)


def hit(key: str, limit: Limit, *, now: dt.datetime | None = None) -> Decision:
    """Count one event for ``key``; ``allowed`` is False once the window holds more than the limit."""
    return hit_all([(key, limit)], now=now)


def peek(key: str, limit: Limit, *, now: dt.datetime | None = None) -> Decision:
    """Whether one more event would still be allowed, without counting it."""
    return peek_all([(key, limit)], now=now)


def hit_all(keys_and_limits: list[tuple[str, Limit]], *, now: dt.datetime | None = None) -> Decision:
    """Count one event under several keys (e.g. per address and per network) in one statement, which commits by
    itself outside a transaction (round trips to the database are most of a sign-up's wait); refused when any limit
    is exceeded, with the longest wait."""
    return hit_and_peek(keys_and_limits, [], now=now)[0]


def peek_all(keys_and_limits: list[tuple[str, Limit]], *, now: dt.datetime | None = None) -> Decision:
    """Whether one more event would still be allowed under every key, without counting it (one query)."""
    return hit_and_peek([], keys_and_limits, now=now)[1]


def _upsert(table: str, rows: list[tuple[str, int, int]]) -> tuple[str, list]:
    ordered = sorted(rows)  # every request locks the counters in the same order
    return (
        f"INSERT INTO {table} (key, window_start, window_seconds, count) VALUES "  # noqa: S608 (names from the model)
        + ", ".join(["(%s, %s, %s, 1)"] * len(ordered))
        + f" ON CONFLICT (key, window_start, window_seconds) DO UPDATE SET count = {table}.count + 1"
        " RETURNING key, window_start, window_seconds, count",
        [value for row in ordered for value in row],
    )


def _select(table: str, rows: list[tuple[str, int, int]]) -> tuple[str, list]:
    return (
        f"SELECT key, window_start, window_seconds, count FROM {table} WHERE "  # noqa: S608 (names from the model)
        + " OR ".join(["(key = %s AND window_start = %s AND window_seconds = %s)"] * len(rows)),
        [value for row in rows for value in row],
    )


def hit_and_peek(
    hits: list[tuple[str, Limit]], peeks: list[tuple[str, Limit]], *, now: dt.datetime | None = None
) -> tuple[Decision, Decision]:
    """Count one event under the keys of ``hits`` (as ``hit_all``) and say whether one more event is left under
    those of ``peeks`` (as ``peek_all``, without counting), in one statement on PostgreSQL: a sign-up does both
    before anything else, and each round trip is part of every sign-up's wait at the peak. A key must not be in
    both. Returns (decision for the hits, decision for the peeks)."""
    now = now or timezone.now()
    hit_rows, peek_rows = _windows(hits, now), _windows(peeks, now)
    if hit_rows.keys() & peek_rows.keys():
        raise ValueError("a rate-limit key cannot be counted and peeked at in the same call")
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    counts: dict[tuple[str, int, int], int] = {}
    # One statement is atomic by itself: no BEGIN/COMMIT round trips around it (inside a caller's transaction it is
    # part of that transaction, as before).
    with connection.cursor() as cursor:
        if hit_rows and peek_rows and connection.vendor == "postgresql":
            # The peek reads the counters as they were before this statement: its keys are not the ones counted.
            upsert, upsert_params = _upsert(table, list(hit_rows))
            select, select_params = _select(table, list(peek_rows))
            cursor.execute(f"WITH hit AS ({upsert}) SELECT * FROM hit UNION ALL {select}",  # noqa: S608 (built above)
                           upsert_params + select_params)
            counts.update({(k, w, s): n for k, w, s, n in cursor.fetchall()})
        else:
            for rows, build in ((hit_rows, _upsert), (peek_rows, _select)):
                if rows:
                    cursor.execute(*build(table, list(rows)))
                    counts.update({(k, w, s): n for k, w, s, n in cursor.fetchall()})
    return (
        _worst([_decision(limit, counts[row], row[1], now, counted=True) for row, limit in hit_rows.items()]),
        _worst([_decision(limit, counts.get(row, 0), row[1], now, counted=False) for row, limit in peek_rows.items()]),
    )


def policy(name: str) -> Limit:
    """The configured limit of a named policy."""
    configured = getattr(settings, "SISNAKER_RATE_LIMITS", {}) or {}
    count, seconds = configured.get(name) or DEFAULT_POLICIES[name]
    return Limit(count=int(count), seconds=int(seconds))


def _client_keys(scope: str) -> list[tuple[str, Limit]]:
    ip = context.current().ip
    if not ip:  # commands, tasks and direct service calls in tests: no client to limit
        return []
    keys = [(f"{scope}:ip:{ip}", policy(f"{scope}.ip"))]
    if f"{scope}.net" in DEFAULT_POLICIES:
        keys.append((f"{scope}:net:{network_of(ip)}", policy(f"{scope}.net")))
    return keys


def enforce(scope: str, *, message=None) -> None:
    """Count one event of ``scope`` for the current client (address and network) and raise
    ``TooManyRequests`` once a limit is exceeded. Does nothing outside a request."""
    keys = _client_keys(scope)
    if not keys:
        return
    decision = hit_all(keys)
    if not decision.allowed:
        raise TooManyRequests(message, retry_after=decision.retry_after)


def enforce_subject(scope: str, subject: str, *, message=None) -> None:
    """Count one event of ``scope`` for ``subject`` (what is being tried, e.g. the identifier typed, as a
    ``key_hash``) under the policy ``<scope>.id``, and raise ``TooManyRequests`` once it is exceeded. Unlike
    ``enforce`` it counts outside requests too (the subject does not depend on the client)."""
    decision = hit(f"{scope}:id:{subject}", policy(f"{scope}.id"))
    if not decision.allowed:
        raise TooManyRequests(message, retry_after=decision.retry_after)


def count(scope: str) -> None:
    """Count one event of ``scope`` for the current client without refusing (the refusal, if any,
    comes from ``check``/``enforce`` on the next attempt)."""
    keys = _client_keys(scope)
    if keys:
        hit_all(keys)


def enforce_then_check(count_scope: str, check_scope: str, *, message=None) -> None:
    """``enforce(count_scope)`` then ``check(check_scope)`` for the current client, in one statement on PostgreSQL
    (the sign-up's first step). Refuses with the wait of the first scope that is over its limit."""
    counted, peeked = hit_and_peek(_client_keys(count_scope), _client_keys(check_scope))
    for decision in (counted, peeked):
        if not decision.allowed:
            raise TooManyRequests(message, retry_after=decision.retry_after)


def check(scope: str, *, message=None) -> None:
    """Raise ``TooManyRequests`` when the current client has no event of ``scope`` left, without
    counting one (count it with ``enforce`` once the event really happens)."""
    decision = peek_all(_client_keys(scope))
    if not decision.allowed:
        raise TooManyRequests(message, retry_after=decision.retry_after)


def purge(*, now: dt.datetime | None = None) -> int:
    """Delete the windows that have ended. Returns the number deleted."""
    now = now or timezone.now()
    deleted, _ = RateCounter.objects.filter(window_start__lt=int(now.timestamp()) - F("window_seconds")).delete()
    return deleted
