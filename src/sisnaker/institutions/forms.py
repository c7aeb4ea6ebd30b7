"""Institution forms: they only parse and show input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sisnaker.core.roles import Role
from sisnaker.regions.fields import RegencyChoiceMixin

from .models import Institution


class InstitutionForm(RegencyChoiceMixin):
    registry_number = forms.CharField(label=_("Nomor registrasi/izin lembaga"), max_length=40)
    licence_number = forms.CharField(
        label=_("Nomor izin operasional / SK pendirian / VIN"), max_length=60, required=False,
        help_text=_("Petugas yang menyetujui memeriksa nomor ini pada data perizinan."))
    name = forms.CharField(label=_("Nama lembaga"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis lembaga"), choices=[("", _("Pilih jenis lembaga"))] + list(Institution.Kind.choices))
    province = forms.ChoiceField(label=_("Provinsi"))
    regency = forms.ChoiceField(label=_("Kabupaten/Kota"))
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    phone = forms.CharField(label=_("Telepon (boleh kosong)"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.EmailField(label=_("E-mail (boleh kosong)"), required=False)
    confirm_review = forms.BooleanField(
        label=_("Saya mengerti: bila nama, jenis, atau kabupaten/kota lembaga yang sudah disetujui diubah, lembaga "
                "kembali menunggu persetujuan."), required=False)

    def __init__(self, *args, regency=None, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_regency(required=True, initial_regency=regency)
        if edit:  # the registry number identifies the institution and is not edited here
            del self.fields["registry_number"]
            del self.fields["licence_number"]
        else:
            del self.fields["confirm_review"]

    def clean(self):
        data = super().clean()
        data["regency_obj"] = self.clean_regency_choice(required=True)
        return data


class StaffForm(forms.Form):
    identifier = forms.CharField(label=_("Nama pengguna, e-mail, atau nomor HP akun"), max_length=150)
    role = forms.ChoiceField(label=_("Peran"), choices=[(Role.INSTRUCTOR.value, _("Instruktur")),
                                                        (Role.INSTITUTION_MANAGER.value, _("Pengelola lembaga"))])


class AccreditationForm(forms.Form):
    status = forms.ChoiceField(label=_("Status akreditasi LA-LPK"), choices=Institution.Accreditation.choices)
    grade = forms.ChoiceField(label=_("Peringkat"), required=False, choices=[("", "—")] + list(Institution.Grade.choices))
    number = forms.CharField(label=_("Nomor sertifikat akreditasi"), required=False, max_length=60)
    valid_until = forms.DateField(label=_("Berlaku sampai"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


REVIEW_LABELS = {
    "approve": _("Setujui"), "reject": _("Tolak"), "suspend": _("Bekukan"), "reinstate": _("Aktifkan kembali"),
}


class ReviewForm(forms.Form):
    """The authority's decision on an institution; the actions offered follow its status."""

    action = forms.ChoiceField(label=_("Keputusan"), widget=forms.RadioSelect)
    licence_number = forms.CharField(label=_("Nomor izin operasional / SK pendirian / VIN yang sudah diperiksa"),
                                     max_length=60, required=False)
    reason = forms.CharField(label=_("Alasan / catatan (dibaca pengelola lembaga)"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, REVIEW_LABELS[a]) for a in actions]
        if len(actions) == 1:
            self.fields["action"].initial = actions[0]
        if "approve" not in actions:
            del self.fields["licence_number"]
