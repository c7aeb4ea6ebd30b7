"""Reads of exports: a job for its requester, and the requester's list ("Ekspor saya")."""

from __future__ import annotations

from typing import Any

from sisnaker.core.errors import Msg, NotFound

from . import registry
from .codes import Code
from .models import ExportJob

EXPORT_NOT_FOUND = Msg("Ekspor tidak ditemukan.", "Export not found.")
MINE_SHOWN = 50


def _valid_token(token: str) -> bool:
    return isinstance(token, str) and len(token) == 32 and all(ch in "0123456789abcdef" for ch in token)


def export_for(*, actor: Any, token: str) -> ExportJob:
    """The export named ``token``, for the user who asked for it; anyone else gets the same 404 as for a token
    that does not exist (a job's existence is not shown to others)."""
    job = ExportJob.objects.filter(token=token).first() if _valid_token(token) else None
    if job is None or job.created_by_id != getattr(actor, "pk", None):
        raise NotFound(EXPORT_NOT_FOUND, code=Code.EXPORT_NOT_FOUND)
    return job


def exports_mine(*, actor: Any, limit: int = MINE_SHOWN) -> list[ExportJob]:
    """The actor's latest exports, newest first (one query)."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return list(ExportJob.objects.filter(created_by_id=actor.pk).order_by("-created_at", "-id")[:limit])


def offers(*, actor: Any) -> list[tuple[registry.Source, dict[str, str], str]]:
    """What the "Ekspor saya" page offers ``actor``: (source, parameters, label) for each parameter set a source
    offers and the actor may ask for."""
    out = []
    for source in registry.all_sources():
        if source.offers is None:
            continue
        for params in source.offers(actor):
            if not registry.may_request(actor, source, params):
                continue
            target = source.target(registry.clean_params(source, params))
            out.append((source, params, source.label(target, params)))
    return out
