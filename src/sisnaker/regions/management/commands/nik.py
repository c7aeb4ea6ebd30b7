"""``sisnaker nik <NIK> [<NIK>...]``: explain what a NIK says, or why it is invalid.

Reads the region CSV files only (no database). Exit status 0 when every NIK is valid, 1 when any
is invalid. Messages are in Indonesian by default (``--lang en`` for English, ``--lang both``).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sisnaker.core.errors import Msg
from sisnaker.regions.nik import NikError, ParsedNik, age_on, mask, parse
from sisnaker.regions.registry import Registry, registry

LABELS = {
    "valid": Msg("SAH", "VALID"),
    "invalid": Msg("TIDAK SAH", "INVALID"),
    "province": Msg("Provinsi", "Province"),
    "regency": Msg("Kabupaten/Kota", "Regency/city"),
    "district": Msg("Kecamatan", "District"),
    "district_none": Msg("(tidak ada dalam daftar)", "(not in the list)"),
    "birth_date": Msg("Tanggal lahir", "Birth date"),
    "age": Msg("{age} tahun", "{age} years"),
    "sex": Msg("Jenis kelamin", "Sex"),
    "M": Msg("laki-laki", "male"),
    "F": Msg("perempuan", "female"),
    "serial": Msg("Nomor urut", "Serial"),
    "masked": Msg("NIK disamarkan", "Masked NIK"),
    "retired": Msg("Kode lama", "Retired code"),
    "retired_note": Msg(
        "{old} sudah tidak berlaku; kini {new} ({name})",
        "{old} is no longer in use; now {new} ({name})",
    ),
    "warning": Msg("Peringatan", "Warning"),
    "summary": Msg("{bad} dari {total} NIK tidak sah.", "{bad} of {total} NIKs are invalid."),
}


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Check one or more NIKs: region (province, regency, district), birth date, sex and serial, "
        "or the reason a NIK is invalid. Exit status 1 when any NIK is invalid. No database needed."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "niks", nargs="+", metavar="NIK", help="16-digit NIK (spaces, dots, dashes allowed)"
        )
        parser.add_argument(
            "--today",
            type=_iso_date,
            default=None,
            help="reference date YYYY-MM-DD (default: today in Jakarta)",
        )
        parser.add_argument("--lang", choices=["id", "en", "both"], default="id", help="message language")
        parser.add_argument("--json", action="store_true", help="print a JSON array instead of text")
        parser.add_argument(
            "--data-dir", type=Path, default=None, help="read region CSV files from this directory (testing)"
        )

    def handle(self, *args, **options):
        today = options["today"] or _local_today()
        reg = Registry(data_dir=options["data_dir"]) if options["data_dir"] else registry()
        self.lang = options["lang"]
        results = []
        bad = 0
        for raw in options["niks"]:
            try:
                results.append((raw, parse(raw, today=today, registry=reg), None))
            except NikError as exc:
                bad += 1
                results.append((raw, None, exc))
        if options["json"]:
            payload = [_as_json(raw, p, e, today) for raw, p, e in results]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            for raw, p, e in results:
                self._write_text(raw, p, e, today)
        if bad:
            raise CommandError(self.t(LABELS["summary"].format(bad=bad, total=len(results))), returncode=1)

    # --- text output ---------------------------------------------------------------------------

    def t(self, msg: Msg, sep: str = " / ") -> str:
        if self.lang == "both":
            return msg.id if msg.id == msg.en else f"{msg.id}{sep}{msg.en}"
        return msg.in_language(self.lang)

    def _write_text(self, raw: str, parsed: ParsedNik | None, error: NikError | None, today: date) -> None:
        if error is not None:
            self.stdout.write(f"{mask(raw)}: {self.t(LABELS['invalid'])} [{error.code}]")
            self.stdout.write(f"  {self.t(error.message, sep=chr(10) + '  ')}")
            return
        assert parsed is not None  # noqa: S101
        region = parsed.region
        rows = [
            (LABELS["province"], f"{region.province.code:<9} {region.province.name}"),
            (LABELS["regency"], f"{region.regency.code:<9} {region.regency.name}"),
            (
                LABELS["district"],
                f"{region.district.code:<9} {region.district.name}"
                if region.district is not None
                else f"{parsed.district_code:<9} {self.t(LABELS['district_none'])}",
            ),
            (
                LABELS["birth_date"],
                f"{parsed.birth_date.isoformat()} ({self.t(LABELS['age'].format(age=age_on(parsed, today)))})",
            ),
            (LABELS["sex"], self.t(LABELS[parsed.sex])),
            (LABELS["serial"], f"{parsed.serial:04d}"),
            (LABELS["masked"], parsed.masked),
        ]
        if parsed.retired_from:
            current = region.district or region.regency
            note = LABELS["retired_note"].format(old=parsed.retired_from, new=current.code, name=current.name)
            rows.append((LABELS["retired"], self.t(note)))
        for warning in parsed.warnings:
            rows.append(
                (LABELS["warning"], f"[{warning.code}] {self.t(warning.message, sep=chr(10) + ' ' * 4)}")
            )
        labels = [self.t(label) for label, _ in rows]
        width = max(len(label) for label in labels)
        self.stdout.write(f"{parsed.masked}: {self.t(LABELS['valid'])}")
        for label, (_, value) in zip(labels, rows, strict=True):
            self.stdout.write(f"  {label.ljust(width)}  {value}")


def _local_today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _msg_json(msg: Msg) -> dict[str, str]:
    return {"id": msg.id, "en": msg.en}


def _region_json(region) -> dict[str, str] | None:
    return None if region is None else {"code": region.code, "name": region.name}


def _as_json(raw: str, parsed: ParsedNik | None, error: NikError | None, today: date) -> dict:
    if error is not None:
        return {
            "nik_masked": mask(raw),
            "valid": False,
            "code": error.code,
            "part": error.details.get("part"),
            "message": _msg_json(error.message),
        }
    assert parsed is not None  # noqa: S101
    return {
        "nik_masked": parsed.masked,
        "valid": True,
        "codes_in_nik": {
            "province": parsed.province_code,
            "regency": parsed.regency_code,
            "district": parsed.district_code,
        },
        "province": _region_json(parsed.region.province),
        "regency": _region_json(parsed.region.regency),
        "district": _region_json(parsed.region.district),
        "retired_from": parsed.retired_from,
        "birth_date": parsed.birth_date.isoformat(),
        "age": age_on(parsed, today),
        "sex": parsed.sex,
        "serial": parsed.serial,
        "warnings": [{"code": w.code, "message": _msg_json(w.message)} for w in parsed.warnings],
    }
