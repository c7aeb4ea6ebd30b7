"""Account pages: sign-up, log-in (password, then the TOTP code when the account has an authenticator;
throttled by accounts/throttle.py), authenticators, profile, data download, audit trail.

Refusals rise as ``core.errors.SisnakerError`` (``core.pages.RefusalMiddleware`` shows the error page);
a service's refusal of a form goes on the form (``core.pages.apply_error``)."""

from __future__ import annotations

import base64
import json
from functools import wraps
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login

from sisnaker.core import gate, links, search
from sisnaker.core.errors import Msg, NotFound, PermissionDenied, SisnakerError, TooManyRequests
from sisnaker.core.pages import apply_error
from sisnaker.core.paging import CappedPaginator
from sisnaker.core.permissions import can
from sisnaker.core.roles import Role

from . import security, selectors, services, throttle
from .codes import Code
from .forms import (
    ClaimCodeForm,
    DisputeDecisionForm,
    IdentityCorrectionForm,
    LoginForm,
    NikRegistrationForm,
    OtpForm,
    OtpRemoveForm,
    OtpSetupForm,
    PasswordResetCodeForm,
    PasswordResetEmailForm,
    PasswordResetRequestForm,
    ProfileForm,
    SignUpForm,
)
from .models import IdentityDispute, SignUpClaim

# The form's name for a service's field, where they differ.
FORM_FIELDS = {"domicile_district": "domicile"}
# Whatever refuses the code step (a wrong code, a locked claim, the contact taken meanwhile) shows at the code.
CLAIM_FIELDS = {"": "code", "phone": "code", "nik": "code"}

PENDING_OTP = "sisnaker_pending_otp_user"
PENDING_OTP_AT = "sisnaker_pending_otp_at"
PENDING_OTP_BACKEND = "sisnaker_pending_otp_backend"
PENDING_OTP_SECONDS = 600  # the code must follow the password within ten minutes


def _next_url(request: HttpRequest, default: str = "web:home") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    return default


def _with_next(url: str, nxt: str) -> str:
    """``url`` carrying a (checked) ``next``, so the page after it still knows where the person was going."""
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


def signup(request: HttpRequest) -> HttpResponse:
    # Where the person was going (a login-protected page opened from a message's link): kept through the
    # sign-up and its code step, then opened. Same-site only (``_next_url``).
    nxt = _next_url(request, "")
    if request.user.is_authenticated:
        return redirect(nxt or "web:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            person = services.person_sign_up(
                data=services.SignUp(
                    nik=d["nik"], full_name=d["full_name"], birth_date=d["birth_date"], sex=d["sex"],
                    education=d["education"], phone=d["phone"], email=d["email"], domicile_district=d["domicile"],
                    password=d["password"], has_disability=d["has_disability"], disability_kind=d["disability_kind"],
                    address=d["address"], language=request.LANGUAGE_CODE,
                ),
                today=timezone.localdate(),
            )
        except TooManyRequests as exc:
            apply_error(form, exc)
            return render(request, "accounts/signup.html", {"form": form, "next": nxt}, status=exc.http_status)
        except gate.Busy as exc:
            # The waiting room is full: the same form, filled in as it was sent (but the password, which a page
            # never echoes), saying when to send it again.
            return _refused(request, "accounts/signup.html", {"form": form, "busy": exc, "next": nxt}, exc)
        except SisnakerError as exc:
            apply_error(form, exc, fields=FORM_FIELDS)
        else:
            if isinstance(person, SignUpClaim):
                # The NIK is held by a record someone else added: prove the phone first.
                return redirect(_with_next(reverse("accounts:signup_verify", kwargs={"token": person.token}), nxt))
            login(request, person.user, backend="sisnaker.accounts.backends.IdentifierBackend")
            messages.success(request, _("Pendaftaran berhasil. Selamat datang di Sisnaker!"))
            if person.nik_warnings:
                messages.warning(
                    request,
                    _("Beberapa data Anda berbeda dengan yang tercantum di NIK; petugas akan memeriksanya. Pendaftaran tetap berlaku."),
                )
            return redirect(nxt or "web:home")
    return render(request, "accounts/signup.html", {"form": form, "next": nxt}, status=400 if form.errors else 200)


