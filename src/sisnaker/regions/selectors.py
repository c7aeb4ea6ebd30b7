"""Reads of region data (database tables filled by ``loadregions``)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from .models import District, Province, Regency, RetiredCode
from .registry import dotted


def provinces_list() -> QuerySet[Province]:
    return Province.objects.order_by("code")


def province_get(code: str) -> Province | None:
    return Province.objects.filter(code=code).first()


def regency_get(code: str) -> Regency | None:
    return Regency.objects.select_related("province").filter(code=code).first()


def district_get(code: str) -> District | None:
    return District.objects.select_related("regency__province").filter(code=code).first()


# District code → (District with its regency and province, when it was read). Positive answers only: a code loaded
# a moment ago is found at once. Regions change only with ``loadregions`` (which clears this in its own process);
# other processes see a renamed or moved district after SISNAKER_REGION_CACHE_SECONDS at most.
_DISTRICTS: dict[str, tuple[District, float]] = {}
_DISTRICTS_MAX = 20_000  # Indonesia has about 7,300 districts


def district_get_cached(code: str, *, now: float | None = None) -> District | None:
    """``district_get`` remembered per process for a few minutes, for the hot paths (sign-up at the Prakerja
    peak: one query less per sign-up). The instance is shared: read it, do not change it."""
    now = time.monotonic() if now is None else now
    found = _DISTRICTS.get(code)
    if found is not None and now - found[1] < getattr(settings, "SISNAKER_REGION_CACHE_SECONDS", 300):
        return found[0]
    district = district_get(code)
    if district is not None:
        if len(_DISTRICTS) >= _DISTRICTS_MAX:
            _DISTRICTS.clear()
        _DISTRICTS[code] = (district, now)
    return district


def district_cache_clear() -> None:
    """Forget the remembered districts (after ``loadregions``)."""
    _DISTRICTS.clear()


def regencies_of_province(province_code: str | None) -> QuerySet[Regency]:
    if not province_code:
        return Regency.objects.none()
    return Regency.objects.filter(province_id=province_code).order_by("code")


def districts_of_regency(regency_code: str | None) -> QuerySet[District]:
    if not regency_code:
        return District.objects.none()
    return District.objects.filter(regency_id=regency_code).order_by("code")


def regions_search(query: str, *, limit: int = 20) -> list[Province | Regency | District]:
    """Regions whose name contains ``query`` (case-insensitive): provinces, then regencies, then
    districts, at most ``limit`` in all."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    found: list[Province | Regency | District] = list(Province.objects.filter(name__icontains=query)[:limit])
    if len(found) < limit:
        found += list(
            Regency.objects.select_related("province").filter(name__icontains=query)[: limit - len(found)]
        )
    if len(found) < limit:
        found += list(
            District.objects.select_related("regency__province").filter(name__icontains=query)[
                : limit - len(found)
            ]
        )
    return found


@dataclass(frozen=True)
class RegionMatch:
    """Where a (current or retired) code lies today."""

    code: str  # the code asked for, dotted
    level: str  # "province" | "regency" | "district"
    province: Province
    regency: Regency | None
    district: District | None
    retired_from: str | None  # the retired code translated, if any


def _current(code: str) -> tuple[str, str | None]:
    seen: set[str] = set()
    original = code
    while code not in seen:
        seen.add(code)
        nxt = RetiredCode.objects.filter(old_code=code).values_list("new_code", flat=True).first()
        if nxt is None:
            break
        code = nxt
    return code, (original if code != original else None)


def region_for_code(code: str) -> RegionMatch | None:
    """Resolve a province, regency or district code (plain ``317401`` or dotted), current or
    retired, to the current region. A district code unknown even after translation falls back to
    its regency (level "regency")."""
    raw = "".join(ch for ch in (code or "") if ch.isdigit() or ch == ".")
    if not raw:
        return None
    asked = dotted(raw)
    if len(asked.replace(".", "")) not in (2, 4, 6):
        return None
    current, retired_from = _current(asked)
    digits = len(current.replace(".", ""))
    if digits == 6:
        district = district_get(current)
        if district is not None:
            return RegionMatch(
                asked, "district", district.regency.province, district.regency, district, retired_from
            )
        regency_code, regency_retired = _current(current[:5])
        regency = regency_get(regency_code)
        if regency is None:
            return None
        return RegionMatch(asked, "regency", regency.province, regency, None, retired_from or regency_retired)
    if digits == 4:
        regency = regency_get(current)
        if regency is None:
            return None
        return RegionMatch(asked, "regency", regency.province, regency, None, retired_from)
    province = province_get(current)
    if province is None:
        return None
    return RegionMatch(asked, "province", province, None, None, retired_from)
