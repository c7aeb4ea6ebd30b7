"""Paginators whose cost does not grow with the table (issue 14 §2).

Django's ``Paginator`` counts every matching row (``SELECT COUNT(*)``) to number the pages: at a million
rows that count costs more than the page itself. Two answers here:

* ``CappedPaginator``: counts at most ``cap`` + 1 rows (``COUNT(*)`` over a ``LIMIT``); past the cap the page
  says "more than N" (``count_capped``) and pages stop at the cap. For lists people search rather than page
  through (residents, a program's enrollments).
* ``EstimatedCountPaginator``: for the admin's lists. Unfiltered on PostgreSQL it reads the planner's row
  estimate (``pg_class.reltuples``, kept by ANALYZE/autovacuum) and, beyond ``threshold`` rows, uses it
  instead of counting; filtered (or small, or on SQLite), it counts as usual.

``KnownCountPaginator`` takes the count from the caller (a maintained counter).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class KnownCountPaginator(Paginator):
    """A paginator told its count (e.g. a program's maintained enrollment counters): nothing is counted."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


class CappedPaginator(Paginator):
    """Counts up to ``cap`` rows; ``count_capped`` says there are more (the pages stop at the cap)."""

    def __init__(self, object_list, per_page, *, cap: int = 10_000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.count_capped = False

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        # Without the ordering: counting needs no sort.
        n = qs.order_by()[: self.cap + 1].count() if hasattr(qs, "query") else len(qs[: self.cap + 1])
        if n > self.cap:
            self.count_capped = True
            return self.cap
        return n


def estimated_rows(model, *, using: str = "default") -> int | None:
    """PostgreSQL's estimate of ``model``'s rows (``reltuples``); None elsewhere or never analysed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    """Exact counts below ``threshold`` rows (or when filtered); beyond it, unfiltered on PostgreSQL,
    the planner's estimate (``estimated`` is then True)."""

    threshold = 100_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.estimated = False

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is not None and not query.where and not query.distinct:
            guess = estimated_rows(qs.model, using=qs.db)
            if guess is not None and guess > self.threshold:
                self.estimated = True
                return guess
        return super().count


class KeysFirstMixin:
    """Fetch a page in two steps: the page's primary keys (``ORDER BY … LIMIT/OFFSET`` over the ordering's
    index, nothing joined), then those rows with their joins. A deep page then skips index entries instead
    of joining every skipped row."""

    def _get_page(self, object_list, number, paginator):
        if hasattr(object_list, "query"):
            keys = list(object_list.values_list("pk", flat=True))
            object_list = list(self.object_list.filter(pk__in=keys)) if keys else []
        return super()._get_page(object_list, number, paginator)


class KnownCountKeysFirstPaginator(KeysFirstMixin, KnownCountPaginator):
    pass


class CappedKeysFirstPaginator(KeysFirstMixin, CappedPaginator):
    pass
