"""Pure rules of signing (integration/domain.py), checked against the published Kartu Prakerja example."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sisnaker.integration import domain, openapi

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def test_the_published_prakerja_example_signs_the_same():
    # prakerja-dev/example-api-redeem-course (python/sign-key-generator.py): "should output 943c20a8…".
    message = domain.string_to_sign(client_code="myclient_code", timestamp="1516239022",
                                    path="/api/v1/integration/payment/redeem-code/commit", body=b'{"redeem_code":"code"}')
    assert domain.signature(scheme="hmac-sha1", key="my_sign_key", message=message) == "943c20a8e36b6243f576404b00fffdc86411ce1f"


def test_the_documented_worked_example_is_right():
    e = openapi.EXAMPLE
    message = domain.string_to_sign(client_code=e["client_code"], timestamp=e["timestamp"], path=e["path"], body=e["body"].encode())
    assert domain.signature(scheme="hmac-sha1", key=e["sign_key"], message=message) == e["hmac-sha1"]
    assert domain.signature(scheme="hmac-sha256", key=e["sign_key"], message=message) == e["hmac-sha256"]
    text = (Path(__file__).resolve().parents[2] / "docs" / "integration.md").read_text(encoding="utf-8")
    for value in (e["client_code"], e["sign_key"], e["timestamp"], e["body"], e["hmac-sha1"], e["hmac-sha256"]):
        assert value in text


def test_body_bytes_are_signed_as_sent():
    a = domain.string_to_sign(client_code="C", timestamp="1", path="/p", body=b'{"a": 1}')
    b = domain.string_to_sign(client_code="C", timestamp="1", path="/p", body=b'{"a":1}')
    assert a != b and a.endswith(b'{"a": 1}')


def test_signature_match_is_case_insensitive_hex_and_scheme_by_length():
    message = b"x"
    sig = domain.signature(scheme="hmac-sha256", key="k", message=message)
    assert domain.signature_matches(scheme="hmac-sha256", key="k", message=message, given=sig.upper())
    assert domain.schemes_for(sig) == ["hmac-sha256"]
    assert domain.schemes_for("a" * 40) == ["hmac-sha1"]
    assert domain.schemes_for("zz" * 20) == [] and domain.schemes_for("") == []


@given(st.text(max_size=20))
def test_timestamps_are_digits_only(text):
    parsed = domain.parse_timestamp(text)
    assert parsed is None or (text.strip().isascii() and text.strip().isdigit())


def test_timestamp_window():
    assert domain.timestamp_in_window(timestamp=int(NOW.timestamp()) + 300, now=NOW, skew_seconds=300)
    assert not domain.timestamp_in_window(timestamp=int(NOW.timestamp()) - 301, now=NOW, skew_seconds=300)


def test_key_states():
    later = NOW + dt.timedelta(days=7)
    assert domain.key_state(revoked_at=None, not_after=None, now=NOW) == "active"
    assert domain.key_state(revoked_at=None, not_after=later, now=NOW) == "retiring"
    assert domain.key_state(revoked_at=None, not_after=later, now=later) == "expired"
    assert domain.key_state(revoked_at=NOW, not_after=None, now=NOW) == "revoked"
    assert not domain.key_usable(revoked_at=None, not_after=later, now=later)


def test_registration_rules():
    assert domain.registration_problem(name=" ", kind="platform", has_institution=False)[0] == "name"
    assert domain.registration_problem(name="X", kind="bank", has_institution=False)[0] == "kind"
    assert domain.registration_problem(name="X", kind="institution", has_institution=False)[0] == "institution"
    assert domain.registration_problem(name="X", kind="platform", has_institution=True)[0] == "institution"
    assert domain.registration_problem(name="X", kind="platform", has_institution=False) is None
