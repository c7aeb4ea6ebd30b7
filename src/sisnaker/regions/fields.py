"""Form fields for choosing regions, shared by every app's forms (a reusable part, not a page of
this app): the region picker (province → regency (kabupaten/kota) → district (kecamatan)) and the
province + regency pair (``RegencyChoiceMixin``).

The region picker:

Three plain full-width selects. With JavaScript, htmx refills the next select when one changes
(``hx-get`` to the option partials in ``views.py``). Without it, the form is submitted as is: the
field refuses an incomplete or inconsistent choice with a message and the form is shown again
with the next select filled for the province/regency already chosen.

Usage: ``domicile = RegionPickerField(label=_("Domisili"))``; ``cleaned_data["domicile"]`` is a
:class:`~sisnaker.regions.models.District`. A form holding one inherits ``RegionRefreshMixin`` first, so that the
picker's "Perbarui pilihan wilayah" button (shown without JavaScript: Opera Mini, old phones) shows the form again
with the next select filled, instead of refusing every field not yet filled in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import District

LEVELS = ("province", "regency", "district")


class RegionRefreshMixin:
    """For forms with a region picker: a post that only asks to refill the picker's selects (its no-JavaScript
    button, ``<field>_refresh``) is neither valid nor wrong — the view shows the form again, as typed, with no
    error and nothing saved."""

    def region_refresh_requested(self) -> bool:
        return bool(self.is_bound) and any(
            isinstance(field.widget, RegionPickerWidget) and self.data.get(self.add_prefix(name) + "_refresh")
            for name, field in self.fields.items())

    def full_clean(self) -> None:
        if self.region_refresh_requested():
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.region_refresh_requested() and super().is_valid()


class RegionPickerWidget(forms.Widget):
    template_name = "regions/widgets/region_picker.html"
    labels = (_("Provinsi"), _("Kabupaten/Kota"), _("Kecamatan"))
    placeholders = (_("Pilih provinsi"), _("Pilih kabupaten/kota"), _("Pilih kecamatan"))

    def decompress(self, value) -> list[str]:
        if isinstance(value, District):
            code = value.code
        elif isinstance(value, str) and value:
            code = value
        elif isinstance(value, (list, tuple)):
            return [*(v or "" for v in value), "", "", ""][:3]
        else:
            return ["", "", ""]
        return [code[:2], code[:5] if len(code) >= 5 else "", code if len(code) >= 8 else ""]

    def value_from_datadict(self, data, files, name) -> list[str]:
        return [(data.get(f"{name}_{i}") or "").strip() for i in range(3)]

    def value_omitted_from_data(self, data, files, name) -> bool:
        return all(f"{name}_{i}" not in data for i in range(3))

    def format_value(self, value):
        return self.decompress(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        province, regency, district = self.decompress(value)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        ids = [f"{base_id}_{i}" for i in range(3)]
        choices = [
            [(p.code, p.name) for p in selectors.provinces_list()],
            [(r.code, r.name) for r in selectors.regencies_of_province(province)],
            [
                (d.code, d.name)
                for d in selectors.districts_of_regency(regency if regency[:2] == province else "")
            ],
        ]
        hx = [
            reverse("regions:regency_options") + "?" + urlencode({"from": f"{name}_0", "reset": ids[2]}),
            reverse("regions:district_options") + "?" + urlencode({"from": f"{name}_1"}),
            None,
        ]
        required = context["widget"]["required"]
        context["widget"]["subwidgets"] = [
            {
                "name": f"{name}_{i}",
                "attrs": {"id": ids[i], "required": required},
                "label": self.labels[i],
                "placeholder": self.placeholders[i],
                "choices": choices[i],
                "value": [province, regency, district][i],
                "hx_get": hx[i],
                "hx_target": ids[i + 1] if i < 2 else None,
            }
            for i in range(3)
        ]
        return context

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class RegionPickerField(forms.Field):
    """Cleans the three codes to the chosen :class:`District`, checking that it lies in the chosen
    regency and province."""

    widget = RegionPickerWidget
    default_error_messages = {
        "required": _("Pilih provinsi, kabupaten/kota dan kecamatan."),
        "province": _("Pilih provinsi."),
        "province_unknown": _("Provinsi yang dipilih tidak dikenal."),
        "regency": _("Pilih kabupaten/kota."),
        "regency_mismatch": _("Kabupaten/kota yang dipilih tidak berada di provinsi tersebut."),
        "district": _("Pilih kecamatan."),
        "district_mismatch": _("Kecamatan yang dipilih tidak berada di kabupaten/kota tersebut."),
    }

    def to_python(self, value):
        if isinstance(value, District):
            return value
        return value

    def clean(self, value):
        if isinstance(value, District):
            return value
        province, regency, district = (list(value or []) + ["", "", ""])[:3]
        if not (province or regency or district):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if district:
            # The usual case in one remembered look-up (sign-up forms at the peak); anything that does not match
            # goes through the checks below, which say what is wrong.
            dist = selectors.district_get_cached(district)
            if dist is not None and dist.regency_id == regency and dist.regency.province_id == province:
                self.validate(dist)
                self.run_validators(dist)
                return dist
        if not province:
            raise ValidationError(self.error_messages["province"], code="province")
        if selectors.province_get(province) is None:
            raise ValidationError(self.error_messages["province_unknown"], code="province_unknown")
        if not regency:
            raise ValidationError(self.error_messages["regency"], code="regency")
        reg = selectors.regency_get(regency)
        if reg is None or reg.province_id != province:
            raise ValidationError(self.error_messages["regency_mismatch"], code="regency_mismatch")
        if not district:
            raise ValidationError(self.error_messages["district"], code="district")
        dist = selectors.district_get(district)
        if dist is None or dist.regency_id != regency:
            raise ValidationError(self.error_messages["district_mismatch"], code="district_mismatch")
        self.validate(dist)
        self.run_validators(dist)
        return dist

    def validate(self, value):
        return None

    def has_changed(self, initial, data):
        initial_codes = self.widget.decompress(initial)
        return initial_codes != (list(data or []) + ["", "", ""])[:3]


class RegencyChoiceMixin(forms.Form):
    """A province select and a regency select (htmx refills the regency list when the province changes;
    without JavaScript the form comes back with the regencies of the chosen province)."""

    province_field = "province"
    regency_field = "regency"

    def _setup_regency(self, *, required: bool, initial_regency=None) -> None:
        pf, rf = self.fields[self.province_field], self.fields[self.regency_field]
        pf.choices = [("", _("Pilih provinsi") if required else _("Semua provinsi"))] + [
            (p.code, p.name) for p in selectors.provinces_list()
        ]
        province = ""
        if self.is_bound:
            province = (self.data.get(self.add_prefix(self.province_field)) or "").strip()
            regency = str(self.data.get(self.add_prefix(self.regency_field)) or "").strip()
            if not province and not required and len(regency) == 5 and regency[2] == ".":
                # A filter link naming only the regency ("?regency=32.73"): its province is its first two digits
                # (the regency used to be dropped and every region listed).
                province = regency[:2]
                data = self.data.copy()
                data[self.add_prefix(self.province_field)] = province
                self.data = data
        elif initial_regency is not None:
            province = initial_regency.province_id
            self.initial.setdefault(self.province_field, province)
            self.initial.setdefault(self.regency_field, initial_regency.code)
        else:
            province = self.initial.get(self.province_field) or ""
        rf.choices = [("", _("Pilih kabupaten/kota") if required else _("Semua kabupaten/kota"))] + [
            (r.code, r.name) for r in selectors.regencies_of_province(province)
        ]
        rf.error_messages["invalid_choice"] = _("Kabupaten/kota yang dipilih tidak berada di provinsi tersebut.")
        pf.error_messages["invalid_choice"] = _("Provinsi yang dipilih tidak dikenal.")
        pf.widget.attrs.update({
            "hx-get": reverse_lazy("regions:regency_options"), "hx-target": f"#id_{self.add_prefix(self.regency_field)}",
            "hx-trigger": "change", "hx-swap": "innerHTML",
        })

    def clean_regency_choice(self, *, required: bool):
        """The chosen Regency (checked against the province), or None."""
        province = self.cleaned_data.get(self.province_field) or ""
        code = self.cleaned_data.get(self.regency_field) or ""
        if not code:
            if required:
                self.add_error(self.regency_field, _("Pilih kabupaten/kota."))
            return None
        regency = selectors.regency_get(code)
        if regency is None or (province and regency.province_id != province):
            self.add_error(self.regency_field, _("Kabupaten/kota yang dipilih tidak berada di provinsi tersebut."))
            return None
        return regency