def _say_record_joined(request: HttpRequest, person) -> None:
    """A claim's code verified and the record joined to the account: say so, naming who had added the record."""
    messages.success(request, _("Kode terverifikasi. Data Anda yang didaftarkan oleh %(who)s kini terhubung "
                                "dengan akun Anda; periksa dan lengkapi di Akun saya.")
                     % {"who": services.person_added_by(person)})


def signup_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Second step of a sign-up whose NIK was added by an institution or at a posko: the code sent by SMS to
    the phone given, or by e-mail when only an address was given. Then the page the person was going to
    (``next``), once the record is theirs."""
    nxt = _next_url(request, "")
    if request.user.is_authenticated:
        return redirect(nxt or "web:home")
    claim = selectors.pending_claim(token=token)
    if claim is None:
        raise NotFound(services.CLAIM_NOT_FOUND, code=Code.CLAIM_NOT_FOUND)
    form = ClaimCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("resend"):
        try:
            services.signup_claim_resend(token=token)
        except SisnakerError as exc:
            form = ClaimCodeForm()
            apply_error(form, exc)
            status = exc.http_status
        else:
            messages.success(request, _("Kode baru sudah dikirim."))
            return redirect(_with_next(reverse("accounts:signup_verify", kwargs={"token": token}), nxt))
    elif request.method == "POST" and form.is_valid():
        try:
            outcome = services.signup_claim_verify(token=token, code=form.cleaned_data["code"])
        except SisnakerError as exc:
            apply_error(form, exc, fields=CLAIM_FIELDS)
            status = exc.http_status if isinstance(exc, TooManyRequests) else 400
        else:
            login(request, outcome.user, backend="sisnaker.accounts.backends.IdentifierBackend")
            if outcome.person is not None:
                _say_record_joined(request, outcome.person)
                return redirect(nxt or "web:home")
            messages.warning(request, _("Kode terverifikasi dan akun Anda dibuat. Data yang Anda isi berbeda dengan "
                                        "data yang terdaftar untuk NIK ini, jadi petugas Disnaker akan memeriksanya. "
                                        "Anda akan diberi tahu hasilnya; siapkan KTP bila diminta datang."))
            # No record is theirs until an officer decides: the page they were going to would only refuse them.
            return redirect("web:home")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/signup_verify.html", {
        "form": form, "channel": claim.channel, "destination": services.claim_destination(claim), "token": token,
        "next": nxt,
    }, status=status)


@login_required
def nik_register(request: HttpRequest) -> HttpResponse:
    """A signed-in citizen account without a record (its sign-up's NIK went to a dispute decided "not the owner")
    registers its owner's NIK, with the sign-up's checks (``services.person_register_nik``): a NIK held by a record
    someone else added goes on to the code step, as at sign-up."""
    if not selectors.nik_registration_open(user=request.user):
        if selectors.person_for_user(user=request.user) is not None:
            return redirect("accounts:profile")  # already joined to a record
        if request.user.has_role(Role.CITIZEN):
            return redirect("web:home")  # a dispute still open: the home page says so
        raise PermissionDenied(services.NIK_REGISTRATION_NOT_FOR_YOU)
    form = NikRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.person_register_nik(
                actor=request.user,
                data=services.NikRegistration(
                    nik=d["nik"], full_name=d["full_name"], birth_date=d["birth_date"], sex=d["sex"],
                    education=d["education"], domicile_district=d["domicile"], has_disability=d["has_disability"],
                    disability_kind=d["disability_kind"], address=d["address"],
                ),
                today=timezone.localdate(),
            )
        except TooManyRequests as exc:
            apply_error(form, exc)
            return _refused(request, "accounts/nik_register.html", {"form": form}, exc)
        except SisnakerError as exc:
            apply_error(form, exc, fields=FORM_FIELDS)
        else:
            if isinstance(result, SignUpClaim):
                return redirect("accounts:nik_verify", token=result.token)
            messages.success(request, _("NIK Anda sudah terdaftar dan terhubung dengan akun Anda."))
            if result.nik_warnings:
                messages.warning(
                    request,
                    _("Beberapa data Anda berbeda dengan yang tercantum di NIK; petugas akan memeriksanya. Pendaftaran tetap berlaku."),
                )
            return redirect("web:home")
    if form.errors:
        status = 400
    return render(request, "accounts/nik_register.html", {"form": form}, status=status)


@login_required
def nik_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The code step of an account's NIK registration whose NIK is held by a record someone else added: the code went
    to the account's phone (its e-mail when it has none). Only the account that started it reaches it."""
    claim = selectors.pending_claim(token=token, account=request.user)
    if claim is None:
        raise NotFound(services.CLAIM_NOT_FOUND, code=Code.CLAIM_NOT_FOUND)
    form = ClaimCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("resend"):
        try:
            services.signup_claim_resend(token=token, actor=request.user)
        except SisnakerError as exc:
            form = ClaimCodeForm()
            apply_error(form, exc)
            status = exc.http_status
        else:
            messages.success(request, _("Kode baru sudah dikirim."))
            return redirect("accounts:nik_verify", token=token)
    elif request.method == "POST" and form.is_valid():
        try:
            outcome = services.signup_claim_verify(token=token, code=form.cleaned_data["code"], actor=request.user)
        except SisnakerError as exc:
            apply_error(form, exc, fields=CLAIM_FIELDS)
            status = exc.http_status if isinstance(exc, TooManyRequests) else 400
        else:
            if outcome.person is not None:
                _say_record_joined(request, outcome.person)
            else:
                messages.warning(request, _("Kode terverifikasi. Data yang Anda isi berbeda dengan data yang terdaftar "
                                            "untuk NIK ini, jadi petugas Disnaker akan memeriksanya. Anda akan diberi tahu "
                                            "hasilnya; siapkan KTP bila diminta datang."))
            return redirect("web:home")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/signup_verify.html", {
        "form": form, "channel": claim.channel, "destination": services.claim_destination(claim), "token": token,
    }, status=status)


