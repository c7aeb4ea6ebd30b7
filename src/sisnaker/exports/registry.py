"""The registry of export sources. A business app describes each table it can export and registers it from its
``AppConfig.ready`` (this app imports no business app: they import it):

    # training/apps.py
    def ready(self):
        from . import exports
        exports.register_sources()

    # training/exports.py
    registry.register(
        "training.participants", title=Msg("Peserta program", "Program participants"),
        action="enrollment.view", nik_action="enrollment.view_nik", params=("program", "state"),
        columns=("No", "Nama lengkap", "NIK", ...), target=_program, rows=_rows, count=_count,
        file_stem=lambda target, params: f"peserta-program-{target.pk}")

* ``target(params)`` turns the cleaned parameters into the object the permission is checked on (a program, a
  region, ``None`` for a national table); it refuses bad parameters with a ``SisnakerError`` (never a 500).
* ``action`` is the ``core.permissions.RULES`` action the requester needs on the target; it is checked when the
  export is asked for, again when the worker writes it, and again at each download.
* ``nik_action``: who may see full NIKs (``can(actor, nik_action, target)``). Everyone else gets them masked
  (``regions.nik.mask``: ``3273********0001``). Empty: NIKs are always masked. ``Context.nik`` does it.
* ``rows(ctx)`` yields one tuple per row, in ``columns``' order, reading the database in chunks (``.iterator(
  chunk_size=CHUNK)``: a server-side cursor on PostgreSQL; or raw SQL fetched ``fetchmany``): it never holds the
  whole table. ``count(ctx)`` says about how many rows there are (for the progress bar; a maintained counter or a
  ``COUNT``).
* ``offers(actor)`` (optional): the parameter sets the "Ekspor saya" page offers this actor (a regional officer's
  own area, a curator's national register); the pages of the business apps offer the others with
  ``{% export_buttons %}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sisnaker.core import crypto
from sisnaker.core.errors import Msg, ValidationFailed
from sisnaker.core.permissions import ACTIONS, can
from sisnaker.regions.nik import mask

from .codes import Code

CHUNK = 5000  # rows per fetch of a source's cursor
PARAM_VALUE = re.compile(r"^[0-9A-Za-z._-]{1,40}$")  # ids, region codes, state names: nothing else is a parameter


@dataclass(frozen=True, slots=True)
class Context:
    """What a source's ``rows`` and ``count`` are given: who asks, the cleaned parameters, the permission's target,
    and whether full NIKs may be shown."""

    actor: Any
    params: dict[str, str]
    target: Any
    nik_visible: bool

    def nik(self, value: str) -> str:
        """A NIK as this export may show it: whole for a role that may see it, else masked."""
        return value if self.nik_visible else mask(value or "")

    def sealed_nik(self, sealed: str) -> str:
        """``nik`` of an encrypted column (``core.crypto``)."""
        return self.nik(crypto.decrypt(sealed) if sealed else "")


@dataclass(frozen=True)
class Source:
    name: str
    title: Msg
    action: str
    columns: tuple[str, ...]
    target: Callable[[dict[str, str]], Any]
    rows: Callable[[Context], Iterator[Sequence[Any]]]
    count: Callable[[Context], int]
    nik_action: str = ""
    params: tuple[str, ...] = ()
    file_stem: Callable[[Any, dict[str, str]], str] | None = None
    describe: Callable[[Any, dict[str, str]], str] | None = None
    offers: Callable[[Any], list[dict[str, str]]] | None = None
    widths: tuple[int, ...] = field(default=())
    sheet_name: str = "Data"

    def stem(self, target: Any, params: dict[str, str]) -> str:
        stem = self.file_stem(target, params) if self.file_stem else self.name.replace(".", "-")
        return re.sub(r"[^0-9A-Za-z._-]+", "-", stem)[:100] or "ekspor"

    def label(self, target: Any, params: dict[str, str]) -> str:
        """What the export is of, for the job's page (e.g. the program's title)."""
        return (self.describe(target, params) if self.describe else "")[:200]


_sources: dict[str, Source] = {}

SOURCE_UNKNOWN = Msg("Jenis ekspor \"{name}\" tidak dikenal.", "Unknown kind of export \"{name}\".")
PARAM_UNKNOWN = Msg("Isian \"{name}\" tidak dikenal untuk ekspor ini.", "\"{name}\" is not a setting of this export.")
PARAM_BAD = Msg("Isian \"{name}\" tidak sah: hanya huruf, angka, titik, garis bawah atau tanda hubung (paling banyak 40).",
                "\"{name}\" is not valid: letters, digits, dots, underscores or hyphens only (40 at most).")


def register(name: str, *, title: Msg, action: str, columns: Sequence[str], target: Callable[[dict[str, str]], Any],
             rows: Callable[[Context], Iterator[Sequence[Any]]], count: Callable[[Context], int], nik_action: str = "",
             params: Sequence[str] = (), file_stem=None, describe=None, offers=None, widths: Sequence[int] = (),
             sheet_name: str = "Data") -> Source:
    """Register an export source (once per name; registering the same name again replaces it, so a reloaded app
    does not fail). The permission actions must exist in ``core.permissions.RULES``."""
    for a in (action, nik_action):
        if a and a not in ACTIONS:
            raise KeyError(f"export {name}: unknown permission action {a!r}")
    source = Source(name=name, title=title, action=action, columns=tuple(columns), target=target, rows=rows, count=count,
                    nik_action=nik_action, params=tuple(params), file_stem=file_stem, describe=describe, offers=offers,
                    widths=tuple(widths), sheet_name=sheet_name[:31])
    _sources[name] = source
    return source


def get(name: str) -> Source:
    """The source named ``name``; a clear refusal for any other name."""
    source = _sources.get(name) if isinstance(name, str) else None
    if source is None:
        raise ValidationFailed(SOURCE_UNKNOWN.format(name=str(name)[:40]), code=Code.EXPORT_SOURCE_UNKNOWN, field="source")
    return source


def all_sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.name)


def clean_params(source: Source, raw: dict[str, Any] | None) -> dict[str, str]:
    """Only the parameters the source declares, as short plain strings; empty values are dropped."""
    clean: dict[str, str] = {}
    for key, value in (raw or {}).items():
        if key not in source.params:
            raise ValidationFailed(PARAM_UNKNOWN.format(name=str(key)[:40]), code=Code.EXPORT_PARAM_INVALID, field=str(key)[:40])
        value = "" if value is None else str(value).strip()
        if not value:
            continue
        if not PARAM_VALUE.match(value):
            raise ValidationFailed(PARAM_BAD.format(name=key), code=Code.EXPORT_PARAM_INVALID, field=key)
        clean[key] = value
    return clean


def context(source: Source, *, actor: Any, params: dict[str, str], target: Any) -> Context:
    return Context(actor=actor, params=params, target=target,
                   nik_visible=bool(source.nik_action) and can(actor, source.nik_action, target))


def may_request(actor: Any, source: Source, params: dict[str, str]) -> bool:
    """Whether ``actor`` may ask for this export (for offering the button; the service decides)."""
    try:
        target = source.target(clean_params(source, params))
    except Exception:  # a bad parameter or a missing object: nothing to offer
        return False
    return can(actor, source.action, target)
