"""Rating aggregates of participants' reviews: per program, per institution, and for a page of
programs at once (one query, never one per card). Lower apps' pages show them without importing
certification: the program's and the institution's as fragments (``views.fragments``), the catalogue's
through the extension point ``"training.program_ratings"`` (``ratings_for_programs``, registered in
``apps.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Avg, Count

from sisnaker.accounts.models import User
from sisnaker.core.errors import Msg, NotFound
from sisnaker.institutions.codes import Code as InstitutionCode
from sisnaker.institutions.models import Institution
from sisnaker.training.models import Enrollment, Program
from sisnaker.training.selectors import program_not_found

from ..models import Review


@dataclass(frozen=True, slots=True)
class Rating:
    average: Decimal  # one decimal, rounded half up (4.25 → 4.3)
    count: int

    @property
    def stars(self) -> int:
        """Whole stars to draw (rounded)."""
        return int(self.average.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _rating(average, count: int) -> Rating | None:
    if not count or average is None:
        return None
    return Rating(Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), count)


def program_rating(program: Program) -> Rating | None:
    """Average and number of reviews of one program; None when it has none."""
    row = Review.objects.filter(enrollment__program_id=program.pk).aggregate(avg=Avg("rating"), n=Count("pk"))
    return _rating(row["avg"], row["n"])


def institution_rating(institution: Institution) -> Rating | None:
    """Average and number of reviews over all programs of one institution; None when it has none."""
    row = Review.objects.filter(enrollment__program__institution_id=institution.pk).aggregate(avg=Avg("rating"), n=Count("pk"))
    return _rating(row["avg"], row["n"])


def ratings_for_programs(program_ids: Iterable[int]) -> dict[int, Rating]:
    """Program id → Rating for the programs that have reviews (one query). The provider of the extension
    point ``"training.program_ratings"`` (keyword argument ``program_ids``)."""
    ids = list(program_ids)
    if not ids:
        return {}
    if connection.vendor != "postgresql":
        rows = (Review.objects.filter(enrollment__program_id__in=ids).values_list("enrollment__program_id")
                .annotate(avg=Avg("rating"), n=Count("pk")).order_by())
        return {program: _rating(avg, n) for program, avg, n in rows}
    # Driven by the programs' enrollments, each looking its review up through the unique enrollment index (LATERAL
    # with LIMIT 1: not flattened into a join): the cost follows the listed programs' enrollments. As a join,
    # PostgreSQL read every review of the country (a parallel sequential scan: ~170 ms of the public catalogue's
    # first page at 5,000,000 enrollments; ~6 ms this way). Table names come from the models.
    sql = (f"SELECT e.program_id, AVG(r.rating), COUNT(*) FROM {Enrollment._meta.db_table} e "  # noqa: S608
           f"CROSS JOIN LATERAL (SELECT v.rating FROM {Review._meta.db_table} v WHERE v.enrollment_id = e.id LIMIT 1) r "
           "WHERE e.program_id = ANY(%s) GROUP BY e.program_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids])
        return {program: _rating(avg, n) for program, avg, n in cursor.fetchall()}


def rating_of_institution_page(*, institution_id: int) -> Rating | None:
    """The rating an institution's public page shows: its reviews' average, or None when it has none or is
    not approved (pending, rejected and suspended institutions show no rating). NotFound for no such
    institution."""
    institution = Institution.objects.only("pk", "status").filter(pk=institution_id).first()
    if institution is None:
        raise NotFound(Msg("Lembaga tidak ditemukan.", "Institution not found."), code=InstitutionCode.INSTITUTION_NOT_FOUND)
    return institution_rating(institution) if institution.status == Institution.Status.APPROVED else None


def rating_of_program_page(*, program_id: int) -> Rating | None:
    """The rating a program's page shows (None: no reviews yet). NotFound for no such program."""
    program = Program.objects.only("pk").filter(pk=program_id).first()
    if program is None:
        raise program_not_found()
    return program_rating(program)


def instructor_rating(user: User) -> Rating | None:
    """Average and number of the ratings an instructor received in reviews."""
    row = Review.objects.filter(instructor_id=user.pk, instructor_rating__isnull=False).aggregate(avg=Avg("instructor_rating"), n=Count("pk"))
    return _rating(row["avg"], row["n"])
