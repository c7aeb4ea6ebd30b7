"""REST: /api/v1/regions/…"""

from __future__ import annotations

from ninja import Router, Schema

from sisnaker.core.errors import Msg, NotFound

from . import selectors
from .codes import Code

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str


class ResolveOut(Schema):
    code: str
    level: str
    province: RegionOut
    regency: RegionOut | None = None
    district: RegionOut | None = None
    retired_from: str | None = None


def _not_found(code: str) -> NotFound:
    return NotFound(
        Msg("Kode wilayah {code} tidak dikenal.", "Unknown region code {code}.").format(code=code),
        code=Code.REGION_NOT_FOUND,
    )


def _out(obj) -> dict[str, str] | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


@router.get("/provinces", response=list[RegionOut], summary="Daftar provinsi")
def provinces(request):
    return list(selectors.provinces_list())


@router.get("/provinces/{code}/regencies", response=list[RegionOut], summary="Kabupaten/kota dalam provinsi")
def regencies(request, code: str):
    if selectors.province_get(code) is None:
        raise _not_found(code)
    return list(selectors.regencies_of_province(code))


@router.get("/regencies/{code}/districts", response=list[RegionOut], summary="Kecamatan dalam kabupaten/kota")
def districts(request, code: str):
    if selectors.regency_get(code) is None:
        raise _not_found(code)
    return list(selectors.districts_of_regency(code))


@router.get(
    "/resolve/{code}", response=ResolveOut, summary="Wilayah saat ini untuk kode (termasuk kode lama)"
)
def resolve(request, code: str):
    match = selectors.region_for_code(code)
    if match is None:
        raise _not_found(code)
    return {
        "code": match.code,
        "level": match.level,
        "province": _out(match.province),
        "regency": _out(match.regency),
        "district": _out(match.district),
        "retired_from": match.retired_from,
    }