@login_required
def disputes(request: HttpRequest) -> HttpResponse:
    """Regional officers: sign-ups whose data differ from a provisional record of the same NIK."""
    status = request.GET.get("status", "open")
    if status not in IdentityDispute.Status.values:
        status = "open"
    if not can(request.user, "person.list"):
        raise PermissionDenied(Msg("Halaman ini untuk petugas Disnaker.", "This page is for manpower office (Disnaker) officers."))
    rows = list(selectors.disputes_in_scope(viewer=request.user, status=status)[:200])
    for row in rows:
        row.added_by = services.person_added_by(row.person)  # officers of the NIK's region: the institution by name
    return render(request, "accounts/disputes.html", {"rows": rows, "status": status,
                                                      "statuses": IdentityDispute.Status.choices})


@login_required
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = selectors.dispute_get(dispute_id=dispute_id)
    if dispute is None or not can(request.user, "person.resolve_identity", dispute):
        raise NotFound(Msg("Sengketa data tidak ditemukan di wilayah kerja Anda.",
                           "Data dispute not found in your area of responsibility."))
    form = DisputeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_dispute_resolve(actor=request.user, dispute=dispute, outcome=form.cleaned_data["outcome"],
                                              note=form.cleaned_data["note"])
        except SisnakerError as exc:
            apply_error(form, exc, fields=FORM_FIELDS)
        else:
            messages.success(request, _("Keputusan tersimpan; pengaju sudah diberi tahu."))
            return redirect("accounts:disputes")
    # Opening the registered record to compare is a view of a person's full data: logged.
    services.dispute_record_view(actor=request.user, dispute=dispute)
    return render(request, "accounts/dispute_detail.html", {"dispute": dispute, "form": form,
                                                            "added_by": services.person_added_by(dispute.person)},
                  status=400 if form.errors else 200)


