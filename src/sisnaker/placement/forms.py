"""Placement forms: they only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from sisnaker.accounts.models import Person
from sisnaker.core.formfields import RupiahField
from sisnaker.regions.fields import RegencyChoiceMixin, RegionPickerField, RegionRefreshMixin

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
    start_date = forms.DateField(label=_("Mulai bekerja (jika sudah bekerja; kosong: hari ini)"), required=False,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class Ak1UpdateForm(forms.Form):
    marital_status = forms.ChoiceField(label=_("Status perkawinan"), choices=domain.MARITAL_STATUSES)
    address = forms.CharField(label=_("Alamat"), max_length=domain.ADDRESS_MAX)
    education = forms.ChoiceField(label=_("Pendidikan formal terakhir"), choices=Person.Education.choices)
    other_training = forms.CharField(
        label=_("Pendidikan nonformal lain (pelatihan di luar sistem ini)"), max_length=domain.TRAINING_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    skills = forms.CharField(label=_("Keterampilan"), max_length=domain.SKILLS_MAX, widget=forms.Textarea(attrs={"rows": 3}))


def _photo_field() -> forms.FileField:
    """The pas foto upload: the form only takes the file; ``placement.photo.prepare`` decides whether it is a usable
    image (by decoding it), not the name or type the browser sent."""
    return forms.FileField(
        label=_("Pas foto"), widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("Foto wajah terbaru, menghadap ke depan, latar polos; JPEG atau PNG, paling besar 5 MB. Foto dipotong "
                    "menjadi 3×4 dan data lokasi/kamera di dalam berkas dihapus."),
        error_messages={"required": _("Unggah pas foto Anda: kartu AK/1 diterbitkan dengan foto."),
                        "empty": _("Berkas foto kosong. Pilih fotonya lagi."),
                        "invalid": _("Berkas foto tidak terkirim dengan benar. Pilih fotonya lagi.")})


class Ak1ApplyForm(Ak1ApplicationForm):
    """The application with its photo (placed first: the card shows it beside the data)."""

    photo = _photo_field()
    field_order = ["photo"]


class PhotoForm(forms.Form):
    photo = _photo_field()


class PhotoRequestForm(forms.Form):
    reason = forms.CharField(label=_("Mengapa perlu foto baru"), max_length=domain.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))


# --- employers, vacancies, applications --------------------------------------------------------------

class CompanyForm(RegionRefreshMixin, forms.Form):
    name = forms.CharField(label=_("Nama perusahaan"), max_length=200)
    nib = forms.CharField(label=_("NIB (Nomor Induk Berusaha, 13 angka dari OSS)"), max_length=20,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    sector = forms.ChoiceField(label=_("Sektor usaha (KBLI)"), choices=[("", _("Pilih sektor"))] + [
        (k, f"{k} · {t}") for k, t in domain.KBLI_SECTIONS])
    location = RegionPickerField(label=_("Lokasi (provinsi, kabupaten/kota, kecamatan)"))
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Nama kontak"), max_length=150, required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False)


class CompanyEditForm(CompanyForm):
    """The company's data changed by its staff; ``confirm_review`` accepts that a change of the name, NIB or
    regency of an approved company sends it back to the regency office."""

    confirm_review = forms.BooleanField(
        label=_("Saya mengerti: mengubah nama, NIB atau kabupaten/kota mengembalikan perusahaan ke pemeriksaan Disnaker, "
                "dan selama itu lowongan tidak tayang."), required=False)


class CompanyHandOverForm(forms.Form):
    user = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    leave = forms.BooleanField(label=_("Saya keluar dari perusahaan ini setelah menyerahkan peran pengelola"), required=False)


class CompanyReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in domain.COMPANY_REVIEW_ACTIONS])
    reason = forms.CharField(label=_("Alasan / catatan"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompanyStaffForm(forms.Form):
    identifier = forms.CharField(label=_("Nama pengguna, e-mail, atau nomor HP akun"), max_length=150)


EDUCATION_CHOICES = [("", _("Semua jenjang"))] + list(Person.Education.choices)


class FastSelect(forms.Select):
    """A select rendered in Python: Django renders every option through a template, which for the ISCO-08
    groups (about 620) and 38 provinces of the public search cost more than the search itself
    (bench/bench_jobsearch.py). Grouped choices (``(label, [(value, label), ...])``) become ``<optgroup>``s."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}

        def options(choices):
            return format_html_join("", "<option value=\"{}\"{}>{}</option>",
                                    ((str(v), mark_safe(" selected") if str(v) in chosen else "", label) for v, label in choices))

        parts = []
        for v, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(format_html("<optgroup label=\"{}\">{}</optgroup>", v, options(label)))
            else:
                parts.append(options([(v, label)]))
        return format_html("<select{}>{}</select>", flatatt(final), format_html_join("", "{}", ((part,) for part in parts)))


