"""Accounts (log-in), people (citizen profiles) and role assignments."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from sisnaker.core import crypto
from sisnaker.core.permissions import Grant
from sisnaker.core.roles import FUNDING_SOURCES, Role
from sisnaker.regions.nik import mask as mask_nik


def email_is(email: str) -> Q:
    """Accounts whose e-mail address is ``email`` in any case, as the unique index ``user_unique_email_ci``
    reads it (``LOWER(email)``, non-empty addresses only), so that the look-up is one index probe rather than a
    scan of every account (``email__iexact`` compares ``UPPER(email)``, which no index holds)."""
    return Q(Exact(Lower("email"), Lower(Value(email or ""))), ~Q(email=""))


class User(AbstractUser):
    """A log-in. Citizens sign in with their e-mail, phone or NIK; staff with their username."""

    phone = models.CharField(max_length=20, blank=True, db_index=True)
    preferred_language = models.CharField(max_length=5, default="id", choices=[("id", "Indonesia"), ("en", "English")])
    # When this account first logged in while its roles required two-factor log-in and it had no
    # authenticator: the enrolment grace period (SISNAKER_2FA_GRACE_DAYS) runs from here.
    otp_required_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One account per e-mail address whatever its case; also the index of every look-up by e-mail (email_is).
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_unique_email_ci"),
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="user_unique_phone"),
        ]

    @cached_property
    def grants(self) -> tuple:
        """This user's role assignments as permission grants (loaded once per request)."""
        if not self.is_active:
            return ()
        return tuple(
            Grant(role=Role(a.role), institution_id=a.institution_id, region_code=a.region_code, company_id=a.company_id,
                  institution_approved=a.institution_status == "approved", funding_source=a.funding_source,
                  company_approved=a.company_status == "approved")
            for a in self.role_assignments.filter(is_active=True).annotate(institution_status=F("institution__status"),
                                                                          company_status=F("company__status"))
        )

    def has_role(self, role: Role) -> bool:
        return any(g.role == role for g in self.grants)


