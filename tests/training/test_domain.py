"""Pure rules of the training lifecycle (no database): the transition tables against an explicit
expected table, eligibility, overlaps, the registration window, program field validation, and a
Hypothesis state machine over one program and its enrollments."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sisnaker.core.errors import Conflict, ValidationFailed
from sisnaker.training import domain
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P

D = dt.date

# --- program transitions: every (action, status), written out ------------------------------------

PROGRAM_EXPECTED = {
    ("publish", "draft"): "published",
    ("close_registration", "published"): "selection",
    ("start", "published"): "running",
    ("start", "selection"): "running",
    ("close", "running"): "closed",
    ("cancel", "draft"): "cancelled",
    ("cancel", "published"): "cancelled",
    ("cancel", "selection"): "cancelled",
}
PROGRAM_ACTIONS = ["publish", "close_registration", "start", "close", "cancel"]
STATUSES = ["draft", "published", "selection", "running", "closed", "cancelled"]


def test_program_action_and_status_sets_are_the_documented_ones():
    assert set(domain.PROGRAM_TRANSITIONS) == set(PROGRAM_ACTIONS)
    assert set(P.values) == set(STATUSES)


@pytest.mark.parametrize(("action", "status"), list(itertools.product(PROGRAM_ACTIONS, STATUSES)))
def test_program_transition_table(action, status):
    expected = PROGRAM_EXPECTED.get((action, status))
    if expected is None:
        with pytest.raises(Conflict) as exc:
            domain.program_next_status(action=action, status=status)
        assert exc.value.code == "program_transition"
        assert f'"{domain.status_label(status).id}"' in exc.value.message.id
        assert f'"{domain.status_label(status).en}"' in exc.value.message.en
        assert domain.ACTION_LABELS[action].id in exc.value.message.id
    else:
        assert domain.program_next_status(action=action, status=status) == expected


# --- enrollment transitions: every (action, state, program status) ------------------------------

ENROLLMENT_ACTIONS = ["select", "accept", "reject", "withdraw", "drop_out"]
STATES = ["registered", "selected", "not_selected", "participant", "graduated", "not_passed", "withdrawn", "dropped_out"]
# action → (from state → to state, program statuses where the action is allowed)
ENROLLMENT_SPEC = {
    "select": ({"registered": "selected"}, {"published", "selection"}),
    "accept": ({"registered": "participant", "selected": "participant"}, {"published", "selection", "running"}),
    "reject": ({"registered": "not_selected", "selected": "not_selected"}, {"published", "selection"}),
    "withdraw": ({"registered": "withdrawn", "selected": "withdrawn", "participant": "withdrawn"}, {"published", "selection"}),
    "drop_out": ({"participant": "dropped_out"}, {"running"}),
}


def _expected_enrollment(action, state, status):
    moves, statuses = ENROLLMENT_SPEC[action]
    if state not in moves:
        return ("error", "enrollment_transition")
    if status not in statuses:
        return ("error", "enrollment_program_status")
    return ("ok", moves[state])


def test_enrollment_state_sets():
    assert set(E.values) == set(STATES)
    assert set(domain.ENROLLMENT_TRANSITIONS) == set(ENROLLMENT_ACTIONS)
    assert {"registered", "selected", "participant"} == domain.ACTIVE_STATES
    assert {"not_selected", "graduated", "not_passed", "withdrawn", "dropped_out"} == domain.FINAL_STATES
    assert {"accept"} == domain.SEAT_TAKING


@pytest.mark.parametrize(("action", "state", "status"), list(itertools.product(ENROLLMENT_ACTIONS, STATES, STATUSES)))
def test_enrollment_transition_table(action, state, status):
    kind, value = _expected_enrollment(action, state, status)
    if kind == "ok":
        assert domain.enrollment_next_state(action=action, state=state, program_status=status) == value
    else:
        with pytest.raises(Conflict) as exc:
            domain.enrollment_next_state(action=action, state=state, program_status=status)
        assert exc.value.code == value
        shown = domain.state_label(state) if value == "enrollment_transition" else domain.status_label(status)
        assert f'"{shown.id}"' in exc.value.message.id and f'"{shown.en}"' in exc.value.message.en


def test_no_action_leaves_a_final_state():
    for action, state, status in itertools.product(ENROLLMENT_ACTIONS, domain.FINAL_STATES, STATUSES):
        with pytest.raises(Conflict):
            domain.enrollment_next_state(action=action, state=state, program_status=status)


def test_close_outcomes():
    assert domain.close_outcome(result="passed") == (E.GRADUATED, "")
    assert domain.close_outcome(result="failed") == (E.NOT_PASSED, "Tidak lulus penilaian.")
    assert domain.close_outcome(result="pending") == (E.NOT_PASSED, "Belum dinilai saat program ditutup.")


def test_labels_are_bilingual_for_every_value():
    for s in E.values:
        assert domain.state_label(s).id and domain.state_label(s).en
    for s in P.values:
        assert domain.status_label(s).id and domain.status_label(s).en
    assert domain.state_label("graduated").id == "Alumni"


# --- eligibility --------------------------------------------------------------------------------

def _problems(birth, education="sma", start=D(2027, 1, 10), min_age=None, max_age=None, min_education=""):
    return domain.eligibility_problems(birth_date=birth, education=education, start_date=start, min_age=min_age,
                                       max_age=max_age, min_education=min_education)


def test_age_is_taken_on_the_start_date():
    start = D(2027, 1, 10)
    assert _problems(D(2009, 1, 10), min_age=18, start=start) == []  # 18th birthday on the first day
    (p,) = _problems(D(2009, 1, 11), min_age=18, start=start)  # one day short
    assert p.id == "Usia minimal 18 tahun saat pelatihan dimulai (usia Anda 17)."
    assert _problems(D(1992, 1, 11), max_age=34, start=start) == []  # still 34
    (p,) = _problems(D(1992, 1, 10), max_age=34, start=start)  # turns 35 that day
    assert "Usia maksimal 34" in p.id and "(usia Anda 35)" in p.id and "Maximum age is 34" in p.en


def test_age_on_handles_leap_day_birthdays():
    assert domain.age_on(D(2008, 2, 29), D(2026, 2, 28)) == 17
    assert domain.age_on(D(2008, 2, 29), D(2026, 3, 1)) == 18


@pytest.mark.parametrize(
    ("education", "minimum", "ok"),
    [
        ("smk", "sma", True), ("sma", "smk", True), ("smp", "sma", False), ("d3", "smk", True), ("sma", "d1", False),
        ("s1", "d4", True), ("d4", "s1", False), ("none", "sd", False), ("sd", "sd", True), ("s3", "s2", True),
        ("unknown", "sd", False), ("smp", "", True),
    ],
)
def test_education_ranks(education, minimum, ok):
    problems = _problems(D(1995, 1, 1), education=education, min_education=minimum)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].id == f"Pendidikan minimal {minimum.upper()}."


def test_every_problem_is_listed():
    problems = _problems(D(1960, 1, 1), education="sd", min_age=18, max_age=40, min_education="smk")
    assert len(problems) == 2
    assert "Usia maksimal 40" in problems[0].id and problems[1].id == "Pendidikan minimal SMK."


# --- overlaps and the registration window -------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((D(2027, 1, 1), D(2027, 1, 31)), (D(2027, 1, 31), D(2027, 2, 28)), True),  # shared last/first day
        ((D(2027, 1, 1), D(2027, 1, 31)), (D(2027, 2, 1), D(2027, 2, 28)), False),  # adjacent
        ((D(2027, 1, 1), D(2027, 3, 31)), (D(2027, 2, 1), D(2027, 2, 2)), True),  # contained
        ((D(2027, 1, 5), D(2027, 1, 5)), (D(2027, 1, 5), D(2027, 1, 5)), True),  # one-day programs, same day
        ((D(2027, 1, 5), D(2027, 1, 5)), (D(2027, 1, 6), D(2027, 1, 6)), False),
    ],
)
def test_overlaps_inclusive(a, b, expected):
    assert domain.overlaps(*a, *b) is expected
    assert domain.overlaps(*b, *a) is expected


@given(st.dates(), st.integers(0, 60), st.dates(), st.integers(0, 60))
def test_overlaps_agrees_with_day_sets(s1, n1, s2, n2):
    assume(s1 <= D(9999, 10, 1) and s2 <= D(9999, 10, 1))
    days1 = {s1 + dt.timedelta(days=i) for i in range(n1 + 1)}
    days2 = {s2 + dt.timedelta(days=i) for i in range(n2 + 1)}
    assert domain.overlaps(s1, s1 + dt.timedelta(days=n1), s2, s2 + dt.timedelta(days=n2)) == bool(days1 & days2)


WINDOW = domain.Window(D(2026, 11, 1), D(2026, 11, 30))


@pytest.mark.parametrize(
    ("today", "open_"),
    [(D(2026, 10, 31), False), (D(2026, 11, 1), True), (D(2026, 11, 15), True), (D(2026, 11, 30), True), (D(2026, 12, 1), False)],
)
def test_registration_window_edges(today, open_):
    blocker = domain.registration_open(status="published", window=WINDOW, today=today)
    assert (blocker is None) is open_
    if today < WINDOW.opens:
        assert blocker.id == "Pendaftaran baru dibuka pada 1 November 2026." and blocker.en == "Registration opens on 1 November 2026."
    elif today > WINDOW.closes:
        assert "30 November 2026" in blocker.id and "susulan" in blocker.id and "manager" in blocker.en


@pytest.mark.parametrize("status", ["draft", "selection", "running", "closed", "cancelled"])
def test_registration_only_while_published(status):
    blocker = domain.registration_open(status=status, window=WINDOW, today=D(2026, 11, 15))
    assert blocker is not None and domain.status_label(status).id in blocker.id


@pytest.mark.parametrize(
    ("status", "today", "late"),
    [("published", D(2026, 11, 30), False), ("published", D(2026, 12, 1), True), ("selection", D(2026, 11, 15), True),
     ("running", D(2026, 11, 15), True), ("closed", D(2026, 11, 15), True),
     # A draft's list prepared before its window opens is not late (it was shown "registration closed" and marked late).
     ("draft", D(2026, 10, 20), False), ("draft", D(2026, 12, 1), True)],
)
def test_is_late(status, today, late):
    assert domain.is_late(window=WINDOW, status=status, today=today) is late


# --- program fields -----------------------------------------------------------------------------

GOOD = dict(
    title="Teknisi Jaringan Komputer", hours=160, start_date=D(2027, 1, 10), end_date=D(2027, 2, 10),
    registration_opens=D(2026, 12, 1), registration_closes=D(2027, 1, 5), quota=16, funding="apbd", dipa_reference="",
    fee=0, min_age=18, max_age=35, min_education="sma",
)


def test_good_program_fields_pass():
    domain.validate_program_fields(**GOOD)
    domain.validate_program_fields(**GOOD | {"registration_closes": GOOD["end_date"], "min_age": None, "max_age": None})
    # Long days are allowed: 16 JP in one day, 512 in 32.
    domain.validate_program_fields(**GOOD | {"hours": 16, "end_date": GOOD["start_date"], "registration_closes": GOOD["start_date"]})
    domain.validate_program_fields(**GOOD | {"hours": 512})


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  Web "}, "title", "Judul program minimal 5 karakter."),
        ({"hours": 0}, "hours", "Jumlah JP harus antara 1 dan 5000."),
        ({"hours": 5001}, "hours", "Jumlah JP harus antara 1 dan 5000."),
        ({"end_date": D(2027, 1, 9)}, "end_date", "Tanggal selesai tidak boleh sebelum tanggal mulai."),
        # A month's training "done" in a day: a typo of the end date or the hours.
        ({"hours": 120, "end_date": D(2027, 1, 10)}, "hours",
         "120 JP dalam 1 hari berarti lebih dari 16 JP sehari: periksa jumlah JP atau tanggal selesai."),
        ({"hours": 513, "end_date": D(2027, 2, 10)}, "hours",
         "513 JP dalam 32 hari berarti lebih dari 16 JP sehari: periksa jumlah JP atau tanggal selesai."),
        ({"registration_closes": D(2026, 11, 30)}, "registration_closes", "Pendaftaran tidak boleh ditutup sebelum dibuka."),
        ({"registration_closes": D(2027, 2, 11)}, "registration_closes",
         "Pendaftaran harus ditutup paling lambat pada tanggal selesai pelatihan."),
        ({"quota": 0}, "quota", "Kuota peserta harus antara 1 dan 100.000."),
        ({"quota": 100_001}, "quota", "Kuota peserta harus antara 1 dan 100.000."),
        ({"funding": "apbn", "dipa_reference": "  "}, "dipa_reference", "Program APBN wajib mencantumkan nomor DIPA."),
        ({"fee": -1}, "fee", "Biaya tidak boleh negatif."),
        ({"min_age": 30, "max_age": 29}, "max_age", "Usia maksimal harus lebih besar dari usia minimal."),
        ({"min_education": "phd"}, "min_education", "Pendidikan minimal tidak dikenal."),
    ],
)
def test_program_field_messages(changes, field, message):
    with pytest.raises(ValidationFailed) as exc:
        domain.validate_program_fields(**GOOD | changes)
    assert exc.value.field == field and exc.value.code == f"program_{field}"
    assert exc.value.message.id == message and exc.value.message.en


# --- a state machine over one program -----------------------------------------------------------

class ProgramMachine(RuleBasedStateMachine):
    """A program and its enrollments driven only through the pure rules, the way the services use
    them (accept respects the seats left; start/close/cancel apply their bulk effects). Invariants:
    seat holders never exceed the quota; a final state never changes; nothing stays active in a
    closed or cancelled program; the program status only moves along the table."""

    @initialize(quota=st.integers(1, 4))
    def setup(self, quota):
        self.quota = quota
        self.status = P.DRAFT
        self.states: list[str] = []
        self.results: list[str] = []
        self.finals: dict[int, str] = {}

    def _seats_taken(self) -> int:
        return sum(s in (E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT) for s in self.states)

    @rule(action=st.sampled_from(PROGRAM_ACTIONS))
    def program_action(self, action):
        try:
            new = domain.program_next_status(action=action, status=self.status)
        except Conflict:
            assert (action, self.status) not in PROGRAM_EXPECTED
            return
        assert PROGRAM_EXPECTED[(action, self.status)] == new
        for i, state in enumerate(self.states):
            if action == "start" and state in (E.REGISTERED, E.SELECTED):
                self.states[i] = E.NOT_SELECTED
            elif action == "close" and state == E.PARTICIPANT:
                self.states[i] = domain.close_outcome(result=self.results[i])[0]
            elif action == "close" and state in (E.REGISTERED, E.SELECTED):
                self.states[i] = E.NOT_SELECTED
            elif action == "cancel" and state in domain.ACTIVE_STATES:
                self.states[i] = E.WITHDRAWN
        self.status = new

    @precondition(lambda self: len(self.states) < 12)
    @rule()
    def register(self):
        if domain.registration_open(status=self.status, window=WINDOW, today=D(2026, 11, 15)) is None:
            self.states.append(E.REGISTERED)
            self.results.append("pending")

    @precondition(lambda self: self.states)
    @rule(data=st.data(), action=st.sampled_from(ENROLLMENT_ACTIONS))
    def enrollment_action(self, data, action):
        i = data.draw(st.integers(0, len(self.states) - 1))
        try:
            new = domain.enrollment_next_state(action=action, state=self.states[i], program_status=self.status)
        except Conflict:
            return
        if action in domain.SEAT_TAKING and self._seats_taken() >= self.quota:
            return  # refused: quota full
        self.states[i] = new

    @precondition(lambda self: self.states)
    @rule(data=st.data(), result=st.sampled_from(["passed", "failed", "pending"]))
    def set_result(self, data, result):
        i = data.draw(st.integers(0, len(self.states) - 1))
        if self.status == P.RUNNING and self.states[i] == E.PARTICIPANT:
            self.results[i] = result

    @invariant()
    def seats_within_quota(self):
        if hasattr(self, "quota"):
            assert self._seats_taken() <= self.quota

    @invariant()
    def finals_never_change(self):
        for i, state in enumerate(getattr(self, "states", [])):
            if i in self.finals:
                assert state == self.finals[i], f"enrollment {i} left final state {self.finals[i]} for {state}"
            elif state in domain.FINAL_STATES:
                self.finals[i] = state

    @invariant()
    def nothing_active_after_the_end(self):
        if getattr(self, "status", None) in (P.CLOSED, P.CANCELLED):
            assert not any(s in domain.ACTIVE_STATES for s in self.states)

    @invariant()
    def graduates_passed(self):
        for state, result in zip(getattr(self, "states", []), getattr(self, "results", []), strict=True):
            if state == E.GRADUATED:
                assert result == "passed"


TestProgramMachine = ProgramMachine.TestCase
TestProgramMachine.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)


def test_starting_early_says_when_assessment_opens_in_words_not_iso():
    """Started early, the instructors found a locked grid (assessment opens on the planned start) with nothing said."""
    start, end = dt.date(2026, 12, 7), dt.date(2026, 12, 18)
    needed = domain.transition_reason_needed(action="start", start_date=start, end_date=end, today=dt.date(2026, 12, 2))
    assert "7 Desember 2026" in needed.id and "Penilaian kompetensi" in needed.id and "2026-12-07" not in needed.id
    assert "7 December 2026" in needed.en and "assess" in needed.en
    closing = domain.transition_reason_needed(action="close", start_date=start, end_date=end, today=dt.date(2026, 12, 10))
    assert "18 Desember 2026" in closing.id and "18 December 2026" in closing.en
    assert domain.transition_reason_needed(action="start", start_date=start, end_date=end, today=start) is None
