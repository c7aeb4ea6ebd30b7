"""Log-in throttling that cannot be dodged or abused (issue 7 §4): counted per account across all its
identifiers (unknown identifiers alike), growing delay instead of a lock, device cookies for the
owner, a ceiling per address and network, addresses from trusted proxies only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts import throttle
from sisnaker.accounts.models import LoginCounter, LoginDevice
from sisnaker.core.models import RateCounter
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Kuat-2026"
LOGIN = "/akun/masuk/"


def attempt(client: Client, username: str, password: str = "salah-sandi", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client: Client, person) -> bool:
    return client.session.get("_auth_user_id") == str(person.user_id)


@pytest.fixture
def rahma(regions):
    return PersonFactory(email="rahma@example.id", phone="+6281277771234")


def test_delay_grows_and_is_capped(settings):
    settings.SISNAKER_LOGIN_FREE_FAILURES = 5
    settings.SISNAKER_LOGIN_MAX_DELAY = 900
    assert [throttle.delay_after(n) for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]
    assert throttle.delay_after(10_000) == 900


def test_guesses_across_nik_email_and_phone_count_against_one_account(rahma, settings):
    """With django-axes each identifier had its own count (5 × 3 identifiers = 15 guesses); now every
    attempt, whatever was typed, counts once against the account."""
    client = Client(REMOTE_ADDR="198.51.100.10")
    spaced_nik = " ".join(rahma.nik[i:i + 4] for i in range(0, 16, 4))
    identifiers = [rahma.nik, "Rahma@Example.id", "+62 812 7777 1234", spaced_nik, "081277771234"]
    assert len(identifiers) == settings.SISNAKER_LOGIN_FREE_FAILURES
    for n, identifier in enumerate(identifiers, start=1):
        assert attempt(client, identifier).status_code == 400
        assert LoginCounter.objects.get(key=f"user:{rahma.user_id}").failures == n
    assert LoginCounter.objects.count() == 1
    for identifier in [rahma.nik, "rahma@example.id", "0812-7777-1234"]:
        response = attempt(client, identifier, PASSWORD)  # the right password waits too
        assert response.status_code == 429 and not logged_in(client, rahma)
    assert LoginCounter.objects.get(key=f"user:{rahma.user_id}").failures == 5  # waiting attempts test nothing


def test_an_unknown_identifier_is_slowed_down_exactly_like_an_account(rahma, settings):
    known, unknown = Client(REMOTE_ADDR="198.51.100.11"), Client(REMOTE_ADDR="203.0.113.11")
    answers = {"known": [], "unknown": []}
    for _ in range(settings.SISNAKER_LOGIN_FREE_FAILURES + 1):
        answers["known"].append(attempt(known, "rahma@example.id"))
        answers["unknown"].append(attempt(unknown, "tidak.ada@example.id"))
    assert [r.status_code for r in answers["known"]] == [r.status_code for r in answers["unknown"]] == [400] * 5 + [429]
    assert answers["known"][-1]["Retry-After"] == answers["unknown"][-1]["Retry-After"]
    body = lambda r: r.content.decode().replace(r.wsgi_request.META["CSRF_COOKIE"], "")  # noqa: E731
    assert body(answers["known"][0]).count("salah") == body(answers["unknown"][0]).count("salah")
    # No identifier is stored in clear.
    assert not LoginCounter.objects.filter(key__icontains="tidak.ada").exists()


def test_the_delay_passes_and_the_next_failure_waits_longer(rahma, settings):
    client = Client(REMOTE_ADDR="198.51.100.12")
    for _ in range(settings.SISNAKER_LOGIN_FREE_FAILURES):
        attempt(client, rahma.phone)
    key = f"user:{rahma.user_id}"
    first = attempt(client, rahma.phone, PASSWORD)
    assert first.status_code == 429 and 1 <= int(first["Retry-After"]) <= 30
    # 31 seconds later one more try is allowed; failing it doubles the wait.
    LoginCounter.objects.filter(key=key).update(last_failure_at=timezone.now() - dt.timedelta(seconds=31))
    assert attempt(client, rahma.phone).status_code == 400
    second = attempt(client, rahma.phone, PASSWORD)
    assert second.status_code == 429 and 30 < int(second["Retry-After"]) <= 60
    # Once the wait is over the owner gets in, and the count starts again.
    LoginCounter.objects.filter(key=key).update(last_failure_at=timezone.now() - dt.timedelta(seconds=61))
    assert attempt(client, rahma.phone, PASSWORD).status_code == 302 and logged_in(client, rahma)
    assert LoginCounter.objects.get(key=key).failures == 0


def test_a_count_older_than_a_day_starts_again(rahma, settings):
    client = Client(REMOTE_ADDR="198.51.100.13")
    for _ in range(settings.SISNAKER_LOGIN_FREE_FAILURES):
        attempt(client, rahma.phone)
    LoginCounter.objects.update(last_failure_at=timezone.now() - dt.timedelta(hours=25))
    assert attempt(client, rahma.phone).status_code == 400
    assert LoginCounter.objects.get(key=f"user:{rahma.user_id}").failures == 1


def test_the_owner_with_a_device_cookie_still_logs_in_while_an_attacker_hammers(rahma, settings):
    owner = Client(REMOTE_ADDR="198.51.100.20")
    assert attempt(owner, rahma.phone, PASSWORD).status_code == 302
    assert throttle.DEVICE_COOKIE in owner.cookies
    cookie = owner.cookies[throttle.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/akun/" and cookie["samesite"] == "Lax"
    token = cookie.value
    assert not LoginDevice.objects.filter(token_hash=token).exists()  # only its hash is stored
    owner.post(reverse("accounts:logout"))

    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(20):
        attempt(attacker, rahma.nik)
    assert attempt(attacker, rahma.phone, PASSWORD).status_code == 429  # without the cookie: waits
    response = attempt(owner, rahma.phone, PASSWORD)
    assert response.status_code == 302 and logged_in(owner, rahma)
    # The owner's success does not give the attacker fresh guesses.
    assert attempt(attacker, rahma.phone).status_code == 429


def test_a_device_cookie_also_passes_the_address_ceiling(rahma, settings):
    """An attacker behind the same (carrier-grade NAT) address cannot keep the owner out either."""
    settings.SISNAKER_LOGIN_IP_FAILURES = 3
    owner = Client(REMOTE_ADDR="198.51.100.21")
    attempt(owner, rahma.phone, PASSWORD)
    owner.post(reverse("accounts:logout"))
    neighbour = Client(REMOTE_ADDR="198.51.100.21")
    for i in range(5):
        attempt(neighbour, f"orang{i}@example.id")
    assert attempt(neighbour, rahma.phone, PASSWORD).status_code == 429
    assert attempt(owner, rahma.phone, PASSWORD).status_code == 302


def test_failures_with_a_device_cookie_count_against_the_cookie(rahma, settings):
    owner = Client(REMOTE_ADDR="198.51.100.22")
    attempt(owner, rahma.phone, PASSWORD)
    owner.post(reverse("accounts:logout"))
    for _ in range(settings.SISNAKER_LOGIN_FREE_FAILURES):
        assert attempt(owner, rahma.phone).status_code == 400
    device = LoginDevice.objects.get(user=rahma.user)
    assert device.failures == settings.SISNAKER_LOGIN_FREE_FAILURES and device.revoked_at is not None
    assert LoginCounter.objects.filter(key=f"user:{rahma.user_id}", failures__gt=0).count() == 0
    # From now on this browser is like any other (its failures count against the account).
    assert attempt(owner, rahma.phone).status_code == 400
    assert LoginCounter.objects.get(key=f"user:{rahma.user_id}").failures == 1


def test_a_cookie_of_another_account_gives_nothing(rahma):
    other = PersonFactory()
    browser = Client(REMOTE_ADDR="198.51.100.23")
    attempt(browser, other.phone, PASSWORD)
    browser.post(reverse("accounts:logout"))
    hammer = Client(REMOTE_ADDR="203.0.113.23")
    for _ in range(6):
        attempt(hammer, rahma.phone)
    assert attempt(browser, rahma.phone, PASSWORD).status_code == 429
    # Garbage in the cookie is ignored, never an error.
    browser.cookies[throttle.DEVICE_COOKIE] = "x" * 900 + ".<script>"
    assert attempt(browser, other.phone, PASSWORD).status_code == 302


@override_settings(SISNAKER_LOGIN_IP_FAILURES=10, SISNAKER_LOGIN_NETWORK_FAILURES=1000)
def test_one_address_trying_many_accounts_once_each_hits_the_ceiling(regions):
    people = PersonFactory.create_batch(12)
    sprayer = Client(REMOTE_ADDR="198.51.100.30")
    for person in people[:10]:
        assert attempt(sprayer, person.phone).status_code == 400
    refused = attempt(sprayer, people[10].phone, PASSWORD)  # even a right password, from this address
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert not logged_in(sprayer, people[10])
    # Nobody else is affected: another address logs in to that account.
    assert attempt(Client(REMOTE_ADDR="203.0.113.30"), people[10].phone, PASSWORD).status_code == 302
    # Successful log-ins from a busy office do not use the ceiling up.
    office = Client(REMOTE_ADDR="198.51.100.31")
    for person in people[:11]:
        assert attempt(office, person.phone, PASSWORD).status_code == 302
        office.post(reverse("accounts:logout"))


@override_settings(SISNAKER_LOGIN_IP_FAILURES=1000, SISNAKER_LOGIN_NETWORK_FAILURES=10)
def test_rotating_addresses_inside_one_network_hits_the_network_ceiling(regions):
    people = PersonFactory.create_batch(11)
    for i, person in enumerate(people[:10]):
        attempt(Client(REMOTE_ADDR=f"198.51.100.{40 + i}"), person.phone)
    assert attempt(Client(REMOTE_ADDR="198.51.100.99"), people[10].phone, PASSWORD).status_code == 429
    assert attempt(Client(REMOTE_ADDR="198.51.101.99"), people[10].phone, PASSWORD).status_code == 302


@override_settings(SISNAKER_LOGIN_IP_FAILURES=5, SISNAKER_TRUSTED_PROXIES=())
def test_a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing(regions):
    people = PersonFactory.create_batch(6)
    client = Client(REMOTE_ADDR="198.51.100.50")
    for i, person in enumerate(people[:5]):
        attempt(client, person.phone, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert attempt(client, people[5].phone, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77").status_code == 429
    assert RateCounter.objects.filter(key="login:ip:198.51.100.50").exists()
    assert not RateCounter.objects.filter(key__startswith="login:ip:203.0.113.").exists()


@override_settings(SISNAKER_LOGIN_IP_FAILURES=5, SISNAKER_TRUSTED_PROXIES=("10.0.0.0/8",))
def test_behind_the_trusted_proxy_two_clients_are_counted_separately(regions):
    """Everyone arrives from the proxy's address: without SISNAKER_TRUSTED_PROXIES one client's
    failures would shut out all the others."""
    people = PersonFactory.create_batch(7)
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for person in people[:5]:
        attempt(proxy, person.phone, HTTP_X_FORWARDED_FOR="198.51.100.60")
    assert attempt(proxy, people[5].phone, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.60").status_code == 429
    # Another client behind the same proxy is not affected, even if it forges the first hop.
    response = attempt(proxy, people[6].phone, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.60, 203.0.113.61")
    assert response.status_code == 302 and logged_in(proxy, people[6])
    assert RateCounter.objects.filter(key="login:ip:198.51.100.60").exists()
    assert not RateCounter.objects.filter(key="login:ip:10.0.0.2").exists()


def test_the_code_step_follows_the_password_and_the_device_cookie_comes_after_it(rahma):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=rahma.user, name="HP", confirmed=True)
    client = Client(REMOTE_ADDR="198.51.100.70")
    response = attempt(client, rahma.phone, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("accounts:otp_verify")
    assert throttle.DEVICE_COOKIE not in client.cookies and "_auth_user_id" not in client.session
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    assert client.post(reverse("accounts:otp_verify"), {"token": token}).status_code == 302
    assert logged_in(client, rahma) and throttle.DEVICE_COOKIE in client.cookies
    # A pending code step expires.
    other = Client(REMOTE_ADDR="198.51.100.71")
    attempt(other, rahma.phone, PASSWORD)
    session = other.session
    session["sisnaker_pending_otp_at"] -= 3600
    session.save()
    assert other.get(reverse("accounts:otp_verify")).url == reverse("accounts:login")


def test_the_error_message_points_to_a_page_that_exists(client, rahma):
    body = attempt(client, rahma.phone).content.decode()
    assert "Kombinasi akun dan kata sandi salah" in body and "pilih “Lupa kata sandi?”" in body  # says what to do
    link = reverse("accounts:password_reset")
    assert f'href="{link}"' in body and client.get(link).status_code == 200


def test_purge_removes_what_expired(rahma):
    client = Client(REMOTE_ADDR="198.51.100.80")
    attempt(client, rahma.phone)
    attempt(client, rahma.phone, PASSWORD)
    assert LoginCounter.objects.exists() and LoginDevice.objects.exists()
    assert throttle.purge() == {"counters": 1, "devices": 0}  # the successful log-in cleared the count
    later = timezone.now() + throttle.DEVICE_LIFETIME + dt.timedelta(days=1)
    assert throttle.purge(now=later) == {"counters": 0, "devices": 1}


def test_django_axes_is_gone(settings):
    import pathlib
    import tomllib

    assert "axes" not in settings.INSTALLED_APPS
    assert not any("axes" in m for m in settings.MIDDLEWARE + settings.AUTHENTICATION_BACKENDS)
    assert not any(name.startswith("AXES_") for name in dir(settings))
    pyproject = tomllib.loads((pathlib.Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert not any(dep.lower().startswith("django-axes") for dep in pyproject["project"]["dependencies"])
