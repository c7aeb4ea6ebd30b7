"""Prakerja forms: they only parse; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sisnaker.accounts.models import Person
from sisnaker.regions.fields import RegionPickerField, RegionRefreshMixin

from . import domain
from .domain import STATEMENT, CourseType, ExclusionCategory

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_RUPIAH = {"min_value": 0, "max_value": 10**12}


class WaveForm(forms.Form):
    name = forms.CharField(label=_("Nama gelombang"), max_length=100)
    opens_on = forms.DateField(label=_("Dibuka"), widget=_DATE)
    closes_on = forms.DateField(label=_("Ditutup"), widget=_DATE)
    national_target = forms.IntegerField(label=_("Target nasional (orang)"), min_value=1, max_value=10**8)
    training_balance = forms.IntegerField(label=_("Saldo pelatihan (Rp)"), **_RUPIAH)
    post_training_incentive = forms.IntegerField(label=_("Insentif pascapelatihan per bulan (Rp)"), **_RUPIAH)
    post_training_incentive_count = forms.IntegerField(label=_("Berapa kali insentif pascapelatihan"), min_value=0, max_value=24)
    incentive_interval_days = forms.IntegerField(label=_("Jarak antarinsentif (hari)"), min_value=1, max_value=365, initial=30)
    survey_incentive = forms.IntegerField(label=_("Insentif survei (Rp)"), **_RUPIAH)
    # Sisnaker has three Prakerja surveys after a training (domain.SURVEY_CODES): a wave pays at most three.
    survey_incentive_count = forms.IntegerField(label=_("Jumlah survei berinsentif"), min_value=0, max_value=domain.SURVEYS_MAX)
    purchase_deadline_days = forms.IntegerField(label=_("Batas waktu membeli pelatihan pertama (hari)"), min_value=1, max_value=365)
    max_per_household = forms.IntegerField(label=_("Penerima paling banyak per KK"), min_value=1, max_value=20, initial=2)


class QuotaForm(forms.Form):
    """One number per province: quotas typed by hand, or weights to compute them from."""

    mode = forms.ChoiceField(label=_("Isian"), choices=[("manual", _("Kuota per provinsi (jumlahnya = target)")),
                                                        ("weights", _("Bobot (mis. angkatan kerja); kuota dihitung"))])

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = list(provinces)
        for province in self.provinces:
            self.fields[f"p_{province.code}"] = forms.IntegerField(label=province.name, min_value=0, max_value=10**12, required=False)

    def values(self) -> dict[str, int]:
        return {p.code: self.cleaned_data.get(f"p_{p.code}") or 0 for p in self.provinces}

    def rows(self):
        return [(p, self[f"p_{p.code}"]) for p in self.provinces]


class ApplicationForm(RegionRefreshMixin, forms.Form):
    nik = forms.CharField(label=_("NIK (16 angka di KTP)"), max_length=25,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    kk_number = forms.CharField(label=_("Nomor Kartu Keluarga (16 angka)"), max_length=25,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    full_name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=150)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=_DATE)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Person.Sex.choices)
    education = forms.ChoiceField(label=_("Pendidikan terakhir"), choices=[("", "—")] + list(Person.Education.choices))
    in_formal_education = forms.BooleanField(label=_("Saya sedang sekolah atau kuliah (pendidikan formal)"), required=False)
    has_disability = forms.BooleanField(label=_("Saya penyandang disabilitas"), required=False)
    domicile = RegionPickerField(label=_("Domisili saat ini"))
    phone = forms.CharField(label=_("Nomor HP (menerima kode SMS)"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail (menerima kode)"))
    statement = forms.BooleanField(label=STATEMENT.id, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].label = str(STATEMENT)


class AssistedApplicationForm(ApplicationForm):
    consent = forms.BooleanField(label=_("Warga yang saya bantu setuju datanya saya isikan dan hadir di posko"), required=False)


class WaveCloseForm(forms.Form):
    """The confirmation of closing a wave: the written reason, which the service requires when the wave closes
    before its announced closing day (``domain.close_reason_needed``)."""

    reason = forms.CharField(label=_("Alasan"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(forms.Form):
    phone_code = forms.CharField(label=_("Kode dari SMS"), max_length=12,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
    email_code = forms.CharField(label=_("Kode dari e-mail"), max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric"}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Terima")), ("reject", _("Tolak"))])
    note = forms.CharField(label=_("Catatan (wajib bila menolak)"), max_length=300, required=False)


class ExclusionForm(forms.Form):
    category = forms.ChoiceField(label=_("Daftar"), choices=[("", "—")])
    file = forms.FileField(label=_("Berkas (.xlsx, .xls, .csv) dengan kolom NIK"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(k, str(v)) for k, v in ExclusionCategory.CHOICES]


# --- curation and purchase ---------------------------------------------------------------------------------------

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProposeForm(forms.Form):
    program = forms.IntegerField(widget=forms.HiddenInput)
    price = forms.IntegerField(label=_("Harga Prakerja (Rp)"), min_value=1, max_value=100_000_000)
    course_type = forms.ChoiceField(label=_("Jenis pelatihan"), required=False,
                                    choices=[("", _("Sesuai moda program"))] + [(v, str(label)) for v, label in CourseType.CHOICES])
    sessions = forms.CharField(label=_("Jadwal sesi (satu per baris, mis. 2026-05-04 09:00; kosong: mulai program pukul 08.00)"),
                               required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_sessions(self):
        out = []
        for line in (self.cleaned_data.get("sessions") or "").splitlines():
            if not line.strip():
                continue
            try:
                value = dt.datetime.strptime(" ".join(line.split()).replace("T", " "), "%Y-%m-%d %H:%M")
            except ValueError:
                raise forms.ValidationError(_("Tulis setiap sesi sebagai TTTT-BB-HH JJ:MM.")) from None
            out.append(timezone.make_aware(value))
        return out


class CurationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("reject", "reject")])
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)


class BuyForm(forms.Form):
    """The idempotency key comes with the page: pressing "Beli" twice is one purchase."""

    card = forms.CharField(max_length=16)
    key = forms.CharField(max_length=100)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=40)
    sequence = forms.IntegerField(label=_("Sesi ke-"), min_value=1, max_value=999, required=False)
