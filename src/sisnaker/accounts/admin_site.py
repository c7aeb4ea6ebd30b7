"""The admin site: the same verified log-in as the rest of Sisnaker, for administrators only.

* ``/admin/login/`` is not a second log-in form: it sends the browser to Sisnaker's log-in (password,
  then the TOTP code), so the admin can never be entered with the password alone.
* A request is let in only for an active account holding the *administrator role* (not merely the
  ``is_staff``/``is_superuser`` flags, which a revoked role could leave behind) whose session is
  OTP-verified whenever the account has an authenticator or its roles require one, grace period or
  not (``security.admin_session_ok``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from sisnaker.core.errors import Msg, PermissionDenied
from sisnaker.core.roles import Role

from . import security

ADMINISTRATORS_ONLY = Msg("Halaman administrasi hanya untuk administrator.",
                          "The administration pages are only for administrators.")


class SisnakerAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Administrasi Sisnaker")
    site_title = gettext_lazy("Administrasi Sisnaker")
    index_title = gettext_lazy("Data (hanya baca; perubahan lewat layanan yang tercatat di jejak audit)")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_authenticated and user.is_staff and user.has_role(Role.ADMIN)
            and security.admin_session_ok(request)
        )

    def login(self, request, extra_context=None):
        """No admin log-in form: Sisnaker's log-in (with TOTP) or the step the session still lacks."""
        nxt = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            nxt = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(nxt, reverse(settings.LOGIN_URL))
        if self.has_permission(request):
            return redirect(nxt)
        step = security.admin_missing_step(request)
        if step == "code":
            return redirect(f"{reverse('accounts:otp_verify')}?{_query(nxt)}")
        if step == "enrol":
            return redirect(f"{reverse('accounts:otp_setup')}?{_query(nxt)}")
        raise PermissionDenied(ADMINISTRATORS_ONLY)


def _query(nxt: str) -> str:
    return urlencode({"next": nxt})
