"""Account-aware middleware: the two-factor gate and the user's time zone.

The one central two-factor check (issue 7 §3): a session opened with the password alone of an
account that has an authenticator reaches only the code page and log-out; an account whose roles
require TOTP reaches only the enrolment page and log-out once its grace period is over. Pages are
redirected there; the API answers 403 JSON with a stable code. API calls that carry a bearer token
are authenticated by the token alone (the session is ignored for them). See accounts/security.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.errors import Msg
from sisnaker.regions.domain import time_zone_for

from . import security
from .codes import Code
from .selectors import home_region_code

API_PREFIX = "/api/"
ALWAYS_OPEN_PREFIXES = ("/static/", "/i18n/")

MESSAGES = {
    security.CODE: (
        Code.OTP_REQUIRED,
        Msg("Sesi ini belum diverifikasi dengan kode autentikator. Masuk lagi lewat halaman kode.",
            "This session has not been verified with an authenticator code. Complete the code step first."),
    ),
    security.ENROL: (
        Code.OTP_ENROLMENT_REQUIRED,
        Msg("Peran Anda mewajibkan verifikasi dua langkah dan masa tenggangnya sudah habis. Aktifkan dulu di halaman keamanan akun.",
            "Your role requires two-factor log-in and the grace period is over. Turn it on from the account security page first."),
    ),
}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = security.session_state(request)
        if state in (security.CODE, security.ENROL) and not self._open(request, state):
            if request.path.startswith(API_PREFIX):
                if request.headers.get("Authorization", "").lower().startswith("bearer "):
                    # A script's token decides alone; the unverified session must not add anything.
                    request.user = AnonymousUser()
                    return self.get_response(request)
                code, message = MESSAGES[state]
                return JsonResponse({"code": code, "message": str(message), "field": None}, status=403)
            target = reverse("accounts:otp_verify" if state == security.CODE else "accounts:otp_setup")
            nxt = request.get_full_path() if request.method == "GET" else ""
            return redirect(f"{target}?{urlencode({'next': nxt})}" if nxt else target)
        return self.get_response(request)

    @staticmethod
    def _open(request, state: str) -> bool:
        path = request.path
        if path.startswith(ALWAYS_OPEN_PREFIXES):
            return True
        # The language switcher too (it saves nothing on the account of a session that has not passed this step).
        open_names = ["accounts:logout", "accounts:login", "accounts:language"]
        open_names.append("accounts:otp_verify" if state == security.CODE else "accounts:otp_setup")
        return path in {reverse(name) for name in open_names}


class TimeZoneMiddleware:
    """Times are stored in UTC and shown in the user's zone (WIB/WITA/WIT, ``regions.domain``): a citizen's
    domicile, a staff member's area or institution; WIB for visitors. Worked out once per session."""

    SESSION_KEY = "sisnaker_tz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = request.session.get(self.SESSION_KEY)
            if zone is None:
                zone = time_zone_for(home_region_code(user=user))
                request.session[self.SESSION_KEY] = zone
        if zone:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