def _login_error_message() -> str:
    return _("Kombinasi akun dan kata sandi salah. Periksa lagi huruf besar/kecil dan nomor yang Anda ketik. "
             "Bila lupa kata sandi, pilih “Lupa kata sandi?” di bawah.")


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = throttle.password_login(request=request, identifier=form.cleaned_data["username"],
                                           password=form.cleaned_data["password"])
        except throttle.LoginThrottled as exc:
            return locked_out(request, retry_after=exc.retry_after)
        except gate.Busy as exc:
            return _refused(request, "accounts/login.html", {"form": form, "next": _next_url(request, ""), "busy": exc}, exc)
        if user is None:
            form.add_error(None, _login_error_message())
        elif security.has_authenticator(user):
            # The password alone opens nothing: the session stays anonymous until the code.
            request.session.cycle_key()
            request.session[PENDING_OTP] = user.pk
            request.session[PENDING_OTP_AT] = int(timezone.now().timestamp())
            request.session[PENDING_OTP_BACKEND] = user.backend
            request.session["sisnaker_next"] = _next_url(request, "")
            return redirect("accounts:otp_verify")
        else:
            login(request, user)
            response = redirect(_after_password_login(request, user))
            throttle.remember_device(request, response, user)
            _account_language(request, response, user)
            return response
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request, "")},
                  status=400 if form.errors else 200)


def _after_password_login(request: HttpRequest, user) -> str:
    """Where a log-in without a code goes: the enrolment page once the grace period is over, else
    where the user was going (with a reminder during the grace period)."""
    nxt = _next_url(request)
    if security.must_use_2fa(user):
        ends = security.grace_ends(user)
        if timezone.now() >= ends:
            return f"{reverse('accounts:otp_setup')}?{urlencode({'next': nxt})}" if nxt.startswith("/") else "accounts:otp_setup"
        messages.warning(request, _(
            "Peran Anda mewajibkan verifikasi dua langkah. Aktifkan sebelum %(date)s di Akun saya → Keamanan; "
            "setelah tanggal itu akun hanya dapat membuka halaman aktivasi."
        ) % {"date": date_format(timezone.localtime(ends), "j F Y H:i")})
    return nxt


def _account_language(request: HttpRequest, response: HttpResponse, user) -> None:
    """After a log-in: a browser that has not chosen a language (no language cookie) gets the account's preference,
    as the switcher would set it (``core.middleware.LanguageMiddleware`` reads the cookie). A browser's own choice
    stays: the account's preference changes only when its holder switches while signed in (``language``)."""
    supported = {code for code, _label in settings.LANGUAGES}
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in supported:
        return
    language = getattr(user, "preferred_language", "")
    if language in supported and language != settings.LANGUAGE_CODE:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language switcher (every page's header): Django's ``set_language`` sets the cookie and goes back; for a
    signed-in account (past its two-factor step) the choice also becomes the account's preference, in which its
    SMS and e-mail are written (``services.user_language_set``)."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    if (response.cookies.get(settings.LANGUAGE_COOKIE_NAME) is not None and request.user.is_authenticated
            and security.session_state(request) in (security.OK, security.GRACE)):
        services.user_language_set(actor=request.user, language=chosen)
    return response


