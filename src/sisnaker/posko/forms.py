"""Forms only parse and show input; the services decide (scope, consent, the NIK rule)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sisnaker.accounts.models import Person
from sisnaker.institutions.models import Institution
from sisnaker.prakerja.domain import STATEMENT
from sisnaker.regions.fields import RegionPickerField, RegionRefreshMixin
from sisnaker.regions.models import Regency

from .domain import CONSENT_VERSION, Consent, ConsentMethod, PoskoKind

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PoskoForm(forms.Form):
    name = forms.CharField(label=_("Nama posko"), max_length=150)
    kind = forms.ChoiceField(label=_("Jenis posko"), choices=PoskoKind.choices)
    # Lists of the viewer's own scope; any existing regency or institution is taken here, and the service refuses one
    # outside the scope (a refusal, not a form error).
    institution = forms.CharField(label=_("Lembaga pelatihan (untuk posko lembaga)"), required=False, widget=forms.Select)
    regency = forms.CharField(label=_("Kabupaten/kota"), max_length=5, widget=forms.Select)
    address = forms.CharField(label=_("Alamat (boleh kosong)"), max_length=300, required=False)

    def __init__(self, *args, regencies=(), institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].widget.choices = [("", "—")] + [(r.code, r.name) for r in regencies]
        self.fields["institution"].widget.choices = [("", "—")] + [(str(i.pk), i.name) for i in institutions]

    def clean_regency(self):
        regency = Regency.objects.filter(code=self.cleaned_data["regency"]).first()
        if regency is None:
            raise forms.ValidationError(_("Pilih kabupaten/kota."))
        return regency

    def clean_institution(self):
        value = (self.cleaned_data.get("institution") or "").strip()
        if not value:
            return None
        institution = Institution.objects.filter(pk=int(value)).first() if value.isdigit() and len(value) < 12 else None
        if institution is None:
            raise forms.ValidationError(_("Pilih lembaga dari daftar."))
        return institution


class ConsentMixin(forms.Form):
    consent = forms.BooleanField(label=_("Warga sudah menandatangani formulir persetujuan setelah naskah di atas dibacakan"),
                                 required=False)
    consent_version = forms.CharField(widget=forms.HiddenInput, initial=CONSENT_VERSION, required=False)

    def consent_value(self) -> Consent:
        return Consent(given=bool(self.cleaned_data.get("consent")), version=self.cleaned_data.get("consent_version") or "",
                       method=ConsentMethod.SIGNED_FORM)


class RegisterPersonForm(RegionRefreshMixin, ConsentMixin):
    nik = forms.CharField(label=_("NIK (16 angka di KTP)"), max_length=25,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    full_name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=150)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=_DATE)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=[("", "—")] + list(Person.Sex.choices))
    education = forms.ChoiceField(label=_("Pendidikan terakhir"), choices=[("", "—")] + list(Person.Education.choices))
    phone = forms.CharField(label=_("Nomor HP warga (boleh kosong bila ada e-mail)"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail warga (boleh kosong bila ada nomor HP)"), required=False)
    domicile = RegionPickerField(label=_("Domisili saat ini"))
    address = forms.CharField(label=_("Alamat (boleh kosong)"), max_length=300, required=False)
    has_disability = forms.BooleanField(label=_("Penyandang disabilitas"), required=False)
    disability_kind = forms.ChoiceField(label=_("Jenis disabilitas"), choices=[("", "—")] + list(Person.Disability.choices),
                                        required=False)

    field_order = ["nik", "full_name", "birth_date", "sex", "phone", "email", "domicile", "address", "education",
                   "has_disability", "disability_kind", "consent", "consent_version"]


class ApplyTrainingForm(ConsentMixin):
    program = forms.IntegerField(label=_("Program pelatihan yang dipilih warga"), min_value=1, max_value=2**63 - 1,
                                 widget=forms.Select)

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].widget.choices = [("", "—")] + [
            (p.pk, f"{p.title} — {p.institution.name} ({p.regency.name})") for p in programs]


class PrakerjaForm(RegionRefreshMixin, ConsentMixin):
    nik = forms.CharField(label=_("NIK (16 angka di KTP)"), max_length=25,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    kk_number = forms.CharField(label=_("Nomor Kartu Keluarga (16 angka)"), max_length=25,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    full_name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=150)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=_DATE)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Person.Sex.choices)
    education = forms.ChoiceField(label=_("Pendidikan terakhir"), choices=[("", "—")] + list(Person.Education.choices))
    in_formal_education = forms.BooleanField(label=_("Warga sedang sekolah atau kuliah (pendidikan formal)"), required=False)
    has_disability = forms.BooleanField(label=_("Penyandang disabilitas"), required=False)
    domicile = RegionPickerField(label=_("Domisili saat ini"))
    phone = forms.CharField(label=_("Nomor HP warga (menerima kode SMS)"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail warga (menerima kode)"))
    statement = forms.BooleanField(label=STATEMENT.id, required=False)

    field_order = ["nik", "kk_number", "full_name", "birth_date", "sex", "education", "in_formal_education",
                   "has_disability", "domicile", "phone", "email", "statement", "consent", "consent_version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].label = str(STATEMENT)
