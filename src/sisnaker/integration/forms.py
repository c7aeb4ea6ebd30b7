from django import forms
from django.utils.translation import gettext_lazy as _

from .domain import NAME_MAX, Kind, Scheme


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Nama mitra"), max_length=NAME_MAX)
    kind = forms.ChoiceField(label=_("Jenis"), choices=Kind.choices, widget=forms.RadioSelect)
    institution = forms.CharField(label=_("Nomor registrasi lembaga"), required=False, max_length=40,
                                  help_text=_("Hanya untuk lembaga pelatihan (LPK/BLK) yang sudah disetujui."))


class KeyForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Skema"), choices=Scheme.choices, initial=Scheme.HMAC_SHA256)


class RevokeForm(forms.Form):
    key = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=500)
