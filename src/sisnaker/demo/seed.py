"""A generated data set of national size (``sisnaker seed``), to measure every page at scale (issue 14 §1).

What it writes, all consistent with the app's rules:

* citizens (``accounts.Person``) spread over the real districts (more on Java), with valid NIKs whose
  district, birth date and sex agree with the person, sealed and blind-indexed by ``core.crypto`` exactly
  as sign-up does; about ``accounts`` of them have a log-in (``User`` + the citizen role), the others are
  provisional records added by an institution;
* approved institutions (with their status history and audit rows), each with a manager and instructors
  (staff log-ins sharing one password hash), a ministry curator, an administrator and a regional officer
  per province;
* programs in every lifecycle status with competency units and assigned instructors, and enrollments whose
  states are those the program's status allows (``STATE_WEIGHTS``; the tests check them against the state
  machine of ``training.domain``), with assessments, reviews, work-readiness survey responses and signed
  certificates numbered gap-free per institution and year (``CertificateCounter``), in issue order;
* alumni outcomes as the regional officer of their domicile reports them (``placement.Outcome``), with a
  placement record (``placement.Placement``, source "officer") for those at work: the dashboards' "placed";
* AK/1 job-seeker cards (``placement.JobSeekerCard``) applied for by part of the citizens with a log-in and
  decided by the regency office of their NIK (one officer per office): issued ones numbered gap-free per
  office and year in issue order (``JobSeekerCounter``) and signed like the service signs them;
* one audit row per enrollment, program step, institution step, certificate, outcome and card decision.

* two drawn Kartu Prakerja waves (``_prakerja``): applications of part of the citizens (sealed NIK and KK with
  their blind indexes, households of one KK, eligibility by ``prakerja.domain``'s rule, the ineligible with their
  reason), the selection by ``prakerja.domain.draw`` from each wave's seed under per-province quotas, and the
  cards with their training balances issued and posted to the payments ledger by the app's own service
  (``prakerja.services``, as the draw does); the first wave's unused cards expired by the app's daily step, which
  returns their balances. No purchases.

Two programs of the first institution are made for the benchmarks: the largest one (registration open,
``big_program`` enrollments) and a closed one of ``board_program`` alumni (the readiness board). Their ids,
and the staff log-ins, are in the ``seed.loaded`` audit row that marks a seeded database (``seed_info``).

Speed. Rows are generated in Python in chunks; on PostgreSQL a background thread (``CopyWriter``) COPYs each
chunk through psycopg's C row formatter while the main thread generates the next, so the server's work and
Python's overlap (one core each on a two-core machine). Around the load, the secondary indexes of the written
tables (and the unique constraints they back) are dropped and rebuilt afterwards from their own catalog
definitions (``index_snapshot``; a test checks that they come back identical): building the trigram GIN indexes
and the B-trees once is several times cheaper than maintaining them row by row. The survey answers, the largest
table (about nine per response), are not sent at all: each response records which answer set of the validated
pool it drew, and one ``INSERT … SELECT`` expands them on the server with the same ids. Ids are given
explicitly and the sequences reset at the end. When the connected role may, the load runs with
``session_replication_role = replica`` (no per-row foreign-key triggers: they would queue one event per row
until commit), and the foreign keys are then checked set-based before the transaction commits. The whole load
is one transaction: it appears entirely or not at all (a failure also restores the dropped indexes). SQLite
gets ``executemany`` and keeps its indexes (small sizes, for tests). Memory stays small: the per-person state
kept is a few packed arrays (about 30 bytes a person).

The crypto is the app's own, per row: each NIK is sealed with AES-GCM (``core.crypto.encrypt``, a fresh nonce)
and blind-indexed with the HMAC of ``crypto.blind_index``, each certificate and AK/1 card is signed with
Ed25519 (``certification.signing.sign``; for big loads the certificates by a helper process, ``demo.signer``,
with the same key and the same deterministic signatures, checked against ``signing.sign`` when it starts). Only
the staff share one password hash; citizens' log-ins have unusable passwords.

Measured on the project's two-core machine, shared with other jobs, PostgreSQL 15 with its default settings,
``--institutions`` = persons/500, ``--programs`` = persons/50, ``--accounts 0.05`` (before: rows formatted one
by one into COPY text in this thread, waiting for each COPY, every index in place):

=====================  =======  =========================  ==============================  ==========  ============
persons / enrollments  rows     before                     after, wall (load average)      Python CPU  backend CPU
=====================  =======  =========================  ==============================  ==========  ============
100,000 / 400,000      3.5 M    134 s (2–4), 249 s (7–8)   46 s (2), 64 s (3.5)            26 s        19 s
1,000,000 / 4,000,000  35.0 M   (500k / 2M: over 15 min)   580 s (2–4.5), 686 s (4–5)      293–305 s   167–169 s
=====================  =======  =========================  ==============================  ==========  ============

That is 51,000–77,000 rows/s, against about 25,000 before. 5,000,000 / 20,000,000 should take 50–60 minutes
here (docs/operations.md, "Generated data for load tests"): Python's generation, about 75 µs an enrollment, is
the floor; faster needs the generation split across processes (by institution) on more cores.

Everything is drawn from ``random.Random(seed)`` (outcomes and AK/1 cards from their own streams derived from
it, so adding them changed nothing else): the same sizes and seed give the same data, except the ciphertexts
(AES-GCM nonces are random, as they must be) and the staff's password hash (salted).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import queue
import random
import threading
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from faker import Faker

from sisnaker.accounts.models import Person, RoleAssignment, User
from sisnaker.certification import domain as cert_domain
from sisnaker.certification import signing
from sisnaker.certification.models import Assessment, Certificate, CertificateCounter, Review
from sisnaker.certification.services.certificates import PAYLOAD_VERSION, TITLE_COMPETENCY, TITLE_TRAINING
from sisnaker.core import crypto
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.demo import signer
from sisnaker.institutions import domain as institution_domain
from sisnaker.institutions.models import Institution, InstitutionStatusChange
from sisnaker.placement import domain as placement_domain
from sisnaker.placement.codes import Audit as Ak1Audit
from sisnaker.placement.codes import JobsAudit
from sisnaker.placement.models import JobSeekerCard, JobSeekerCounter, Outcome, Placement
from sisnaker.prakerja import domain as prakerja_domain
from sisnaker.prakerja import services as prakerja_services
from sisnaker.prakerja.codes import Audit as PrakerjaAudit
from sisnaker.prakerja.models import Application as PrakerjaApplication
from sisnaker.prakerja.models import ProvinceQuota, Selection, Wave
from sisnaker.regions.models import District, Province, Regency
from sisnaker.regions.nik import mask as mask_nik
from sisnaker.regions.services import regions_load
from sisnaker.surveys import domain as survey_domain
from sisnaker.surveys.domain import READINESS_CODE
from sisnaker.surveys.models import Answer, QuestionnaireVersion, Response
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program, VocationalField
from sisnaker.training.reference import reference_load
from sisnaker.training.services import program_counters_recount

SEED_ACTION = "seed.loaded"
WIB = ZoneInfo("Asia/Jakarta")
CHUNK = 20_000  # rows buffered per table before a COPY / executemany
DAY = dt.timedelta(days=1)

# Program statuses of the generated programs (weights), and the enrollment states each allows, with
# weights. Drafts take no enrollments (training.domain.CLOSED_TO_ADDITIONS).
STATUS_WEIGHTS = {P.DRAFT: 4, P.PUBLISHED: 14, P.SELECTION: 5, P.RUNNING: 14, P.CLOSED: 58, P.CANCELLED: 5}
STATE_WEIGHTS: dict[str, dict[str, float]] = {
    P.PUBLISHED: {E.REGISTERED: 0.85, E.SELECTED: 0.06, E.PARTICIPANT: 0.04, E.NOT_SELECTED: 0.02, E.WITHDRAWN: 0.03},
    P.SELECTION: {E.REGISTERED: 0.35, E.SELECTED: 0.30, E.PARTICIPANT: 0.15, E.NOT_SELECTED: 0.15, E.WITHDRAWN: 0.05},
    P.RUNNING: {E.PARTICIPANT: 0.78, E.REGISTERED: 0.02, E.DROPPED_OUT: 0.04, E.NOT_SELECTED: 0.12, E.WITHDRAWN: 0.04},
    P.CLOSED: {E.GRADUATED: 0.72, E.NOT_PASSED: 0.08, E.DROPPED_OUT: 0.04, E.NOT_SELECTED: 0.12, E.WITHDRAWN: 0.04},
    P.CANCELLED: {E.WITHDRAWN: 0.9, E.NOT_SELECTED: 0.1},
}
SEAT_STATES = {E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT}
# Java, Bali and the big cities hold most people: their districts weigh more.
PROVINCE_WEIGHT = {"31": 6, "32": 5, "33": 4, "34": 3, "35": 4, "36": 4, "51": 2, "12": 2, "16": 2, "73": 2, "64": 2}
KIND_WEIGHTS = {Institution.Kind.LPK: 55, Institution.Kind.BLK_KOMUNITAS: 20, Institution.Kind.BLK_UPTD: 20,
                Institution.Kind.BLK_UPTP: 3, Institution.Kind.BLK_LUAR_NEGERI: 2}
KIND_PREFIX = {"lpk": "LPK", "blk_komunitas": "BLKK", "blk_uptd": "BLK", "blk_uptp": "BBPLK", "blk_ln": "BLKLN"}
INSTITUTION_WORDS = ["Karya Mandiri", "Cahaya Terampil", "Bina Kerja", "Maju Bersama", "Harapan Bangsa", "Mitra Usaha",
                     "Prima Kompetensi", "Tunas Karya", "Cipta Kreasi", "Sinar Harapan", "Bakti Nusantara", "Insan Unggul"]
REVIEW_TEXTS = ["Instruktur sabar dan praktiknya banyak.", "Materinya sesuai kebutuhan industri.",
                "Peralatan lengkap, jadwal kadang mundur.", "Sangat bermanfaat, saya jadi berani melamar kerja.",
                "Ruang praktik panas, tetapi instrukturnya bagus.", "Cukup baik; waktu praktik perlu ditambah."]
STREETS = ["Merdeka", "Sudirman", "Diponegoro", "Gatot Subroto", "Ahmad Yani", "Pahlawan", "Veteran", "Kartini",
           "Pemuda", "Raya Bogor", "Cendrawasih", "Melati", "Kenanga", "Sisingamangaraja", "Hasanuddin"]
EDUCATIONS = ["sd", "smp", "sma", "sma", "smk", "smk", "smk", "d3", "s1", "s1", "none"]
DISABILITIES = [c for c, _ in Person.Disability.choices]
SELECTIONS = ["none", "test", "interview", "document"]
REASON_NOT_SELECTED = "Seleksi berakhir sebelum pelatihan dimulai."
REASON_FAILED = "Tidak lulus penilaian."
REASON_NOT_ASSESSED = "Belum dinilai saat program ditutup."
REASON_DROPPED = "Berhenti di tengah pelatihan (diterima bekerja)."
REASON_WITHDRAWN = "Mengundurkan diri sebelum pelatihan dimulai."
REASON_CANCELLED = "Program dibatalkan: anggaran dialihkan."
# Alumni outcomes reported by the regional officer of their domicile (placement.services.outcomes): the share
# of alumni reported, the statuses' weights, and where those at work are.
OUTCOME_SHARE = 0.4
OUTCOME_ACTION = str(JobsAudit.OUTCOME_REPORTED)  # a plain str for COPY
OUTCOME_WEIGHTS = {"employed": 60, "self_employed": 15, "not_working": 20, "studying": 5}
EMPLOYERS = ["PT Maju Jaya Sentosa", "PT Sinar Abadi Teknik", "CV Karya Bersama", "PT Nusantara Garmen", "PT Mitra Logistik",
             "Hotel Cahaya Indah", "PT Bangun Konstruksi", "Bengkel Jaya Motor", "PT Sumber Pangan", "Koperasi Tani Makmur"]
POSITIONS = ["Operator produksi", "Teknisi", "Staf administrasi", "Juru masak", "Penjahit", "Montir", "Tukang las",
             "Staf gudang", "Pramusaji", "Kasir"]
SECTORS = ["C", "C", "F", "G", "G", "H", "I", "N", "A", "S"]
# AK/1 cards (placement.services.ak1): the share of citizens with a log-in who applied, and what their regency
# office decided. Waiting applications are recent ones.
AK1_SHARE = 0.4
PRAKERJA_SHARE = 0.15  # of the citizens who applied to a generated Kartu Prakerja wave
PRAKERJA_TARGET = 0.25  # a wave's national target, as a share of its eligible applicants
PRAKERJA_REAPPLY = 0.3  # of the first wave's not selected who apply again in the second
PRAKERJA_SAME_KK = 0.35  # chance that an applicant shares the KK of the applicant before (same district)
AK1_ACTIONS = {"applied": str(Ak1Audit.AK1_APPLIED), "issued": str(Ak1Audit.AK1_ISSUED),
               "refused": str(Ak1Audit.AK1_REFUSED)}  # plain str for COPY
AK1_REFUSAL = "Dokumen pendukung (ijazah) tidak terbaca; unggah ulang."
SKILLS = ["Mengoperasikan mesin jahit", "Mengelas SMAW", "Perawatan sepeda motor", "Microsoft Office", "Memasak",
          "Instalasi listrik rumah", "Barista", "Desain grafis", "Pemrograman web dasar", "Tata rias"]
RELIGION_WEIGHTS = {"islam": 87, "protestant": 7, "catholic": 3, "hindu": 2, "buddhist": 0.7, "confucian": 0.3}
MARITAL_WEIGHTS = {"single": 55, "married": 40, "divorced": 3, "widowed": 2}


class SeedRefused(Exception):
    """The database is not one the generator may write to (without being told)."""


@dataclass(frozen=True)
class Sizes:
    persons: int = 10_000
    institutions: int = 20
    programs: int = 200
    enrollments: int = 50_000
    big_program: int | None = None  # enrollments of the largest program (default: 2% of all, at most persons)
    board_program: int = 500  # alumni of the closed program made for the readiness board
    accounts: float = 0.6  # share of citizens with a log-in
    seed: int = 2026

    def big(self) -> int:
        wanted = self.big_program if self.big_program is not None else self.enrollments // 50
        return max(0, min(wanted, self.persons, self.enrollments))

    def board(self) -> int:
        return max(0, min(self.board_program, self.persons, self.enrollments - self.big()))


@dataclass
class TableStat:
    rows: int = 0
    seconds: float = 0.0  # time spent writing (COPY / executemany)


@dataclass
class Report:
    tables: dict[str, TableStat] = field(default_factory=dict)
    phases: list[tuple[str, float, int]] = field(default_factory=list)  # (name, wall seconds, rows written)
    seconds: float = 0.0
    info: dict = field(default_factory=dict)
    replica_mode: bool = False


def seed_info() -> dict | None:
    """What the last ``sisnaker seed`` recorded (sizes, benchmark program ids, staff log-ins), or None."""
    event = AuditEvent.objects.filter(action=SEED_ACTION).order_by("-id").first()
    return event.after if event is not None else None


def seed_check(*, allow_existing: bool) -> None:
    """Refuse to seed a database that was seeded already, or that holds other data unless allowed."""
    if AuditEvent.objects.filter(action=SEED_ACTION).exists():
        raise SeedRefused("Basis data ini sudah berisi data bangkitan (sisnaker seed): buat basis data baru.")
    held = {m._meta.label: m.objects.count() for m in (Person, Institution, Program, Enrollment)}
    held = {k: v for k, v in held.items() if v}
    if held and not allow_existing:
        listed = ", ".join(f"{k}: {v:,}" for k, v in held.items())
        raise SeedRefused(f"Basis data ini berisi data lain ({listed}). Data bangkitan hanya untuk basis data uji; "
                          "jalankan dengan --yes bila memang ingin menambahkannya.")


# --- bulk writing ------------------------------------------------------------------------------------

class CopyWriter:
    """Writes the chunks of every ``Sink`` on PostgreSQL with COPY, from one background thread, so that the
    server parses and stores a chunk while Python generates the next (on two cores: one each). The thread
    uses the load's own connection (psycopg 3 connections are thread-safe), one COPY at a time, in the order
    the chunks were queued; the queue is short, so memory stays bounded. ``drain`` waits until everything
    queued is written and re-raises an error of the thread: callers drain before using the connection
    themselves (the generator does at the end of each phase)."""

    def __init__(self, raw_connection):
        self.raw = raw_connection
        self.queue: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="seed-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            job = self.queue.get()
            try:
                if job is None:
                    return
                if self.error is None:
                    table, columns, rows, stat = job
                    started = time.perf_counter()
                    with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        write = copy.write_row  # psycopg's C row formatter (text format)
                        for row in rows:
                            write(row)
                    stat.seconds += time.perf_counter() - started
            except BaseException as exc:  # noqa: BLE001 — handed to the main thread at the next drain
                self.error = exc
            finally:
                self.queue.task_done()

    def put(self, table: str, columns: str, rows: list, stat: TableStat) -> None:
        if self.error is not None:
            self.drain()
        self.queue.put((table, columns, rows, stat))

    def drain(self) -> None:
        self.queue.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()


class Sink:
    """Rows for one table, written in chunks: COPY … FROM STDIN through the ``CopyWriter`` on PostgreSQL,
    one ``executemany`` per chunk elsewhere. JSON columns take JSON text."""

    def __init__(self, model, columns: tuple[str, ...], report: Report, progress: Callable[[str, int], None] | None = None,
                 writer: CopyWriter | None = None, table: str | None = None):
        self.table = table or model._meta.db_table
        # Columns the generator does not name get their field's default (a column added to a model later
        # keeps the seed working); a required column without a default is this module's to fill.
        self.extra = _defaults_for_unnamed(model, columns) if model is not None else {}
        self.columns = columns + tuple(self.extra)
        self.extra_values = tuple(self.extra.values())
        self.rows: list[tuple] = []
        self.stat = report.tables.setdefault(self.table, TableStat())
        self.progress = progress
        self.writer = writer

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.extra_values if self.extra_values else row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        cols = ", ".join(self.columns)
        self.stat.rows += len(self.rows)
        if self.writer is not None:
            self.writer.put(self.table, cols, self.rows, self.stat)
        else:
            started = time.perf_counter()
            ops = connection.ops
            rows = [tuple(ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime)
                          else v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in self.rows]
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                # Table and column names are this module's constants, never user input.
                cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
            self.stat.seconds += time.perf_counter() - started
        if self.progress is not None:
            self.progress(self.table, len(self.rows))
        self.rows = []


class SignedSink(Sink):
    """Certificate rows whose signatures are computed by the signing helper process (``demo.signer``): a full
    chunk goes to the helper, and is written once signed, while the next chunk is generated."""

    def __init__(self, *args, pool, payload_at: int, signature_at: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool, self.payload_at, self.signature_at = pool, payload_at, signature_at
        self.pending: list[tuple[list[tuple], object]] = []

    def flush(self) -> None:
        if self.rows:
            rows, self.rows = self.rows, []
            self.pending.append((rows, self.pool.apply_async(signer.sign_many, ([r[self.payload_at] for r in rows],))))
        while len(self.pending) > 1 or (self.pending and self.pending[0][1].ready()):
            self._write(*self.pending.pop(0))

    def finish(self) -> None:
        self.flush()
        while self.pending:
            self._write(*self.pending.pop(0))

    def _write(self, rows: list[tuple], signing) -> None:
        k = self.signature_at
        self.rows = [row[:k] + (signature,) + row[k + 1:] for row, signature in zip(rows, signing.get(), strict=True)]
        super().flush()


def _defaults_for_unnamed(model, columns: tuple[str, ...]) -> dict[str, object]:
    extra: dict[str, object] = {}
    for f in model._meta.concrete_fields:
        if f.column in columns or f.primary_key or f.null:
            continue
        value = f.get_default()  # the field's default, or "" for text the ORM would save empty
        if value is not None:
            extra[f.column] = json.dumps(value) if isinstance(f, models.JSONField) else value
        elif f.db_default is not models.NOT_PROVIDED:
            continue  # the database fills it
        else:
            raise ImproperlyConfigured(f"sisnaker seed does not fill {model._meta.db_table}.{f.column}, which has no "
                                       f"default: give it a value in demo/seed.py")
    return extra


def index_snapshot(tables: list[str], *, droppable: bool = False) -> list[tuple[str, str, str, str, str]]:
    """(table, index, CREATE INDEX statement, unique constraint backed by it or "", its definition or "") for
    the non-primary-key indexes of ``tables`` on PostgreSQL, from the catalog. With ``droppable``: only those
    the seed may drop and rebuild (owned by the connected role, no foreign key depending on them, a
    constraint only when it is a unique constraint named like its index)."""
    sql = """
        SELECT t.relname, ic.relname, pg_get_indexdef(i.indexrelid), coalesce(c.conname, ''),
               coalesce(pg_get_constraintdef(c.oid), ''), c.contype, pg_has_role(t.relowner, 'USAGE'),
               EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
        FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype <> 'f'
        WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) AND NOT i.indisprimary
        ORDER BY t.relname, ic.relname"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(tables)])
        rows = cursor.fetchall()
    found = []
    for table, index, indexdef, constraint, condef, contype, owned, referenced in rows:
        if droppable and (not owned or referenced or (contype is not None and (contype != "u" or constraint != index))):
            continue
        found.append((table, index, indexdef, constraint, condef))
    return found


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- names, places -----------------------------------------------------------------------------------

