"""Training: reference data (vocational fields, SKKNI competency units), programs, and enrollments
(Pendaftar → Peserta → Alumni). States and transitions are documented in ``domain.py``."""

from __future__ import annotations

import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from .domain import ACTIVE_STATES, SEAT_STATES, EnrollmentState, ProgramStatus


def counter_of(state: str) -> str:
    """The Program column counting enrollments in ``state``."""
    return f"n_{state}"


class VocationalField(models.Model):
    """Kejuruan, e.g. "Teknologi Informasi dan Komunikasi", "Otomotif"."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompetencyUnit(models.Model):
    """Unit kompetensi (SKKNI), e.g. J.620100.004.02 "Menggunakan struktur data"."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    vocational_field = models.ForeignKey(VocationalField, on_delete=models.PROTECT, related_name="units")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# The public catalogue's programs (``selectors.catalogue``) and its order: open registrations first, then selection,
# running, closed; soonest start first within each. Defined here because the model's index serves exactly this order.
PUBLIC_STATUSES = (ProgramStatus.PUBLISHED, ProgramStatus.SELECTION, ProgramStatus.RUNNING, ProgramStatus.CLOSED)


def catalogue_stage() -> Case:
    """The catalogue's first sort key (0 published … 3 closed), the same expression as ``program_catalogue_order_idx``
    so that PostgreSQL reads the first page from that index instead of sorting every public program."""
    return Case(
        When(status=ProgramStatus.PUBLISHED, then=Value(0)), When(status=ProgramStatus.SELECTION, then=Value(1)),
        When(status=ProgramStatus.RUNNING, then=Value(2)), default=Value(3), output_field=IntegerField(),
    )


