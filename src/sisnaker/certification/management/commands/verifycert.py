"""``sisnaker verifycert FILE_OR_NUMBER [--public-key PEM_FILE] [--json]``

* FILE: a certificate PDF downloaded from Sisnaker (it carries its signed export as an attachment) or
  the exported JSON (``/sertifikasi/sertifikat/<id>/json/`` or ``GET /api/v1/certification/certificates/<id>``)
  is verified OFFLINE: the Ed25519 signature over its canonical payload, with the published public
  key (``--public-key``, from ``/v/kunci-publik/``) or, without it, this installation's keys. No
  database is touched. The signed content is printed: compare it with what the PDF page shows.
  Revocation and the institution's status today cannot be known offline: the public page
  ``/v/<verification id>/`` says them.
* NUMBER (or a QR verification id): looked up in this installation's database (an operator's tool on
  the server); the stored signature is checked and the status reported (valid / revoked / unknown /
  invalid / unapproved).

Exit status: 0 valid; 1 invalid, revoked, unapproved or unknown; 2 the input cannot be read (a file
that is not a certificate, a damaged PDF, an unreadable key, no database). Never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from sisnaker.certification import domain, export, pdf, services, signing
from sisnaker.core.errors import Msg

FILE_MAX = pdf.PDF_MAX


def _refuse(message: Msg, detail: str = "") -> CommandError:
    text = f"{message.id} / {message.en}" + (f" ({detail})" if detail else "")
    return CommandError(text, returncode=2)


class Command(BaseCommand):
    help = ("Verify a certificate: a PDF or JSON export offline with the public key, or a number/QR id in the "
            "database.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("target", metavar="FILE_OR_NUMBER",
                            help="certificate PDF or exported JSON file, certificate number, or QR verification id")
        parser.add_argument("--public-key", dest="public_key", metavar="PEM_FILE",
                            help="the published Ed25519 public key (PEM) for offline verification of a FILE")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print the result as JSON")

    def handle(self, *args, target: str, public_key: str | None, as_json: bool, **options):
        path = Path(target)
        is_file, exists = _probe(path)
        if is_file:
            ok, out = self._file(path, public_key)
        elif exists or target.lower().endswith((".pdf", ".json")):
            raise _refuse(Msg("Berkas tidak dapat dibaca: {p}", "Cannot read the file: {p}").format(p=target))
        else:
            try:
                ok, out = self._lookup(target.strip())
            except (DatabaseError, ImproperlyConfigured) as exc:
                raise _refuse(Msg("Basis data Sisnaker tidak dapat dibaca untuk mencari nomor ini. Untuk memeriksa tanpa "
                                  "basis data, berikan berkas PDF atau JSON sertifikat.",
                                  "Sisnaker's database cannot be read to look this number up. To check without a "
                                  "database, give the certificate's PDF or JSON file."), type(exc).__name__) from exc
        if as_json:
            self.stdout.write(_dumps(out))
        else:
            for key, value in out.items():
                if value not in (None, "", []):
                    self.stdout.write(f"{key}: {value}")
        if not ok:
            raise SystemExit(1)

    def _read_export(self, path: Path) -> tuple[dict, str]:
        """The exported certificate inside ``path`` (a PDF's attachment, or a JSON file) and the kind."""
        try:
            with path.open("rb") as handle:
                data = handle.read(FILE_MAX + 1)
        except OSError as exc:
            raise _refuse(Msg("Berkas tidak dapat dibaca: {p}", "Cannot read the file: {p}").format(p=str(path)),
                          exc.strerror or type(exc).__name__) from exc
        if len(data) > FILE_MAX:
            raise _refuse(Msg("Berkas terlalu besar untuk sebuah sertifikat Sisnaker.",
                              "The file is too large to be a Sisnaker certificate."))
        if pdf.is_pdf(data):
            try:
                return pdf.embedded_export(data), "pdf"
            except pdf.NotACertificateFile as exc:
                raise _refuse(exc.message) from exc
        try:
            export = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise _refuse(Msg("Berkas ini bukan sertifikat Sisnaker: bukan PDF sertifikat dan bukan ekspor JSON.",
                              "This file is not a Sisnaker certificate: neither a certificate PDF nor a JSON export.")) from exc
        return export, "json"

    def _file(self, path: Path, public_key_path: str | None) -> tuple[bool, dict]:
        data, kind = self._read_export(path)
        key = None
        if public_key_path:
            try:
                key = signing.parse_public_key(Path(public_key_path).read_bytes())
            except (OSError, ValueError) as exc:
                raise _refuse(Msg("Kunci publik tidak dapat dibaca: {p}", "Cannot read the public key: {p}").format(
                    p=public_key_path), str(exc)) from exc
        try:
            result = export.verify_export(data, public_key=key)
        except ImproperlyConfigured as exc:
            raise _refuse(Msg("Kunci penandatangan instalasi ini tidak dapat dipakai; berikan --public-key (PEM dari "
                              "/v/kunci-publik/).",
                              "This installation's signing key cannot be used; give --public-key (the PEM from "
                              "/v/kunci-publik/)."), str(exc)) from exc
        # Signed content is shaped by whoever holds the key given with --public-key: read it defensively.
        fields = _dict(result.fields)
        person, institution, program = _dict(fields.get("person")), _dict(fields.get("institution")), _dict(fields.get("program"))
        region = _dict(institution.get("region"))
        out = {
            "mode": "offline",
            "source": kind,
            "status": "valid" if result.valid else "invalid",
            "message": f"{result.reason.id} / {result.reason.en}",
            "number": result.number or (str(data.get("number"))[:domain.NUMBER_MAX] if isinstance(data, dict) and data.get("number") else None),
            "name": person.get("name"),
            "birth_year": person.get("birth_year"),
            "program": program.get("title"),
            "institution": institution.get("name"),
            "institution_registry_number": institution.get("registry_number"),
            "institution_region": ", ".join(str(x) for x in (region.get("regency"), region.get("province")) if x) or None,
            "issued_on": fields.get("issued_on"),
            "certificate_date": fields.get("certificate_date") or fields.get("issued_on"),
            "key_id": str(data.get("key_id"))[:16] if isinstance(data, dict) and data.get("key_id") else None,
            # Written into the file when it was downloaded after a revocation (not signed: the page online decides).
            "revoked_on": str(_dict(data.get("revoked") if isinstance(data, dict) else None).get("on") or "")[:10] or None,
            "note": ("Compare these signed details with the printed page. Revocation and the institution's status today "
                     "are not visible offline: open the verification page /v/<verification id>/.") if result.valid else None,
        }
        return result.valid, out

    def _lookup(self, query: str) -> tuple[bool, dict]:
        if "/" in query or not domain.is_verification_id(query):
            result = services.certificate_status(number=query)
        else:
            result = services.certificate_verify(verification_id=query)
            if not result.found:
                result = services.certificate_status(number=query)
        messages = {
            services.VALID: "Sertifikat SAH dan berlaku. / The certificate is VALID.",
            services.REVOKED: "Sertifikat DICABUT. / The certificate was REVOKED.",
            services.UNKNOWN: "Sertifikat TIDAK DITEMUKAN. / No such certificate.",
            services.INVALID: "Tanda tangan digital TIDAK cocok. / The digital signature does NOT match.",
            services.UNAPPROVED: ("Sertifikat TIDAK DIAKUI: lembaga penerbit belum disetujui pada tanggal terbit. / "
                                      "NOT RECOGNISED: the issuing institution was not approved on the certificate's date."),
        }
        out = {"mode": "database", **result.as_dict(), "message": messages[result.status]}
        if not result.found:
            out["query"] = query[:200]
        return result.status == services.VALID, out


def _probe(path: Path) -> tuple[bool, bool]:
    """(is a file, exists) — False for names the system cannot even look up (too long, a NUL byte):
    those are not files, so they are looked up as numbers (and are unknown)."""
    try:
        return path.is_file(), path.exists()
    except (OSError, ValueError):
        return False, False


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
