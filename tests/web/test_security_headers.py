"""Production security headers: a Content-Security-Policy without 'unsafe-inline' on every page,
Permissions-Policy, the language cookie Secure/HttpOnly/SameSite in production, templates free of
inline scripts, styles and event handlers (which the policy would block), and the API docs page
served from our own static files (Swagger UI from the npm lock file, not a CDN)."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "sisnaker"
# /admin/login/ redirects to Sisnaker's own (two-factor) log-in: the redirect carries the headers too.
PAGES = ["/", "/akun/masuk/", "/akun/daftar/", "/pelatihan/", "/v/", "/api/v1/docs", "/admin/login/", "/tidak-ada/"]


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_a_strict_csp_and_permissions_policy(client, regions, url):
    response = client.get(url)
    assert response.status_code in (200, 302, 404), url
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"no Content-Security-Policy on {url}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    d = _directives(policy)
    assert d["default-src"] == ["'self'"]
    assert d["script-src"][0] == "'self'" and all(v == "'self'" or v.startswith("'nonce-") for v in d["script-src"])
    assert d["object-src"] == ["'none'"] and d["frame-ancestors"] == ["'none'"]
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions, (url, feature)


def test_api_errors_carry_the_headers_too(client):
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers and "Permissions-Policy" in response.headers


_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_script_style_or_handler():
    """The CSP refuses them: behaviour goes to static/sisnaker/sisnaker.js, looks to sisnaker.css."""
    found = []
    for path in sorted(SRC.rglob("templates/**/*.html")):
        text = path.read_text()
        for pattern, what in _INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(SRC)}:{line}: {what}: {match.group(0)[:60]}")
    assert not found, "\n".join(found)


def test_language_cookie_is_secure_httponly_and_samesite_in_production(tmp_path):
    env = {
        **os.environ, "SISNAKER_ENV": "production", "SECRET_KEY": "x" * 60,
        "SISNAKER_DATA_KEYS": "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk=",
        "SISNAKER_INDEX_KEY": "aW5kZXgta2V5LWZvci10ZXN0cy0zMi1ieXRlcy1sb25n",
        "SISNAKER_SIGNING_KEY": "c2lnbmluZy1zZWVkLWZvci10ZXN0cy0zMi1ieXRlcyE=", "ALLOWED_HOSTS": "sisnaker.example.go.id",
        "SISNAKER_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sisnaker.settings",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "Lax", "True", "True"]


def test_language_switch_sets_the_cookie_with_those_flags(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True  # as in production (checked above)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.inline_scripts += 1
        for name in ("src", "href"):
            if attrs.get(name) and (tag != "a"):
                self.urls.append(attrs[name])


def test_api_docs_load_swagger_ui_from_local_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    parser = _Assets()
    parser.feed(response.content.decode())
    assert parser.inline_scripts == 0
    assert any(u.endswith("swagger-ui-bundle.js") for u in parser.urls) and any(u.endswith("swagger-ui.css") for u in parser.urls)
    for url in parser.urls:
        assert url.startswith(django_settings.STATIC_URL), f"not a local static file: {url}"
        assert finders.find(url.removeprefix(django_settings.STATIC_URL)), f"static file missing: {url}"
        served = client.get(url)
        assert served.status_code == 200, url
        assert b"".join(served.streaming_content if served.streaming else [served.content]), url


def test_swagger_ui_is_the_version_pinned_in_the_npm_lock_file():
    import json

    repo = SRC.parents[1]
    pinned = json.loads((repo / "package.json").read_text())["dependencies"]["swagger-ui-dist"]
    locked = json.loads((repo / "package-lock.json").read_text())["packages"]["node_modules/swagger-ui-dist"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned) and locked["version"] == pinned and locked["integrity"].startswith("sha512-")
    installed = json.loads((django_settings.NODE_MODULES / "swagger-ui-dist" / "package.json").read_text())
    assert installed["version"] == pinned


@pytest.mark.django_db
@pytest.mark.parametrize("lang, words", [("id", "Muat ulang halaman"), ("en", "Reload the page")])
def test_a_refused_csrf_check_is_the_products_page_saying_what_to_do(regions, lang, words):
    """A phone that kept the log-in form open past its session, or blocked cookies, meets this page: it says in the
    user's language that nothing was saved and what to do, not Django's technical "CSRF verification failed"."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = lang  # English is chosen with the switcher's cookie
    response = client.post(reverse("accounts:login"), {"username": "siti", "password": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert words in text and "CSRF verification failed" not in text
    assert response["Content-Type"].startswith("text/html") and 'class="topbar"' in text