def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code step: after the password (pending log-in), or for a session that was opened with the
    password alone of an account that has an authenticator (sent here by the middleware)."""
    if request.user.is_authenticated and PENDING_OTP not in request.session:
        user = request.user
        if security.session_state(request) != security.CODE:
            return redirect(_next_url(request))
        pending = False
    else:
        user_id = request.session.get(PENDING_OTP)
        started = request.session.get(PENDING_OTP_AT, 0)
        fresh = isinstance(started, int) and timezone.now().timestamp() - started <= PENDING_OTP_SECONDS
        user = selectors.active_user(user_id=user_id) if user_id and fresh else None
        if user is None:
            for key in (PENDING_OTP, PENDING_OTP_AT, PENDING_OTP_BACKEND, "sisnaker_next"):
                request.session.pop(key, None)
            return redirect("accounts:login")
        pending = True
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = security.verify_code(user, form.cleaned_data["token"], field="token")
        except TooManyRequests as exc:
            # django-otp's wait after wrong codes: this code was not checked; say how long to wait, not "wrong".
            apply_error(form, exc)
            return _refused(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}, exc)
        if device is None:
            form.add_error("token", _("Kode salah atau sudah kedaluwarsa. Masukkan kode terbaru dari aplikasi."))
        else:
            if pending:
                nxt = request.session.pop("sisnaker_next", "") or "web:home"
                backend = request.session.pop(PENDING_OTP_BACKEND, None) or "sisnaker.accounts.backends.IdentifierBackend"
                for key in (PENDING_OTP, PENDING_OTP_AT):
                    request.session.pop(key, None)
                login(request, user, backend=backend)
            else:
                nxt = _next_url(request)
                request.session.cycle_key()
            otp_login(request, device)
            response = redirect(nxt)
            throttle.remember_device(request, response, user)
            if pending:
                _account_language(request, response, user)
            return response
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")},
                  status=400 if form.errors else 200)


def locked_out(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    minutes = max((retry_after + 59) // 60, 1)
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:home")


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator (TOTP): what app to install, scan the QR code, type the code, recovery
    advice. The service re-asks the password, and a current code when two-factor is already on."""
    device = services.otp_device_pending(actor=request.user, name=_("Autentikator"))
    confirmed = security.has_authenticator(request.user)
    form = OtpSetupForm(request.POST or None, has_authenticator=confirmed)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.otp_device_confirm(actor=request.user, device=device, token=d["token"],
                                        current_password=d["current_password"], otp_token=d.get("otp_token", ""))
        except SisnakerError as exc:
            apply_error(form, exc, fields=FORM_FIELDS)
        else:
            device.refresh_from_db()
            security.forget_cached(request.user)
            otp_login(request, device)
            messages.success(request, _("Verifikasi dua langkah aktif. Mulai sekarang, masuk memerlukan kode dari aplikasi."))
            return redirect(_next_url(request, "accounts:profile"))
    state = security.session_state(request)
    context = {
        "form": form, "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="), "confirmed": confirmed,
        "required": security.must_use_2fa(request.user), "enrol_only": state == security.ENROL,
        "grace_ends": security.grace_ends(request.user) if state == security.GRACE else None,
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/otp_setup.html", context, status=400 if form.errors else 200)


@login_required
def otp_remove(request: HttpRequest) -> HttpResponse:
    """Remove an authenticator (e.g. an old phone), after the password and a current code."""
    devices = selectors.authenticators_of(user=request.user)
    if not devices:
        messages.info(request, _("Akun Anda belum memakai aplikasi autentikator."))
        return redirect("accounts:profile")
    form = OtpRemoveForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        device = next(x for x in devices if x.pk == d["device"])
        try:
            services.otp_device_remove(actor=request.user, device=device, current_password=d["current_password"],
                                       otp_token=d["otp_token"])
        except SisnakerError as exc:
            apply_error(form, exc, fields=FORM_FIELDS)
        else:
            messages.success(request, _("Autentikator dihapus."))
            return redirect("accounts:profile")
    return render(request, "accounts/otp_remove.html", {"form": form, "devices": devices,
                                                         "required": security.must_use_2fa(request.user)},
                  status=400 if form.errors else 200)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = selectors.person_for_user(user=request.user)
    has_otp = security.has_authenticator(request.user)
    if person is None:
        state = security.session_state(request)
        return render(request, "accounts/profile_staff.html", {
            "roles": selectors.roles_of(user=request.user), "otp": has_otp,
            "nik_register": selectors.nik_registration_open(user=request.user),
            "required": security.must_use_2fa(request.user),
            "grace_ends": security.grace_ends(request.user) if state == security.GRACE else None,
        })
    initial = {
        "education": person.education, "phone": person.phone, "email": person.email,
        "domicile": person.domicile_district, "address": person.address, "has_disability": person.has_disability,
        "disability_kind": person.disability_kind,
    }
    form = ProfileForm(request.POST or None, initial=initial, has_authenticator=has_otp)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.person_update(
                actor=request.user, person=person, education=d["education"], phone=d["phone"],
                email=d["email"], domicile_district=d["domicile"], address=d["address"], has_disability=d["has_disability"],
                disability_kind=d["disability_kind"], current_password=d["current_password"],
                otp_token=d.get("otp_token", ""),
            )
        except TooManyRequests as exc:
            apply_error(form, exc)
            return render(request, "accounts/profile.html", {"form": form, "person": person, "otp": has_otp}, status=exc.http_status)
        except SisnakerError as exc:
            apply_error(form, exc, fields=FORM_FIELDS)
        else:
            messages.success(request, _("Data Anda sudah diperbarui."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "person": person, "otp": has_otp},
                  status=400 if form.errors else 200)


