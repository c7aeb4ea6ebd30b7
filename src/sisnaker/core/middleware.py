import uuid

from . import context
from .net import client_ip


class RequestContextMiddleware:
    """Makes the client IP and a request id available to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The client address: X-Forwarded-For is believed only from SISNAKER_TRUSTED_PROXIES (core/net.py).
        request.client_ip = client_ip(request)
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = context.activate(context.RequestContext(ip=request.client_ip, request_id=request_id[:64]))
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response.headers.setdefault("X-Request-ID", request_id[:64])
        return response


class LanguageMiddleware:
    """Bahasa Indonesia by default; English only when chosen (language cookie from the switcher, or
    the account's preference). Browser Accept-Language is ignored for pages, since many Indonesian
    phones run an English browser; the API honours it, for partner platforms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        supported = {code for code, _ in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported and request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class TimeZoneMiddleware:
    """Times are stored in UTC and shown in the user's zone (WIB/WITA/WIT): a citizen's domicile, a
    staff member's area or institution; WIB for visitors. Worked out once per session."""

    SESSION_KEY = "sisnaker_tz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import timezone

        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = request.session.get(self.SESSION_KEY)
            if zone is None:
                from sisnaker.accounts.selectors import home_region_code
                from sisnaker.regions.domain import time_zone_for

                zone = time_zone_for(home_region_code(user=user))
                request.session[self.SESSION_KEY] = zone
        if zone:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