@dataclass
class Names:
    male: list[str]
    female: list[str]
    last: list[str]

    @classmethod
    def make(cls, seed: int) -> Names:
        fake = Faker("id_ID")
        fake.seed_instance(seed)

        def pool(fn, n):
            return sorted({fn() for _ in range(n * 4)})[:n]

        return cls(male=pool(fake.first_name_male, 250), female=pool(fake.first_name_female, 250), last=pool(fake.last_name, 300))

    def full(self, female: bool, first: int, middle: int, last: int) -> str:
        firsts = self.female if female else self.male
        name = firsts[first % len(firsts)]
        if middle:
            name += " " + firsts[middle % len(firsts)]
        return f"{name} {self.last[last % len(self.last)]}"


@lru_cache(maxsize=8192)
def _wib_morning(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 8, tzinfo=WIB).astimezone(dt.UTC)


def _aware(day: dt.date, seconds: int) -> dt.datetime:
    """A moment of ``day`` in Indonesia's western time (08:00 + ``seconds``), in UTC."""
    return _wib_morning(day) + dt.timedelta(seconds=seconds)


def _audit_row(ids, at, actor_id, actor_label, action, object_type, object_id, object_label, after=None, before=None,
               reason=""):
    return (next(ids), at, actor_id, actor_label, action, object_type, str(object_id), object_label[:200],
            _json(before), _json(after), reason, None, "")


