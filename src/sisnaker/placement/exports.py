"""Placement's export sources (the exports app's registry; registered in ``PlacementConfig.ready``).

* ``placement.ak1_holders``: the AK/1 cards issued by the regency offices of a region (a province "32" or a regency
  "32.73"): number, holder, issue date, and whether the holder reported work. Who: ``ak1.export`` (regional officers
  of that area; a regency officer cannot ask for the whole province).
* ``placement.alumni``: the alumni (graduated enrollments) who live in a region (domicile), with their training,
  institution and certificate number. Who: ``alumni.export`` (regional officers of that area) — the office that
  reports their placement (``/penempatan/luaran/``).

Full NIKs in both for whoever has ``person.view_nik`` on the region (its regional officers, who issue the cards
and check identities); masked for everyone else (an administrator sees them whole)."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery

from sisnaker.accounts.models import Person
from sisnaker.certification.models import CURRENT_FIRST, Certificate
from sisnaker.core.errors import Msg, NotFound, ValidationFailed
from sisnaker.core.roles import Role
from sisnaker.exports import registry
from sisnaker.exports.codes import Code as ExportCode
from sisnaker.regions.models import Province, Regency
from sisnaker.training.domain import EnrollmentState
from sisnaker.training.models import Enrollment

from .models import JobSeekerCard

WIB = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 all year
REGION_BAD = Msg("Wilayah \"{code}\" tidak dikenal: tulis kode provinsi (32) atau kabupaten/kota (32.73).",
                 "Unknown region \"{code}\": give a province code (32) or a regency code (32.73).")


class Area:
    """A province or regency as a permission target (``scope_region_codes``)."""

    def __init__(self, code: str, name: str) -> None:
        self.code, self.name = code, name

    def scope_region_codes(self) -> set[str]:
        return {self.code}

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def _area(params: dict[str, str]) -> Area:
    code = params.get("region", "")
    if len(code) == 2 and code.isdigit():
        name = Province.objects.filter(code=code).values_list("name", flat=True).first()
    elif len(code) == 5 and code[2] == "." and code.replace(".", "").isdigit():
        name = Regency.objects.filter(code=code).values_list("name", flat=True).first()
    else:
        raise ValidationFailed(REGION_BAD.format(code=code[:12]), code=ExportCode.EXPORT_PARAM_INVALID, field="region")
    if name is None:
        raise NotFound(REGION_BAD.format(code=code), code=ExportCode.EXPORT_PARAM_INVALID)
    return Area(code, name)


def _in_area(regency: str, code: str) -> dict:
    """A filter for rows whose regency (the path ``regency`` to a ``Regency`` foreign key) lies in the province or is
    the regency ``code``: an indexed equality either way."""
    return {f"{regency}__province_id": code} if len(code) == 2 else {f"{regency}_id": code}


def _officer_areas(actor) -> list[dict[str, str]]:
    return [{"region": g.region_code} for g in getattr(actor, "grants", ())
            if g.role == Role.REGIONAL_OFFICER and g.region_code and len(g.region_code) in (2, 5)]


def _wib_date(value: dt.datetime | None):
    return (value.astimezone(dt.UTC) + WIB).date() if value else None


# --- AK/1 holders ----------------------------------------------------------------------------------------------

AK1_COLUMNS = ("No", "Nomor AK/1", "Nama", "NIK", "Jenis kelamin", "Tanggal lahir", "Pendidikan", "Alamat",
               "Kabupaten/Kota penerbit", "Diterbitkan", "Sudah bekerja sejak", "Pemberi kerja", "Jabatan")
AK1_WIDTHS = (7, 22, 28, 20, 12, 12, 18, 36, 24, 12, 12, 28, 20)


def _cards(params: dict[str, str]):
    return JobSeekerCard.objects.filter(status="issued", **_in_area("regency", params["region"]))


def _ak1_rows(ctx: registry.Context):
    sexes = {k: str(v) for k, v in Person.Sex.choices}
    educations = {k: str(v) for k, v in Person.Education.choices}
    qs = _cards(ctx.params).order_by("regency_id", "year", "sequence").values_list(
        "number", "full_name", "nik_encrypted", "sex", "birth_date", "education", "address", "regency__name", "issued_on",
        "ended_on", "employer_name", "position")
    for n, (number, name, sealed, sex, born, education, address, regency, issued_on, ended_on, employer, position) in enumerate(
            qs.iterator(chunk_size=registry.CHUNK), start=1):
        yield (n, number, name, ctx.sealed_nik(sealed), sexes.get(sex, sex), born, educations.get(education, education), address,
               regency, issued_on, ended_on, employer, position)


# --- alumni ------------------------------------------------------------------------------------------------------

ALUMNI_COLUMNS = ("No", "Nama", "NIK", "Jenis kelamin", "Tanggal lahir", "Pendidikan", "No HP", "Kecamatan domisili",
                  "Kabupaten/Kota domisili", "Program", "Lembaga", "Lulus", "Nomor sertifikat")
ALUMNI_WIDTHS = (7, 28, 20, 12, 12, 18, 16, 20, 24, 32, 32, 12, 30)


def _alumni(params: dict[str, str]):
    return Enrollment.objects.filter(state=EnrollmentState.GRADUATED,
                                     **_in_area("person__domicile_district__regency", params["region"]))


def _alumni_rows(ctx: registry.Context):
    sexes = {k: str(v) for k, v in Person.Sex.choices}
    educations = {k: str(v) for k, v in Person.Education.choices}
    # The certificate that stands for the enrollment (its replacement, when one was replaced).
    qs = _alumni(ctx.params).annotate(certificate_number=Subquery(
        Certificate.objects.filter(enrollment_id=OuterRef("pk")).order_by(*CURRENT_FIRST).values("number")[:1],
    )).order_by("state_changed_at", "id").values_list(
        "person__full_name", "person__nik_encrypted", "person__sex", "person__birth_date", "person__education", "person__phone",
        "person__domicile_district__name", "person__domicile_district__regency__name", "program__title",
        "program__institution__name", "state_changed_at", "certificate_number")
    for n, (name, sealed, sex, born, education, phone, district, regency, program, institution, graduated, number) in enumerate(
            qs.iterator(chunk_size=registry.CHUNK), start=1):
        yield (n, name, ctx.sealed_nik(sealed), sexes.get(sex, sex), born, educations.get(education, education), phone,
               district or "", regency or "", program, institution, _wib_date(graduated), number or "")


def register_sources() -> None:
    registry.register(
        "placement.ak1_holders", title=Msg("Pemegang kartu AK/1 wilayah", "AK/1 card holders of a region"),
        action="ak1.export", nik_action="person.view_nik", params=("region",), columns=AK1_COLUMNS, widths=AK1_WIDTHS,
        sheet_name="AK1", target=_area, rows=_ak1_rows, count=lambda ctx: _cards(ctx.params).count(),
        file_stem=lambda area, params: f"pemegang-ak1-{area.code}", describe=lambda area, params: str(area),
        offers=_officer_areas,
    )
    registry.register(
        "placement.alumni", title=Msg("Alumni pelatihan yang berdomisili di wilayah", "Training alumni living in a region"),
        action="alumni.export", nik_action="person.view_nik", params=("region",), columns=ALUMNI_COLUMNS, widths=ALUMNI_WIDTHS,
        sheet_name="Alumni", target=_area, rows=_alumni_rows, count=lambda ctx: _alumni(ctx.params).count(),
        file_stem=lambda area, params: f"alumni-{area.code}", describe=lambda area, params: str(area),
        offers=_officer_areas,
    )
