"""Issue certificates in a batch: gap-free numbers + Ed25519 signatures + PDFs.

    .venv/bin/python bench/bench_certificates.py [--count 10000] [--no-baseline]

The default 10,000 takes several minutes (on a laptop: roughly 1–2 min to build the data, then the
issue, then two PDF renderers over the 10,000 certificates); ``--count 1000`` gives the figures in
well under a minute.

Uses a temporary SQLite database unless DATABASE_URL is set (then everything happens inside one
transaction that is rolled back at the end). Builds one running program with ``--count`` eligible
participants (assessed competent on 4 units, reviewed, readiness survey filled: plain rows), then:

1. ``certificates_issue_eligible`` — the service the "issue all eligible" task runs: readiness gate,
   counter lock, number, canonical payload, Ed25519 signature, insert and audit row per certificate;
2. the PDF of every certificate with ReportLab (``certification.pdf``, what users download);
3. baseline, same run, same payloads: an equivalent page (same texts, units table, vector QR code,
   link) rendered with fpdf2 — the library a developer would otherwise pick.

Prints certificates/second (issue only, and issue + PDF), PDF ms per certificate for both renderers and
their ratio, and the peak memory (ru_maxrss of the process; tracemalloc peak of the PDF phase on a
sample).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
os.environ.setdefault("DEBUG", "0")
_tmp = None
if not os.environ.get("DATABASE_URL"):
    _tmp = tempfile.TemporaryDirectory(prefix="bench-certificates-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from sisnaker.accounts import services as account_services  # noqa: E402
from sisnaker.accounts.models import Person  # noqa: E402
from sisnaker.certification import pdf  # noqa: E402
from sisnaker.certification import services as certification  # noqa: E402
from sisnaker.certification.models import Assessment, Certificate, Review  # noqa: E402
from sisnaker.core import crypto  # noqa: E402
from sisnaker.core.roles import Role  # noqa: E402
from sisnaker.institutions.models import Institution  # noqa: E402
from sisnaker.regions.models import District, Regency  # noqa: E402
from sisnaker.regions.services import regions_load  # noqa: E402
from sisnaker.surveys.models import Questionnaire, QuestionnaireVersion, Response  # noqa: E402
from sisnaker.training import services  # noqa: E402
from sisnaker.training.models import CompetencyUnit, Enrollment, VocationalField  # noqa: E402


class Rollback(Exception):
    pass


def build(count: int):
    tag = f"{os.getpid() % 1_000_000:06d}"
    today = timezone.localdate()
    bandung = Regency.objects.get(code="32.73")
    inst = Institution.objects.create(registry_number=f"BLK-BENCH-{tag}", name="BLK Bench Sertifikat Bandung",
                                      kind="blk_uptd", regency=bandung)
    manager = account_services.staff_user_create(actor=None, username=f"bench-cert-{tag}", password="Bench-Kata-Sandi-2026",
                                                 full_name="Budi Santoso")
    account_services.role_grant(actor=None, user=manager, role=Role.INSTITUTION_MANAGER, institution=inst)
    manager = type(manager).objects.get(pk=manager.pk)
    field, _ = VocationalField.objects.get_or_create(code=f"BC{tag}", defaults={"name": "Bench kejuruan"})
    units = [CompetencyUnit.objects.create(code=f"BENCH.{tag}.{i:02d}", vocational_field=field,
                                           title=f"Menerapkan prosedur keselamatan dan kesehatan kerja nomor {i}") for i in range(1, 5)]
    program = services.program_create(actor=manager, institution=inst, data=services.ProgramData(
        title="Pemrograman Web Dasar (bench)", vocational_field=field, hours=160, start_date=today + dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=60), registration_opens=today - dt.timedelta(days=5),
        registration_closes=today + dt.timedelta(days=20), quota=count, regency=bandung, funding="apbd",
        competency_unit_ids=tuple(u.pk for u in units),
    ))
    program.status = "running"  # bench data: straight to a running program
    program.save(update_fields=["status"])
    districts = list(District.objects.filter(regency_id="32.73").values_list("code", flat=True))
    sealed = crypto.encrypt("3273011705950001")  # the same sealed NIK is fine for the bench (masking only)
    people = [Person(nik_encrypted=sealed, nik_index=f"bench-{tag}-{i}", nik_regency_id="32.73", nik_district_id=districts[0],
                     full_name=f"Peserta Bench Nomor {i:05d}", birth_date=dt.date(1995, 5, 17), sex="M", education="smk",
                     domicile_district_id=districts[i % len(districts)]) for i in range(count)]
    Person.objects.bulk_create(people, batch_size=1000)
    person_ids = list(Person.objects.filter(nik_index__startswith=f"bench-{tag}-").values_list("pk", flat=True))
    now = timezone.now()
    Enrollment.objects.bulk_create([Enrollment(program=program, person_id=pk, state="participant", registered_at=now,
                                               state_changed_at=now) for pk in person_ids], batch_size=1000)
    enrollments = list(program.enrollments.values_list("pk", "person_id"))
    Assessment.objects.bulk_create([Assessment(enrollment_id=e, unit=u, result="competent", assessed_by=manager, assessed_at=now)
                                    for e, _ in enrollments for u in units], batch_size=2000)
    Review.objects.bulk_create([Review(enrollment_id=e, rating=5, text="Bagus", created_at=now) for e, _ in enrollments],
                               batch_size=2000)
    q, _ = Questionnaire.objects.get_or_create(code="kesiapan-kerja", defaults={"title": "Survei kesiapan kerja"})
    version = q.versions.filter(is_current=True).first() or QuestionnaireVersion.objects.create(
        questionnaire=q, version=1, is_current=True, published_at=now)
    Response.objects.bulk_create([Response(version=version, questionnaire=q, person_id=p, enrollment_id=e, submitted_at=now)
                                  for e, p in enrollments], batch_size=2000)
    return program, manager


# --- the baseline renderer: fpdf2, an equivalent page ------------------------------------------------

def render_fpdf2(fields: dict, *, key_id: str = "") -> bytes:
    import segno
    from fpdf import FPDF

    person, program, institution = fields["person"], fields["program"], fields["institution"]
    url = pdf.verification_url(fields["verification_id"])
    doc = FPDF(orientation="L", unit="mm", format="A4")
    doc.set_auto_page_break(False)
    doc.add_page()
    doc.set_draw_color(11, 93, 59)
    doc.set_line_width(1)
    doc.rect(8, 8, 281, 194)
    doc.set_line_width(0.3)
    doc.rect(10, 10, 277, 190)

    def centered(y, text, style, size):
        doc.set_xy(14, y)
        doc.set_font("Helvetica", style, size)
        doc.cell(269, 8, text, align="C")

    centered(18, institution["name"].upper(), "B", 15)
    centered(24, f"Nomor registrasi lembaga: {institution['registry_number']}", "", 9)
    centered(36, fields["title"], "B", 28)
    centered(45, f"Nomor: {fields['number']}", "", 11)
    centered(55, "Diberikan kepada", "", 11)
    centered(65, person["name"], "B", 24)
    centered(75, "yang telah mengikuti dan dinyatakan KOMPETEN pada pelatihan berbasis kompetensi", "", 11)
    centered(83, program["title"], "B", 15)
    centered(90, f"{program['hours']} JP, {program['start_date']} s.d. {program['end_date']}", "", 10.5)
    doc.set_font("Helvetica", "", 8.5)
    doc.set_xy(49, 100)
    with doc.table(col_widths=(10, 42, 147), text_align="LEFT", line_height=4.5) as table:
        table.row(("No.", "Kode unit", "Judul unit kompetensi"))
        for i, u in enumerate(fields["units"], start=1):
            table.row((str(i), u["code"], u["title"]))
    doc.set_font("Helvetica", "", 10)
    doc.set_xy(200, 160)
    doc.cell(80, 5, f"Diterbitkan {fields['issued_on']}", align="C")
    doc.set_xy(200, 166)
    doc.cell(80, 5, fields["signatory"]["title"][:90], align="C")
    doc.set_font("Helvetica", "B", 11)
    doc.set_xy(200, 182)
    doc.cell(80, 5, fields["signatory"]["name"], align="C")
    doc.line(200, 188, 280, 188)
    doc.set_font("Helvetica", "", 7)
    doc.set_xy(200, 190)
    doc.cell(80, 4, "Ditandatangani secara digital (Ed25519)" + (f", kunci {key_id}" if key_id else ""), align="C")
    # Vector QR code: one rectangle per run of dark modules (as certification.pdf does).
    qr = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    size, qx, qy = 34.0, 18.0, 160.0
    module = size / (len(matrix) + 4)
    doc.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                doc.rect(qx + (2 + start) * module, qy + (2 + r) * module, (c - start) * module, module, style="F")
            else:
                c += 1
    doc.link(qx, qy, size, size, url)
    doc.set_font("Helvetica", "", 7)
    doc.text(qx + size + 3, qy + 14, "Periksa keaslian sertifikat:")
    doc.text(qx + size + 3, qy + 18, url)
    return bytes(doc.output())


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="certificates to issue (default 10000: several minutes)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the fpdf2 baseline")
    args = parser.parse_args()
    if _tmp is not None:
        call_command("migrate", verbosity=0)
    if not District.objects.filter(regency_id="32.73").exists():
        regions_load()
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            program, manager = build(args.count)
            print(f"built {args.count:,} eligible participants in {time.perf_counter() - t0:.1f} s ({connection.vendor})")

            t0 = time.perf_counter()

            def progress(done, total):
                if done and (done % 2000 == 0 or done == total):
                    print(f"  issued {done:,}/{total:,} ({time.perf_counter() - t0:.0f} s)", flush=True)

            summary = certification.certificates_issue_eligible(actor=manager, program=program, now=timezone.now(),
                                                               progress=progress)
            issue_s = time.perf_counter() - t0
            assert summary["issued"] == args.count, summary["skipped"][:3]
            seqs = list(Certificate.objects.filter(institution=program.institution).order_by("sequence")
                        .values_list("sequence", flat=True))
            assert seqs == list(range(1, args.count + 1)), "gap or duplicate in the sequence"
            rows = list(Certificate.objects.filter(institution=program.institution).values_list("payload", "key_id"))

            tracemalloc.start()
            sample = rows[: min(200, len(rows))]
            for payload, key_id in sample:
                pdf.render_certificate_pdf(payload=payload, key_id=key_id)
            _, pdf_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()

            t0 = time.perf_counter()
            total_bytes = 0
            for payload, key_id in rows:
                total_bytes += len(pdf.render_certificate_pdf(payload=payload, key_id=key_id))
            rl_s = time.perf_counter() - t0

            fp_s = None
            if not args.no_baseline:
                parsed = [(json.loads(p), k) for p, k in rows]
                t0 = time.perf_counter()
                fp_bytes = 0
                for fields, key_id in parsed:
                    fp_bytes += len(render_fpdf2(fields, key_id=key_id))
                fp_s = time.perf_counter() - t0
            raise Rollback
    except Rollback:
        pass

    n = args.count
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print()
    print(f"{'measure':<52}{'value':>14}")
    print(f"{'issue (gate + number + sign + insert + audit)':<52}{n / issue_s:>10.0f} /s   ({issue_s:.1f} s)")
    print(f"{'PDF, ReportLab (certification.pdf)':<52}{rl_s / n * 1000:>10.2f} ms   ({total_bytes / n / 1024:.1f} KiB each)")
    if fp_s is not None:
        print(f"{'PDF, fpdf2 equivalent page (baseline)':<52}{fp_s / n * 1000:>10.2f} ms   ({fp_bytes / n / 1024:.1f} KiB each)")
        print(f"{'ratio ReportLab / fpdf2 (PDF time)':<52}{rl_s / fp_s:>14.2f}")
    print(f"{'issue + ReportLab PDF, end to end':<52}{n / (issue_s + rl_s):>10.0f} /s")
    print(f"{'peak memory, process (ru_maxrss)':<52}{maxrss_mb:>10.0f} MiB")
    print(f"{'peak memory, PDF rendering (tracemalloc, 200 PDFs)':<52}{pdf_peak / 1024 / 1024:>10.1f} MiB")


if __name__ == "__main__":
    main()
