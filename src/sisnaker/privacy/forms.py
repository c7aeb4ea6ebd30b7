from django import forms
from django.utils.translation import gettext_lazy as _

from .domain import DETAILS_MAX, Kind, Status


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Yang Anda minta"), choices=Kind.choices, widget=forms.RadioSelect)
    details = forms.CharField(label=_("Penjelasan"), required=False, max_length=DETAILS_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Data mana yang dimaksud dan apa yang harus diubah, dihapus, atau dihentikan. "
                                          "Untuk salinan data cukup dikosongkan."))


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Hasil"), widget=forms.RadioSelect,
                                choices=[(Status.DONE, _("Selesai: sudah dipenuhi")), (Status.REFUSED, _("Ditolak, dengan alasan"))])
    answer = forms.CharField(label=_("Jawaban untuk warga"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
