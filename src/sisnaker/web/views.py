"""Layout-level pages: home, health check and the error pages (never a traceback)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sisnaker.accounts import selectors as account_selectors
from sisnaker.core import pages


def home(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.user.is_authenticated:
        context["dashboard"] = account_selectors.home_for(user=request.user)
    return render(request, "web/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# The error page lives in core (core/pages.py); these names stay until every app imports it from there.
error_page = pages.error_page


def forbidden_page(request: HttpRequest, text=None) -> HttpResponse:
    return error_page(request, 403, text or _("Anda tidak berwenang membuka halaman ini."))


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return error_page(request, status, text, title)


def bad_request(request, exception=None):
    from sisnaker.core.errors import SisnakerError

    if isinstance(exception, SisnakerError):  # a refusal that says what is wrong (e.g. core.nul)
        return _error(request, 400, _("Permintaan tidak dapat diproses"), str(exception.message))
    return _error(request, 400, _("Permintaan tidak dapat diproses"), _("Periksa kembali isian Anda lalu coba lagi."))


def forbidden(request, exception=None):
    return _error(request, 403, _("Akses ditolak"), _("Anda tidak berwenang membuka halaman ini."))


def not_found(request, exception=None):
    return _error(request, 404, _("Halaman tidak ditemukan"), _("Alamat yang Anda buka tidak ada atau sudah dipindahkan."))


def server_error(request):
    return _error(
        request, 500, _("Terjadi gangguan"), _("Maaf, terjadi kesalahan di server dan sudah dicatat. Silakan coba lagi.")
    )
