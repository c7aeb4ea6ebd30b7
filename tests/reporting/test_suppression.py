"""Small-cell suppression (reporting.domain.suppress): a published line never lets anyone work out a count from 1
to threshold−1, even with its total."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.reporting.domain import suppress, total_hidden

counts = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12)


def test_small_cells_are_hidden_and_zero_is_shown():
    assert suppress([0, 3, 12, 40]) == [False, True, False, False]


def test_one_hidden_cell_takes_the_next_smallest_with_it_when_the_total_is_shown():
    # 103 − 100 − 0 would give the 3 away: the 100 is hidden too.
    assert suppress([3, 0, 100], total=103) == [True, False, True]
    # Two small cells adding up to less than 5 are not enough either.
    assert suppress([1, 2, 7, 50], total=60) == [True, True, True, False]


def test_a_total_below_the_threshold_hides_every_cell():
    assert suppress([1, 2, 0], total=3) == [True, True, False]
    assert total_hidden(3) and not total_hidden(0) and not total_hidden(5)


# A pure function: no deadline or speed check (a loaded CI box is not a finding).
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts)
def test_no_hidden_cell_can_be_recovered_from_the_total(cells):
    total = sum(cells)
    hidden = suppress(cells, total=total)
    for n, h in zip(cells, hidden, strict=True):
        if 0 < n < 5:
            assert h  # primary
        if n == 0:
            assert not h
    if any(hidden) and not total_hidden(total):
        hidden_values = [n for n, h in zip(cells, hidden, strict=True) if h]
        # At least two cells hidden, adding up to at least the threshold: the total gives only their sum.
        assert len(hidden_values) >= 2 or sum(1 for n in cells if n > 0) == 1
        assert sum(hidden_values) >= 5 or all(h for n, h in zip(cells, hidden, strict=True) if n > 0)
