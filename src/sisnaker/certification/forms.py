"""Forms of certification's pages: the assessment grid (parsed cell by cell), the review page, and the
public look-up by certificate number (``/v/``: the number and the holder's birth date). Forms only
parse; the services hold the rules."""

from __future__ import annotations

import re
from typing import NamedTuple

from django import forms
from django.utils.translation import gettext_lazy as _

from sisnaker.core.errors import Msg

from . import domain

CELL_RE = re.compile(r"^r-(\d{1,12})-(\d{1,12})$")
RESULT_CHOICES = {"": "", "K": "competent", "BK": "not_yet_competent", "competent": "competent",
                  "not_yet_competent": "not_yet_competent"}
BAD_SCORE = Msg("Nilai angka harus bilangan bulat 0–100 (boleh kosong).", "The score must be a whole number from 0 to 100 (or empty).")
BAD_RESULT = Msg("Pilih K, BK, atau —.", "Choose K, BK or —.")


def cell_name(enrollment_id: int, unit_id: int) -> str:
    return f"{enrollment_id}-{unit_id}"


class Cell(NamedTuple):
    enrollment_id: int
    unit_id: int
    result: str          # "", "competent", "not_yet_competent"
    score: int | None
    raw_result: str      # as posted, to show back after an error
    raw_score: str
    error: Msg | None


def parse_cell(data, enrollment_id: int, unit_id: int) -> Cell:
    """The result ``r-<e>-<u>`` and score ``s-<e>-<u>`` of one cell."""
    name = cell_name(enrollment_id, unit_id)
    raw_result = (data.get(f"r-{name}") or "").strip()
    raw_score = (data.get(f"s-{name}") or "").strip()
    error = None
    result = RESULT_CHOICES.get(raw_result)
    if result is None:
        error, result = BAD_RESULT, ""
    score = None
    if raw_score:
        if raw_score.isascii() and raw_score.isdigit() and len(raw_score) <= 3 and int(raw_score) <= 100:
            score = int(raw_score)
        else:
            error = error or BAD_SCORE
    return Cell(enrollment_id, unit_id, result, score, raw_result, raw_score, error)


def parse_grid(data) -> list[Cell]:
    """Every cell posted by the "Simpan semua" form (cells of read-only rows are disabled, so absent)."""
    cells = []
    for key in data:
        m = CELL_RE.match(key)
        if m:
            cells.append(parse_cell(data, int(m.group(1)), int(m.group(2))))
    return cells


def parse_cell_ref(raw: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{1,12})-(\d{1,12})", raw or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def parse_fill_target(raw: str) -> tuple[str, int | None] | None:
    """The "all competent" button pressed: ``all``, ``unit-<unit id>`` or ``row-<enrollment id>``."""
    raw = (raw or "").strip()
    if raw == "all":
        return ("all", None)
    m = re.fullmatch(r"(unit|row)-(\d{1,12})", raw)
    return (m.group(1), int(m.group(2))) if m else None


class AssessmentImportForm(forms.Form):
    """The filled-in assessment template (``assessment_sheet``)."""

    file = forms.FileField(label=_("Berkas penilaian (.xlsx dari templat)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}))


STARS = [(n, str(n)) for n in range(1, 6)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Penilaian pelatihan"), choices=STARS, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Pilih penilaian bintang 1 sampai 5."), "invalid_choice": _("Pilih penilaian bintang 1 sampai 5.")},
    )
    text = forms.CharField(
        label=_("Ulasan"), widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000}), max_length=5000,
        help_text=_("Minimal 20 karakter: apa yang baik, apa yang perlu diperbaiki."),
        error_messages={"required": _("Tuliskan ulasan Anda (minimal 20 karakter).")},
    )
    instructor = forms.TypedChoiceField(label=_("Instruktur (boleh kosong)"), required=False, coerce=int, empty_value=None)
    instructor_rating = forms.TypedChoiceField(
        label=_("Penilaian instruktur"), choices=STARS, coerce=int, required=False, empty_value=None, widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pilih nilai instruktur 1 sampai 5.")},
    )

    def __init__(self, *args, instructors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.instructors = {u.pk: u for u in instructors}
        self.fields["instructor"].choices = [("", _("— Tidak menilai instruktur —"))] + [
            (u.pk, u.get_full_name() or u.username) for u in instructors
        ]
        self.fields["instructor"].error_messages["invalid_choice"] = _("Pilih instruktur dari daftar.")


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