class Person(models.Model):
    """A citizen's profile. The NIK is never stored in plain text: ``nik_encrypted`` holds it sealed
    (AES-GCM) and ``nik_index`` a keyed hash for unique look-up."""

    class Sex(models.TextChoices):
        MALE = "M", _("Laki-laki")
        FEMALE = "F", _("Perempuan")

    class Education(models.TextChoices):
        NONE = "none", _("Tidak/belum sekolah")
        SD = "sd", _("SD/sederajat")
        SMP = "smp", _("SMP/sederajat")
        SMA = "sma", _("SMA/sederajat")
        SMK = "smk", _("SMK")
        D1 = "d1", _("Diploma I")
        D2 = "d2", _("Diploma II")
        D3 = "d3", _("Diploma III")
        D4 = "d4", _("Diploma IV / Sarjana Terapan")
        S1 = "s1", _("Sarjana (S1)")
        S2 = "s2", _("Magister (S2)")
        S3 = "s3", _("Doktor (S3)")

    class Disability(models.TextChoices):
        PHYSICAL = "physical", _("Fisik")
        INTELLECTUAL = "intellectual", _("Intelektual")
        MENTAL = "mental", _("Mental")
        SENSORY_SIGHT = "sight", _("Sensorik netra")
        SENSORY_HEARING = "hearing", _("Sensorik rungu")
        SENSORY_SPEECH = "speech", _("Sensorik wicara")
        MULTIPLE = "multiple", _("Ganda/multi")

    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.PROTECT, related_name="person")
    nik_encrypted = models.TextField()
    nik_index = models.CharField(max_length=64)  # unique: ``person_nik_index_unique`` below
    # Where the NIK was first issued, resolved to today's district (or regency when the district is
    # not in the national list): derived from the NIK at sign-up.
    nik_regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+", db_index=False)
    nik_district = models.ForeignKey("regions.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    full_name = models.CharField(max_length=150)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    # Differences between what the person declared and what the NIK encodes, for staff to see
    # (never a refusal): [{"code": "birth_date_mismatch", "nik": "...", "declared": "..."}].
    nik_warnings = models.JSONField(default=list, blank=True)
    has_disability = models.BooleanField(default=False)
    disability_kind = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    education = models.CharField(max_length=10, choices=Education.choices)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    domicile_district = models.ForeignKey("regions.District", on_delete=models.PROTECT, related_name="residents")
    address = models.CharField(max_length=300, blank=True)
    registered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A person added by an institution (import, staff) rather than by themself: *provisional* until the
    # owner claims the record (sign-up with matching name and birth date + a one-time code). Shown to
    # staff as "added by <institution>"; never a reason to refuse the real owner.
    added_by_institution = models.ForeignKey("institutions.Institution", null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(has_disability=True) | Q(disability_kind=""), name="person_disability_kind_needs_flag"
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="person_sex_valid"),
            models.UniqueConstraint(fields=["nik_index"], name="person_nik_index_unique"),
        ]
        # Lists sorted by name (residents, admin) walk this index page by page instead of sorting everyone.
        # On PostgreSQL a trigram GIN index on UPPER(full_name) and UPPER(phone) also serves the name and phone
        # searches (``icontains``): migration 0008, a no-op on SQLite.
        # The NIK's blind index and regions are declared here rather than with ``unique=True`` / ``db_index=True``
        # on the fields, because on PostgreSQL those also add a ``varchar_pattern_ops`` index per column for LIKE
        # queries nobody makes on them (the blind index is a hash; regions are matched by equality or IN), and
        # every index is paid for on every person written (the enrolment import writes 100,000 at a time).
        # The domicile keeps Django's pair: its LIKE index serves the "every resident of region X." filters.
        indexes = [
            models.Index(fields=["full_name", "id"], name="person_name_idx"),
            models.Index(fields=["nik_regency"], name="person_nik_regency_idx"),
            models.Index(fields=["nik_district"], name="person_nik_district_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def nik(self) -> str:
        return crypto.decrypt(self.nik_encrypted)

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    # Permission scope (core.permissions): the regions this person belongs to.
    def scope_region_codes(self) -> set[str]:
        return {self.domicile_district_id, self.nik_district_id or self.nik_regency_id}

    def scope_user_id(self):
        return self.user_id

    def scope_provisional_institution_id(self) -> int | None:
        """The institution that added this record while nobody has claimed it (``person.correct_identity``)."""
        return self.added_by_institution_id if self.user_id is None else None

    def scope_nik_region_codes(self) -> set[str]:
        """Where the NIK was issued (its district, else its regency): ``person.correct_identity``."""
        return {self.nik_district_id or self.nik_regency_id, self.nik_regency_id}

    @property
    def is_provisional(self) -> bool:
        """Added by others and not yet claimed by its owner (no account of its own)."""
        return self.user_id is None


class RoleAssignment(models.Model):
    """One role held by a user, with its scope. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    institution = models.ForeignKey(
        "institutions.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="staff_roles"
    )
    # A province ("32") or a regency ("32.73") code: the regional officer's area.
    region_code = models.CharField(max_length=5, blank=True)
    company = models.ForeignKey("placement.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="staff_roles")
    # A finance officer's funding source (core.roles.FUNDING_SOURCES); empty: national.
    funding_source = models.CharField(max_length=10, blank=True)
    is_active = models.BooleanField(default=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Each role carries exactly the scope it needs, nothing else.
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(role__in=["institution_manager", "instructor"], institution__isnull=False, region_code="", company__isnull=True,
                      funding_source="")
                    | Q(role="regional_officer", institution__isnull=True, company__isnull=True, region_code__regex=r"^[0-9]{2}(\.[0-9]{2})?$",
                        funding_source="")
                    | Q(role="employer", company__isnull=False, institution__isnull=True, region_code="", funding_source="")
                    | Q(role__in=["citizen", "curator", "pmo_officer", "data_protection_officer", "admin"], institution__isnull=True, company__isnull=True, region_code="",
                        funding_source="")
                    | Q(role="finance_officer", institution__isnull=True, company__isnull=True, region_code="",
                        funding_source__in=["", *FUNDING_SOURCES])
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "institution"], condition=Q(institution__isnull=False), name="role_unique_institution"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "company"], condition=Q(company__isnull=False), name="role_unique_company"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region_code", "funding_source"],
                condition=Q(institution__isnull=True, company__isnull=True),
                name="role_unique_region_or_national",
            ),
        ]

    def __str__(self) -> str:
        scope = self.institution or self.region_code or self.company or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()


class SignUpClaim(models.Model):
    """A sign-up whose NIK is already held by a *provisional* record (added by an institution or at a
    posko). It waits for the one-time code sent to the phone typed at sign-up (by SMS), or to the e-mail
    address typed when no phone was (``channel``); then the account takes
    the record over (``kind=claim``: name and birth date matched) or the case goes to a regional
    officer of the NIK's region (``kind=dispute``: they did not). Nothing about the registered person
    is ever shown to the one signing up."""

    class Kind(models.TextChoices):
        CLAIM = "claim", _("Klaim data")
        DISPUTE = "dispute", _("Data berbeda: diperiksa petugas")

    token = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # What the person declared at sign-up (no NIK, no password): applied when the claim completes.
    declared = models.JSONField(default=dict)
    password_hash = models.CharField(max_length=256)
    # The contact the claimant gave (at least one); the code goes to the phone, else to the e-mail.
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    sends = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "created_at"], name="signupclaim_person_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → person {self.person_id}"

    @property
    def channel(self) -> str:
        """Where its code goes: "sms" to the phone given, else "email" to the address given."""
        return "sms" if self.phone else "email"


class IdentityDispute(models.Model):
    """Someone signed up with the NIK of a provisional record but a different name or birth date.
    A regional officer of the NIK's region checks the ID card and decides: the claimant is the owner
    (the record is corrected and joined to their account) or not (the record stays as it is)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Menunggu pemeriksaan")
        OWNER = "owner", _("Pemilik data: digabungkan")
        NOT_OWNER = "not_owner", _("Bukan pemilik data")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identity_disputes")
    claimant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="identity_disputes")
    declared = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "claimant"], condition=Q(status="open"), name="dispute_one_open_per_claimant"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="dispute_queue_idx")]

    def __str__(self) -> str:
        return f"dispute {self.pk} ({self.status})"

    @property
    def declared_birth_date(self) -> dt.date | None:
        """The birth date the claimant declared (kept as ISO text in ``declared``), as a date to show like the
        record's own."""
        try:
            return dt.date.fromisoformat(self.declared.get("birth_date") or "")
        except (TypeError, ValueError):
            return None

    # Permission scope: the region of the NIK (where the ID card was issued).
    def scope_region_codes(self) -> set[str]:
        return {self.person.nik_district_id or self.person.nik_regency_id, self.person.nik_regency_id}
