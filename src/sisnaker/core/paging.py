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
from django.db.models import Count, Window
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
    """``CappedPaginator`` fetching its pages keys first. ``one_query``: for a search, whose matches are usually far
    fewer than ``cap``: the count and the page's keys come from one query (the matches, at most ``cap`` + 1 of them,
    counted by a window and sorted there), instead of finding the matches twice (a name search in a program of
    100,000: two trigram look-ups of ~25 ms each). More matches than ``cap``, a page past the end, or a page number
    that is not one: the usual way (count, then keys)."""

    def __init__(self, object_list, per_page, *, one_query: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.one_query = one_query

    def get_page(self, number):
        page = self._page_in_one_query(number) if self.one_query else None
        return page if page is not None else super().get_page(number)

    def _page_in_one_query(self, number):
        qs = self.object_list
        query = getattr(qs, "query", None)
        ordering = list(query.order_by) if query is not None else []
        # Plain field orderings only (the outer query re-applies them); no orphans (they move the last page's end).
        if not ordering or not all(isinstance(o, str) for o in ordering) or self.orphans or "count" in self.__dict__:
            return None
        try:
            number = int(number)
        except (TypeError, ValueError):
            return None
        bottom = (number - 1) * self.per_page
        if number < 1 or bottom > self.cap:  # no such page within the cap (and no OFFSET past the database's integers)
            return None
        matches = qs.order_by().values("pk")[: self.cap + 1]
        rows = list(qs.model._default_manager.filter(pk__in=matches).annotate(_matches=Window(Count("pk")))
                    .order_by(*ordering).values_list("pk", "_matches")[bottom : bottom + self.per_page])
        if not rows:
            if number != 1:
                return None  # past the end (or nothing matches): counted the usual way, then the last page
            self.__dict__["count"] = 0
            return self._get_page([], 1, self)
        total = rows[0][1]
        if total > self.cap:
            return None
        self.__dict__["count"] = total
        keys = [pk for pk, _ in rows]
        return self._get_page(list(qs.filter(pk__in=keys)), number, self)
