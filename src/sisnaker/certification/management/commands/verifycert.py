"""``sisnaker verifycert FILE_OR_NUMBER [--public-key PEM_FILE] [--json]``

* FILE: a certificate exported as JSON (``/sertifikasi/sertifikat/<id>/json/`` or
  ``GET /api/v1/certification/certificates/<id>``) is verified OFFLINE: the Ed25519 signature over its
  canonical payload, with the published public key (``--public-key``, from ``/v/kunci-publik/``) or,
  without it, this installation's keys. No database is touched. Revocation cannot be known offline:
  the public page ``/v/<verification id>/`` says it.
* NUMBER (or a QR verification id): looked up in this installation's database; the stored signature is
  checked and the status reported (valid / revoked / unknown / invalid).

Exit status: 0 valid; 1 invalid, revoked or unknown; 2 usage errors (unreadable key or file).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sisnaker.certification import certificates, signing


class Command(BaseCommand):
    help = "Verify a certificate: a JSON export offline with the public key, or a number/QR id in the database."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("target", metavar="FILE_OR_NUMBER",
                            help="exported certificate JSON file, certificate number, or QR verification id")
        parser.add_argument("--public-key", dest="public_key", metavar="PEM_FILE",
                            help="the published Ed25519 public key (PEM) for offline verification of a FILE")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print the result as JSON")

    def handle(self, *args, target: str, public_key: str | None, as_json: bool, **options):
        path = Path(target)
        if path.is_file():
            ok, out = self._file(path, public_key)
        else:
            ok, out = self._lookup(target.strip())
        if as_json:
            self.stdout.write(_dumps(out))
        else:
            for key, value in out.items():
                if value not in (None, "", []):
                    self.stdout.write(f"{key}: {value}")
        if not ok:
            raise SystemExit(1)

    def _file(self, path: Path, public_key_path: str | None) -> tuple[bool, dict]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"Cannot read {path} as JSON: {exc}", returncode=2) from exc
        key = None
        if public_key_path:
            try:
                key = signing.parse_public_key(Path(public_key_path).read_bytes())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the public key {public_key_path}: {exc}", returncode=2) from exc
        result = certificates.verify_export(data, public_key=key)
        fields = result.fields
        out = {
            "mode": "offline",
            "status": "valid" if result.valid else "invalid",
            "message": f"{result.reason.id} / {result.reason.en}",
            "number": result.number or (data.get("number") if isinstance(data, dict) else None),
            "name": (fields.get("person") or {}).get("name"),
            "program": (fields.get("program") or {}).get("title"),
            "institution": (fields.get("institution") or {}).get("name"),
            "issued_on": fields.get("issued_on"),
            "key_id": data.get("key_id") if isinstance(data, dict) else None,
            "note": "Revocation is not visible offline: open the verification page /v/<verification id>/."
            if result.valid else None,
        }
        return result.valid, out

    def _lookup(self, query: str) -> tuple[bool, dict]:
        result = certificates.certificate_verify(number=query)
        if not result.found and "/" not in query:
            result = certificates.certificate_verify(verification_id=query)
        messages = {
            certificates.VALID: "Sertifikat SAH dan berlaku. / The certificate is VALID.",
            certificates.REVOKED: "Sertifikat DICABUT. / The certificate was REVOKED.",
            certificates.UNKNOWN: "Sertifikat TIDAK DITEMUKAN. / No such certificate.",
            certificates.INVALID: "Tanda tangan digital TIDAK cocok. / The digital signature does NOT match.",
        }
        out = {"mode": "database", **result.as_dict(), "message": messages[result.status]}
        if not result.found:
            out["query"] = query
        return result.status == certificates.VALID, out


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
