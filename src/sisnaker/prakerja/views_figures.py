"""Prakerja inclusion figures: the page (PMO officers: the nation; a regional officer: the residents of their area, by
KTP or by domicile), its .xlsx/.csv export, and the regional officer's list of their residents who applied (logged).

The scope comes from the user's role (``figures.scope_of``); the request only picks the wave and the basis."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.paging import CappedPaginator
from sisnaker.core.permissions import can, require

from . import figures as read
from . import selectors, services_figures
from .figures_export import figures_csv, figures_xlsx
from .models import Wave

NO_AREA = Msg("Akun Anda tidak memiliki wilayah kerja untuk angka Prakerja.",
              "Your account has no area of responsibility for the Prakerja figures.")
PER_PAGE = 50


def _scope(request: HttpRequest) -> read.Scope:
    basis = "domicile" if request.GET.get("dasar") == "domisili" else "ktp"
    scope = read.scope_of(request.user, basis=basis)
    if scope is None:
        raise PermissionDenied(NO_AREA)
    return scope


def _wave(request: HttpRequest) -> Wave | None:
    raw = request.GET.get("gelombang", "")
    if not raw:
        return None
    wave = selectors.wave_get(int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if wave is None:
        raise NotFound(Msg("Gelombang tidak ditemukan.", "Wave not found."))
    return wave


def _query(request: HttpRequest) -> str:
    """The wave and basis chosen, for links that keep them (never the scope)."""
    parts = []
    if request.GET.get("gelombang", "").isdigit():
        parts.append(f"gelombang={request.GET['gelombang']}")
    if request.GET.get("dasar") == "domisili":
        parts.append("dasar=domisili")
    return "&".join(parts)


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    require(request.user, "prakerja.figures")
    scope, wave = _scope(request), _wave(request)
    return render(request, "prakerja/figures/figures.html", {
        "f": read.figures(scope=scope, wave=wave), "waves": read.waves_for_figures(), "wave": wave, "scope": scope,
        "query": _query(request), "can_list": can(request.user, "prakerja.residents") and not scope.national,
    })


@login_required
def figures_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, "prakerja.figures")
    f = read.figures(scope=_scope(request), wave=_wave(request))
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(figures_xlsx(f),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(figures_csv(f), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prakerja-angka-{stamp}.{fmt}"'
    return response


@login_required
def residents(request: HttpRequest) -> HttpResponse:
    """A regional officer's residents who applied (newest wave first), paged, NIK masked; every page opened is logged."""
    require(request.user, "prakerja.residents")
    scope, wave = _scope(request), _wave(request)
    if scope.national:
        raise PermissionDenied(Msg("Daftar ini untuk petugas daerah (warga wilayahnya).",
                                   "This list is for regional officers (their area's residents)."))
    page = CappedPaginator(read.residents(scope, wave=wave), PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    services_figures.residents_listed(actor=request.user, scope=scope, applications=rows, page=page.number, now=timezone.now())
    return render(request, "prakerja/figures/residents.html", {
        "page": page, "rows": rows, "scope": scope, "wave": wave, "waves": read.waves_for_figures(),
        "query": _query(request), "capped": page.paginator.count_capped,
    })
