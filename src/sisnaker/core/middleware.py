import re
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.urls import get_resolver
from django.utils import translation

from . import context, nul
from .net import client_ip

_PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestContextMiddleware:
    """Makes the client IP and a request id available to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The client address: X-Forwarded-For is believed only from SISNAKER_TRUSTED_PROXIES (core/net.py).
        request.client_ip = client_ip(request)
        # A caller's request id is kept only when it is plain (it goes into the audit trail and logs).
        request_id = request.headers.get("X-Request-ID", "")
        if not _PLAIN_ID.fullmatch(request_id):
            request_id = uuid.uuid4().hex
        token = context.activate(context.RequestContext(ip=request.client_ip, request_id=request_id[:64]))
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response.headers.setdefault("X-Request-ID", request_id[:64])
        return response


class LanguageMiddleware:
    """Bahasa Indonesia by default; English only when chosen, which this reads from the language cookie
    (``LANGUAGE_COOKIE_NAME``) alone. The cookie is set by the switcher in every page's header, which also
    saves the choice as a signed-in account's preference (``accounts.views.language``), and by a log-in from
    the account's preference when the browser has not chosen (``accounts.views``): so a signed-in user's pages
    follow the account's preference on a new device, and their SMS and e-mail follow it too. Browser
    Accept-Language is ignored for pages, since many Indonesian phones run an English browser; the API
    honours it, for partner platforms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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


class NulGuardMiddleware:
    """Refuses with 400 a request whose path, query string or cookies carry a NUL character, and, for
    pages, a form or JSON body with one (``core/nul.py`` says why).

    Form bodies (urlencoded or multipart) are checked when they are parsed, by whoever reads them
    first (the CSRF check, or the view after it chose its upload handlers), never read here ahead of
    time. The API's bodies are checked by the API's parser after authentication (``sisnaker.api``).
    Sits after the authentication middlewares, whose user is lazy: nothing has touched the session yet."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found, field, in_cookies = self._scan(request, nul)
        if found:
            return self._refuse(request, nul.NulCharacter(field), in_cookies=in_cookies)
        if not request.path_info.startswith("/api/") and request.method not in ("GET", "HEAD", "OPTIONS"):
            if request.content_type in self.FORM_TYPES:
                self._check_form_when_parsed(request, nul)
            elif (request.content_type == "application/json" or request.content_type.endswith("+json")) and \
                    nul.in_json_bytes(request.body):
                return self._refuse(request, nul.NulCharacter(), in_cookies=False)
        return self.get_response(request)

    @staticmethod
    def _scan(request, nul) -> tuple[bool, str | None, bool]:
        if nul.NUL in request.path_info:
            return True, None, False
        found, field = nul.first_in_pairs((key, value) for key, values in request.GET.lists() for value in values)
        if found:
            return True, field, False
        found, field = nul.first_in_pairs(request.COOKIES.items())
        return found, field, found

    @staticmethod
    def _check_form_when_parsed(request, nul) -> None:
        load = request._load_post_and_files

        def load_and_check():
            load()
            found, field = nul.first_in_pairs((key, value) for key, values in request._post.lists() for value in values)
            if not found:
                found, field = nul.first_in_pairs((key, upload.name) for key, upload in request._files.items())
            if found:
                # A SuspiciousOperation: Django answers 400 with the site's error page (handler400),
                # which shows this error's message in the chosen language.
                raise nul.NulInForm(field)

        request._load_post_and_files = load_and_check

    @staticmethod
    def _refuse(request, exc, *, in_cookies: bool):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"code": exc.code, "message": str(exc.message), "field": exc.field}, status=400)
        if in_cookies:
            # The session cookie itself may be the bad one: show the page without looking it up.
            request.user = AnonymousUser()
        return get_resolver().resolve_error_handler(400)(request, exception=exc)
