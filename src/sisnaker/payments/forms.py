"""Forms only parse and show input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sisnaker.core.formfields import RupiahField
from sisnaker.core.roles import FUNDING_SOURCES

from . import channels
from .domain import PayableKind, PayableStatus

SOURCE_CHOICES = [(s, s.upper()) for s in FUNDING_SOURCES]


class PayoutAccountForm(forms.Form):
    channel = forms.ChoiceField(label=_("Jenis"), choices=[(channels.BANK, _("Rekening bank")), (channels.EWALLET, _("Dompet digital"))],
                                widget=forms.RadioSelect, initial=channels.BANK)
    bank_code = forms.ChoiceField(label=_("Bank"), required=False, choices=[("", "—"), *channels.choices(channels.BANK)])
    ewallet_code = forms.ChoiceField(label=_("Dompet digital"), required=False, choices=[("", "—"), *channels.choices(channels.EWALLET)])
    number = forms.CharField(label=_("Nomor rekening / nomor HP dompet digital"), max_length=30,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    holder_name = forms.CharField(label=_("Nama pemilik rekening (seperti di buku tabungan/aplikasi)"), max_length=150)
    current_password = forms.CharField(label=_("Kata sandi Anda saat ini"),
                                       widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(label=_("Kode 6 angka dari aplikasi autentikator (bila ada)"), max_length=6, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))

    def provider_code(self) -> str:
        d = self.cleaned_data
        return d["bank_code"] if d["channel"] == channels.BANK else d["ewallet_code"]


class InstitutionAccountForm(forms.Form):
    """An institution's bank account (training fees go to a bank account in the institution's name)."""

    bank_code = forms.ChoiceField(label=_("Bank"), choices=[("", "—"), *channels.choices(channels.BANK)])
    number = forms.CharField(label=_("Nomor rekening"), max_length=30,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    holder_name = forms.CharField(label=_("Nama pemilik rekening (nama lembaga, seperti di buku tabungan)"), max_length=150)
    current_password = forms.CharField(label=_("Kata sandi Anda saat ini"),
                                       widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(label=_("Kode 6 angka dari aplikasi autentikator (bila ada)"), max_length=6, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class AccrueForm(forms.Form):
    funding_source = forms.ChoiceField(label=_("Sumber dana"), choices=[("", _("Semua")), *SOURCE_CHOICES], required=False)


class BuildForm(forms.Form):
    funding_source = forms.ChoiceField(label=_("Sumber dana"), choices=SOURCE_CHOICES)
    kind = forms.ChoiceField(label=_("Jenis"), choices=[("", _("Semua")), *PayableKind.choices], required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=500)


class PayableFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Semua")), *PayableStatus.choices], required=False)
    funding_source = forms.ChoiceField(label=_("Sumber dana"), choices=[("", _("Semua")), *SOURCE_CHOICES], required=False)
    kind = forms.ChoiceField(label=_("Jenis"), choices=[("", _("Semua")), *PayableKind.choices], required=False)


class ReturnForm(forms.Form):
    reference = forms.CharField(label=_("Referensi baris"), max_length=40)
    reason = forms.CharField(label=_("Alasan dari bank"), max_length=300)


class ExportForm(forms.Form):
    provider_code = forms.CharField(max_length=20)


class ResultForm(forms.Form):
    file = forms.FileField(label=_("Berkas hasil dari bank (CSV)"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Cocok")), ("reject", _("Tidak cocok"))])
    note = forms.CharField(label=_("Catatan (wajib bila tidak cocok)"), max_length=300, required=False)


class RuleForm(forms.Form):
    funding_source = forms.ChoiceField(label=_("Sumber dana"), choices=SOURCE_CHOICES)
    program_id = forms.IntegerField(label=_("ID program (kosong: seluruh sumber dana)"), required=False, min_value=1)
    amount = RupiahField(label=_("Insentif (rupiah)"), min_value=1, max_value=100_000_000)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Dari tanggal"), required=False)
    end = forms.DateField(label=_("Sampai tanggal"), required=False)
