"""The public look-up by certificate number (``/v/``): the number and the holder's birth date. Forms
only parse; ``certificates.certificate_lookup`` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import domain


class LookupForm(forms.Form):
    nomor = forms.CharField(label=_("Nomor sertifikat"), max_length=domain.NUMBER_MAX,
                            widget=forms.TextInput(attrs={"placeholder": "BLK-3273-001/2026/000123", "autocomplete": "off",
                                                          "spellcheck": "false", "autocapitalize": "characters"}))
    lahir = forms.DateField(label=_("Tanggal lahir pemegang sertifikat"),
                            help_text=_("Seperti tertulis di KTP pemegang. Nama lengkap dan tahun lahir tampil saat kode QR dipindai."),
                            widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"))

    def clean_nomor(self) -> str:
        value = domain.clean_number(self.cleaned_data["nomor"])
        if value is None:
            raise forms.ValidationError(_("Nomor sertifikat hanya berisi huruf, angka, dan tanda baca biasa (paling banyak 80 karakter)."))
        return value
