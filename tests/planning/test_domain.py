"""Pure rules of planning: the lifecycle table, the deadline, the line checks and the gap reading."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sisnaker.planning import domain
from sisnaker.planning.domain import PlanStatus as S

ACTIONS = st.sampled_from(["submit", "reopen", "return", "publish", ""])
STATUSES = st.sampled_from(S.values)


def test_the_lifecycle_table():
    assert domain.next_status(action="submit", status=S.DRAFT) == S.SUBMITTED
    assert domain.next_status(action="submit", status=S.RETURNED) == S.SUBMITTED
    assert domain.next_status(action="reopen", status=S.SUBMITTED) == S.DRAFT
    assert domain.next_status(action="return", status=S.SUBMITTED) == S.RETURNED
    for refused in (("submit", S.SUBMITTED), ("reopen", S.DRAFT), ("reopen", S.RETURNED), ("return", S.DRAFT),
                    ("return", S.RETURNED)):
        assert domain.next_status(action=refused[0], status=refused[1]) is None
    assert domain.actions_for(S.SUBMITTED) == ["reopen", "return"]
    assert domain.actions_for(S.DRAFT) == ["submit"]


@given(st.lists(ACTIONS, max_size=30))
def test_any_sequence_of_actions_keeps_a_known_status_and_only_draft_or_returned_is_editable(actions):
    status = S.DRAFT
    for action in actions:
        to = domain.next_status(action=action, status=status)
        if to is None:
            assert action not in domain.actions_for(status)
            continue
        assert action in domain.actions_for(status)
        status = to
        assert status in S.values
        # Only the region's submit makes a plan the ministry's to read; everything else gives it back to edit.
        assert domain.is_editable(status) is (status != S.SUBMITTED)


@given(STATUSES, ACTIONS)
def test_every_transition_has_an_actor_and_a_refusal_names_the_status(status, action):
    if action in domain.TRANSITIONS:
        assert domain.ACTOR_OF[action] in ("region", "ministry")
    message = domain.refusal(action=action or "x", status=status)
    assert str(S(status).label) in message.id


def test_the_deadline_is_in_the_year_before_and_reopening_stops_after_it():
    assert domain.deadline(2027) == dt.date(2026, 11, 30)
    assert domain.deadline(2027, (9, 15)) == dt.date(2026, 9, 15)
    assert domain.reopen_blocker(year=2027, today=dt.date(2026, 11, 30)) is None
    blocker = domain.reopen_blocker(year=2027, today=dt.date(2026, 12, 1))
    assert blocker is not None and "2026-11-30" in blocker.id and "Kementerian" in blocker.id
    assert domain.is_late(year=2027, submitted_on=dt.date(2026, 12, 1))
    assert not domain.is_late(year=2027, submitted_on=dt.date(2026, 11, 30))


def test_years_and_lines_are_checked():
    today = dt.date(2026, 11, 23)
    assert domain.years_open(today) == [2026, 2027]
    assert domain.year_error(2027, today=today) is None
    assert domain.year_error(2029, today=today) is not None and domain.year_error(None, today=today) is not None
    assert domain.line_errors(people=40, reason="Permintaan bengkel") == {}
    assert set(domain.line_errors(people=0, reason=" ")) == {"people", "reason"}
    assert set(domain.line_errors(people=domain.PEOPLE_MAX + 1, reason="x" * (domain.REASON_MAX + 1))) == {"people", "reason"}
    assert domain.submit_blocker(lines=0) is not None and domain.submit_blocker(lines=1) is None
    assert domain.return_reason_error("") is not None and domain.return_reason_error("Lengkapi alasan") is None


def test_the_reading_says_the_numbers_and_the_verdict():
    r = domain.reading(demand=120, alumni=30, seekers=12, proposed=40)
    assert (r.gap, r.remaining, r.verdict) == (90, 50, domain.Verdict.PARTLY)
    assert r.text.id == ("permintaan 120 lowongan, alumni 30 (12 pencari kerja ber-AK/1), usulan 40: "
                         "usulan menutup 40 dari kekurangan 90")
    assert r.text.en.startswith("demand 120 openings, alumni 30")
    assert domain.reading(demand=10, alumni=0, seekers=0, proposed=0).verdict == domain.Verdict.UNCOVERED
    assert domain.reading(demand=10, alumni=2, seekers=0, proposed=8).verdict == domain.Verdict.COVERED
    assert domain.reading(demand=0, alumni=5, seekers=1, proposed=20).verdict == domain.Verdict.ABOVE_DEMAND
    assert domain.reading(demand=3, alumni=5, seekers=1, proposed=0).verdict == domain.Verdict.NO_GAP


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_the_remaining_shortfall_is_never_negative_and_never_above_the_gap(demand, alumni, proposed):
    r = domain.reading(demand=demand, alumni=alumni, seekers=0, proposed=proposed)
    assert r.gap == demand - alumni
    assert 0 <= r.remaining <= max(r.gap, 0)


def test_the_alumni_window():
    assert domain.alumni_since(today=dt.date(2026, 11, 23), years=3) == dt.date(2023, 11, 23)
    assert domain.alumni_since(today=dt.date(2028, 2, 29), years=1) == dt.date(2027, 2, 28)
    assert domain.alumni_since(today=dt.date(2026, 11, 23), years=0) is None
