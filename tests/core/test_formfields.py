"""Rupiah as people type them (an <input type=number> refused "3.500.000" and the form said "enter a whole number")."""

from __future__ import annotations

import pytest
from django import forms

from sisnaker.core.formfields import RupiahField


class Form(forms.Form):
    amount = RupiahField(min_value=0, max_value=100_000_000)


@pytest.mark.parametrize(("typed", "value"), [
    ("3500000", 3_500_000), ("3.500.000", 3_500_000), ("Rp 3.500.000", 3_500_000), ("Rp3.500.000,-", 3_500_000),
    ("3.500.000,00", 3_500_000), ("3,500,000", 3_500_000), (" 600.000 ", 600_000), ("0", 0),
])
def test_rupiah_as_typed(typed, value):
    form = Form({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == value


@pytest.mark.parametrize("typed", ["3,5", "3.5", "tiga juta", "3.500.00", "-5", "1.000.000.000"])
def test_what_is_no_whole_rupiah_amount_is_refused(typed):
    assert not Form({"amount": typed}).is_valid()


def test_the_box_opens_the_number_keypad_and_takes_dots():
    html = str(Form()["amount"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html