class VacancyForm(RegencyChoiceMixin):
    title = forms.CharField(label=_("Nama jabatan"), max_length=domain.TITLE_MAX)
    occupation = forms.ChoiceField(label=_("Jabatan menurut ISCO-08"), widget=FastSelect)
    openings = forms.IntegerField(label=_("Jumlah yang dibutuhkan"), min_value=1, max_value=domain.OPENINGS_MAX)
    opens_on = forms.DateField(label=_("Tanggal buka"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Tanggal tutup"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    work_type = forms.ChoiceField(label=_("Jenis pekerjaan"), choices=domain.WORK_TYPES)
    province = forms.ChoiceField(label=_("Provinsi lokasi kerja"), widget=FastSelect)
    regency = forms.ChoiceField(label=_("Kabupaten/kota lokasi kerja"), widget=FastSelect)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=domain.SEX_REQUIREMENTS)
    age_min = forms.IntegerField(label=_("Usia minimal"), required=False, min_value=0, max_value=200)
    age_max = forms.IntegerField(label=_("Usia maksimal"), required=False, min_value=0, max_value=200)
    min_education = forms.ChoiceField(label=_("Pendidikan minimal"), choices=EDUCATION_CHOICES, required=False)
    experience_years = forms.IntegerField(label=_("Pengalaman (tahun)"), min_value=0, max_value=100, initial=0)
    skills = forms.CharField(label=_("Keterampilan yang dibutuhkan"), max_length=domain.SKILLS_VACANCY_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("Uraian pekerjaan"), max_length=domain.DESCRIPTION_MAX, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    wage_min = RupiahField(label=_("Upah minimal per bulan (Rp)"), required=False, min_value=0, max_value=domain.WAGE_MAX)
    wage_max = RupiahField(label=_("Upah maksimal per bulan (Rp)"), required=False, min_value=0, max_value=domain.WAGE_MAX)
    wage_negotiable = forms.BooleanField(label=_("Upah dapat dinegosiasikan"), required=False)
    vocational_field = forms.ChoiceField(label=_("Kejuruan pelatihan yang sesuai"), required=False, widget=FastSelect)
    competency_units = forms.CharField(
        label=_("Kode unit kompetensi SKKNI yang dibutuhkan (pisahkan dengan koma)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, regency=None, occupations=(), fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_regency(required=True, initial_regency=regency)
        self.fields["occupation"].choices = [("", _("Pilih jabatan"))] + list(occupations)
        self.fields["vocational_field"].choices = [("", _("Tidak ada"))] + list(fields)

    def clean(self):
        data = super().clean()
        data["regency_obj"] = self.clean_regency_choice(required=True)
        data["unit_codes"] = tuple(c for c in (data.get("competency_units") or "").replace("\n", ",").split(",") if c.strip())
        return data


class VacancyFillForm(forms.Form):
    filled = forms.IntegerField(label=_("Jumlah yang terisi"), min_value=0, max_value=domain.OPENINGS_MAX)


class ApplyForm(forms.Form):
    cover_note = forms.CharField(label=_("Catatan untuk pemberi kerja (boleh kosong)"), max_length=1000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class MoveForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in domain.APPLICATION_ACTIONS])
    note = forms.CharField(label=_("Catatan"), max_length=1000, required=False)
    start_date = forms.DateField(label=_("Tanggal mulai bekerja"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class SearchForm(RegencyChoiceMixin):
    """The public search's filters (GET). Whatever it cannot read is dropped: a bad link never fails."""

    q = forms.CharField(label=_("Kata kunci"), max_length=100, required=False)
    province = forms.ChoiceField(label=_("Provinsi"), required=False, widget=FastSelect)
    regency = forms.ChoiceField(label=_("Kabupaten/kota"), required=False, widget=FastSelect)
    vocational_field = forms.ChoiceField(label=_("Kejuruan"), required=False, widget=FastSelect)
    occupation = forms.ChoiceField(label=_("Golongan jabatan (ISCO-08)"), required=False, widget=FastSelect)
    education = forms.ChoiceField(label=_("Pendidikan saya"), choices=EDUCATION_CHOICES, required=False, widget=FastSelect)
    min_wage = RupiahField(label=_("Upah minimal (Rp/bulan)"), required=False, min_value=0, max_value=domain.WAGE_MAX)
    work_type = forms.ChoiceField(label=_("Jenis pekerjaan"), choices=[("", _("Semua"))] + list(domain.WORK_TYPES), required=False)

    def __init__(self, *args, occupations=(), fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_regency(required=False)
        self.fields["occupation"].choices = [("", _("Semua jabatan"))] + list(occupations)
        self.fields["vocational_field"].choices = [("", _("Semua kejuruan"))] + list(fields)

    def params(self) -> dict:
        """The filters it could read, for ``selectors.SearchParams`` (each field on its own: one bad value drops
        only itself)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        d = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        field = str(d.get("vocational_field") or "")
        return {"q": (d.get("q") or "").strip(), "province": d.get("province") or "", "regency": d.get("regency") or "",
                "vocational_field": int(field) if field.isdigit() else None, "occupation": d.get("occupation") or "",
                "education": d.get("education") or "", "min_wage": d.get("min_wage") or None, "work_type": d.get("work_type") or ""}



class OutcomeForm(forms.Form):
    """One report for the alumni ticked on the worklist (their enrolment ids come as ``enrollment``)."""

    status = forms.ChoiceField(label=_("Keadaan kerja sekarang"), choices=domain.OutcomeStatus.CHOICES)
    employer_name = forms.CharField(label=_("Pemberi kerja / nama usaha (jika bekerja)"), max_length=200, required=False)
    position = forms.CharField(label=_("Jabatan/pekerjaan (jika bekerja)"), max_length=domain.TITLE_MAX, required=False)
    start_date = forms.DateField(label=_("Mulai bekerja"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    sector = forms.ChoiceField(label=_("Sektor (KBLI)"), required=False,
                               choices=[("", _("Tidak diketahui"))] + [(k, f"{k} · {t}") for k, t in domain.KBLI_SECTIONS])
    overseas = forms.BooleanField(label=_("Bekerja di luar negeri"), required=False)


class OutcomeImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas laporan (.xlsx, .xls, .csv) dengan kolom NIK, Status, Pemberi kerja, Jabatan, "
                                   "Mulai bekerja, Sektor, Luar negeri"))


# --- placements reported outside a hire -------------------------------------------------------------------------

SECTOR_CHOICES = [(k, f"{k} · {t}") for k, t in domain.KBLI_SECTIONS]


class EmployerReportForm(forms.Form):
    """A company's staff report a person who works for them (NIK, name and birth date must all match the person)."""

    nik = forms.CharField(label=_("NIK (16 angka, sesuai KTP)"), max_length=30,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    full_name = forms.CharField(label=_("Nama lengkap sesuai KTP"), max_length=150)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    position = forms.CharField(label=_("Jabatan/pekerjaan"), max_length=domain.TITLE_MAX)
    start_date = forms.DateField(label=_("Mulai bekerja"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    sector = forms.ChoiceField(label=_("Sektor (KBLI)"), required=False,
                               choices=[("", _("Sama dengan sektor perusahaan"))] + SECTOR_CHOICES)
    overseas = forms.BooleanField(label=_("Bekerja di luar negeri (penempatan luar negeri)"), required=False)


class PlacementEndForm(forms.Form):
    end_date = forms.DateField(label=_("Tanggal terakhir bekerja"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class AlumnusReportForm(forms.Form):
    """An alumnus's own work status for one graduated training (``enrollment``: one of their trainings)."""

    enrollment = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Keadaan kerja Anda sekarang"), choices=domain.OutcomeStatus.CHOICES,
                               widget=forms.RadioSelect)
    employer_name = forms.CharField(label=_("Tempat bekerja / nama usaha Anda (jika bekerja atau berwirausaha)"),
                                    max_length=domain.EMPLOYER_MAX, required=False)
    position = forms.CharField(label=_("Jabatan / jenis pekerjaan"), max_length=domain.TITLE_MAX, required=False)
    start_date = forms.DateField(label=_("Sejak tanggal"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    sector = forms.ChoiceField(label=_("Sektor (KBLI)"), required=False, choices=[("", _("Tidak tahu"))] + SECTOR_CHOICES)
    overseas = forms.BooleanField(label=_("Bekerja di luar negeri"), required=False)
    previous = forms.ChoiceField(label=_("Pekerjaan yang Anda laporkan sebelumnya"), choices=domain.PREVIOUS_CHOICES,
                                 required=False, initial=domain.PREVIOUS_CORRECT, widget=forms.RadioSelect)
    previous_end = forms.DateField(label=_("Tanggal terakhir bekerja di sana"), required=False,
                                   widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
