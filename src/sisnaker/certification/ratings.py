"""Rating aggregates of participants' reviews: per program, per institution, and for a page of
programs at once (one query, never one per card)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count

from .models import Review


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


def program_rating(program) -> Rating | None:
    """Average and number of reviews of one program; None when it has none."""
    row = Review.objects.filter(enrollment__program_id=program.pk).aggregate(avg=Avg("rating"), n=Count("pk"))
    return _rating(row["avg"], row["n"])


def institution_rating(institution) -> Rating | None:
    """Average and number of reviews over all programs of one institution; None when it has none."""
    row = Review.objects.filter(enrollment__program__institution_id=institution.pk).aggregate(avg=Avg("rating"), n=Count("pk"))
    return _rating(row["avg"], row["n"])


def ratings_for_programs(program_ids) -> dict[int, Rating]:
    """Program id → Rating for the programs that have reviews (one query)."""
    ids = list(program_ids)
    if not ids:
        return {}
    rows = (Review.objects.filter(enrollment__program_id__in=ids).values("enrollment__program_id")
            .annotate(avg=Avg("rating"), n=Count("pk")).order_by())
    return {r["enrollment__program_id"]: _rating(r["avg"], r["n"]) for r in rows}


def instructor_rating(user) -> Rating | None:
    """Average and number of the ratings an instructor received in reviews."""
    row = Review.objects.filter(instructor_id=user.pk, instructor_rating__isnull=False).aggregate(avg=Avg("instructor_rating"), n=Count("pk"))
    return _rating(row["avg"], row["n"])
