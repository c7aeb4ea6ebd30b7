"""The English catalogue: pages switch to English with the language cookie, and every string is translated.

When a test here fails after a template or Python string changed, update the catalogue:

    cd src/sisnaker
    sisnaker makemessages -l en --ignore "*/migrations/*" -e html,py,txt
    # translate the new/changed entries in locale/en/LC_MESSAGES/django.po (drop any "#, fuzzy")
    sisnaker compilemessages
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

LOGIN, SIGNUP, HOME = "/akun/masuk/", "/akun/daftar/", "/"


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- pages --------------------------------------------------------------------------------------


def test_login_page_in_english(client, regions):
    html = _page(_english(client), LOGIN)
    assert 'lang="en"' in html
    assert "<title>Log in · Sisnaker</title>" in html
    assert "<h1>Log in to Sisnaker</h1>" in html
    assert '<button type="submit" class="primary">Log in</button>' in html
    assert "Don't have an account yet?" in html and "Sign up with your NIK" in html
    assert "E-mail, mobile number, NIK or username" in html and ">Password<" in html
    for indonesian in ["Masuk", "Daftar", "Belum punya akun?", "Kata sandi", "nama pengguna", "Sistem Informasi Ketenagakerjaan"]:
        assert indonesian not in html, indonesian


def test_signup_page_in_english(client, regions):
    html = _page(_english(client), SIGNUP)
    assert 'lang="en"' in html
    assert "<title>Sign up · Sisnaker</title>" in html
    assert "<h1>Sign up with your NIK</h1>" in html
    assert '<button type="submit" class="primary">Sign up</button>' in html
    assert "Already have an account?" in html
    for english in ["Date of birth", "Mobile number", "Province", "Regency/City", "District", "Choose a province",
                    "Repeat password", "Law No. 27/2022 on Personal Data Protection"]:
        assert english in html, english
    for indonesian in ["Masuk", "Daftar", "Sudah punya akun?", "Tanggal lahir", "Kata sandi", "Provinsi", "Kabupaten/Kota",
                       "Kecamatan", "Pilih provinsi", "Ulangi kata sandi"]:
        assert indonesian not in html, indonesian


def test_home_page_in_english(client, regions):
    html = _page(_english(client), HOME)
    assert 'lang="en"' in html
    assert "<title>Home · Sisnaker</title>" in html
    assert "<h1>Employment services in one place</h1>" in html
    assert f'<a class="button primary" href="{reverse("accounts:signup")}">Sign up with your NIK</a>' in html
    assert f'<a class="button" href="{reverse("accounts:login")}">Log in</a>' in html
    assert f'<a href="{reverse("accounts:signup")}">Sign up</a>' in html  # top bar
    for indonesian in ["Masuk", "Daftar", "Beranda", "Layanan ketenagakerjaan", "Mode demo/pengembangan"]:
        assert indonesian not in html, indonesian


@pytest.mark.parametrize(
    "url, expected",
    [
        (LOGIN, ["<h1>Masuk ke Sisnaker</h1>", '<button type="submit" class="primary">Masuk</button>', "Belum punya akun?"]),
        (SIGNUP, ["<h1>Daftar dengan NIK</h1>", '<button type="submit" class="primary">Daftar</button>', "Tanggal lahir"]),
        (HOME, ["<h1>Layanan ketenagakerjaan dalam satu tempat</h1>", ">Daftar dengan NIK</a>", ">Masuk</a>"]),
    ],
)
def test_without_the_cookie_pages_stay_indonesian(client, regions, url, expected):
    html = _page(client, url)
    assert 'lang="id"' in html
    for indonesian in expected:
        assert indonesian in html, indonesian
    for english in ["Log in", "Sign up", "Password", "Employment services"]:
        assert english not in html, english


def test_english_browser_alone_does_not_switch_pages(client, regions):
    html = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "<h1>Masuk ke Sisnaker</h1>" in html and "Log in" not in html


def test_the_language_switcher_shows_english(client, regions):
    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert "<h1>Log in to Sisnaker</h1>" in _page(client, LOGIN)
    client.post(reverse("set_language"), {"language": "id", "next": HOME})
    assert "<h1>Masuk ke Sisnaker</h1>" in _page(client, LOGIN)


# --- the catalogue ------------------------------------------------------------------------------

PO_FILE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: comments, flags, msgctxt/msgid/msgid_plural/msgstr[/n] and "..." continuation lines.

    Entries are usually separated by blank lines, but a new entry also starts at a comment or msgctxt/msgid line
    that follows a msgstr (msgmerge occasionally omits the blank line after the header). Obsolete entries (#~)
    are ignored.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which string "..." continuation lines extend

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgid or current.msgstr):
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        starts_entry = line.startswith("#") or line.startswith(("msgctxt ", "msgid "))
        if starts_entry and current is not None and current.msgstr:
            finish()
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line outside a string"
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, kind, getattr(current, kind) + _unquote(line))
        else:
            keyword, _, value = line.partition(" ")
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                current.msgstr[index] = _unquote(value)
                target = ("msgstr", index)
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                setattr(current, keyword, _unquote(value))
                target = (keyword, 0)
            else:
                raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return entries


def _messages() -> list[Entry]:
    assert PO_FILE.is_file(), f"{PO_FILE} is missing: run makemessages -l en (see this module's docstring)"
    return [e for e in parse_po(PO_FILE) if e.msgid]  # the header has an empty msgid


def _where(entry: Entry) -> str:
    return f"{PO_FILE.name}:{entry.line} {entry.msgid!r}"


def test_the_po_parser_reads_multi_line_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n#: a.py:1\nmsgid "Satu"\nmsgstr "One"\n\n'
        '#: b.html:2\n#, python-format\nmsgid ""\n"Halo %(name)s, "\n"\\"apa kabar\\"?"\nmsgstr ""\n'
        '"Hello %(name)s, "\n"\\"how are you\\"?"\n\nmsgid "Kosong"\nmsgstr ""\n\n#~ msgid "Lama"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    entries = parse_po(po)
    assert [(e.msgid, e.msgstr[0]) for e in entries] == [
        ("", "Language: en\n"),
        ("Satu", "One"),
        ('Halo %(name)s, "apa kabar"?', 'Hello %(name)s, "how are you"?'),
        ("Kosong", ""),
    ]
    assert "python-format" in entries[2].flags


def test_every_message_has_an_english_translation():
    messages = _messages()
    assert len(messages) > 50
    untranslated = [_where(e) for e in messages if not all(s.strip() for s in e.msgstr.values())]
    assert not untranslated, "Untranslated entries; translate them, then run compilemessages:\n" + "\n".join(untranslated)


def test_no_fuzzy_translations():
    fuzzy = [_where(e) for e in _messages() if "fuzzy" in e.flags]
    assert not fuzzy, "Fuzzy entries are ignored by compilemessages; check them and drop '#, fuzzy':\n" + "\n".join(fuzzy)


def test_translations_keep_the_placeholders():
    wrong = [
        _where(e) for e in _messages()
        if any(sorted(_PLACEHOLDER.findall(s)) != sorted(_PLACEHOLDER.findall(e.msgid)) for s in e.msgstr.values())
    ]
    assert not wrong, "Placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_the_compiled_catalogue_is_up_to_date():
    """django.mo matches django.po (forgetting compilemessages shows Indonesian to English users)."""
    stale = []
    with translation.override("en"):
        for entry in _messages():
            if entry.msgid_plural or entry.msgctxt is not None:
                continue
            if translation.gettext(entry.msgid) != entry.msgstr[0]:
                stale.append(_where(entry))
    assert not stale, "django.mo is out of date; run compilemessages:\n" + "\n".join(stale)
