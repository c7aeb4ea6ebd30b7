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


def test_hidden_cells_that_would_each_have_to_be_one_take_another_cell_with_them():
    # Five districts with one beneficiary each and the regency's total of 5 beside them: with the zeros shown, 5
    # hidden cells adding up to 5 can only be 1 each. The next smallest shown count goes too.
    assert suppress([1, 1, 1, 1, 1, 0, 9, 30], total=44) == [True] * 5 + [False, True, False]
    # Nothing left to hide but zeros: they are hidden too, so a hidden cell may be 0 and none is pinned.
    assert suppress([1, 1, 1, 1, 1, 0, 0], total=5) == [True] * 7


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
        if n == 0 and h:
            # Zeros are hidden only when no shown count is left to hide.
            assert all(hh for nn, hh in zip(cells, hidden, strict=True) if nn > 0)
    if any(hidden) and not total_hidden(total):
        hidden_values = [n for n, h in zip(cells, hidden, strict=True) if h]
        if all(hidden):
            return  # only the total is published (the documented remainder)
        # A reader knows each hidden cell is at least 1 (0 when zeros are hidden too) and their sum (the total minus
        # what is shown): the most any one of them can be must still reach the threshold, so none is pinned or
        # shown to be small.
        least = 0 if 0 in hidden_values else 1
        assert len(hidden_values) >= 2
        assert sum(hidden_values) - (len(hidden_values) - 1) * least >= 5
