"""Messages greet a person by name, not by a title: "Sisnaker: KH., sertifikat…" and "dr., isi survei…" went out."""

from __future__ import annotations

import pytest

from sisnaker.certification import domain


@pytest.mark.parametrize(("name", "greeted"), [
    ("Siti Rahmawati", "Siti"), ("Drs. H. Asep Sunandar, M.Si", "Asep"), ("KH. Ahmad Dahlan", "Ahmad"), ("dr. Rina", "Rina"),
    ("Hj. Siti Aminah", "Siti"), ("Tgk. Ali", "Ali"), ("H Muhammad", "Muhammad"), ("Ir. Budi", "Budi"), ("Dr.", ""), ("", ""),
])
def test_the_greeting_skips_titles(name, greeted):
    assert domain.greeting_name(name) == greeted


def test_a_message_without_a_name_to_greet_by_still_reads():
    import datetime as dt

    from sisnaker.certification.services.employment import message

    _subject, text = message(name="Dr.", title="Menjahit", url="https://s.id/l/x", last=dt.date(2026, 12, 31))
    assert text.startswith("Sisnaker: isi survei kebekerjaan")