class Program(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Tatap muka")
        ONLINE = "online", _("Daring")
        HYBRID = "hybrid", _("Hibrida")

    class Funding(models.TextChoices):
        APBN = "apbn", _("APBN (DIPA)")
        APBD = "apbd", _("APBD")
        PRAKERJA = "prakerja", _("Kartu Prakerja")
        SELF = "self", _("Mandiri")

    class Selection(models.TextChoices):
        NONE = "none", _("Tanpa seleksi")
        TEST = "test", _("Tes")
        INTERVIEW = "interview", _("Wawancara")
        DOCUMENT = "document", _("Seleksi berkas")

    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="programs")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    vocational_field = models.ForeignKey(VocationalField, on_delete=models.PROTECT, related_name="programs")
    competency_units = models.ManyToManyField(CompetencyUnit, blank=True, related_name="programs")
    # The instructors who teach (and assess) the program: users holding the instructor role at the program's
    # institution (checked by the services). None assigned = every instructor of the institution
    # (``core.permissions``: programs from before assignment keep working).
    instructors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="programs_taught")
    hours = models.PositiveIntegerField(help_text="JP (jam pelajaran)")
    start_date = models.DateField()
    end_date = models.DateField()
    registration_opens = models.DateField()
    registration_closes = models.DateField()
    quota = models.PositiveIntegerField()
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="programs")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    boarding = models.BooleanField(default=False)
    funding = models.CharField(max_length=10, choices=Funding.choices)
    dipa_reference = models.CharField(max_length=80, blank=True)
    fee = models.PositiveBigIntegerField(default=0, help_text="rupiah")
    selection_method = models.CharField(max_length=10, choices=Selection.choices, default=Selection.NONE)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    min_education = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT, db_index=True)
    cancel_reason = models.TextField(blank=True)
    # The day the program was closed (set by the close transition; closed programs from before it bear their end
    # date). Closed early — allowed with a written reason — the training was completed that day, not on the
    # planned end date (``domain.completion_date``): certificates never bear a later date.
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Maintained counters (issue 14): the program's enrollments per state, and its late ones. Every service that
    # creates enrollments or moves their state updates them in the same transaction
    # (``services.program_counters_apply``), so pages read seats and per-state counts from the program row
    # instead of counting a program's (or the country's) enrollments on every render.
    # ``services.program_counters_recount`` sets them from the rows (the seed; tests compare both).
    n_registered = models.PositiveIntegerField(default=0, editable=False)
    n_selected = models.PositiveIntegerField(default=0, editable=False)
    n_not_selected = models.PositiveIntegerField(default=0, editable=False)
    n_participant = models.PositiveIntegerField(default=0, editable=False)
    n_graduated = models.PositiveIntegerField(default=0, editable=False)
    n_not_passed = models.PositiveIntegerField(default=0, editable=False)
    n_withdrawn = models.PositiveIntegerField(default=0, editable=False)
    n_dropped_out = models.PositiveIntegerField(default=0, editable=False)
    n_late = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(name="program_dates_ordered", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(name="program_registration_ordered", condition=Q(registration_closes__gte=F("registration_opens"))),
            models.CheckConstraint(name="program_registration_before_end", condition=Q(registration_closes__lte=F("end_date"))),
            models.CheckConstraint(name="program_quota_positive", condition=Q(quota__gt=0)),
            models.CheckConstraint(name="program_hours_positive", condition=Q(hours__gt=0)),
            models.CheckConstraint(
                name="program_age_range", condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age"))
            ),
            models.CheckConstraint(name="program_apbn_has_dipa", condition=~Q(funding="apbn") | ~Q(dipa_reference="")),
            models.CheckConstraint(name="program_closed_on_only_when_closed", condition=Q(closed_on__isnull=True) | Q(status="closed")),
        ]
        indexes = [
            models.Index(fields=["status", "start_date"], name="program_status_start_idx"),
            models.Index(fields=["regency", "status"], name="program_regency_idx"),
            # The catalogue's first page without sorting every public program (20,000 programs: 61 ms → an index scan
            # that stops after the page's rows).
            # Its condition is written as ORs, not IN: PostgreSQL prints an OR of equalities back exactly as it reads
            # it (the seed drops and rebuilds indexes from their printed definition), and the catalogue's IN implies it.
            models.Index(catalogue_stage(), F("start_date"), F("id"), name="program_catalogue_order_idx",
                         condition=functools.reduce(operator.or_, (Q(status=s) for s in PUBLIC_STATUSES))),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def state_counts(self) -> dict[str, int]:
        """Enrollments per state (every state, zeros included), from the maintained counters."""
        return {state: getattr(self, counter_of(state)) for state in EnrollmentState.values}

    @property
    def enrollment_count(self) -> int:
        return sum(self.state_counts.values())

    @property
    def seats_taken(self) -> int:
        """Seats held (``domain.SEAT_STATES``). Read from a row locked with ``services.lock_program`` before
        taking one."""
        return sum(getattr(self, counter_of(state)) for state in SEAT_STATES)

    @property
    def seats_left(self) -> int:
        return max(self.quota - self.seats_taken, 0)

    @property
    def late_count(self) -> int:
        return self.n_late

    def scope_institution_id(self):
        return self.institution_id

    def scope_region_codes(self) -> set[str]:
        return {self.regency_id}

    def scope_instructor_ids(self) -> set[int]:
        """The assigned instructors' user ids (empty: none assigned). Uses a ``prefetch_related("instructors")``
        when the caller made one."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "instructors" in cache:
            return {u.pk for u in cache["instructors"]}
        return set(self.instructors.values_list("pk", flat=True))


class Enrollment(models.Model):
    """One person in one program, from registration to alumni (or the state that says why not)."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Belum dinilai")
        PASSED = "passed", _("Lulus")
        FAILED = "failed", _("Tidak lulus")

    class Source(models.TextChoices):
        SELF = "self", _("Daftar sendiri")
        MANAGER = "manager", _("Dicatat pengelola")
        IMPORT = "import", _("Impor berkas")

    # No index of their own: every index below starts with the program or the person (each one paid for on
    # every enrolment written, 100,000 at a time by the import).
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments", db_index=False)
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="enrollments", db_index=False)
    state = models.CharField(max_length=14, choices=EnrollmentState.choices, default=EnrollmentState.REGISTERED)
    result = models.CharField(max_length=8, choices=Result.choices, default=Result.PENDING)
    # True while units of the program are assessed for this enrollment (certification's assessments store the units'
    # overall result in ``result``): the manager's "Hasil" action (``services.enrollments_set_result``) then leaves it
    # alone, so that closing the program follows the assessments.
    result_from_units = models.BooleanField(default=False)
    # Why the enrollment ended where it did (not selected, not passed, withdrawn...), for people and reports.
    reason = models.TextField(blank=True)
    late = models.BooleanField(default=False, help_text="susulan: recorded after the registration window")
    late_reason = models.TextField(blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.SELF)
    registered_at = models.DateTimeField()
    state_changed_at = models.DateTimeField()

    class Meta:
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="enrollment_once_per_program"),
            models.CheckConstraint(name="enrollment_late_has_reason", condition=Q(late=False) | ~Q(late_reason="")),
        ]
        indexes = [
            models.Index(fields=["program", "state"], name="enrollment_program_state_idx"),
            models.Index(fields=["person", "state"], name="enrollment_person_state_idx"),
            # The manager's table: a program's enrollments in registration order, walked page by page (keyset).
            models.Index(fields=["program", "registered_at", "id"], name="enrollment_program_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.program}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    def scope_institution_id(self):
        return self.program.institution_id

    def scope_region_codes(self) -> set[str]:
        return {self.program.regency_id, self.person.domicile_district_id}

    def scope_user_id(self):
        return self.person.user_id


class ImportErrorFile(models.Model):
    """The error file of an import (its rows hold NIKs). Kept in the default storage for
    ``KEEP_DAYS`` days, downloadable only by managers of the importing institution, then deleted by a
    scheduled task (``training.tasks``); a download after ``expires_at`` is refused even if the file is
    still there."""

    KEEP_DAYS = 7

    class Kind(models.TextChoices):
        # Whose file it is decides who may download it (``spreadsheets.services.ERROR_FILE_ACTIONS``).
        ENROLLMENTS = "enrollments", "enrollments"   # the enrolment import: the program's managers
        ASSESSMENTS = "assessments", "assessments"   # the assessment grid's import: those who assess the program

    token = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ENROLLMENTS)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    path = models.CharField(max_length=255)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(name="import_error_file_expires_after_creation",
                                              condition=Q(expires_at__gt=F("created_at"))),
                       models.CheckConstraint(name="import_error_file_kind_known",
                                              condition=Q(kind__in=["enrollments", "assessments"]))]

    def __str__(self) -> str:
        return f"error file {self.token[:8]}… of program {self.program_id}"

    def scope_institution_id(self):
        return self.institution_id