_JSON_MEMO: dict[tuple, str] = {}


def _json(value: dict | None) -> str | None:
    """JSON text of an audit snapshot; the few small ones that repeat (``{"state": "registered"}``, a status
    change) are encoded once."""
    if value is None:
        return None
    if len(value) <= 2:
        key = tuple(value.items())
        text = _JSON_MEMO.get(key)
        if text is None:
            text = json.dumps(value, ensure_ascii=False)
            if len(_JSON_MEMO) < 1000 and all(isinstance(v, str) for _, v in key):
                _JSON_MEMO[key] = text
        return text
    return json.dumps(value, ensure_ascii=False)


AUDIT_COLUMNS = ("id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_label", "before",
                 "after", "reason", "ip", "request_id")


class _Ids:
    def __init__(self, start: int):
        self.value = start - 1

    def __next__(self) -> int:
        self.value += 1
        return self.value

    def __iter__(self):
        return self


def _weighted(rng: random.Random, weights: dict, n: int) -> list:
    keys, w = list(weights), list(weights.values())
    return rng.choices(keys, weights=w, k=n)


# --- the generator -----------------------------------------------------------------------------------

@dataclass
class _Program:
    pk: int
    institution: int
    status: str
    title: str
    hours: int
    start: dt.date
    end: dt.date
    opens: dt.date
    closes: dt.date
    units: list[tuple[int, str, str]]  # (pk, code, title)
    instructors: list[int]
    counts: dict[str, int]
    quota: int


