"""HTMX partials for the region picker: ``<option>`` lists, no layout."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import selectors


def _param(request, name: str) -> str:
    """``?province=32`` or, from a picker whose selects have form names, ``?from=domicile_0&domicile_0=32``."""
    value = request.GET.get(name)
    if value is None and request.GET.get("from"):
        value = request.GET.get(request.GET["from"])
    return (value or "").strip()


def _reset_id(request) -> str:
    reset = request.GET.get("reset", "")
    return reset if reset.replace("_", "").replace("-", "").isalnum() else ""


@require_GET
def regency_options(request):
    items = selectors.regencies_of_province(_param(request, "province"))
    return render(
        request,
        "regions/options.html",
        {
            "items": items,
            "placeholder": _("Pilih kabupaten/kota"),
            "selected": request.GET.get("selected", ""),
            "reset_id": _reset_id(request),
            "reset_placeholder": _("Pilih kecamatan"),
        },
    )


@require_GET
def district_options(request):
    items = selectors.districts_of_regency(_param(request, "regency"))
    return render(
        request,
        "regions/options.html",
        {"items": items, "placeholder": _("Pilih kecamatan"), "selected": request.GET.get("selected", "")},
    )
