"""The client address behind trusted proxies only, and database rate limits that count across
processes and refuse once the window is full."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from sisnaker.core import ratelimit
from sisnaker.core.models import AuditEvent
from sisnaker.core.net import network_of, resolve_client_ip

TRUSTED = ("10.0.0.0/8", "2001:db8:ffff::/48")


@pytest.mark.parametrize(("peer", "xff", "trusted", "expected"), [
    # No proxy configured: the header is never believed.
    ("203.0.113.9", "198.51.100.1", (), "203.0.113.9"),
    # From an untrusted peer the header is ignored, however it looks.
    ("203.0.113.9", "10.1.1.1", TRUSTED, "203.0.113.9"),
    # From the trusted proxy: the address it saw.
    ("10.0.0.2", "198.51.100.7", TRUSTED, "198.51.100.7"),
    # A client forging the left part of the chain cannot choose its address: read from the right.
    ("10.0.0.2", "1.2.3.4, 198.51.100.7", TRUSTED, "198.51.100.7"),
    # Two trusted hops (load balancer → nginx): both are skipped.
    ("10.0.0.2", "198.51.100.7, 10.0.0.3", TRUSTED, "198.51.100.7"),
    # Garbage in the chain stops at the last trusted hop.
    ("10.0.0.2", "198.51.100.7, not-an-ip", TRUSTED, "10.0.0.2"),
    ("10.0.0.2", "", TRUSTED, "10.0.0.2"),
    # IPv6, ports and IPv4-mapped addresses.
    ("2001:db8:ffff::1", "[2001:db8:1::5]:443", TRUSTED, "2001:db8:1::5"),
    ("::ffff:10.0.0.2", "198.51.100.7:5555", TRUSTED, "198.51.100.7"),
    ("", "198.51.100.7", TRUSTED, None),
])
def test_client_address(peer, xff, trusted, expected):
    assert resolve_client_ip(peer, xff, trusted) == expected


def test_networks_for_rate_limits():
    assert network_of("198.51.100.7") == "198.51.100.0/24"
    assert network_of("2001:db8:1:2:3::5") == "2001:db8:1:2::/64"
    assert network_of("") == "" and network_of("junk") == ""


@pytest.mark.django_db
def test_the_audit_trail_records_the_client_behind_the_proxy(client, citizen):
    with override_settings(SISNAKER_TRUSTED_PROXIES=("127.0.0.1",)):
        client.force_login(citizen.user)
        client.get("/akun/saya/unduh/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.23", REMOTE_ADDR="127.0.0.1")
    assert AuditEvent.objects.filter(action="person.exported").latest("id").ip == "198.51.100.23"
    forged = Client(REMOTE_ADDR="198.51.100.50")
    forged.force_login(citizen.user)
    forged.get("/akun/saya/unduh/", HTTP_X_FORWARDED_FOR="10.9.9.9")
    # Without SISNAKER_TRUSTED_PROXIES the header is not believed.
    assert AuditEvent.objects.filter(action="person.exported").latest("id").ip == "198.51.100.50"


@pytest.mark.django_db
def test_rate_limit_counts_and_refuses_once_the_window_is_full():
    limit = ratelimit.Limit(count=3, seconds=60)
    now = timezone.now().replace(second=10, microsecond=0)
    decisions = [ratelimit.hit("t:ip:1", limit, now=now) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[-1].retry_after == 50
    assert not ratelimit.peek("t:ip:1", limit, now=now).allowed
    # Another key and the next window are fresh.
    assert ratelimit.hit("t:ip:2", limit, now=now).allowed
    later = now + dt.timedelta(seconds=60)
    assert ratelimit.peek("t:ip:1", limit, now=later).allowed
    assert ratelimit.hit("t:ip:1", limit, now=later).count == 1
    # Several keys at once: refused when any is full, with the longest wait.
    both = ratelimit.hit_all([("t:ip:1", limit), ("t:net:1", ratelimit.Limit(count=100, seconds=3600))], now=now)
    assert not both.allowed
    # Ended windows are purged.
    assert ratelimit.purge(now=now + dt.timedelta(hours=2)) >= 3
    assert ratelimit.peek("t:ip:2", limit, now=now).count == 0


@pytest.mark.django_db
def test_several_keys_are_counted_in_one_statement_and_peeked_in_one_query():
    """A sign-up counts its client's address and network: one statement and one commit, not one each (a commit is
    most of what a sign-up waits for at the database)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now().replace(second=10, microsecond=0)
    small, big = ratelimit.Limit(count=2, seconds=60), ratelimit.Limit(count=100, seconds=3600)
    keys = [("s:ip:1", small), ("s:net:1", big)]
    with CaptureQueriesContext(connection) as queries:
        first = ratelimit.hit_all(keys, now=now)
    assert first.allowed and first.count == 1
    assert len([q for q in queries if "ratecounter" in q["sql"].lower()]) == 1
    assert ratelimit.hit_all(keys, now=now).allowed
    with CaptureQueriesContext(connection) as queries:
        full = ratelimit.peek_all(keys, now=now)
    assert len(queries) == 1 and not full.allowed and full.retry_after == 50  # the address's window is full
    third = ratelimit.hit_all(keys, now=now)
    assert not third.allowed and third.count == 3 and third.retry_after == 50
    assert ratelimit.peek("s:net:1", big, now=now).count == 3 and ratelimit.peek_all([], now=now).allowed


def test_personal_values_are_hashed_in_keys():
    assert "3273015705950001" not in ratelimit.key_hash("3273015705950001")
    assert ratelimit.key_hash("a") == ratelimit.key_hash("a") != ratelimit.key_hash("b")


@pytest.mark.django_db
def test_counting_one_scope_and_peeking_at_another_is_one_statement_on_postgresql():
    """A sign-up counts itself and checks that NIK answers are left: both answers as from ``hit_all`` and
    ``peek_all``, in one round trip on PostgreSQL (two elsewhere)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now().replace(second=10, microsecond=0)
    signups = [("signup:ip:9", ratelimit.Limit(count=3, seconds=60)), ("signup:net:9", ratelimit.Limit(count=50, seconds=60))]
    answers = [("nik:ip:9", ratelimit.Limit(count=2, seconds=60))]
    ratelimit.hit_all(answers, now=now)
    with CaptureQueriesContext(connection) as queries:
        counted, peeked = ratelimit.hit_and_peek(signups, answers, now=now)
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert counted.allowed and counted.count == 1 and peeked.allowed and peeked.count == 1
    ratelimit.hit_all(answers, now=now)  # the second answer: none left
    counted, peeked = ratelimit.hit_and_peek(signups, answers, now=now)
    assert counted.allowed and counted.count == 2
    assert not peeked.allowed and peeked.retry_after == 50 and peeked.count == 2
    assert ratelimit.peek_all(answers, now=now).count == 2  # peeking counted nothing
    counted, _ = ratelimit.hit_and_peek(signups, answers, now=now)
    fourth, _ = ratelimit.hit_and_peek(signups, answers, now=now)
    assert counted.allowed and not fourth.allowed and fourth.count == 4  # the hits are counted every time
    with pytest.raises(ValueError, match="counted and peeked"):
        ratelimit.hit_and_peek(signups, signups[:1], now=now)