class JobStatus(models.TextChoices):
    """Where a background job of training stands (``SpreadsheetJob``, ``ProgramMove``)."""

    QUEUED = "queued", _("menunggu giliran pekerja latar")
    RUNNING = "running", _("sedang berjalan")
    DONE = "done", _("selesai")
    REFUSED = "refused", _("ditolak")
    FAILED = "failed", _("gagal")


class SpreadsheetJob(models.Model):
    """A large import or export run by the background worker (issue 14 §4): who asked, for which program,
    the stored file (the upload to import, or the export made), how far the worker is, and the outcome.
    ``token`` (128 random bits) names it in URLs; only its creator is shown it. The stored file holds NIKs:
    an upload is deleted once imported, an export ``EXPORT_KEEP_HOURS`` after it is made, and every
    stored file by ``expires_at`` at the latest (the error files' sweep)."""

    UPLOAD_KEEP_DAYS = 2
    EXPORT_KEEP_HOURS = 24

    class Kind(models.TextChoices):
        IMPORT = "import", _("impor")
        EXPORT = "export", _("ekspor")

    Status = JobStatus

    token = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    params = models.JSONField(default=dict)  # import: file name, mode, late reason, day; export: state, format
    path = models.CharField(max_length=255, blank=True)  # the stored file (upload or export)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)  # rows read (import) or written (export)
    expected = models.PositiveIntegerField(default=0)
    outcome = models.JSONField(null=True, blank=True)  # counts, the error file's token, a refusal's message
    finished_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # when its stored file was deleted

    class Meta:
        constraints = [
            models.CheckConstraint(name="spreadsheet_job_kind_known", condition=Q(kind__in=["import", "export"])),
            models.CheckConstraint(name="spreadsheet_job_status_known",
                                   condition=Q(status__in=["queued", "running", "done", "refused", "failed"])),
            models.CheckConstraint(name="spreadsheet_job_expires_after_creation", condition=Q(expires_at__gt=F("created_at"))),
        ]

    def __str__(self) -> str:
        return f"{self.kind} job {self.token[:8]}… of program {self.program_id}"

    def scope_institution_id(self):
        return self.institution_id

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)


class ProgramMove(models.Model):
    """A lifecycle step of a big program (start, close, cancel) run by the background worker: moving tens of
    thousands of enrolments (each with its audit row and message) cannot finish inside a request. Who asked, the
    step and its reason, the day it was asked on (the date rules are judged on it), how far the worker is, the
    outcome. At most one is open per program (``finished_at`` empty): no other step of that program can be taken
    meanwhile. ``token`` (128 random bits) names it in URLs; only whoever asked is shown it."""

    Status = JobStatus

    token = models.CharField(max_length=32, unique=True)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    action = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    day = models.DateField()  # the day it was asked on: "early" and the reason rules are judged on it
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)  # enrolments moved so far
    expected = models.PositiveIntegerField(default=0)  # enrolments to move, counted when asked
    outcome = models.JSONField(null=True, blank=True)  # the new status and the moves, or a refusal's message
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="program_move_action_known", condition=Q(action="start") | Q(action="close") | Q(action="cancel")),
            models.CheckConstraint(name="program_move_status_known", condition=Q(status="queued") | Q(status="running") | Q(status="done")
                                   | Q(status="refused") | Q(status="failed")),
            models.CheckConstraint(name="program_move_finished_has_end",
                                   condition=Q(status="queued", finished_at__isnull=True) | Q(status="running", finished_at__isnull=True)
                                   | (~Q(status="queued") & ~Q(status="running") & Q(finished_at__isnull=False))),
            # One open step per program: two queued at once would be judged against a status that the first changes.
            models.UniqueConstraint(fields=["program"], condition=Q(finished_at__isnull=True), name="program_move_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.action} of program {self.program_id} ({self.status})"

    def scope_institution_id(self):
        return self.institution_id

    @property
    def finished(self) -> bool:
        return self.finished_at is not None
