"""AK/1 pure rules: number format, validity, report boxes, who may apply."""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.placement import domain
from sisnaker.placement.domain import CardStatus, Validity


def test_card_number_format():
    assert domain.card_number(regency_code="32.73", year=2026, sequence=17) == "3273-2026-000017"
    with pytest.raises(ValueError):
        domain.card_number(regency_code="32", year=2026, sequence=1)
    with pytest.raises(ValueError):
        domain.card_number(regency_code="32.73", year=2026, sequence=0)


def test_valid_two_years_from_issue():
    issued = dt.date(2026, 3, 10)
    assert domain.valid_until(issued) == dt.date(2028, 3, 9)
    assert domain.validity(issued_on=issued, today=issued) == Validity.VALID
    assert domain.validity(issued_on=issued, today=dt.date(2028, 3, 9)) == Validity.VALID
    assert domain.validity(issued_on=issued, today=dt.date(2028, 3, 10)) == Validity.EXPIRED
    leap = dt.date(2028, 2, 29)
    assert domain.expires_on(leap) == dt.date(2030, 3, 1) and domain.valid_until(leap) == dt.date(2030, 2, 28)


def test_four_report_boxes_every_six_months():
    boxes = domain.report_boxes(issued_on=dt.date(2026, 8, 31), today=dt.date(2027, 3, 1))
    assert [b.due_on for b in boxes] == [dt.date(2027, 2, 28), dt.date(2027, 8, 31), dt.date(2028, 2, 29), dt.date(2028, 8, 31)]
    assert [b.due for b in boxes] == [True, False, False, False]
    assert [b.number for b in boxes] == [1, 2, 3, 4]


def test_apply_blocker():
    today = dt.date(2026, 3, 10)
    assert domain.apply_blocker(statuses_and_issue_dates=[], today=today) is None
    assert domain.apply_blocker(statuses_and_issue_dates=[(CardStatus.REFUSED, None)], today=today) is None
    assert domain.apply_blocker(statuses_and_issue_dates=[(CardStatus.SUBMITTED, None)], today=today) is not None
    assert domain.apply_blocker(statuses_and_issue_dates=[(CardStatus.ISSUED, dt.date(2025, 1, 1))], today=today) is not None
    assert domain.apply_blocker(statuses_and_issue_dates=[(CardStatus.ISSUED, dt.date(2024, 3, 10))], today=today) is None


def test_only_a_waiting_application_is_decided():
    assert domain.decide_blocker(CardStatus.SUBMITTED) is None
    assert domain.decide_blocker(CardStatus.ISSUED).en == "This application has already been decided."
    assert domain.decide_blocker(CardStatus.REFUSED) is not None
