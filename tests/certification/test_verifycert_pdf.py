"""The certificate PDF carries its signed export as an attachment, so ``sisnaker verifycert
sertifikat.pdf`` verifies it offline; a tampered attachment is refused; anything that is not a
certificate gets a clear message and a non-zero exit — never a traceback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from sisnaker.certification import export as certificate_export_module
from sisnaker.certification import pdf
from tests.certification.test_certificates import World, _pdf_text, readiness_questionnaire

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def issued(regions, client, tmp_path):
    readiness_questionnaire()
    w = World(participants=1)
    w.cert = w.issue(0)
    client.force_login(w.enrollments[0].person.user)  # the holder downloads their own certificate
    r = client.get(reverse("certification:pdf", args=[w.cert.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    w.pdf = r.content
    w.key = tmp_path / "kunci.pem"
    w.key.write_bytes(client.get(reverse("verify:public_key"), {"format": "pem"}).content)
    return w


def cli(*args) -> tuple[int, str]:
    """(exit status, what ``sisnaker verifycert`` would print) without leaving the test's database."""
    out = io.StringIO()
    try:
        call_command("verifycert", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_pdf_carries_the_signed_export_and_the_issuer(issued):
    export = pdf.embedded_export(issued.pdf)
    assert export == certificate_export_module.certificate_export(issued.cert)
    assert [n for n in PdfReader(io.BytesIO(issued.pdf)).attachments] == [pdf.EMBEDDED_NAME]
    text = _pdf_text(issued.pdf)
    for s in (issued.cert.number, issued.enrollments[0].person.full_name, "Tahun lahir 1995",
              f"Nomor registrasi lembaga: {issued.inst.registry_number} \\267 Kota Bandung, Jawa Barat",  # \267: "·"
              "disetujui dan aktif pada tanggal terbit"):
        assert s in text, s


def test_verifycert_verifies_the_pdf_offline(issued, tmp_path, django_assert_num_queries):
    path = write(tmp_path, "sertifikat.pdf", issued.pdf)
    with django_assert_num_queries(0):
        code, out = cli(path, "--public-key", str(issued.key), "--json")
    assert code == 0, out
    body = json.loads(out)
    assert body["status"] == "valid" and body["source"] == "pdf" and body["number"] == issued.cert.number
    assert body["name"] == "Siti Nurhaliza Putri" and body["birth_year"] == 1995
    assert body["institution_region"] == "Kota Bandung, Jawa Barat"
    assert cli(path)[0] == 0  # with this installation's own keys


def test_a_tampered_attachment_is_refused(issued, tmp_path):
    title = issued.program.title
    # 1. Bytes edited in place (the attachment is stored uncompressed): same length, so the PDF stays readable.
    forged = "X" * len(title)
    assert issued.pdf.count(title.encode()) == 1
    edited = issued.pdf.replace(title.encode(), forged.encode())
    assert pdf.embedded_export(edited)["payload"].count(forged) == 1
    code, out = cli(write(tmp_path, "edit.pdf", edited), "--public-key", str(issued.key), "--json")
    assert code == 1 and json.loads(out)["status"] == "invalid" and "NOT match" in json.loads(out)["message"]
    # 2. The attachment replaced by a rewritten export (another name), the pages left as they were.
    export = pdf.embedded_export(issued.pdf)
    export["payload"] = export["payload"].replace("Siti Nurhaliza Putri", "Orang Lain Sekali")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(issued.pdf)))
    for attachment in list(writer.attachment_list):
        attachment.delete()
    writer.add_attachment(pdf.EMBEDDED_NAME, json.dumps(export).encode())
    buffer = io.BytesIO()
    writer.write(buffer)
    code, out = cli(write(tmp_path, "ganti.pdf", buffer.getvalue()), "--public-key", str(issued.key))
    assert code == 1 and "status: invalid" in out and "Orang Lain" not in out


@pytest.mark.parametrize(("name", "make", "says"), [
    ("acak.bin", lambda w: bytes(range(256)) * 40, "bukan sertifikat Sisnaker"),
    ("kosong.pdf", lambda w: b"", "bukan sertifikat Sisnaker"),
    ("teks.txt", lambda w: b"Sertifikat asli, percayalah", "bukan sertifikat Sisnaker"),
    ("palsu.pdf", lambda w: b"%PDF-1.7\n" + bytes(range(256)) * 10, "rusak"),
    ("potong.pdf", lambda w: w.pdf[: len(w.pdf) // 3], "rusak"),
    ("polos.pdf", lambda w: pdf.render_certificate_pdf(payload=w.cert.payload, key_id=w.cert.key_id), "tidak memuat sertifikat"),
    ("dalam.json", lambda w: b"[" * 100_000 + b"]" * 100_000, "bukan sertifikat Sisnaker"),
])
def test_anything_else_gets_a_clear_message_and_exit_2(issued, tmp_path, name, make, says):
    code, message = cli(write(tmp_path, name, make(issued)), "--public-key", str(issued.key))
    assert code == 2 and says in message, message


def test_missing_files_and_keys(issued, tmp_path):
    code, message = cli(str(tmp_path / "tidak-ada.pdf"))
    assert code == 2 and "tidak dapat dibaca" in message
    assert cli(str(tmp_path))[0] == 2  # a directory
    assert cli("a" * 5000)[0] == 1  # a name too long to be a file: an unknown number
    assert cli("BLK\x00/2026/000001")[0] == 1
    path = write(tmp_path, "sertifikat.pdf", issued.pdf)
    code, message = cli(path, "--public-key", write(tmp_path, "kunci.pem", b"bukan kunci"))
    assert code == 2 and "Kunci publik tidak dapat dibaca" in message


def test_the_real_command_line_never_shows_a_traceback(issued, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    good = write(tmp_path, "sertifikat.pdf", issued.pdf)
    junk = write(tmp_path, "acak.pdf", b"%PDF-" + os.urandom(3000))
    run = [sys.executable, "-m", "sisnaker", "verifycert"]
    ok = subprocess.run([*run, good, "--public-key", str(issued.key)], env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "status: valid" in ok.stdout
    bad = subprocess.run([*run, junk, "--public-key", str(issued.key)], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr + bad.stdout
    assert "PDF rusak atau tidak dapat dibaca" in bad.stderr
