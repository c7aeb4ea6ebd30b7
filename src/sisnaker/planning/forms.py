"""Planning forms: they only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import domain


class PlanCreateForm(forms.Form):
    region = forms.ChoiceField(label=_("Wilayah"))
    year = forms.TypedChoiceField(label=_("Tahun usulan"), coerce=int)

    def __init__(self, *args, areas: list[tuple[str, str]], years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = areas
        self.fields["year"].choices = [(y, str(y)) for y in years]
        if years:
            self.fields["year"].initial = years[-1]


class LineForm(forms.Form):
    vocational_field = forms.TypedChoiceField(label=_("Kejuruan"), coerce=int)
    people = forms.IntegerField(label=_("Jumlah orang yang dilatih"), min_value=1, max_value=domain.PEOPLE_MAX,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    reason = forms.CharField(label=_("Alasan"), max_length=domain.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Mis. permintaan industri di daerah, lowongan yang belum terisi, rencana investasi."))

    def __init__(self, *args, fields: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vocational_field"].choices = [("", _("Pilih kejuruan"))] + fields


class LineEditForm(forms.Form):
    people = forms.IntegerField(label=_("Jumlah orang yang dilatih"), min_value=1, max_value=domain.PEOPLE_MAX,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    reason = forms.CharField(label=_("Alasan"), max_length=domain.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pengembalian"), max_length=domain.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))
