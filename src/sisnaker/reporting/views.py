"""The dashboards (regional officers: their area's residents; the ministry and the PMO: the nation) and the public
statistics page (no log-in, small cells hidden), with every table as .xlsx and .csv.

The scope comes from the user's grants (``domain.scope_for``); the request picks only the region inside it, the
basis (domicile or KTP), the year and the breakdown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.permissions import require

from . import domain, exports, maps, selectors

NO_AREA = Msg("Akun Anda tidak memiliki wilayah kerja untuk dasbor.", "Your account has no area for the dashboards.")
OUTSIDE = Msg("Wilayah {region} di luar wilayah kerja Anda. Angka wilayah lain (tanpa data perorangan) ada di halaman "
              "Statistik publik.",
              "Region {region} is outside your area. Other regions' figures (no personal data) are on the public "
              "statistics page.")
NO_REGION = Msg("Kode wilayah {region} tidak dikenal. Pilih wilayah dari daftar.",
                "Region code {region} is unknown. Choose a region from the list.")
BAD_YEAR = Msg("Tahun {year} tidak ada dalam angka. Pilih tahun dari daftar.",
               "Year {year} is not in the figures. Choose a year from the list.")


def _grants(user) -> list[tuple[str, str]]:
    return [(str(g.role), g.region_code or "") for g in getattr(user, "grants", ())]


def _params(request: HttpRequest, *, scope: domain.Scope | None) -> dict:
    region = request.GET.get("wilayah", scope.home if scope else "").strip()
    if len(region) > 8 or selectors.region_name(region) is None:
        raise NotFound(NO_REGION.format(region=region[:20]))
    if scope is not None and not scope.covers(region):
        raise PermissionDenied(OUTSIDE.format(region=region))
    basis = "k" if request.GET.get("dasar") == "ktp" else "d"
    years = selectors.years()
    raw = request.GET.get("tahun", "")
    if raw == "semua" or (not raw and not years):
        year = None
    elif not raw:
        year = domain.default_year(years, this_year=timezone.localdate().year)
    elif raw.isdigit() and int(raw) in years:
        year = int(raw)
    else:
        raise NotFound(BAD_YEAR.format(year=raw[:10]))
    return {"region": region, "basis": basis, "year": year, "dim": request.GET.get("rincian", "")[:20], "years_known": years}


def _query(p: dict, **override) -> str:
    values = {"wilayah": p["region"], "dasar": "ktp" if p["basis"] == "k" else "domisili",
              "tahun": "semua" if p["year"] is None else str(p["year"]), "rincian": p["dim"]}
    values.update(override)
    return "&".join(f"{k}={v}" for k, v in values.items() if v)


def _page(request: HttpRequest, d: selectors.Dashboard, p: dict, *, template: str, extra: dict) -> HttpResponse:
    dims = domain.PUBLIC_DIMENSIONS if d.public else domain.DIMENSION_KEYS
    context = {
        "d": d, "p": p, "query": _query(p), "bases": domain.BASES,
        "dims": [(k, label) for k, label, _ in domain.DIMENSIONS if k in dims],
        "charts": selectors.charts(d), "map": maps.province_map(d.map_values) if d.map_measure is not None else None,
        "year_choice": "semua" if p["year"] is None else str(p["year"]),
        "threshold": domain.DEFAULT_THRESHOLD, **extra,
    }
    return render(request, template, context)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "reporting.dashboard")
    scope = domain.scope_for(_grants(request.user))
    if scope is None:
        raise PermissionDenied(NO_AREA)
    p = _params(request, scope=scope)
    d = selectors.dashboard(**p)
    return _page(request, d, p, template="reporting/dashboard.html",
                 extra={"scope": scope, "url_name": "reporting:dashboard",
                        "in_scope_path": [(c, n) for c, n in d.path if scope.covers(c)]})


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    p = _params(request, scope=None)
    d = selectors.dashboard(**p, public=True)
    response = _page(request, d, p, template="reporting/public.html",
                     extra={"url_name": "reporting:public", "in_scope_path": d.path})
    # The browser may keep it 5 minutes (figures refresh hourly), a shared cache never: the page carries the visitor's
    # CSRF token and menu, and the response may set their cookies (a proxy or CDN would hand those to everyone).
    response["Cache-Control"] = "private, max-age=300"
    return response


def _export(request: HttpRequest, p: dict, d: selectors.Dashboard, fmt: str) -> HttpResponse:
    tables = {"wilayah": d.children, "rincian": d.breakdown, "bulan": d.trend}
    key = request.GET.get("tabel", "wilayah")
    table = tables.get(key)
    if table is None:
        raise NotFound(Msg("Tabel itu tidak ada untuk wilayah ini.", "That table does not exist for this region."))
    name = f"sisnaker-{'statistik' if d.public else 'dasbor'}-{p['region'] or 'nasional'}-{key}-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        response = HttpResponse(exports.table_xlsx(d, table),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(exports.table_csv(d, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, "reporting.dashboard")
    scope = domain.scope_for(_grants(request.user))
    if scope is None:
        raise PermissionDenied(NO_AREA)
    p = _params(request, scope=scope)
    return _export(request, p, selectors.dashboard(**p), fmt)


@require_GET
def public_export(request: HttpRequest, fmt: str) -> HttpResponse:
    p = _params(request, scope=None)
    return _export(request, p, selectors.dashboard(**p, public=True), fmt)