@login_required
def data_download(request: HttpRequest) -> HttpResponse:
    person = selectors.person_for_user(user=request.user)
    if person is None:
        return redirect("accounts:profile")
    data = services.person_export_own(actor=request.user, person=person)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="data-saya-sisnaker.json"'
    return response


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "audit.view"):
        raise PermissionDenied(Msg("Hanya administrator yang dapat membaca jejak audit.",
                                   "Only administrators can view the audit trail."))
    before = request.GET.get("before", "")
    events = list(selectors.audit_events(
        object_type=request.GET.get("type", "").strip(), action=request.GET.get("action", "").strip(),
        actor=request.GET.get("actor", "").strip(), before_id=int(before) if before.isascii() and before.isdigit() and len(before) <= 18 else None,
    ))
    return render(request, "accounts/audit.html", {"events": events, "q": request.GET, "next_before": events[-1].id if len(events) == 100 else None})


PEOPLE_COUNT_CAP = 10_000


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Staff: residents of the officer's area (or everyone for national roles), searchable."""
    if not can(request.user, "person.list"):
        raise PermissionDenied(Msg("Halaman ini untuk petugas.", "This page is for officers."))
    if request.method == "POST":
        # The search form posts, so that a NIK typed in it never appears in a URL.
        q = search.protect_query(request.POST.get("q", "")[:100])
        return redirect(f"{request.path}?{urlencode({'q': q})}" if q else request.path)
    q = request.GET.get("q", "")[:100]
    qs = selectors.people_in_scope(viewer=request.user, q=q)
    # At most PEOPLE_COUNT_CAP rows are counted: a national list says "more than 10,000" (search narrows it).
    page = CappedPaginator(qs, 50, cap=PEOPLE_COUNT_CAP).get_page(request.GET.get("page"))
    nik_search = search.is_token(q)
    if search.nik_index_of(q):
        # A look-up by NIK is a look-up of one person: recorded, found or not (UU PDP).
        services.person_nik_search_record(actor=request.user, found=page.paginator.count)
    return render(request, "accounts/people.html", {"page": page, "q": "" if nik_search else q, "q_param": q,
                                                    "nik_search": nik_search, "capped": page.paginator.count_capped})


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """Staff open one person's full record; allowed by scope and always logged."""
    person = selectors.person_get(person_id=person_id)
    if person is None:
        raise NotFound(Msg("Data orang ini tidak ada.", "This person's record does not exist."))
    services.person_record_view(actor=request.user, person=person, purpose=request.GET.get("tujuan", "")[:200])
    view = selectors.person_public_view(viewer=request.user, person=person)
    return render(request, "accounts/person_detail.html", {**view, "can_correct": can(request.user, "person.correct_identity", person)})


@login_required
def person_correct(request: HttpRequest, person_id: int) -> HttpResponse:
    """Correct a record's name, birth date and sex (``person.correct_identity``: the institution that added a provisional
    record, an officer of the NIK's region). ``next``: where to go back (the enrollment's page of the institution)."""
    person = selectors.person_get(person_id=person_id)
    if person is None:
        raise NotFound(services.NOT_CORRECTABLE)
    if request.method != "POST":
        services.person_correction_open(actor=request.user, person=person)
    elif not can(request.user, "person.correct_identity", person):  # the service refuses too; no form for them
        raise NotFound(services.NOT_CORRECTABLE)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    if not back and can(request.user, "person.view", person):
        back = reverse("accounts:person", args=[person.pk])
    initial = {"full_name": person.full_name, "birth_date": person.birth_date, "sex": person.sex}
    form = IdentityCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_correct_identity(actor=request.user, person=person, full_name=form.cleaned_data["full_name"],
                                             birth_date=form.cleaned_data["birth_date"], sex=form.cleaned_data["sex"],
                                             reason=form.cleaned_data["reason"], today=timezone.localdate())
        except SisnakerError as exc:
            apply_error(form, exc, fields=FORM_FIELDS)
        else:
            messages.success(request, _("Data identitas diperbaiki dan tercatat di jejak audit. Sertifikat yang sudah terbit "
                                        "dengan data lama tetap seperti semula sampai diganti dari halaman sertifikatnya."))
            return redirect(back or request.path)  # the record as corrected, for whom there is no page to go back to
    return render(request, "accounts/person_correct.html", {"person": person, "form": form, "back": back},
                  status=400 if form.errors else 200)


