"""Layout-level pages: home, health check and the error pages (never a traceback)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from sisnaker.accounts import selectors as account_selectors


def home(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.user.is_authenticated:
        context["dashboard"] = account_selectors.home_for(user=request.user)
    return render(request, "web/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": str(status), "message": text}, status=status)
    return render(request, "web/error.html", {"title": title, "text": text, "status": status}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "Permintaan tidak dapat diproses", "Periksa kembali isian Anda lalu coba lagi.")


def forbidden(request, exception=None):
    return _error(request, 403, "Akses ditolak", "Anda tidak berwenang membuka halaman ini.")


def not_found(request, exception=None):
    return _error(request, 404, "Halaman tidak ditemukan", "Alamat yang Anda buka tidak ada atau sudah dipindahkan.")


def server_error(request):
    return _error(
        request, 500, "Terjadi gangguan", "Maaf, terjadi kesalahan di server. Tim kami sudah tercatat; silakan coba lagi."
    )
