"""``core.compact.FirstSeen`` answers as a dict's ``setdefault`` would, whatever the keys (NIKs as numbers)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sisnaker.core.compact import FirstSeen

KEYS = st.one_of(st.integers(0, 2**64 - 1), st.integers(0, 40), st.integers(3201010101900001, 3201010101909999))


@settings(max_examples=200)
@given(st.lists(KEYS, max_size=3000))
def test_first_row_of_each_key_as_a_dict_keeps_it(keys):
    seen, expected = FirstSeen(bits=2), {}
    for row, key in enumerate(keys, start=2):
        assert seen.first(key, row) == expected.get(key)
        expected.setdefault(key, row)
    assert len(seen) == len(expected)


def test_consecutive_nik_serials_past_many_growths():
    # One district and birth date, serials 0001–9999, then every one again: each is found with its first row.
    seen = FirstSeen()
    niks = [3273014509900000 + serial for serial in range(1, 10_000)] * 2
    firsts = [seen.first(nik, row) for row, nik in enumerate(niks, start=2)]
    assert firsts[:9999] == [None] * 9999
    assert firsts[9999:] == list(range(2, 10_001))
    assert len(seen) == 9999