class LoginCounter(models.Model):
    """Failed log-ins of one account (all its identifiers together) or of one unknown identifier
    (``accounts.throttle``). ``key`` is ``user:<id>`` or ``unknown:<keyed hash>``: never a NIK, phone
    or e-mail in clear. A count older than the reset period starts again from zero."""

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class LoginDevice(models.Model):
    """A browser that completed a log-in to ``user`` (OWASP "device cookies"): it holds a random
    token, of which only the SHA-256 is stored. Log-ins from it are not slowed by other people's
    failures on the account; its own failures count here, and past the free ones it loses that trust."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_devices")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-last_used_at"], name="logindevice_user_idx")]

    def __str__(self) -> str:
        return f"device of {self.user_id} since {self.created_at:%Y-%m-%d}"


class PasswordResetCode(models.Model):
    """A request to reset a password with a one-time code sent by SMS (or by e-mail to an account
    without a phone). One is made for every request, also when the identifier typed leads to no
    account (``user`` empty, nothing sent): the answer, the code page and wrong codes look the same
    either way. The code is never stored (``accounts.onetime``); a code is live for ``expires_at``,
    used once (``used_at``) and refused after a few wrong tries (``attempts``)."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Keyed hash of the identifier typed (rate limits per identifier): never the identifier itself.
    identifier_key = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="passwordreset_user_idx")]

    def __str__(self) -> str:
        return f"password reset {self.pk} ({'used' if self.used_at else 'pending'})"
