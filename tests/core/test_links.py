"""``core.links.reverser``: the URL of many rows of one page, reversed once, is what ``reverse`` gives for each."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.core.links import reverser


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_each_id_gives_the_url_reverse_gives(pk):
    for name, kwarg in (("certification:issue", "enrollment_id"), ("certification:certificate", "certificate_id"),
                        ("certification:link_revoke", "enrollment_id")):
        assert reverser(name, kwarg)(pk) == reverse(name, kwargs={kwarg: pk})


def test_other_arguments_stay_and_a_non_number_is_refused():
    url = reverser("certification:board_issue_progress", "program_id", result_id="abc")
    assert url(7) == reverse("certification:board_issue_progress", kwargs={"program_id": 7, "result_id": "abc"})
    with pytest.raises(ValueError):  # a value that is not a number is never put into the path
        url("7/../x")
