"""Form fields shared by the apps' forms."""

from __future__ import annotations

import re

from django import forms

# Dots between thousands and a comma before the (zero) cents, as Indonesians write; or commas and a dot; or digits.
_RUPIAH = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,0{1,2})?|(\d{1,3}(?:,\d{3})+)(?:\.0{1,2})?|(\d+)(?:[.,]0{1,2})?")


class RupiahField(forms.IntegerField):
    """Whole rupiah as people write them: "3500000", "3.500.000", "Rp 3.500.000,-", "3.500.000,00", "3,500,000" (an
    ``<input type=number>`` refused the dots, and the form then said "enter a whole number"). A text box with the
    phone's number keypad; decimals other than ",00" are refused as before."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().lower()
            text = text.removeprefix("rp").strip().removesuffix(",-").removesuffix(".-").replace(" ", "").replace("\u00a0", "")
            found = _RUPIAH.fullmatch(text)
            if found is not None:
                value = re.sub(r"[.,]", "", next(g for g in found.groups() if g is not None))
        return super().to_python(value)
