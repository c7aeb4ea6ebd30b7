"""Placement forms: they only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sisnaker.accounts.models import Person

from . import domain


class Ak1ApplicationForm(forms.Form):
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=domain.BIRTH_PLACE_MAX)
    marital_status = forms.ChoiceField(label=_("Status perkawinan"), choices=domain.MARITAL_STATUSES)
    religion = forms.ChoiceField(label=_("Agama"), choices=domain.RELIGIONS)
    address = forms.CharField(label=_("Alamat"), max_length=domain.ADDRESS_MAX)
    education = forms.ChoiceField(label=_("Pendidikan formal terakhir"), choices=Person.Education.choices)
    other_training = forms.CharField(
        label=_("Pendidikan nonformal lain (pelatihan di luar sistem ini)"), max_length=domain.TRAINING_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sertifikat pelatihan dari sistem ini tercantum dengan sendirinya."))
    skills = forms.CharField(label=_("Keterampilan"), max_length=domain.SKILLS_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penolakan"), max_length=domain.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Keadaan Anda sekarang"), choices=domain.ReportOutcome.CHOICES, widget=forms.RadioSelect)
    employer_name = forms.CharField(label=_("Nama pemberi kerja (jika sudah bekerja)"), max_length=domain.EMPLOYER_MAX,
                                    required=False)
    position = forms.CharField(label=_("Jabatan/pekerjaan (jika sudah bekerja)"), max_length=domain.POSITION_MAX, required=False)


class Ak1UpdateForm(forms.Form):
    marital_status = forms.ChoiceField(label=_("Status perkawinan"), choices=domain.MARITAL_STATUSES)
    address = forms.CharField(label=_("Alamat"), max_length=domain.ADDRESS_MAX)
    education = forms.ChoiceField(label=_("Pendidikan formal terakhir"), choices=Person.Education.choices)
    other_training = forms.CharField(
        label=_("Pendidikan nonformal lain (pelatihan di luar sistem ini)"), max_length=domain.TRAINING_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    skills = forms.CharField(label=_("Keterampilan"), max_length=domain.SKILLS_MAX, widget=forms.Textarea(attrs={"rows": 3}))