# --- forgotten passwords ------------------------------------------------------------------------
# By a code (SMS, for whatever identifier the log-in accepts) or by Django's e-mailed link. Neither
# opens a session: the person logs in afterwards, through the two-factor step when the account has it.

def _anonymous_only(view):
    """Reset pages are for people who cannot log in: a signed-in visitor is sent home."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("web:home")
        return view(request, *args, **kwargs)
    return wrapper


def _refused(request: HttpRequest, template: str, context: dict, exc: TooManyRequests | gate.Busy) -> HttpResponse:
    response = render(request, template, context, status=exc.http_status)
    response["Retry-After"] = str(exc.retry_after)
    return response


@_anonymous_only
def password_reset(request: HttpRequest) -> HttpResponse:
    """Step 1: the identifier. Whatever it is, the next page is the code page (nothing says whether an
    account was found)."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reset = services.password_reset_request(identifier=form.cleaned_data["identifier"])
        except TooManyRequests as exc:
            apply_error(form, exc)
            return _refused(request, "accounts/password_reset.html", {"form": form}, exc)
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            return redirect("accounts:password_reset_code", token=reset.token)
    return render(request, "accounts/password_reset.html", {"form": form}, status=400 if form.errors else 200)


@_anonymous_only
def password_reset_code(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: the code and the new password."""
    if selectors.password_reset_pending(token=token) is None:
        raise NotFound(services.RESET_NOT_FOUND, code=Code.RESET_NOT_FOUND)
    form = PasswordResetCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.password_reset_with_code(token=token, code=d["code"], password=d["password"])
        except TooManyRequests as exc:
            apply_error(form, exc, fields={"": "code"})
            return _refused(request, "accounts/password_reset_code.html", {"form": form}, exc)
        except SisnakerError as exc:
            apply_error(form, exc, fields={"": "code"})
            status = 400
        else:
            return redirect("accounts:password_reset_complete")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/password_reset_code.html", {"form": form}, status=status)


class PasswordResetEmailView(auth_views.PasswordResetView):
    """Django's reset by e-mailed link, with Sisnaker's pages, limits and public address."""

    form_class = PasswordResetEmailForm
    template_name = "accounts/password_reset_email.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_email_sent")

    def form_valid(self, form):
        try:
            services.password_reset_link_limit(email=form.cleaned_data["email"])
        except TooManyRequests as exc:
            apply_error(form, exc)
            return _refused(self.request, self.template_name, self.get_context_data(form=form), exc)
        # Links in the mail use the configured public address (core.links), not the request's Host header.
        self.extra_email_context = {"base_url": links.public_url(self.request)}
        return super().form_valid(form)


class PasswordResetLinkView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: Django checks its token; the new password is set by the service (audit,
    sessions ended). No log-in follows (two-factor is asked at the next log-in)."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        try:
            services.password_reset_with_link(user=self.user, password=form.cleaned_data["new_password1"])
        except SisnakerError as exc:
            apply_error(form, exc, fields={"password": "new_password1"})
            return self.form_invalid(form)
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())


password_reset_email = _anonymous_only(PasswordResetEmailView.as_view())
password_reset_email_sent = _anonymous_only(auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_email_sent.html"))
password_reset_link = _anonymous_only(PasswordResetLinkView.as_view())
password_reset_complete = _anonymous_only(auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"))