class Generator:
    def __init__(self, sizes: Sizes, *, today: dt.date, now: dt.datetime, staff_password: str,
                 progress: Callable[[str, int], None] | None = None, log: Callable[[str], None] | None = None):
        self.sizes, self.today, self.now = sizes, today, now
        self.rng = random.Random(sizes.seed)
        self.report = Report()
        self.progress = progress
        self.log = log or (lambda _msg: None)
        self.staff_hash = make_password(staff_password)
        self.names = Names.make(sizes.seed)
        self.writer: CopyWriter | None = None
        self.signer_pool = None

    def sink(self, model, columns) -> Sink:
        return Sink(model, columns, self.report, self.progress, self.writer)

    # -- preparation (outside the load's transaction: these are the app's own durable services) --

    @staticmethod
    def prepare() -> None:
        if not District.objects.exists():
            regions_load(actor="sisnaker seed")
        reference_load()
        if not QuestionnaireVersion.objects.filter(questionnaire__code=READINESS_CODE, is_current=True).exists():
            raise SeedRefused("Kuesioner kesiapan kerja belum terpasang: jalankan `sisnaker migrate` dulu.")

    def run(self) -> Report:
        started = time.perf_counter()
        postgres = connection.vendor == "postgresql"
        with transaction.atomic():
            dropped: list[tuple[str, str]] = []
            if postgres:
                self.report.replica_mode = self._replica_mode()
                connection.ensure_connection()
                self.signer_pool = self._signer_pool()  # started before any thread of this load
                self.writer = CopyWriter(connection.connection)
            try:
                self.ids = {m: _Ids(_next_id(m)) for m in (User, Person, RoleAssignment, Institution,
                                                         InstitutionStatusChange, Program, Enrollment, Assessment, Review,
                                                         Response, Answer, Certificate, CertificateCounter, Placement, Outcome,
                                                         JobSeekerCard, JobSeekerCounter, PrakerjaApplication, AuditEvent)}
                self.audit = self.sink(AuditEvent, AUDIT_COLUMNS)
                if postgres:
                    self._phase("secondary indexes dropped", lambda: dropped.extend(self._indexes_off()))
                self._phase("regions and staff", self._places_and_staff)
                self._phase("institutions", self._institutions)
                self._phase("citizens", self._citizens)
                self._phase("programs", self._programs)
                self._phase("enrollments and certificates", self._enrollments)
                self._phase("AK/1 cards", self._ak1_cards)
                self._phase("Kartu Prakerja", self._prakerja)
                if dropped:
                    self._phase("secondary indexes rebuilt", lambda: self._indexes_on(dropped))
                self._phase("program counters", self._program_counters)
                self._phase("marker and sequences", self._finish)
                if postgres and self.report.replica_mode:
                    self._phase("foreign key check", self._check_foreign_keys)
            finally:
                if self.writer is not None:
                    self.writer.close()
                    self.writer = None
                if self.signer_pool is not None:
                    self.signer_pool.terminate()
                    self.signer_pool.join()
                    self.signer_pool = None
        if postgres:
            t0 = time.perf_counter()
            # VACUUM too where it may run (not inside a transaction, e.g. a test's): rows written by COPY have no
            # visibility map until a vacuum, so every index-only scan reads the heap as well and the first reads of
            # each page write its hint bits: pages measured at twice their cost (the enrollment table's name search
            # 466 → 164 ms). A live database's autovacuum does this after large inserts.
            vacuum = not connection.in_atomic_block
            with connection.cursor() as cursor:
                for model in self.written_models():
                    cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {model._meta.db_table}")
            self.report.phases.append(("vacuum and analyze" if vacuum else "analyze", time.perf_counter() - t0, 0))
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _phase(self, name: str, fn) -> None:
        before = sum(s.rows for s in self.report.tables.values())
        t0 = time.perf_counter()
        self.log(f"… {name}")
        fn()
        self.audit.flush()
        self.drain()
        after = sum(s.rows for s in self.report.tables.values())
        self.report.phases.append((name, time.perf_counter() - t0, after - before))

    SIGNER_MIN_ENROLLMENTS = 100_000  # below this, signing in this process costs less than starting a helper

    def _signer_pool(self):
        """A one-process pool that signs certificate payloads (``demo.signer``) with the configured key, for big
        loads on a machine with more than one core; None otherwise (signed in line). Started by ``spawn``, not
        ``fork``: this process may already run threads (a connection pool's, the COPY writer's), and a forked
        child of a threaded process can deadlock on a lock another thread held."""
        if self.sizes.enrollments < self.SIGNER_MIN_ENROLLMENTS or (os.cpu_count() or 1) < 2:
            return None
        from cryptography.hazmat.primitives import serialization

        raw = signing.keyring().private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                                          serialization.NoEncryption())
        pool = multiprocessing.get_context("spawn").Pool(1, initializer=signer.init, initargs=(raw,))
        probe = "sisnaker seed: signing helper check"
        if pool.apply(signer.sign_many, ([probe],)) != [signing.sign(probe)[0]]:
            pool.terminate()
            raise RuntimeError("The signing helper does not sign like certification.signing.")
        return pool

    def drain(self) -> None:
        """Wait for the COPY thread: before this thread uses the connection itself."""
        if self.writer is not None:
            self.writer.drain()

    # -- secondary indexes: off during the load, rebuilt after it (PostgreSQL) --

    def _indexes_off(self) -> list[tuple[str, str]]:
        """Drop the secondary indexes (and the unique constraints they back) of the written tables, returning
        the statements that recreate them exactly as the migrations made them (read from the catalog:
        ``pg_get_indexdef`` / ``pg_get_constraintdef``). Building an index once over the loaded rows costs a
        fraction of maintaining it row by row (the trigram GIN indexes on names and phones most of all).
        Primary keys stay (ids are appended in order: cheap, and the foreign-key check uses them), and so does
        any index a foreign key depends on, or that the connected role does not own. All in the load's
        transaction: a failed load rolls the drop back too."""
        recreate: list[tuple[str, str]] = []
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, index, indexdef, constraint, condef in index_snapshot(self.written_tables(), droppable=True):
                if constraint:
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}")
                    recreate.append((index, f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint)} {condef}"))
                else:
                    cursor.execute(f"DROP INDEX {quote(index)}")
                    recreate.append((index, indexdef))
        return recreate

    def _indexes_on(self, statements: list[tuple[str, str]]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _index, sql in statements:
                cursor.execute(sql)

    def written_tables(self) -> list[str]:
        return [m._meta.db_table for m in self.written_models()]

    @staticmethod
    def _replica_mode() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            if row and row[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
                return True
        return False

    # -- places and staff --

    def _places_and_staff(self) -> None:
        self.provinces = dict(Province.objects.values_list("code", "name"))
        self.regencies = {code: (name, prov) for code, name, prov in Regency.objects.values_list("code", "name", "province_id")}
        districts = list(District.objects.order_by("code").values_list("code", "regency_id"))
        self.districts = districts
        self.district_weights = [PROVINCE_WEIGHT.get(code[:2], 1) for code, _ in districts]
        self.regency_codes = sorted(self.regencies)
        self.regency_weights = [PROVINCE_WEIGHT.get(code[:2], 1) for code in self.regency_codes]
        fields = {}
        for pk, code, title, field_id in CompetencyUnit.objects.filter(is_active=True).order_by("code").values_list(
                "pk", "code", "title", "vocational_field_id"):
            fields.setdefault(field_id, []).append((pk, code, title))
        self.field_units = fields
        self.field_names = dict(VocationalField.objects.filter(pk__in=fields).values_list("pk", "name"))
        self.field_ids = sorted(fields)

        users = self.sink(User, ("id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                                 "is_active", "date_joined", "phone", "preferred_language"))
        roles = self.sink(RoleAssignment, ("id", "user_id", "role", "institution_id", "region_code", "company_id", "is_active",
                                           "granted_by_id", "granted_at"))
        self.users, self.roles = users, roles
        joined = self.now - dt.timedelta(days=5 * 365)

        self.labels: dict[int, str] = {}

        def staff(username, name, role, *, region="", superuser=False):
            pk = next(self.ids[User])
            self.labels[pk] = f"{name} ({username})"
            users.add((pk, self.staff_hash, superuser, username, name, "", "", superuser, True, joined, "", "id"))
            roles.add((next(self.ids[RoleAssignment]), pk, role, None, region, None, True, None, joined))
            self.audit.add(_audit_row(self.ids[AuditEvent], joined, None, "sisnaker seed", "user.created", "accounts.user", pk,
                                      username, after={"username": username, "email": ""}))
            return pk

        female = self.names.female
        self.admin = staff("seed.admin", "Administrator Seed", Role.ADMIN, superuser=True)
        self.curator = staff("seed.kurator", f"{female[1]} {self.names.last[1]}", Role.CURATOR)
        self.officers = {}
        for code in sorted(self.provinces):
            self.officers[code] = staff(f"seed.disnaker.{code}", f"Petugas Disnaker {self.provinces[code]}"[:150],
                                        Role.REGIONAL_OFFICER, region=code)

    # -- institutions, their staff and status history --

    def _institutions(self) -> None:
        rng, n = self.rng, self.sizes.institutions
        rows = self.sink(Institution, ("id", "registry_number", "registry_key", "licence_number", "name", "kind", "regency_id",
                                       "address", "phone", "email", "accreditation_status", "accreditation_grade",
                                       "accreditation_number", "accreditation_valid_until", "status", "status_reason",
                                       "status_changed_at", "registered_by_id", "created_at"))
        history = self.sink(InstitutionStatusChange, ("id", "institution_id", "status", "at", "actor_id", "reason"))
        self.institutions = []  # (pk, name, registry number, regency code, manager id, manager name, instructor ids, approved_at)
        kinds = _weighted(rng, KIND_WEIGHTS, n)
        regencies = rng.choices(self.regency_codes, weights=self.regency_weights, k=n)
        if n:
            regencies[0] = "32.73" if "32.73" in self.regencies else regencies[0]  # the benchmarks' institution: Jawa Barat
        for i in range(n):
            pk = next(self.ids[Institution])
            kind, regency = kinds[i], regencies[i]
            regency_name, province = self.regencies[regency]
            number = f"{KIND_PREFIX[kind]}-{regency.replace('.', '')}-S{pk:05d}"
            name = f"{KIND_PREFIX[kind]} {rng.choice(INSTITUTION_WORDS)} {regency_name}"[:200]
            created = self.now - dt.timedelta(days=rng.randint(5 * 365, 8 * 365))
            approved = created + dt.timedelta(days=rng.randint(3, 40))
            accredited = kind == "lpk" and rng.random() < 0.6
            rows.add((pk, number, institution_domain.registry_key(number), f"503/{pk:05d}/DPMPTSP/{created.year}", name, kind,
                      regency, f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 250)}, {regency_name}", f"0{rng.randint(21, 99)}-{rng.randint(1000000, 9999999)}",
                      f"info{pk}@lembaga.contoh.id", "accredited" if accredited else "none", rng.choice("ABC") if accredited else "",
                      f"LA-LPK/{created.year}/{pk:05d}" if accredited else "",
                      self.today + dt.timedelta(days=rng.randint(60, 1500)) if accredited else None,
                      "approved", "", approved, None, created))
            authority = self.curator if institution_domain.approval_authority(kind) == "ministry" else self.officers[province]
            history.add((next(self.ids[InstitutionStatusChange]), pk, "pending", created, None, "Pendaftaran lembaga"))
            history.add((next(self.ids[InstitutionStatusChange]), pk, "approved", approved, authority, ""))
            self.audit.add(_audit_row(self.ids[AuditEvent], created, None, "system", "institution.registered",
                                      "institutions.institution", pk, name, after={"registry_number": number, "status": "pending"}))
            self.audit.add(_audit_row(self.ids[AuditEvent], approved, authority, self.labels[authority], "institution.approve",
                                      "institutions.institution", pk, name, before={"status": "pending"}, after={"status": "approved"}))
            # staff: one manager, two to four instructors
            manager_name = self._staff_name(rng)
            manager = self._staff_user(f"seed.pengelola.{pk:05d}", manager_name, Role.INSTITUTION_MANAGER, pk, approved)
            instructors = [self._staff_user(f"seed.instruktur.{pk:05d}.{k}", self._staff_name(rng), Role.INSTRUCTOR, pk, approved)
                           for k in range(1, rng.randint(2, 4) + 1)]
            self.labels[manager] = f"{manager_name} (seed.pengelola.{pk:05d})"
            self.institutions.append((pk, name, number, regency, manager, manager_name, instructors, approved))
        rows.flush()
        history.flush()
        self.users.flush()
        self.roles.flush()

    def _staff_name(self, rng) -> str:
        female = rng.random() < 0.5
        return self.names.full(female, rng.randrange(1000), 0, rng.randrange(1000))

    def _staff_user(self, username, name, role, institution, at) -> int:
        pk = next(self.ids[User])
        self.users.add((pk, self.staff_hash, False, username, name, "", "", False, True, at, "", "id"))
        self.roles.add((next(self.ids[RoleAssignment]), pk, role, institution, "", None, True, None, at))
        return pk

    # -- citizens --

    def _citizens(self) -> None:
        rng, n = self.rng, self.sizes.persons
        people = self.sink(Person, ("id", "user_id", "nik_encrypted", "nik_index", "nik_regency_id", "nik_district_id",
                                    "full_name", "birth_date", "sex", "nik_warnings", "has_disability", "disability_kind",
                                    "education", "phone", "email", "domicile_district_id", "address", "registered_by_id",
                                    "added_by_institution_id", "created_at", "updated_at"))
        existing = set(Person.objects.values_list("nik_index", flat=True)) if Person.objects.exists() else set()
        # Per person, packed: what certificates and enrollments need again (name parts, NIK parts, account).
        self.p_district = array("H")
        self.p_birth = array("I")
        self.p_female = bytearray()
        self.p_serial = array("H")
        self.p_first, self.p_middle, self.p_last = array("H"), array("H"), array("H")
        self.p_user = array("I")
        self.p_home = array("H")
        self.p_education, self.p_street, self.p_house = bytearray(), bytearray(), array("H")
        self.p_disabled = bytearray()
        self.phone_base = 0
        self.p_created = array("I")  # seconds before ``now`` the person was created
        self.person_base = self.ids[Person].value + 1
        serials = [0] * len(self.districts)
        institution_ids = [inst[0] for inst in self.institutions] or [None]
        min_age, span = 18 * 365, 37 * 365
        today_ord = self.today.toordinal()
        phone_base = self.phone_base = rng.randrange(10_000_000, 50_000_000)
        for start in range(0, n, CHUNK):
            count = min(CHUNK, n - start)
            places = rng.choices(range(len(self.districts)), weights=self.district_weights, k=count)
            homes = rng.choices(range(len(self.districts)), weights=self.district_weights, k=count)
            for j in range(count):
                i = start + j
                place = places[j]
                while serials[place] >= 9999:  # a district's serials are used up: another district
                    place = rng.randrange(len(self.districts))
                serials[place] += 1
                female = rng.random() < 0.52
                birth = dt.date.fromordinal(today_ord - min_age - rng.randrange(span))
                code, regency = self.districts[place]
                serial = serials[place]
                nik = _nik(code, birth, female, serial)
                index = crypto.blind_index(nik, label="nik")
                while index in existing:  # only when seeding on top of other data
                    serial = serials[place] = serials[place] + 1
                    nik = _nik(code, birth, female, serial)
                    index = crypto.blind_index(nik, label="nik")
                first, middle, last = rng.randrange(1000), (rng.randrange(1, 1000) if rng.random() < 0.4 else 0), rng.randrange(1000)
                name = self.names.full(female, first, middle, last)
                home = place if rng.random() < 0.8 else homes[j]
                pk = next(self.ids[Person])
                has_account = rng.random() < self.sizes.accounts
                phone = f"+62858{phone_base + i:08d}"
                user_id = 0
                email = ""
                age = rng.randrange(3 * 365 * 86400)
                created = self.now - dt.timedelta(seconds=age)
                if has_account:
                    user_id = next(self.ids[User])
                    email = f"{name.split()[0].lower()}.{pk}@warga.contoh.id" if rng.random() < 0.7 else ""
                    self.users.add((user_id, "!" + f"{rng.getrandbits(128):032x}", False, f"w{user_id:012x}", name[:150], "",
                                    email, False, True, created, phone, "id"))
                    self.roles.add((next(self.ids[RoleAssignment]), user_id, Role.CITIZEN, None, "", None, True, None, created))
                disabled = rng.random() < 0.03
                disability = rng.choice(DISABILITIES) if disabled else ""
                education = rng.randrange(len(EDUCATIONS))  # = rng.choice(EDUCATIONS), keeping its index
                street, house = rng.randrange(len(STREETS)), rng.randint(1, 300)
                people.add((pk, user_id or None, crypto.encrypt(nik), index, regency, code, name, birth, "F" if female else "M",
                            "[]", disabled, disability, EDUCATIONS[education], phone, email,
                            self.districts[home][0], f"Jl. {STREETS[street]} No. {house}",
                            None, None if has_account else rng.choice(institution_ids), created, created))
                self.p_education.append(education)
                self.p_disabled.append(disabled)
                self.p_street.append(street)
                self.p_house.append(house)
                self.p_created.append(age)
                self.p_district.append(place)
                self.p_birth.append(birth.toordinal())
                self.p_female.append(female)
                self.p_serial.append(serial)
                self.p_first.append(first)
                self.p_middle.append(middle)
                self.p_last.append(last)
                self.p_user.append(user_id)
                self.p_home.append(home)
        people.flush()
        self.users.flush()
        self.roles.flush()

    def person_name(self, i: int) -> str:
        return self.names.full(bool(self.p_female[i]), self.p_first[i], self.p_middle[i], self.p_last[i])

    def person_nik(self, i: int) -> str:
        birth = dt.date.fromordinal(self.p_birth[i])
        return _nik(self.districts[self.p_district[i]][0], birth, bool(self.p_female[i]), self.p_serial[i])

    # -- programs --

    def _programs(self) -> None:
        rng, sizes = self.rng, self.sizes
        n, people = sizes.programs, sizes.persons
        if not self.institutions or not n or not self.field_ids:
            self.programs = []
            self.big_pk = self.board_pk = None
            return
        statuses = _weighted(rng, STATUS_WEIGHTS, n)
        # Program 0: the largest (registration open); program 1: a closed program of ``board`` alumni.
        big, board = sizes.big(), sizes.board()
        statuses[0] = P.PUBLISHED
        if n > 1:
            statuses[1] = P.CLOSED
        for k, status in enumerate(STATUS_WEIGHTS):  # every status at least once
            if 2 + k < n:
                statuses[2 + k] = status
        weights = [0.0 if s == P.DRAFT else rng.lognormvariate(0, 1.1) for s in statuses]
        weights[0] = 0.0
        if n > 1:
            weights[1] = 0.0
        rest = max(0, sizes.enrollments - big - (board if n > 1 else 0))
        total_w = sum(weights) or 1.0
        sizes_of = [min(people, int(rest * w / total_w)) for w in weights]
        short = rest - sum(sizes_of)
        open_ids = [i for i, w in enumerate(weights) if w > 0]
        while short > 0 and open_ids:  # hand out what rounding and caps left over
            i = rng.choice(open_ids)
            if sizes_of[i] < people:
                step = min(short, people - sizes_of[i], max(1, short // len(open_ids)))
                sizes_of[i] += step
                short -= step
            else:
                open_ids.remove(i)
        sizes_of[0] = big
        if n > 1:
            sizes_of[1] = board
        # Programs are numbered institution by institution, in start-date order: certificate numbers of an
        # institution then follow issue order.
        plans = []
        for i in range(n):
            institution = self.institutions[0 if i < 2 else rng.randrange(len(self.institutions))]
            start, end, opens, closes = self._dates(rng, statuses[i])
            plans.append((institution[0], start, i, end, opens, closes))
        plans.sort(key=lambda p: (p[0] != self.institutions[0][0], p[0], p[2] > 1, p[1], p[2]))
        program_rows = self.sink(Program, ("id", "institution_id", "title", "description", "vocational_field_id", "hours",
                                           "start_date", "end_date", "registration_opens", "registration_closes", "quota",
                                           "regency_id", "mode", "boarding", "funding", "dipa_reference", "fee",
                                           "selection_method", "min_age", "max_age", "min_education", "status",
                                           "cancel_reason", "created_by_id", "created_at", "updated_at"))
        unit_rows = self.sink(Program.competency_units.through, ("program_id", "competencyunit_id"))
        teacher_rows = self.sink(Program.instructors.through, ("program_id", "user_id"))
        institutions = {inst[0]: inst for inst in self.institutions}
        self.programs: list[_Program] = []
        for institution_id, start, i, end, opens, closes in plans:
            status, count = statuses[i], sizes_of[i]
            inst = institutions[institution_id]
            pk = next(self.ids[Program])
            field_id = rng.choice(self.field_ids)
            units = self.field_units[field_id]
            units = rng.sample(units, k=min(len(units), rng.randint(1, 4)))
            instructors = rng.sample(inst[6], k=min(len(inst[6]), rng.randint(1, 2)))
            counts = _state_counts(rng, status, count)
            if i == 1:
                counts = {E.GRADUATED: count}  # the readiness board's program: all alumni
            seats = sum(v for k, v in counts.items() if k in SEAT_STATES)
            quota = max(seats, 1, int(count * 0.3) if status in (P.PUBLISHED, P.SELECTION) else seats, rng.choice([16, 20, 24, 32]))
            batch = rng.randint(1, 12)
            title = f"{self.field_names[field_id]}: {units[0][2]}"[:170] + f" — Angkatan {batch}"
            if i == 0:
                title = f"Pelatihan Nasional {self.field_names[field_id]}"[:170] + f" — Angkatan {batch}"
            funding = rng.choice(["apbn", "apbn", "apbd", "prakerja", "self"])
            hours = rng.choice([40, 80, 120, 160, 240, 320])  # 320 JP in 21 days at the shortest: within 16 JP a day
            if i == 0:
                self.big_pk = pk
            elif i == 1:
                self.board_pk = pk
            created = _aware(opens, 0) - dt.timedelta(days=rng.randint(3, 30))
            cancel = REASON_CANCELLED if status == P.CANCELLED else ""
            program_rows.add((pk, institution_id, title, f"Pelatihan berbasis kompetensi {self.field_names[field_id]}.", field_id,
                              hours, start, end, opens, closes, quota, inst[3],
                              rng.choice(["in_person", "in_person", "in_person", "online", "hybrid"]), rng.random() < 0.2,
                              funding, f"DIPA-032.06.2.{450000 + pk % 1000}/{start.year}" if funding == "apbn" else "",
                              rng.choice([750_000, 1_500_000, 3_000_000]) if funding in ("self", "prakerja") else 0,
                              rng.choice(SELECTIONS), 17, None, "", status, cancel, inst[4], created, created))
            for unit in units:
                unit_rows.add((pk, unit[0]))
            for teacher in instructors:
                teacher_rows.add((pk, teacher))
            self._program_audit(pk, title, status, inst, created, start, end, opens, closes)
            self.programs.append(_Program(pk=pk, institution=institution_id, status=status, title=title,
                                          hours=hours, start=start, end=end,
                                          opens=opens, closes=closes, units=sorted(units, key=lambda u: u[1]),
                                          instructors=instructors, counts=counts, quota=quota))
        program_rows.flush()
        unit_rows.flush()
        teacher_rows.flush()

    def _dates(self, rng, status):
        t = self.today
        if status == P.DRAFT:
            start = t + dt.timedelta(days=rng.randint(30, 120))
            opens = start - dt.timedelta(days=30)
        elif status == P.PUBLISHED:
            opens = t - dt.timedelta(days=rng.randint(1, 25))
            start = t + dt.timedelta(days=rng.randint(10, 45))
        elif status == P.SELECTION:
            opens = t - dt.timedelta(days=rng.randint(25, 50))
            start = t + dt.timedelta(days=rng.randint(2, 14))
        elif status == P.RUNNING:
            start = t - dt.timedelta(days=rng.randint(1, 40))
            opens = start - dt.timedelta(days=rng.randint(25, 45))
        elif status == P.CANCELLED:
            start = t + dt.timedelta(days=rng.randint(-60, 30))
            opens = start - dt.timedelta(days=rng.randint(25, 45))
        else:  # closed: ended in the last three years
            start = t - dt.timedelta(days=rng.randint(60, 3 * 365))
            opens = start - dt.timedelta(days=rng.randint(25, 45))
        duration = rng.randint(20, 55)
        end = start + dt.timedelta(days=duration)
        if status == P.RUNNING and end <= t:
            end = t + dt.timedelta(days=rng.randint(1, 30))
        if status == P.CLOSED and end >= t:
            end = t - DAY
        closes = min(start - dt.timedelta(days=3), end)
        if status == P.PUBLISHED:
            closes = max(closes, t)
        if status == P.SELECTION:
            closes = min(closes, t - DAY)
        closes = max(closes, opens)
        return start, end, opens, closes

    def _program_audit(self, pk, title, status, inst, created, start, end, opens, closes) -> None:
        manager, label = inst[4], self.labels[inst[4]]

        def row(at, action, before, after, reason=""):
            self.audit.add(_audit_row(self.ids[AuditEvent], at, manager, label, action, "training.program", pk, title,
                                      before={"status": before} if before else None, after={"status": after}, reason=reason))

        row(created, "program.created", None, P.DRAFT)
        if status == P.DRAFT:
            return
        row(_aware(opens, 0), "program.publish", P.DRAFT, P.PUBLISHED)
        if status == P.SELECTION:
            row(_aware(closes, 60), "program.close_registration", P.PUBLISHED, P.SELECTION)
        if status in (P.RUNNING, P.CLOSED):
            row(_aware(start, 0), "program.start", P.PUBLISHED, P.RUNNING)
        if status == P.CLOSED:
            row(_aware(end, 3600), "program.close", P.RUNNING, P.CLOSED)
        if status == P.CANCELLED:
            row(_aware(min(closes, self.today), 120), "program.cancel", P.PUBLISHED, P.CANCELLED, REASON_CANCELLED)

    # -- enrollments, assessments, reviews, surveys, certificates --

    def _enrollments(self) -> None:
        rng = self.rng
        enrollment_rows = self.sink(Enrollment, ("id", "program_id", "person_id", "state", "result", "reason", "late",
                                                 "late_reason", "source", "registered_at", "state_changed_at"))
        assessment_rows = self.sink(Assessment, ("id", "enrollment_id", "unit_id", "result", "score", "note", "assessed_by_id",
                                                 "assessed_at"))
        review_rows = self.sink(Review, ("id", "enrollment_id", "rating", "text", "instructor_id", "instructor_rating",
                                         "created_at"))
        response_rows = self.sink(Response, ("id", "version_id", "questionnaire_id", "person_id", "enrollment_id",
                                             "submitted_at"))
        answer_rows = self.sink(Answer, ("id", "response_id", "question_id", "value"))
        # On PostgreSQL the answers (about nine per response, the largest table) are not sent row by row: each
        # response names the answer set it drew from the pool, and one INSERT … SELECT expands them on the
        # server, numbered as the rows would have been (by response, then question order).
        expand = self.writer is not None
        if expand:
            with connection.cursor() as cursor:
                cursor.execute("CREATE TEMP TABLE seed_answer_set (set_no int, ord int, question_id int, value jsonb) "
                               "ON COMMIT DROP")
                cursor.execute("CREATE TEMP TABLE seed_response_set (response_id bigint, set_no int) ON COMMIT DROP")
            response_sets = Sink(None, ("response_id", "set_no"), self.report, None, self.writer, table="seed_response_set")
        certificate_columns = ("id", "enrollment_id", "number", "institution_id", "year", "sequence", "verification_id",
                               "payload", "signature", "key_id", "issued_at", "issued_by_id", "revoked_at", "revoked_by_id",
                               "revoke_reason", "verification_count")
        if self.signer_pool is not None:
            certificate_rows = SignedSink(Certificate, certificate_columns, self.report, self.progress, self.writer,
                                          pool=self.signer_pool, payload_at=certificate_columns.index("payload"),
                                          signature_at=certificate_columns.index("signature"))
        else:
            certificate_rows = self.sink(Certificate, certificate_columns)
        self.placement_rows = self.sink(Placement, ("id", "person_id", "company_id", "employer_name", "position", "start_date",
                                                    "sector", "formal", "domestic", "source", "vacancy_id", "application_id",
                                                    "regency_id", "enrollment_id", "created_by_id", "created_at"))
        self.outcome_rows = self.sink(Outcome, ("id", "enrollment_id", "person_id", "status", "placement_id", "source",
                                                "reported_by_id", "reported_at"))
        # Outcomes draw from their own stream: the rest of the data set stays what it was without them.
        self.outcome_rng = random.Random(f"{self.sizes.seed}-outcomes")
        version = QuestionnaireVersion.objects.select_related("questionnaire").get(questionnaire__code=READINESS_CODE,
                                                                                   is_current=True)
        questions = {q.code: q.pk for q in version.questions.all()}
        answer_sets = list(enumerate(_answer_sets(version, self.today, rng)))
        if expand:
            pool = Sink(None, ("set_no", "ord", "question_id", "value"), self.report, None, self.writer,
                        table="seed_answer_set")
            for set_no, values in answer_sets:
                for k, (code, value) in enumerate(values.items()):
                    pool.add((set_no, k, questions[code], value))
            pool.flush()
        institutions = {inst[0]: inst for inst in self.institutions}
        regions = {}
        self.counters: dict[tuple[int, int], int] = {}
        last_issue: dict[int, dt.datetime] = {}
        people = self.sizes.persons
        latest = self.now - dt.timedelta(hours=1)
        for program in self.programs:
            n = sum(program.counts.values())
            if not n:
                continue
            states = [s for s, k in program.counts.items() for _ in range(k)]
            rng.shuffle(states)
            chosen = rng.sample(range(people), n)
            inst = institutions[program.institution]
            manager, manager_label = inst[4], self.labels[inst[4]]
            window = max(1, (min(program.closes, self.today) - program.opens).days + 1) * 86400
            reg_base = _aware(program.opens, 0)
            unit_ids = [u[0] for u in program.units]
            if program.institution not in regions:
                regency_name, province = self.regencies[inst[3]]
                regions[program.institution] = {"regency_code": inst[3], "regency": regency_name,
                                                "province_code": province, "province": self.provinces[province]}
            for state, person_i in zip(states, chosen, strict=True):
                pk = next(self.ids[Enrollment])
                person_id = self.person_base + person_i
                user_id = self.p_user[person_i]
                registered = min(reg_base + dt.timedelta(seconds=rng.randrange(window)), latest)
                result, reason = "pending", ""
                late, late_reason = False, ""
                changed = registered
                if state == E.GRADUATED:
                    result, changed = "passed", _aware(program.end, 3600)
                elif state == E.NOT_PASSED:
                    result = "failed" if rng.random() < 0.6 else "pending"
                    reason = REASON_FAILED if result == "failed" else REASON_NOT_ASSESSED
                    changed = _aware(program.end, 3600)
                elif state == E.NOT_SELECTED:
                    reason, changed = REASON_NOT_SELECTED, _aware(min(program.start, self.today), 0)
                elif state == E.WITHDRAWN:
                    reason = REASON_CANCELLED if program.status == P.CANCELLED else REASON_WITHDRAWN
                elif state == E.DROPPED_OUT:
                    reason, changed = REASON_DROPPED, _aware(min(program.start + 5 * DAY, self.today), 0)
                elif state == E.PARTICIPANT and program.status == P.RUNNING:
                    result = rng.choices(["pending", "passed", "failed"], weights=[80, 15, 5])[0]
                elif state == E.REGISTERED and program.status == P.RUNNING:
                    late, late_reason = True, "Susulan: pindahan dari lembaga lain (surat pengantar Disnaker)."
                    registered = min(_aware(program.start, 7200), latest)
                    changed = registered
                source = "self" if user_id and rng.random() < 0.8 else rng.choice(["manager", "import"])
                enrollment_rows.add((pk, program.pk, person_id, state, result, reason, late, late_reason, source, registered,
                                     min(changed, self.now)))
                name = self.person_name(person_i)
                if source == "self":
                    actor, label, action = user_id, name, "enrollment.registered"
                else:
                    actor, label = manager, manager_label
                    action = {"manager": "enrollment.recorded", "import": "enrollment.imported"}[source]
                    if late:
                        action = "enrollment.late_recorded"
                self.audit.add(_audit_row(self.ids[AuditEvent], registered, actor, label, action, "training.enrollment", pk,
                                          f"{name} · {program.title}", after={"state": E.REGISTERED}))
                # Assessments: every unit for a result, some units for those still pending.
                assessed_units: list[int] = []
                if result in ("passed", "failed"):
                    assessed_units = unit_ids
                elif state in (E.PARTICIPANT, E.NOT_PASSED) and program.status in (P.RUNNING, P.CLOSED) and rng.random() < 0.5:
                    assessed_units = unit_ids[: rng.randrange(len(unit_ids))] if len(unit_ids) > 1 else []
                if assessed_units:
                    failing = rng.randrange(len(assessed_units)) if result == "failed" else -1
                    last_day = min(program.end, self.today)
                    span_days = max(0, (last_day - program.start).days)
                    for k, unit in enumerate(assessed_units):
                        ok = k != failing
                        when = min(_aware(program.start + dt.timedelta(days=rng.randint(0, span_days)), rng.randrange(28800)),
                                   latest)
                        assessment_rows.add((next(self.ids[Assessment]), pk, unit, "competent" if ok else "not_yet_competent",
                                             rng.randint(70, 98) if ok else rng.randint(30, 69), "",
                                             rng.choice(program.instructors), when))
                # The participant's own steps: a review and the work-readiness survey.
                after_day = program.end if program.status == P.CLOSED else max(program.start, self.today - 7 * DAY)
                share = {E.GRADUATED: (0.88, 0.85), E.NOT_PASSED: (0.4, 0.3)}.get(state, (0.3, 0.25))
                steps = state in (E.GRADUATED, E.NOT_PASSED) or (state == E.PARTICIPANT and program.status == P.RUNNING)
                reviewed = steps and rng.random() < share[0]
                surveyed = steps and rng.random() < share[1]
                if reviewed:
                    review_rows.add((next(self.ids[Review]), pk, rng.choice([5, 5, 4, 4, 4, 3, 2]), rng.choice(REVIEW_TEXTS),
                                     program.instructors[0], rng.choice([5, 4, 4, 3]),
                                     min(_aware(after_day, rng.randrange(36000)), self.now)))
                if surveyed:
                    response_pk = next(self.ids[Response])
                    response_rows.add((response_pk, version.pk, version.questionnaire_id, person_id, pk,
                                       min(_aware(after_day, rng.randrange(36000)), self.now)))
                    set_no, values = rng.choice(answer_sets)
                    if expand:
                        response_sets.add((response_pk, set_no))
                    else:
                        for code, value in values.items():
                            answer_rows.add((next(self.ids[Answer]), response_pk, questions[code], value))
                # A certificate for most of those with every step done.
                if state == E.GRADUATED and reviewed and surveyed and unit_ids and rng.random() < 0.92:
                    issued = max(_aware(program.end + dt.timedelta(days=rng.randint(1, 20)), rng.randrange(28800)),
                                 last_issue.get(program.institution, self.now - dt.timedelta(days=9999)) + dt.timedelta(seconds=1))
                    issued = min(issued, latest)
                    last_issue[program.institution] = issued
                    certificate_rows.add(self._certificate(rng, pk, person_i, program, inst, regions[program.institution],
                                                           issued))
                if state == E.GRADUATED and self.outcome_rng.random() < OUTCOME_SHARE:
                    self._outcome(pk, person_i, program, latest)
        for sink in (enrollment_rows, assessment_rows, review_rows, response_rows, answer_rows, certificate_rows,
                     self.placement_rows, self.outcome_rows):
            sink.flush()
        if isinstance(certificate_rows, SignedSink):
            certificate_rows.finish()
        if expand:
            response_sets.flush()
            self._expand_answers()
        counters = self.sink(CertificateCounter, ("id", "institution_id", "year", "last"))
        for (institution, year), last in sorted(self.counters.items()):
            counters.add((next(self.ids[CertificateCounter]), institution, year, last))
        counters.flush()

    def _outcome(self, enrollment_pk: int, person_i: int, program: _Program, latest: dt.datetime) -> None:
        """An alumnus's work status as the regional officer of their domicile reports it (``outcomes_report``): at
        work, with the placement record made with it (source "officer", the domicile regency, the training)."""
        rng = self.outcome_rng
        reported = min(_aware(program.end + dt.timedelta(days=rng.randint(30, 240)), rng.randrange(28800)), latest)
        if reported.date() <= program.end:
            return  # closed too recently to have been reported
        district, regency = self.districts[self.p_home[person_i]]
        officer = self.officers[district[:2]]
        status = _weighted(rng, OUTCOME_WEIGHTS, 1)[0]
        person_id = self.person_base + person_i
        placement_pk = None
        if status in placement_domain.OutcomeStatus.AT_WORK:
            placement_pk = next(self.ids[Placement])
            employed = status == placement_domain.OutcomeStatus.EMPLOYED
            start = min(program.end + dt.timedelta(days=rng.randint(1, 25)), reported.astimezone(WIB).date())
            employer = rng.choice(EMPLOYERS) if employed else f"Usaha {self.person_name(person_i).split()[0]}"
            self.placement_rows.add((placement_pk, person_id, None, employer, rng.choice(POSITIONS), start, rng.choice(SECTORS),
                                     employed, rng.random() < 0.95, placement_domain.PlacementSource.OFFICER, None, None,
                                     regency, enrollment_pk, officer, reported))
        pk = next(self.ids[Outcome])
        self.outcome_rows.add((pk, enrollment_pk, person_id, status, placement_pk, placement_domain.PlacementSource.OFFICER,
                               officer, reported))
        self.audit.add(_audit_row(self.ids[AuditEvent], reported, officer, self.labels[officer], OUTCOME_ACTION,
                                  "placement.outcome", pk, f"{enrollment_pk}: {status}",
                                  after={"enrollment": enrollment_pk, "status": status, "placement": placement_pk,
                                         "source": placement_domain.PlacementSource.OFFICER}))

    # -- AK/1 job-seeker cards --

    def _ak1_cards(self) -> None:
        """AK/1 cards as ``placement.services.ak1`` makes them: applied for by citizens with a log-in (the card
        copies the person, the NIK sealed again), decided by the regency office of the NIK's regency (one officer
        per office, made here), issued cards numbered gap-free per office and year in the order of issue and
        signed with the certificates' key. Own random stream: the rest of the data set is unchanged."""
        rng = random.Random(f"{self.sizes.seed}-ak1")
        latest = self.now - dt.timedelta(hours=1)
        recent = self.now - dt.timedelta(days=14)
        applied = []  # (card pk, person index, regency, submitted, decided, status, verification id, extra fields)
        for i, user_id in enumerate(self.p_user):
            if not user_id or rng.random() >= AK1_SHARE:
                continue
            created = self.now - dt.timedelta(seconds=self.p_created[i])
            submitted = min(created + dt.timedelta(seconds=rng.randrange(max(1, int((latest - created).total_seconds())))),
                            latest)
            decided = min(submitted + dt.timedelta(seconds=rng.randrange(3600, 10 * 86400)), latest)
            if submitted > recent and rng.random() < 0.5:
                status, decided = placement_domain.CardStatus.SUBMITTED, None
            else:
                status = placement_domain.CardStatus.ISSUED if rng.random() < 0.92 else placement_domain.CardStatus.REFUSED
            regency = self.districts[self.p_district[i]][1]
            extra = (_weighted(rng, MARITAL_WEIGHTS, 1)[0], _weighted(rng, RELIGION_WEIGHTS, 1)[0],
                     ", ".join(rng.sample(SKILLS, k=rng.randint(1, 3))))
            verification = _verification_id(rng) if status == placement_domain.CardStatus.ISSUED else ""
            applied.append((next(self.ids[JobSeekerCard]), i, regency, submitted, decided, status, verification, extra))
        if not applied:
            return
        # One officer per regency office that decides cards.
        offices = {}
        joined = self.now - dt.timedelta(days=5 * 365)
        for regency in sorted({card[2] for card in applied}):
            pk = next(self.ids[User])
            username, name = f"seed.disnaker.{regency}", f"Petugas Disnaker {self.regencies[regency][0]}"[:150]
            self.labels[pk] = f"{name} ({username})"
            self.users.add((pk, self.staff_hash, False, username, name, "", "", False, True, joined, "", "id"))
            self.roles.add((next(self.ids[RoleAssignment]), pk, Role.REGIONAL_OFFICER, None, regency, None, True, None, joined))
            self.audit.add(_audit_row(self.ids[AuditEvent], joined, None, "sisnaker seed", "user.created", "accounts.user", pk,
                                      username, after={"username": username, "email": ""}))
            offices[regency] = (pk, name)
        self.users.flush()
        self.roles.flush()
        # Numbers in the order of issue, per office and year.
        sequences: dict[tuple[str, int], int] = {}
        numbered = {}
        for card in sorted((c for c in applied if c[5] == placement_domain.CardStatus.ISSUED), key=lambda c: (c[4], c[0])):
            issued_on = card[4].astimezone(WIB).date()
            key = (card[2], issued_on.year)
            sequences[key] = sequences.get(key, 0) + 1
            numbered[card[0]] = (issued_on, sequences[key])
        rows = self.sink(JobSeekerCard, ("id", "person_id", "regency_id", "status", "nik_encrypted", "full_name", "birth_place",
                                         "birth_date", "sex", "marital_status", "religion", "address", "education",
                                         "other_training", "skills", "submitted_at", "number", "year", "sequence", "issued_on",
                                         "decided_at", "decided_by_id", "officer_name", "refuse_reason", "verification_id",
                                         "payload", "signature", "key_id", "ended_on", "employer_name", "position",
                                         "reminded_box"))
        obj = "placement.jobseekercard"
        for pk, i, regency, submitted, decided, status, verification, (marital, religion, skills) in applied:
            person_id, user_id, name = self.person_base + i, self.p_user[i], self.person_name(i)
            birth = dt.date.fromordinal(self.p_birth[i])
            sex = "F" if self.p_female[i] else "M"
            regency_name = self.regencies[regency][0]
            birth_place = regency_name.removeprefix("Kabupaten ").removeprefix("Kota ")[:placement_domain.BIRTH_PLACE_MAX]
            address = f"Jl. {STREETS[self.p_street[i]]} No. {self.p_house[i]}"
            number, year, sequence, issued_on = "", None, None, None
            officer, officer_name = offices[regency] if decided else (None, "")
            payload = signature = key_id = ""
            if status == placement_domain.CardStatus.ISSUED:
                issued_on, sequence = numbered[pk]
                year = issued_on.year
                number = placement_domain.card_number(regency_code=regency, year=year, sequence=sequence)
                payload = cert_domain.canonical_payload(placement_domain.signed_fields(
                    number=number, full_name=name, birth_date=birth, sex=sex, regency_code=regency, regency_name=regency_name,
                    issued_on=issued_on, officer_name=officer_name, verification_id=verification))
                signature, key_id = signing.sign(payload)
            rows.add((pk, person_id, regency, status, crypto.encrypt(self.person_nik(i)), name, birth_place, birth, sex, marital,
                      religion, address, EDUCATIONS[self.p_education[i]], "", skills, submitted, number, year, sequence,
                      issued_on, decided, officer, officer_name, AK1_REFUSAL if status == placement_domain.CardStatus.REFUSED
                      else "", verification, payload, signature, key_id, None, "", "", 0))
            waiting = {"status": placement_domain.CardStatus.SUBMITTED, "regency": regency, "number": "", "issued_on": None}
            self.audit.add(_audit_row(self.ids[AuditEvent], submitted, user_id, name, AK1_ACTIONS["applied"], obj, pk,
                                      f"AK/1 #{pk}", after=waiting))
            if decided:
                after = dict(waiting, status=status, number=number, issued_on=issued_on.isoformat() if issued_on else None)
                self.audit.add(_audit_row(self.ids[AuditEvent], decided, officer, self.labels[officer],
                                          AK1_ACTIONS[status], obj, pk, number or f"AK/1 #{pk}", before=waiting, after=after,
                                          reason=AK1_REFUSAL if status == placement_domain.CardStatus.REFUSED else ""))
        rows.flush()
        counters = self.sink(JobSeekerCounter, ("id", "regency_id", "year", "last"))
        for (regency, year), last in sorted(sequences.items()):
            counters.add((next(self.ids[JobSeekerCounter]), regency, year, last))
        counters.flush()

    def _expand_answers(self) -> None:
        self.drain()
        started = time.perf_counter()
        first = self.ids[Answer].value + 1
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Answer._meta.db_table} (id, response_id, question_id, value) "  # noqa: S608
                "SELECT %s - 1 + row_number() OVER (ORDER BY r.response_id, a.ord), r.response_id, a.question_id, "
                "a.value FROM seed_response_set r JOIN seed_answer_set a ON a.set_no = r.set_no", [first])
            written = cursor.rowcount
            cursor.execute("DROP TABLE seed_response_set, seed_answer_set")
        self.ids[Answer].value += written
        stat = self.report.tables.setdefault(Answer._meta.db_table, TableStat())
        stat.rows += written
        stat.seconds += time.perf_counter() - started
        self.report.tables.pop("seed_response_set", None)
        self.report.tables.pop("seed_answer_set", None)

    def _certificate(self, rng, enrollment_pk, person_i, program: _Program, inst, region, issued: dt.datetime) -> tuple:
        year = issued.astimezone(WIB).year
        sequence = self.counters.get((program.institution, year), 0) + 1
        self.counters[(program.institution, year)] = sequence
        number = cert_domain.certificate_number(registry_number=inst[2], year=year, sequence=sequence)
        verification_id = _verification_id(rng)
        birth = dt.date.fromordinal(self.p_birth[person_i])
        name = self.person_name(person_i)
        # The fields ``services.certificates.build_fields`` signs, for rows not loaded through the ORM (a test
        # checks that both give the same payload).
        fields = {
            "v": PAYLOAD_VERSION,
            "title": TITLE_COMPETENCY if program.units else TITLE_TRAINING,
            "number": number,
            "verification_id": verification_id,
            "year": year,
            "sequence": sequence,
            "person": {"name": name, "nik_masked": mask_nik(self.person_nik(person_i)), "birth_year": birth.year},
            "program": {"title": program.title, "hours": program.hours, "start_date": program.start.isoformat(),
                        "end_date": program.end.isoformat()},
            "units": [{"code": code, "title": title} for _, code, title in program.units],
            "institution": {"name": inst[1], "registry_number": inst[2], "region": region},
            "certificate_date": program.end.isoformat(),
            "issued_on": issued.astimezone(WIB).date().isoformat(),
            "issued_at": issued.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "signatory": {"name": inst[5], "title": f"Kepala/Pengelola {inst[1]}"},
        }
        payload = cert_domain.canonical_payload(fields)
        if self.signer_pool is not None:
            signature, key_id = None, signing.keyring().key_id  # signed by the helper (``SignedSink``)
        else:
            signature, key_id = signing.sign(payload)
        pk = next(self.ids[Certificate])
        self.audit.add(_audit_row(self.ids[AuditEvent], issued, inst[4], self.labels[inst[4]], "certificate.issued",
                                  "certification.certificate", pk, number,
                                  after={"number": number, "enrollment": enrollment_pk, "program": program.pk, "key_id": key_id,
                                         "certificate_date": program.end.isoformat()}))
        revoked = rng.random() < 0.003
        return (pk, enrollment_pk, number, program.institution, year, sequence, verification_id, payload, signature, key_id,
                issued, inst[4], issued + dt.timedelta(days=3) if revoked else None, inst[4] if revoked else None,
                "Data peserta terbukti tidak sesuai." if revoked else "", 0)

    def _program_counters(self) -> None:
        """The programs' maintained enrollment counters (``Program.n_<state>``), from the rows just written."""
        if self.programs:
            pks = [p.pk for p in self.programs]
            program_counters_recount(programs=Program.objects.filter(pk__gte=min(pks), pk__lte=max(pks)))

    # -- Kartu Prakerja --

    def _prakerja(self) -> None:
        """Two drawn Kartu Prakerja waves as closing and the draw leave them. Applicants are ``PRAKERJA_SHARE`` of the
        citizens, with the contacts of their person (an e-mail of their own when the person has none); those without
        a log-in were registered at a posko by the admin with their consent. KK numbers: an applicant shares the KK
        of the applicant before them in the same district with chance ``PRAKERJA_SAME_KK``. Eligibility is
        ``prakerja.domain.eligibility_reason`` (age on the wave's day, formal education, earlier beneficiary). Each
        wave: households numbered by KK, quotas by largest remainder over the eligible per province for a target of
        ``PRAKERJA_TARGET`` of them, the selection by ``domain.draw`` from the wave's seed (the same rows
        ``sisnaker prakerja replaydraw`` replays), its counts frozen as the draw freezes them. Then the app's own
        service issues the cards and posts their balances (``services._cards_issue``) and expires the first wave's
        cards whose deadline is over (``services._cards_expire``, the daily step). Own random stream: the rest is unchanged."""
        if not self.sizes.persons:
            return
        rng = random.Random(f"{self.sizes.seed}-prakerja")
        admin = User.objects.get(pk=self.admin)
        number = (Wave.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        amounts = {"training_balance": 3_500_000, "post_training_incentive": 600_000, "post_training_incentive_count": 1,
                   "survey_incentive": 50_000, "survey_incentive_count": 2, "purchase_deadline_days": 30}
        opened = [self.today - dt.timedelta(days=300), self.today - dt.timedelta(days=45)]
        apps = self.sink(PrakerjaApplication, (
            "id", "wave_id", "person_id", "nik_encrypted", "nik_index", "kk_encrypted", "kk_index", "full_name", "birth_date",
            "sex", "education", "in_formal_education", "has_disability", "province_id", "nik_regency_id", "domicile_district_id",
            "phone", "email", "status", "reason", "findings", "statement_version", "statement_signed_at", "created_by_id",
            "assisted_by_id", "consent_at", "verify_token", "phone_code_hash", "email_code_hash", "code_attempts",
            "code_expires_at", "contacts_verified_at", "household", "household_prior", "created_at"))
        chosen = self.sink(Selection, ("application_id", "wave_id", "province_id", "rank"))
        kk_of: dict[int, str] = {}  # person index → KK number (a person keeps their KK in both waves)
        last_kk: dict[str, str] = {}  # district → the last KK given there
        earlier: set[int] = set()  # person indexes selected in the first wave
        earlier_kk: dict[str, int] = {}  # KK → beneficiaries of the first wave
        not_selected: list[int] = []
        waves = []
        for w, opens in enumerate(opened):
            closes, drawn_day = opens + dt.timedelta(days=20), opens + dt.timedelta(days=21)
            closed_at, drawn_at = _aware(closes, 16 * 3600), _aware(drawn_day, 3 * 3600)
            seed_hex = f"{rng.getrandbits(256):064x}"
            wave = Wave.objects.create(number=number + w, name=f"Gelombang {number + w} (data uji)", opens_on=opens,
                                       closes_on=closes, national_target=1, status=prakerja_domain.WaveStatus.DRAWN,
                                       seed=seed_hex, seed_commitment=prakerja_domain.seed_commitment(seed_hex),
                                       closed_at=closed_at, drawn_at=drawn_at, created_at=_aware(opens - dt.timedelta(days=14), 0),
                                       **amounts)
            if w == 0:
                who = [i for i in range(len(self.p_user)) if rng.random() < PRAKERJA_SHARE]
            else:
                again = [i for i in not_selected if rng.random() < PRAKERJA_REAPPLY]
                who = sorted(set(again) | {i for i in range(len(self.p_user)) if rng.random() < PRAKERJA_SHARE / 2})
            candidates, counts, households = [], defaultdict(Counter), {}
            for i in who:
                code, regency = self.districts[self.p_district[i]]
                kk = kk_of.get(i)
                if kk is None:
                    kk = last_kk.get(code) if rng.random() < PRAKERJA_SAME_KK else None
                    kk = kk_of[i] = last_kk[code] = kk or f"{code.replace('.', '')}{rng.randrange(10**10):010d}"
                nik = self.person_nik(i)
                birth = dt.date.fromordinal(self.p_birth[i])
                schooling = rng.random() < 0.04
                reason = prakerja_domain.eligibility_reason(birth_date=birth, wave_day=opens, in_formal_education=schooling,
                                                            exclusions=(), earlier_beneficiary=i in earlier) or ""
                province = regency[:2]
                status = prakerja_domain.ApplicationStatus.INELIGIBLE if reason else prakerja_domain.ApplicationStatus.ELIGIBLE
                household = prior = None
                if not reason:
                    household = households.setdefault(kk, len(households) + 1)
                    prior = min(earlier_kk.get(kk, 0), 32767)
                pk = next(self.ids[PrakerjaApplication])
                at = _aware(opens + dt.timedelta(days=rng.randrange(20)), rng.randrange(7 * 3600, 22 * 3600))
                user_id = self.p_user[i] or None
                phone = f"+62858{self.phone_base + i:08d}"
                apps.add((pk, wave.pk, self.person_base + i, crypto.encrypt(nik), crypto.blind_index(nik, label="nik"),
                          crypto.encrypt(kk), crypto.blind_index(kk, label="kk"), self.person_name(i), birth,
                          "F" if self.p_female[i] else "M", EDUCATIONS[self.p_education[i]], schooling, bool(self.p_disabled[i]),
                          province, regency, self.districts[self.p_home[i]][0], phone, f"prakerja.{pk}@warga.contoh.id",
                          status, reason, "[]", prakerja_domain.STATEMENT_VERSION, at, user_id or self.admin,
                          None if user_id else self.admin, None if user_id else at, f"{rng.getrandbits(192):048x}", "", "", 0,
                          at + dt.timedelta(minutes=10), at + dt.timedelta(minutes=2), household, prior or 0, at))
                counts[province][status] += 1
                if not reason:
                    candidates.append((prakerja_domain.Candidate(pk, province, household, prior), i, kk))
            eligible = Counter(c.province for c, _i, _kk in candidates)
            target = max(1, int(len(candidates) * PRAKERJA_TARGET)) if candidates else 1
            quotas = prakerja_domain.largest_remainder(dict(eligible), target) if eligible else {}
            ProvinceQuota.objects.bulk_create([ProvinceQuota(wave=wave, province_id=p, quota=q, weight=eligible[p])
                                               for p, q in sorted(quotas.items())])
            selected = prakerja_domain.draw(seed=seed_hex, candidates=[c for c, _i, _kk in candidates], quotas=quotas,
                                            max_per_household=wave.max_per_household)
            by_id = {c.id: (c, i, kk) for c, i, kk in candidates}
            for rank, pk in enumerate(selected, start=1):
                c, i, kk = by_id[pk]
                chosen.add((pk, wave.pk, c.province, rank))
                earlier.add(i)
                earlier_kk[kk] = earlier_kk.get(kk, 0) + 1
            picked = set(selected)
            not_selected = [i for c, i, _kk in candidates if c.id not in picked]
            wave.national_target = target
            wave.counts = {"applications": {p: dict(c) for p, c in counts.items()},
                           "selected": dict(Counter(by_id[pk][0].province for pk in selected))}
            wave.save(update_fields=["national_target", "counts"])
            self.audit.add(_audit_row(self.ids[AuditEvent], closed_at, self.admin, self.labels[self.admin],
                                      str(PrakerjaAudit.WAVE_CLOSED), "prakerja.wave", wave.pk, wave.name,
                                      after={"status": "closed", "seed_commitment": wave.seed_commitment,
                                             "eligible": len(candidates), "ineligible": len(who) - len(candidates)}))
            self.audit.add(_audit_row(self.ids[AuditEvent], drawn_at, self.admin, self.labels[self.admin],
                                      str(PrakerjaAudit.WAVE_DRAWN), "prakerja.wave", wave.pk, wave.name,
                                      after={"status": "drawn", "seed": seed_hex, "candidates": len(candidates),
                                             "selected": len(selected)}))
            waves.append((wave, drawn_at))
        apps.flush()
        chosen.flush()
        self.audit.flush()
        self.drain()
        # The cards and their balances by the app's own step (as the draw issues them), then the daily expiry. The
        # services number their audit rows from the table's sequence: set past the ids this load gave, and this
        # load's numbering goes on after theirs.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [AuditEvent]):
                cursor.execute(sql)
        for wave, drawn_at in waves:
            prakerja_services._cards_issue(actor=admin, wave=wave, now=drawn_at)
        prakerja_services._cards_expire(actor=admin, today=self.today, now=self.now)
        self.ids[AuditEvent] = _Ids(_next_id(AuditEvent))

    # -- the end --

    def _finish(self) -> None:
        first = self.institutions[0] if self.institutions else None
        info = {
            "sizes": {"persons": self.sizes.persons, "institutions": self.sizes.institutions, "programs": len(self.programs),
                      "enrollments": sum(sum(p.counts.values()) for p in self.programs), "seed": self.sizes.seed},
            "big_program": self.big_pk,
            "board_program": getattr(self, "board_pk", None),
            "institution": first[0] if first else None,
            "manager": f"seed.pengelola.{first[0]:05d}" if first else None,
            "admin": "seed.admin", "curator": "seed.kurator", "officer_jabar": "seed.disnaker.32",
            "persons": [self.person_base, self.person_base + self.sizes.persons - 1] if self.sizes.persons else [],
        }
        self.report.info = info
        self.audit.add(_audit_row(self.ids[AuditEvent], self.now, None, "sisnaker seed", SEED_ACTION, "seed", "1", "seed",
                                  after=info))
        self.audit.flush()
        self.drain()
        statements = connection.ops.sequence_reset_sql(no_style(), self.written_models())
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    @staticmethod
    def written_models() -> list:
        return [User, RoleAssignment, Person, Institution, InstitutionStatusChange, Program, Program.competency_units.through,
                Program.instructors.through, Enrollment, Assessment, Review, Response, Answer, Certificate, CertificateCounter,
                Placement, Outcome, JobSeekerCard, JobSeekerCounter, PrakerjaApplication, Selection, AuditEvent]

    def _check_foreign_keys(self) -> None:
        """Every foreign key of the written tables points at a row (set-based: one anti-join per key)."""
        problems = []
        with connection.cursor() as cursor:
            for model in self.written_models():
                for f in model._meta.concrete_fields:
                    if not f.is_relation or f.related_model is None:
                        continue
                    target = f.related_model._meta
                    sql = (f"SELECT count(*) FROM {model._meta.db_table} c WHERE c.{f.column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                           f"(SELECT 1 FROM {target.db_table} t WHERE t.{f.target_field.column} = c.{f.column})")
                    cursor.execute(sql)
                    missing = cursor.fetchone()[0]
                    if missing:
                        problems.append(f"{model._meta.db_table}.{f.column}: {missing}")
        if problems:
            raise RuntimeError("Generated rows point at missing rows: " + "; ".join(problems))


def _nik(district_code: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def _verification_id(rng: random.Random) -> str:
    while True:
        value = signing.b64url(rng.getrandbits(128).to_bytes(16, "big"))
        if not value.startswith("-"):
            return value


def _state_counts(rng: random.Random, status: str, n: int) -> dict[str, int]:
    weights = STATE_WEIGHTS.get(status)
    if not weights or not n:
        return {}
    jittered = {s: w * rng.uniform(0.6, 1.4) for s, w in weights.items()}
    total = sum(jittered.values())
    counts = {s: int(n * w / total) for s, w in jittered.items()}
    first = next(iter(counts))
    counts[first] += n - sum(counts.values())
    return {s: k for s, k in counts.items() if k}


def _answer_sets(version, today: dt.date, rng: random.Random, n: int = 40) -> list[dict[str, str]]:
    """A pool of answer sets to the questionnaire, each validated by the survey engine, as JSON text per
    question code."""
    specs = [survey_domain.spec_from(q) for q in version.questions.all()]
    pool = []
    for _ in range(n):
        raw = {}
        for q in version.questions.all():
            choices = [c["value"] for c in q.choices]
            if q.kind == "single":
                raw[q.code] = rng.choice(choices)
            elif q.kind == "multiple":
                raw[q.code] = rng.sample(choices, k=min(2, len(choices)))
            elif q.kind == "scale":
                raw[q.code] = str(rng.randint(q.min_value or 1, q.max_value or 5))
            elif q.kind == "number":
                raw[q.code] = str(rng.choice([3_500_000, 4_000_000, 4_500_000, 5_200_000]))
            elif q.kind == "date":
                raw[q.code] = (today + dt.timedelta(days=rng.randint(1, 30))).isoformat()
            elif q.required or rng.random() < 0.5:
                raw[q.code] = rng.choice(["Siap bekerja sesuai bidang pelatihan.", "Ingin membuka usaha sendiri."])
        values = survey_domain.validate_answers(specs, raw, today=today)
        pool.append({code: json.dumps(value, ensure_ascii=False) for code, value in values.items()})
    return pool


def generate(sizes: Sizes, *, today: dt.date, now: dt.datetime, staff_password: str, allow_existing: bool = False,
             progress: Callable[[str, int], None] | None = None, log: Callable[[str], None] | None = None) -> Report:
    """Build the data set (see the module's docstring). Refuses (``SeedRefused``) a database seeded
    already, or holding other data unless ``allow_existing``."""
    seed_check(allow_existing=allow_existing)
    Generator.prepare()
    generator = Generator(sizes, today=today, now=now, staff_password=staff_password, progress=progress, log=log)
    return generator.run()


def expected_rows(sizes: Sizes) -> dict[str, int]:
    """The row counts of the two big tables, known in advance (the progress bar's totals)."""
    return {Person._meta.db_table: sizes.persons, Enrollment._meta.db_table: sizes.enrollments}
