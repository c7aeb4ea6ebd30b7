"""Forms only parse and show input; the services decide."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from sisnaker.regions.fields import RegionPickerField, RegionRefreshMixin

from .models import Person


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("E-mail, nomor HP, NIK, atau nama pengguna"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(label=_("Kata sandi"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Kode 6 angka dari aplikasi autentikator"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "autofocus": True}),
    )


def _current_password_field(required: bool = True):
    return forms.CharField(
        label=_("Kata sandi Anda saat ini"), required=required,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _current_code_field(required: bool = True):
    return forms.CharField(
        label=_("Kode 6 angka dari aplikasi autentikator Anda yang sekarang"), max_length=6, required=required,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


class OtpSetupForm(forms.Form):
    """Add an authenticator: the new app's first code, the password, and (when two-factor is already
    on) a code from the current app."""

    token = forms.CharField(
        label=_("Kode 6 angka dari aplikasi yang baru dipindai"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )
    current_password = _current_password_field()

    def __init__(self, *args, has_authenticator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_authenticator:
            self.fields["otp_token"] = _current_code_field()


class OtpRemoveForm(forms.Form):
    device = forms.TypedChoiceField(label=_("Autentikator"), coerce=int, choices=())
    current_password = _current_password_field()
    otp_token = _current_code_field()

    def __init__(self, *args, devices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].choices = [(d.pk, d.name) for d in devices]


class PersonFieldsMixin(RegionRefreshMixin, forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=150)
    education = forms.ChoiceField(label=_("Pendidikan terakhir"), choices=[("", "—")] + list(Person.Education.choices))
    phone = forms.CharField(label=_("Nomor HP"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail (boleh kosong)"), required=False)
    domicile = RegionPickerField(label=_("Domisili saat ini"))
    address = forms.CharField(label=_("Alamat (boleh kosong)"), max_length=300, required=False)
    has_disability = forms.BooleanField(label=_("Saya penyandang disabilitas"), required=False)
    disability_kind = forms.ChoiceField(label=_("Jenis disabilitas"), choices=[("", "—")] + list(Person.Disability.choices), required=False)


class SignUpForm(PersonFieldsMixin):
    nik = forms.CharField(
        label=_("NIK (16 angka di KTP)"), max_length=25,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=[("", "—")] + list(Person.Sex.choices))
    password = forms.CharField(label=_("Kata sandi (min. 8 karakter)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Ulangi kata sandi"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    field_order = ["nik", "full_name", "birth_date", "sex", "phone", "email", "domicile", "address", "education",
                   "has_disability", "disability_kind", "password", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A phone or an e-mail address: people without a phone sign up (and claim their record) by e-mail.
        self.fields["phone"].required = False
        self.fields["phone"].label = _("Nomor HP (boleh kosong bila ada e-mail)")
        self.fields["email"].label = _("E-mail (boleh kosong bila ada nomor HP)")

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        if not (data.get("phone") or "").strip() and not data.get("email") and "email" not in self.errors:
            self.add_error("phone", _("Isi nomor HP atau e-mail: kode verifikasi dan pemulihan kata sandi dikirim ke sana."))
        return data


class NikRegistrationForm(PersonFieldsMixin):
    """A signed-in citizen account without a record registers its NIK (``services.person_register_nik``): the
    sign-up's identity and profile fields; the contact is the account's, and there is no password to choose."""

    nik = forms.CharField(
        label=_("NIK (16 angka di KTP)"), max_length=25,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=[("", "—")] + list(Person.Sex.choices))

    field_order = ["nik", "full_name", "birth_date", "sex", "domicile", "address", "education", "has_disability",
                   "disability_kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["phone"], self.fields["email"]


class ProfileForm(PersonFieldsMixin):
    # Asked by the service when the phone or e-mail changes (the payout account has its own page, in payments).
    current_password = _current_password_field(required=False)

    def __init__(self, *args, has_authenticator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The name is identity data, corrected by staff (accounts.services.person_update): shown on the page, not here.
        del self.fields["full_name"]
        # A mobile number or an e-mail address (the service keeps at least one): people who signed up by e-mail
        # have no phone.
        self.fields["phone"].required = False
        self.fields["phone"].label = _("Nomor HP (boleh kosong bila ada e-mail)")
        self.fields["email"].label = _("E-mail (boleh kosong bila ada nomor HP)")
        self.fields["current_password"].help_text = _("Wajib bila Anda mengubah nomor HP atau e-mail.")
        if has_authenticator:
            self.fields["otp_token"] = _current_code_field(required=False)
            self.fields["otp_token"].help_text = _("Wajib bersama kata sandi bila Anda mengubah nomor HP atau e-mail.")


class ClaimCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode 6 angka dari SMS"), max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class DisputeDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Keputusan"), widget=forms.RadioSelect, choices=[
        ("owner", _("Pengaju adalah pemilik NIK: perbaiki nama/tanggal lahir dan hubungkan dengan akunnya")),
        ("not_owner", _("Pengaju bukan pemilik NIK: data tetap seperti semula")),
    ])
    note = forms.CharField(label=_("Dasar keputusan (mis. KTP yang diperiksa, tanggal kunjungan)"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class IdentityCorrectionForm(forms.Form):
    """Name, birth date and sex as on the ID card, and what the correction rests on (``person_correct_identity``)."""

    full_name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=150)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=[("", "—")] + list(Person.Sex.choices))
    reason = forms.CharField(label=_("Dasar perbaikan (mis. KTP yang diperiksa, salah ketik pada berkas impor)"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PasswordResetRequestForm(forms.Form):
    """Forgot the password: whatever the log-in accepts."""

    identifier = forms.CharField(
        label=_("Nomor HP, NIK, atau e-mail akun Anda"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class PasswordResetCodeForm(forms.Form):
    """The code from the SMS and the new password, on one page."""

    code = forms.CharField(
        label=_("Kode 6 angka dari SMS"), max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )
    password = forms.CharField(label=_("Kata sandi baru (min. 8 karakter)"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Ulangi kata sandi baru"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return data


class PasswordResetEmailForm(auth_forms.PasswordResetForm):
    """Django's reset-by-link form (it finds the accounts and sends the mail), with Sisnaker's wording."""

    email = forms.EmailField(label=_("E-mail akun Anda"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
