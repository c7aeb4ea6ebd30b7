"""Pure rules of "lifecycle steps that say what they will do" (no database): what a program transition
does to its enrollments (from the same table the service applies), the written reason needed to start
before the start date / close before the end date / cancel, the next batch's title (Angkatan N, Batch N,
roman numerals) and its suggested dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.core.errors import ValidationFailed
from sisnaker.training import domain
from sisnaker.training.domain import EnrollmentState as E

D = dt.date

# --- effects ---------------------------------------------------------------------------------------


def test_start_moves_applicants_and_selected_to_not_selected_and_nothing_else():
    counts = {E.REGISTERED: 20, E.SELECTED: 4, E.PARTICIPANT: 16, E.WITHDRAWN: 3}
    effects = domain.transition_effects(action="start", counts=counts)
    assert [(e.source, e.target, e.count) for e in effects] == [(E.REGISTERED, E.NOT_SELECTED, 20), (E.SELECTED, E.NOT_SELECTED, 4)]
    assert sum(e.count for e in effects) == 24
    assert effects[0].message.id == '20 pendaftaran berstatus "Pendaftar" menjadi "Tidak lolos seleksi".'
    assert effects[1].message.en == '4 enrollments that are "Selected" become "Not selected".'


def test_close_splits_participants_by_result_and_drops_empty_moves():
    effects = domain.transition_effects(action="close", counts={E.PARTICIPANT: 5, E.REGISTERED: 1},
                                        participant_results={"passed": 3, "failed": 1, "pending": 1})
    moved = {(e.source, e.target, e.why): e.count for e in effects}
    assert moved == {(E.PARTICIPANT, E.GRADUATED, ""): 3, (E.PARTICIPANT, E.NOT_PASSED, "Tidak lulus penilaian."): 1,
                     (E.PARTICIPANT, E.NOT_PASSED, "Belum dinilai saat program ditutup."): 1, (E.REGISTERED, E.NOT_SELECTED, ""): 1}
    # Those who do not pass are told apart by the reason, in both languages.
    failed = next(e for e in effects if e.why == "Tidak lulus penilaian.")
    assert failed.message.id == '1 pendaftaran berstatus "Peserta" menjadi "Tidak lulus" (Tidak lulus penilaian).'
    assert failed.message.en == '1 enrollments that are "Participant" become "Not passed" (failed the assessment).'
    assert domain.transition_effects(action="publish", counts={E.REGISTERED: 9}) == []
    assert domain.transition_effects(action="start", counts={E.PARTICIPANT: 9}) == []


@given(st.sampled_from(["publish", "close_registration", "start", "close", "cancel"]),
       st.dictionaries(st.sampled_from(list(E)), st.integers(0, 10_000)),
       st.dictionaries(st.sampled_from(["passed", "failed", "pending"]), st.integers(0, 10_000)))
def test_effects_follow_the_table_and_never_touch_final_states(action, counts, results):
    # Participants' results add up to their count, as in the database.
    counts = dict(counts)
    counts[E.PARTICIPANT] = sum(results.values())
    effects = domain.transition_effects(action=action, counts=counts, participant_results=results)
    table = domain.PROGRAM_ENROLLMENT_EFFECTS.get(action, {})
    for e in effects:
        assert e.source in domain.ACTIVE_STATES and e.source in table and e.count > 0
        assert e.target == table[e.source] or (table[e.source] == domain.BY_RESULT and e.target in (E.GRADUATED, E.NOT_PASSED))
    moved_from = {}
    for e in effects:
        moved_from[e.source] = moved_from.get(e.source, 0) + e.count
    # Every enrollment in a state the action moves is moved, and only those.
    assert moved_from == {s: counts[s] for s in table if counts.get(s)}


# --- the written reason -----------------------------------------------------------------------------

START, END = D(2026, 12, 3), D(2027, 1, 2)


@pytest.mark.parametrize(("action", "today", "needed"), [
    ("start", START - dt.timedelta(days=14), True),   # two weeks early
    ("start", START - dt.timedelta(days=1), True),
    ("start", START, False),
    ("start", START + dt.timedelta(days=2), False),   # late start: no reason asked
    ("close", END - dt.timedelta(days=1), True),
    ("close", END, False),
    ("close", END + dt.timedelta(days=30), False),
    ("cancel", START + dt.timedelta(days=100), True),  # cancelling always needs one
    ("publish", START - dt.timedelta(days=60), False),
    ("close_registration", START - dt.timedelta(days=60), False),
])
def test_reason_needed_before_the_planned_date(action, today, needed):
    why = domain.transition_reason_needed(action=action, start_date=START, end_date=END, today=today)
    assert (why is not None) == needed
    if needed:
        with pytest.raises(ValidationFailed) as exc:
            domain.check_transition_reason(action=action, reason="  \n ", start_date=START, end_date=END, today=today)
        assert (exc.value.code, exc.value.field) == ("reason_required", "reason")
        domain.check_transition_reason(action=action, reason="Instruktur tersedia lebih awal", start_date=START, end_date=END,
                                       today=today)
    else:
        domain.check_transition_reason(action=action, reason="", start_date=START, end_date=END, today=today)


def test_the_reason_message_names_the_planned_date_in_both_languages():
    why = domain.transition_reason_needed(action="start", start_date=START, end_date=END, today=START - dt.timedelta(days=14))
    assert "3 Desember 2026" in why.id and "3 December 2026" in why.en and "early" in why.en
    why = domain.transition_reason_needed(action="close", start_date=START, end_date=END, today=START)
    assert "2 Januari 2027" in why.id and "closing early" in why.en


# Start dates leave room for a program's length before date.max (Hypothesis found 9999-12-31 + 400 days).
@given(st.dates(max_value=dt.date(9000, 1, 1)), st.integers(0, 400), st.dates(), st.text(max_size=20))
def test_starting_before_the_start_date_without_words_is_always_refused(start, length, today, blank):
    end = start + dt.timedelta(days=length)
    reason = "".join(ch for ch in blank if ch.isspace())
    if today < start:
        with pytest.raises(ValidationFailed):
            domain.check_transition_reason(action="start", reason=reason, start_date=start, end_date=end, today=today)
    else:
        domain.check_transition_reason(action="start", reason=reason, start_date=start, end_date=end, today=today)


# --- the next batch's title --------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "expected"), [
    ("Junior Web Developer Angkatan 1", "Junior Web Developer Angkatan 2"),
    ("Junior Web Developer Angkatan 9", "Junior Web Developer Angkatan 10"),
    ("Menjahit Batch 3", "Menjahit Batch 4"),
    ("Las Listrik batch ix", "Las Listrik batch x"),
    ("Operator Forklift Angkatan III", "Operator Forklift Angkatan IV"),
    ("Barista Angkatan XIX", "Barista Angkatan XX"),
    ("Operator Forklift III", "Operator Forklift IV"),
    ("Teknisi AC Angkatan VIII", "Teknisi AC Angkatan IX"),
    ("Menjahit Gelombang ke-2", "Menjahit Gelombang ke-3"),
    ("Web Angkatan-4", "Web Angkatan-5"),
    ("  Pemrograman   Web Dasar  ", "Pemrograman Web Dasar — Angkatan 2"),
    ("Pemrograman Web Dasar", "Pemrograman Web Dasar — Angkatan 2"),
    # Letters that are not batch numbers stay words.
    ("Mengemudi SIM C", "Mengemudi SIM C — Angkatan 2"),
    ("Bahasa Inggris Kelas D", "Bahasa Inggris Kelas D — Angkatan 2"),
    ("Batch IIII", "Batch IIII — Angkatan 2"),  # not a roman numeral
])
def test_next_batch_title(title, expected):
    assert domain.next_batch_title(title) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 4, 9, 14, 40, 49, 90, 99, 400, 1994, 2026, 3999])
def test_roman_numerals_round_trip(n):
    assert domain.from_roman(domain.to_roman(n)) == n
    assert domain.from_roman(domain.to_roman(n).lower()) == n


def test_roman_numerals_refuse_non_canonical_forms():
    for text in ("", "IIII", "VV", "IC", "MMMM", "ABC"):
        assert domain.from_roman(text) is None


@given(st.integers(1, 3998), st.sampled_from(["Angkatan", "Batch", "angkatan", "BATCH", "Gelombang"]), st.booleans())
def test_the_batch_number_goes_up_by_one_in_the_same_notation(n, word, roman):
    number = domain.to_roman(n) if roman else str(n)
    title = f"Pelatihan Operator {word} {number}"
    nxt = domain.next_batch_title(title)
    assert nxt.startswith(f"Pelatihan Operator {word} ")
    tail = nxt.rsplit(" ", 1)[1]
    assert (domain.from_roman(tail) if roman else int(tail)) == n + 1


@given(st.text(min_size=5, max_size=300))
def test_next_title_is_never_too_long_and_always_different(title):
    nxt = domain.next_batch_title(title)
    assert len(nxt) <= domain.TITLE_MAX
    assert nxt != " ".join(title.split())
    # The title after that increments the number the first one gave.
    assert domain.next_batch_title(nxt) != nxt


def test_a_second_copy_of_an_unnumbered_program_is_angkatan_3():
    assert domain.next_batch_title(domain.next_batch_title("Pemrograman Web Dasar")) == "Pemrograman Web Dasar — Angkatan 3"


# --- suggested dates ---------------------------------------------------------------------------------

def test_suggested_dates_start_the_day_after_the_source_ends_with_the_same_durations():
    source = domain.Schedule(D(2026, 11, 1), D(2026, 11, 25), D(2026, 12, 3), D(2027, 1, 2))
    nxt = domain.next_batch_dates(source, today=D(2026, 11, 23))
    assert nxt.start_date == D(2027, 1, 3)
    assert (nxt.end_date - nxt.start_date) == (source.end_date - source.start_date)
    assert (nxt.start_date - nxt.registration_opens) == (source.start_date - source.registration_opens)
    assert (nxt.registration_closes - nxt.registration_opens) == (source.registration_closes - source.registration_opens)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 1, 1)), st.integers(0, 60), st.integers(0, 90),
       st.integers(0, 200), st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 1, 1)))
def test_suggested_dates_keep_durations_and_never_open_registration_in_the_past(opens, window, lead, length, today):
    closes = opens + dt.timedelta(days=window)
    start = max(closes, opens + dt.timedelta(days=lead))
    source = domain.Schedule(opens, closes, start, start + dt.timedelta(days=length))
    nxt = domain.next_batch_dates(source, today=today)
    assert nxt.start_date > source.end_date
    assert nxt.registration_opens >= today
    shift = nxt.start_date - source.start_date
    assert (nxt.registration_opens, nxt.registration_closes, nxt.end_date) == (
        source.registration_opens + shift, source.registration_closes + shift, source.end_date + shift)
