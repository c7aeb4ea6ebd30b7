"""The words put into a message that may go by SMS: titles and reasons cut at a word, a reason without its own full
stop (the sentence adds one), and the same rule in every module that tells people something."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sisnaker.notifications import text
from sisnaker.payments import domain as payments_domain
from sisnaker.training import domain as training_domain


def test_short_text_is_kept_on_one_line():
    assert text.clip("Operator  Komputer\nDasar", 60) == "Operator Komputer Dasar"


def test_long_text_is_cut_at_a_word_with_an_ellipsis():
    assert text.clip("Pelatihan Berbasis Kompetensi Kartu Prakerja Gelombang", 32) == "Pelatihan Berbasis Kompetensi..."


def test_a_cut_never_leaves_a_parenthesis_open():
    title = "Keamanan dan Higiene Pangan untuk Usaha Kuliner (Kartu Prakerja)"
    assert text.clip(title, 60) == "Keamanan dan Higiene Pangan untuk Usaha Kuliner..."
    assert text.clip("Operator Mesin (Dasar) Jahit Industri Garmen", 32) == "Operator Mesin (Dasar) Jahit..."


def test_one_long_word_is_cut_where_it_stands():
    assert text.clip("x" * 50, 10) == "x" * 7 + "..."
    # A short limit keeps more than half of what fits rather than one short word.
    assert text.clip("Muhammad Rizky Pratama", 12) == "Muhammad..."


def test_the_mark_is_gsm_7_bit_so_an_sms_stays_160_characters_a_part():
    assert text.clip("Keamanan dan Higiene Pangan untuk Usaha Kuliner (Kartu Prakerja)", 40).isascii()


def test_reason_loses_its_full_stops_so_the_sentence_ends_once():
    assert text.reason("Kuota penuh (BLK).. ") == "Kuota penuh (BLK)"


@given(st.text(), st.integers(min_value=4, max_value=200))
def test_clip_never_exceeds_the_limit(value, limit):
    assert len(text.clip(value, limit)) <= limit


@given(st.text())
def test_a_reason_with_the_callers_full_stop_ends_once_or_with_the_ellipsis(value):
    sentence = text.reason(value) + "."
    assert not sentence.endswith(" .")
    assert not sentence.endswith("..") or sentence.endswith("...") and not sentence.endswith("....")


def test_a_cut_reason_with_the_callers_full_stop_reads_as_an_ellipsis():
    assert text.reason("Peserta tidak memenuhi syarat usia minimal dan belum melengkapi berkas", 40) + "." == \
        "Peserta tidak memenuhi syarat usia..."


LONG_REASON = "Peserta tidak memenuhi syarat usia minimal dan belum melengkapi berkas ijazah serta surat keterangan domisili."


def test_a_long_rejection_reason_is_cut_in_the_applicants_message():
    _, message = training_domain.decision_message(action="reject", program="Menjahit", institution="BLK Bandung",
                                                  start_date=dt.date(2026, 12, 1), reason=LONG_REASON,
                                                  link="https://sisnaker.example/p/1")
    assert LONG_REASON not in message.id and "..." in message.id
    assert "Peserta tidak memenuhi syarat usia minimal" in message.id


def test_incentive_and_decision_messages_cut_a_reason_alike():
    _, incentive = payments_domain.incentive_notice("failed", amount=600_000, program="Menjahit", reason=LONG_REASON,
                                                    mine_url="u", account_url="a")
    _, decision = training_domain.decision_message(action="cancel", program="Menjahit", institution="BLK",
                                                   start_date=dt.date(2026, 12, 1), reason=LONG_REASON, link="l")
    assert text.reason(LONG_REASON) in incentive and text.reason(LONG_REASON) in decision.id
