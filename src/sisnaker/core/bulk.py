"""Helpers of the bulk paths (imports, batches, draws): look-ups and writes in fixed-size chunks, never a query per row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (one query or bulk write per slice)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
