"""One way to refuse on a page: the product's error page, in the reader's language, never a traceback.

* A view (or anything it calls) raises a ``core.errors.SisnakerError``: ``RefusalMiddleware`` answers
  with ``error_page`` at the error's ``http_status`` (403 for ``PermissionDenied``, 404 for ``NotFound``,
  409 for ``Conflict``, 429 for ``TooManyRequests``, 400 otherwise) and its bilingual message.
* A form shows a refusal on the field at fault with ``apply_error(form, exc)``.
* Under ``/api/`` the same statuses answer in the API's JSON shape (``{code, message, field}``).

Views therefore never build error responses themselves: they let the refusal rise."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .codes import Code
from .errors import SisnakerError

# Stable codes of the API's refusals that Django itself answers (unknown URL, bad request...).
API_CODES = {400: Code.BAD_REQUEST, 403: Code.FORBIDDEN, 404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED,
             409: Code.CONFLICT, 413: Code.BODY_TOO_LARGE, 429: Code.RATE_LIMITED, 500: Code.SERVER_ERROR,
             503: Code.UNAVAILABLE}

# Seconds a client is asked to wait when the database cannot be reached (a restart, a fail-over).
UNAVAILABLE_RETRY_AFTER = 10


def _titles() -> dict[int, str]:
    return {400: _("Permintaan tidak dapat diproses"), 403: _("Akses ditolak"), 404: _("Halaman tidak ditemukan"),
            409: _("Tidak dapat dilakukan sekarang"), 429: _("Terlalu banyak percobaan"), 500: _("Terjadi gangguan")}


def error_page(request: HttpRequest, status: int, text, title=None, *, code: str | None = None,
               field: str | None = None) -> HttpResponse:
    """The one error page (400/403/404/409/429/500...): a clear title and text, never a traceback.
    Under /api/ it is the API's JSON refusal."""
    text = str(text)
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code or API_CODES.get(status, "error"), "message": text, "field": field}, status=status)
    titles = _titles()
    title = str(title or titles.get(status, titles[400]))
    return render(request, "core/error.html", {"title": title, "text": text, "status": status}, status=status)


def refusal_page(request: HttpRequest, exc: SisnakerError) -> HttpResponse:
    """The error page for a refusal, at its HTTP status, with ``Retry-After`` when it has one."""
    response = error_page(request, exc.http_status, exc.message, code=exc.code, field=exc.field)
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):
        response["Retry-After"] = str(retry_after)
    return response


def unavailable_page(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After`` when the database cannot be reached (restart, fail-over, SQLite locked for
    too long): "try again in a moment" rather than a server error. Rendered without the request's context
    processors, which would read the session and the user from the very database that is gone; nothing was
    saved by the failed request (its transaction never committed)."""
    text = _("Layanan sedang tidak dapat dijangkau sebentar. Tidak ada yang tersimpan dari permintaan ini; "
             "coba lagi dalam {n} detik.").format(n=UNAVAILABLE_RETRY_AFTER)
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": Code.UNAVAILABLE, "message": text, "field": None}, status=503)
    else:
        html = render_to_string("core/unavailable.html", {"title": _("Coba lagi sebentar"), "text": text,
                                                          "retry": UNAVAILABLE_RETRY_AFTER,
                                                          # a GET reloads itself; a form is never re-sent unasked
                                                          "refresh": request.method == "GET"})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def apply_error(form, exc: SisnakerError, *, fields: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: on the field at fault when the form has it (``fields`` maps a
    service field name to the form's, e.g. ``{"domicile_district": "domicile"}``), else on the form."""
    field = (fields or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))


class RefusalMiddleware:
    """Turns a ``SisnakerError`` that a page view lets rise into the product's error page (the API's
    own exception handlers answer first for /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            # ``require_POST`` and friends answer an empty 405: a link opened in the browser (a log-out link, a
            # form's address bookmarked) showed a blank page. The page says what to do instead.
            allowed = {m.strip() for m in response.get("Allow", "").split(",")}
            text = (_("Alamat ini hanya menerima kiriman formulir. Kembali ke halaman sebelumnya dan gunakan tombolnya.")
                    if "GET" not in allowed else
                    _("Alamat ini hanya dibuka, tidak menerima kiriman. Buka kembali halamannya dari menu atau tautannya."))
            page = error_page(request, 405, text, title=_("Alamat ini tidak dapat dipakai dengan cara itu"))
            page["Allow"] = response.get("Allow", "")
            return page
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, SisnakerError):
            return refusal_page(request, exception)
        return None
