"""Every encrypted column, and the blind indexes computed from it, in one registry — so that ``sisnaker rekey``
re-seals and re-indexes all of them after ``SISNAKER_DATA_KEYS`` or ``SISNAKER_INDEX_KEY`` changes, whichever app
holds them. Each app registers its columns in its ``AppConfig.ready``::

    sealed.register("payments.PayoutAccount", "number_encrypted")
    sealed.register("prakerja.Application", "nik_encrypted", indexes={"nik_index": "nik"})

``indexes`` maps an index column to the ``crypto.blind_index`` label it is computed with from the decrypted value.
A table that keeps only blind indexes (no ciphertext to recompute them from, e.g. Prakerja's exclusion lists)
cannot be re-indexed: after a change of the index key it must be imported again (docs/operations.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from . import crypto


@dataclass(frozen=True)
class SealedColumn:
    model: str
    column: str
    indexes: dict[str, str] = field(default_factory=dict)


_registry: dict[tuple[str, str], SealedColumn] = {}


def register(model: str, column: str, *, indexes: dict[str, str] | None = None) -> None:
    _registry[(model, column)] = SealedColumn(model, column, dict(indexes or {}))


def columns() -> list[SealedColumn]:
    return sorted(_registry.values(), key=lambda c: (c.model, c.column))


def rekey_column(entry: SealedColumn, *, batch_size: int = 1000,
                 progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Re-seal ``entry``'s ciphertexts with the first data key and recompute its indexes, in primary-key batches of
    ``batch_size`` (one transaction each; safe to run again: rows already current are skipped). Empty values stay
    empty. Returns counts (rows, resealed, reindexed)."""
    model = apps.get_model(entry.model)
    fields = [entry.column, *entry.indexes]
    rows = resealed = reindexed = 0
    last_pk = 0
    while True:
        with transaction.atomic(durable=True):
            batch = list(model.objects.select_for_update().filter(pk__gt=last_pk).order_by("pk").only("pk", *fields)[:batch_size])
            if not batch:
                break
            changed = []
            for obj in batch:
                token = getattr(obj, entry.column)
                if not token:
                    continue
                plain = crypto.decrypt(token)
                dirty = False
                if crypto.needs_reseal(token):
                    setattr(obj, entry.column, crypto.encrypt(plain))
                    resealed += 1
                    dirty = True
                for index_column, label in entry.indexes.items():
                    value = crypto.blind_index(plain, label=label)
                    if getattr(obj, index_column) != value:
                        setattr(obj, index_column, value)
                        reindexed += 1
                        dirty = True
                if dirty:
                    changed.append(obj)
            model.objects.bulk_update(changed, fields, batch_size=500)
            last_pk = batch[-1].pk
            rows += len(batch)
        if progress:
            progress(f"{entry.model}.{entry.column}", rows)
    return {"rows": rows, "resealed": resealed, "reindexed": reindexed}
