"""Compact in-memory structures for imports that must not hold a Python object per row."""

from __future__ import annotations

from array import array

_GOLDEN = 0x9E3779B97F4A7C15  # Fibonacci hashing: 2**64 / φ, odd
_U64 = (1 << 64) - 1


class FirstSeen:
    """Which row each key was first seen on, for keys 0 ≤ key < 2**64 (a NIK as a number: 16 digits) and rows
    0 ≤ row < 2**32, in two flat arrays (open addressing, linear probing, at most half full): 12 bytes a slot,
    24–48 bytes a key, where a ``dict`` of ints takes ~84 (two int objects and an entry: 8 MB per 100,000 NIKs,
    the one part of an import's memory that grew with its rows).

    ``first(key, row)`` records ``row`` for a key not seen yet and returns None, or returns the row it was first
    seen on. A pure-Python probe costs ~1.5 µs where ``dict.setdefault`` costs ~0.3: 0.12 s per 100,000 rows."""

    __slots__ = ("_keys", "_rows", "_mask", "_shift", "_used", "_zero")

    def __init__(self, *, bits: int = 12) -> None:
        self._zero: int | None = None  # key 0 marks an empty slot, so its row is kept apart
        self._allocate(bits)

    def _allocate(self, bits: int) -> None:
        self._keys = array("Q", bytes(8 << bits))
        self._rows = array("I", bytes(4 << bits))
        self._mask = (1 << bits) - 1
        self._shift = 64 - bits
        self._used = 0

    def __len__(self) -> int:
        return self._used + (self._zero is not None)

    def first(self, key: int, row: int) -> int | None:
        if key == 0:
            if self._zero is None:
                self._zero = row
                return None
            return self._zero
        keys, mask = self._keys, self._mask
        # The high bits of the product: consecutive keys (serial numbers of one birth date and district) land
        # far apart instead of in one run that every later probe would walk.
        i = ((key * _GOLDEN) & _U64) >> self._shift
        while True:
            found = keys[i]
            if found == key:
                return self._rows[i]
            if found == 0:
                keys[i] = key
                self._rows[i] = row
                self._used += 1
                if self._used * 2 > mask:
                    self._grow()
                return None
            i = (i + 1) & mask

    def _grow(self) -> None:
        keys, rows = self._keys, self._rows
        self._allocate(64 - self._shift + 1)
        for key, row in zip(keys, rows, strict=True):
            if key:
                self.first(key, row)
