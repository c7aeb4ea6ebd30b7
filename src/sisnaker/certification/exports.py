"""Certification's export sources (the exports app's registry; registered in ``CertificationConfig.ready``).

* ``certification.register``: the national certificate register — every certificate, revoked ones included, with
  its holder, issuer, program and status, optionally of one year of issue. Who: ``certificate.register_export``
  (ministry curators, who keep the register). NIKs are masked for them; full NIKs only for roles with
  ``person.view_nik`` nationally (PMO officers — who cannot ask for this export — and administrators)."""

from __future__ import annotations

import datetime as dt

from sisnaker.core.errors import Msg, ValidationFailed
from sisnaker.exports import registry
from sisnaker.exports.codes import Code as ExportCode

from .models import Certificate

COLUMNS = ("No", "Nomor sertifikat", "Nama pemegang", "NIK", "Tanggal lahir", "Lembaga", "Nomor registrasi lembaga",
           "Program", "Terbit (WIB)", "Status", "Dicabut (WIB)", "Alasan pencabutan")
WIDTHS = (7, 30, 28, 20, 12, 32, 20, 32, 17, 10, 17, 30)
WIB = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 all year


class National:
    """The target of a national export: no scope (``_national`` rules match it, scoped ones do not)."""

    def __str__(self) -> str:
        return "nasional"


def _target(params: dict[str, str]) -> National:
    year = params.get("year", "")
    if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
        raise ValidationFailed(Msg("Tahun \"{y}\" tidak sah: tulis tahun terbit, misalnya 2026.",
                                   "Year \"{y}\" is not valid: give the year of issue, e.g. 2026.").format(y=year[:10]),
                               code=ExportCode.EXPORT_PARAM_INVALID, field="year")
    return National()


def _queryset(params: dict[str, str]):
    qs = Certificate.objects.all()
    if params.get("year"):
        qs = qs.filter(year=int(params["year"]))
    return qs


def _wib(value: dt.datetime | None):
    return (value.astimezone(dt.UTC) + WIB).replace(tzinfo=None, microsecond=0) if value else None


def _rows(ctx: registry.Context):
    qs = _queryset(ctx.params).order_by("id").values_list(
        "number", "enrollment__person__full_name", "enrollment__person__nik_encrypted", "enrollment__person__birth_date",
        "institution__name", "institution__registry_number", "enrollment__program__title", "issued_at", "revoked_at",
        "revoke_reason")
    for n, (number, name, sealed, born, inst, registry_number, program, issued_at, revoked_at, reason) in enumerate(
            qs.iterator(chunk_size=registry.CHUNK), start=1):
        yield (n, number, name, ctx.sealed_nik(sealed), born, inst, registry_number, program, _wib(issued_at),
               "Dicabut" if revoked_at else "Berlaku", _wib(revoked_at), reason)


def register_sources() -> None:
    registry.register(
        "certification.register", title=Msg("Register sertifikat nasional", "National certificate register"),
        action="certificate.register_export", nik_action="person.view_nik", params=("year",), columns=COLUMNS,
        widths=WIDTHS, sheet_name="Sertifikat", target=_target, rows=_rows, count=lambda ctx: _queryset(ctx.params).count(),
        file_stem=lambda target, params: "register-sertifikat" + (f"-{params['year']}" if params.get("year") else ""),
        describe=lambda target, params: "Register sertifikat nasional" + (f" {params['year']}" if params.get("year") else ""),
        offers=lambda actor: [{}],
    )
