"""Training forms: they only parse and show input; the services decide."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from sisnaker.accounts.models import Person, User
from sisnaker.core.formfields import RupiahField
from sisnaker.regions.fields import RegencyChoiceMixin

from .domain import EnrollmentState
from .models import CompetencyUnit, Program, VocationalField
from .spreadsheets.reading import MAX_BYTES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CatalogueForm(RegencyChoiceMixin):
    q = forms.CharField(label=_("Cari pelatihan"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Judul, lembaga, atau kejuruan")}))
    province = forms.ChoiceField(label=_("Provinsi"), required=False)
    regency = forms.ChoiceField(label=_("Kabupaten/Kota"), required=False)
    vocational_field = forms.ModelChoiceField(label=_("Kejuruan"), required=False, queryset=VocationalField.objects.filter(is_active=True),
                                              empty_label=_("Semua kejuruan"))
    mode = forms.ChoiceField(label=_("Cara pelatihan"), required=False, choices=[("", _("Semua"))] + list(Program.Mode.choices))
    starts_after = forms.DateField(label=_("Mulai dari tanggal"), required=False, widget=DATE)
    starts_before = forms.DateField(label=_("Mulai sampai tanggal"), required=False, widget=DATE)
    open_only = forms.BooleanField(label=_("Hanya yang pendaftarannya dibuka"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_regency(required=False)

    def clean(self):
        data = super().clean()
        data["regency_obj"] = self.clean_regency_choice(required=False)
        return data


class ProgramForm(RegencyChoiceMixin):
    title = forms.CharField(label=_("Judul program"), max_length=200)
    description = forms.CharField(label=_("Uraian (boleh kosong)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    vocational_field = forms.ModelChoiceField(label=_("Kejuruan"), queryset=VocationalField.objects.filter(is_active=True),
                                              empty_label=_("Pilih kejuruan"))
    competency_units = forms.ModelMultipleChoiceField(
        label=_("Unit kompetensi (SKKNI)"), required=False, queryset=CompetencyUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    instructors = forms.ModelMultipleChoiceField(
        label=_("Instruktur pengampu"), required=False, queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Instruktur yang menilai peserta program ini. Bila tidak ada yang dipilih, semua instruktur lembaga dapat menilai."),
    )
    hours = forms.IntegerField(label=_("Jumlah JP (jam pelajaran)"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    start_date = forms.DateField(label=_("Tanggal mulai"), widget=DATE)
    end_date = forms.DateField(label=_("Tanggal selesai"), widget=DATE)
    registration_opens = forms.DateField(label=_("Pendaftaran dibuka"), widget=DATE)
    registration_closes = forms.DateField(label=_("Pendaftaran ditutup"), widget=DATE)
    quota = forms.IntegerField(label=_("Kuota peserta"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    province = forms.ChoiceField(label=_("Provinsi lokasi"))
    regency = forms.ChoiceField(label=_("Kabupaten/kota lokasi"))
    mode = forms.ChoiceField(label=_("Cara pelatihan"), choices=Program.Mode.choices)
    boarding = forms.BooleanField(label=_("Berasrama"), required=False)
    funding = forms.ChoiceField(label=_("Sumber dana"), choices=Program.Funding.choices)
    dipa_reference = forms.CharField(label=_("Nomor DIPA (wajib untuk APBN)"), required=False, max_length=80)
    fee = RupiahField(label=_("Biaya (rupiah, 0 bila gratis)"), min_value=0, initial=0)
    selection_method = forms.ChoiceField(label=_("Cara seleksi"), choices=Program.Selection.choices)
    min_age = forms.IntegerField(label=_("Usia minimal (boleh kosong)"), required=False, min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_("Usia maksimal (boleh kosong)"), required=False, min_value=0, max_value=120)
    min_education = forms.ChoiceField(label=_("Pendidikan minimal"), required=False,
                                      choices=[("", _("Tidak disyaratkan"))] + list(Person.Education.choices))

    field_order = ["title", "vocational_field", "competency_units", "instructors", "description", "hours", "start_date", "end_date",
                   "registration_opens", "registration_closes", "quota", "province", "regency", "mode", "boarding",
                   "funding", "dipa_reference", "fee", "selection_method", "min_age", "max_age", "min_education"]

    def __init__(self, *args, regency=None, instructors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_regency(required=True, initial_regency=regency)
        # The institution's instructors (the view passes ``training.selectors.institution_instructors``).
        if instructors is not None:
            self.fields["instructors"].queryset = instructors
        self.fields["instructors"].label_from_instance = lambda u: u.get_full_name() or u.username
        field_id = None
        if self.is_bound:
            raw = self.data.get(self.add_prefix("vocational_field")) or ""
            field_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
        else:
            vf = self.initial.get("vocational_field")
            field_id = getattr(vf, "pk", vf)
        units = CompetencyUnit.objects.filter(is_active=True).select_related("vocational_field")
        # Units of the chosen vocational field (all units until one is chosen).
        self.fields["competency_units"].queryset = units.filter(vocational_field_id=field_id) if field_id else units
        self.fields["vocational_field"].widget.attrs.update({
            "hx-get": reverse_lazy("training:unit_options"), "hx-target": "#units-box", "hx-trigger": "change",
            "hx-swap": "innerHTML",
        })

    def clean(self):
        data = super().clean()
        data["regency_obj"] = self.clean_regency_choice(required=True)
        return data


class ProgramActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("publish", "close_registration", "start", "close", "cancel")])
    reason = forms.CharField(required=False, max_length=1000)
    confirm = forms.BooleanField(required=False)


class ProgramConfirmForm(forms.Form):
    """The confirmation of a step that says what it will do (start, close, cancel): the written reason,
    which the service requires when the step needs one."""

    reason = forms.CharField(label=_("Alasan"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class BatchForm(forms.Form):
    """A new batch of a program: only the dates and the quota (everything else is copied)."""

    registration_opens = forms.DateField(label=_("Pendaftaran dibuka"), widget=DATE)
    registration_closes = forms.DateField(label=_("Pendaftaran ditutup"), widget=DATE)
    start_date = forms.DateField(label=_("Tanggal mulai"), widget=DATE)
    end_date = forms.DateField(label=_("Tanggal selesai"), widget=DATE)
    quota = forms.IntegerField(label=_("Kuota peserta"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    # Ticked by default: a new batch of a program that already ran is usually opened at once (untick to keep a draft).
    publish = forms.BooleanField(label=_("Langsung buka pendaftaran"), required=False, initial=True)


class InstructorsForm(forms.Form):
    """Who teaches and assesses a program, changed while it runs (an instructor falls ill)."""

    instructors = forms.ModelMultipleChoiceField(
        label=_("Instruktur pengampu"), required=False, queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Instruktur yang tidak dipilih lagi tidak dapat menilai program ini. Bila tidak ada yang dipilih, "
                    "semua instruktur lembaga dapat menilai."),
    )
    reason = forms.CharField(label=_("Alasan (boleh kosong)"), required=False, max_length=500,
                             help_text=_("Misalnya: instruktur sakit. Dicatat di riwayat program."))

    def __init__(self, *args, instructors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instructors is not None:
            self.fields["instructors"].queryset = instructors
        self.fields["instructors"].label_from_instance = lambda u: u.get_full_name() or u.username


BULK_ACTIONS = [
    ("select", _("Loloskan seleksi")),
    ("accept", _("Terima sebagai peserta")),
    ("reject", _("Nyatakan tidak lolos")),
    ("withdraw", _("Tandai mengundurkan diri")),
    ("drop_out", _("Tandai putus di tengah")),
    ("passed", _("Hasil: lulus")),
    ("failed", _("Hasil: tidak lulus")),
    ("pending", _("Hasil: belum dinilai")),
]


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Tindakan"), choices=[("", _("Pilih tindakan"))] + BULK_ACTIONS,
                               error_messages={"required": _("Pilih tindakan yang akan diterapkan.")})
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    reason = forms.CharField(label=_("Catatan/alasan (boleh kosong)"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here; the service reports ids that are not in the program.
        raw = self.data.getlist("ids") if self.is_bound and hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]

    def clean_ids(self):
        ids = self.cleaned_data.get("ids") or []
        if not ids:
            raise forms.ValidationError(_("Pilih minimal satu pendaftar dengan mencentang kotaknya."))
        return ids


class EnrollmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari nama, nomor HP, atau NIK"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Semua status"))] + list(EnrollmentState.choices))
    late = forms.ChoiceField(label=_("Susulan"), required=False,
                             choices=[("", _("Semua")), ("1", _("Hanya susulan")), ("0", _("Tanpa susulan"))])


class RecordForm(forms.Form):
    """A registered person, named by NIK, full name and birth date: all three must match (the NIK alone
    never picks someone)."""

    nik = forms.CharField(label=_("NIK pendaftar (16 angka)"), max_length=25,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    full_name = forms.CharField(label=_("Nama lengkap sesuai KTP"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DATE)
    as_participant = forms.BooleanField(label=_("Langsung sebagai peserta"), required=False)
    late_reason = forms.CharField(label=_("Alasan pendaftaran susulan"), required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def clean_nik(self):
        digits = "".join(ch for ch in self.cleaned_data["nik"] if ch.isdigit())
        if len(digits) != 16:
            raise forms.ValidationError(_("NIK terdiri atas 16 angka."))
        return digits


class VocationalFieldForm(forms.Form):
    code = forms.CharField(label=_("Kode kejuruan"), max_length=20)
    name = forms.CharField(label=_("Nama kejuruan"), max_length=150)
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)


class CompetencyUnitForm(forms.Form):
    code = forms.CharField(label=_("Kode unit (SKKNI)"), max_length=40)
    title = forms.CharField(label=_("Judul unit"), max_length=300)
    vocational_field = forms.ModelChoiceField(label=_("Kejuruan"), queryset=VocationalField.objects.all(), empty_label=_("Pilih kejuruan"))
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)


class ImportForm(forms.Form):
    """A spreadsheet of applicants/participants to import; ``late``: registration has closed, so every row
    needs the written reason of a late registration."""

    file = forms.FileField(label=_("Berkas (.xlsx, .xls, atau .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}))
    mode = forms.ChoiceField(
        label=_("Bila ada baris yang salah"), widget=forms.RadioSelect, initial="all_or_nothing",
        choices=[("all_or_nothing", _("Tolak seluruh berkas (tidak ada yang disimpan)")),
                 ("valid_only", _("Simpan baris yang benar; baris yang salah dikembalikan sebagai berkas galat"))],
    )
    late_reason = forms.CharField(label=_("Alasan pendaftaran susulan"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args, late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if late:
            self.fields["late_reason"].required = True
            self.fields["late_reason"].help_text = _("Pendaftaran sudah ditutup: alasan ini dicatat pada setiap pendaftaran dari berkas ini.")
        else:
            del self.fields["late_reason"]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (batas %(mb)s MB).") % {"mb": MAX_BYTES // 1048576})
        return f
