"""Read-time extension points: a lower app asks for facts that a higher app knows, without importing
it (the dependency rules forbid that import). The lower app names a point and calls ``collect``; the
higher app registers a provider for the point in its ``AppConfig.ready``. Only for reads that compose
pages (e.g. the catalogue, in training, shows ratings from certification's reviews in one query);
writes go through the owning app's services.

    # certification/apps.py
    extensions.provide("training.program_ratings", selectors.ratings_for_programs)

    # training/views.py
    ratings = extensions.collect_one("training.program_ratings", default={}, program_ids=ids)

Points are documented where they are collected; a provider must accept the keyword arguments the
point passes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_providers: dict[str, list[Callable[..., Any]]] = {}


def provide(point: str, provider: Callable[..., Any]) -> None:
    """Register ``provider`` for ``point`` (once; registering the same function again does nothing)."""
    providers = _providers.setdefault(point, [])
    if provider not in providers:
        providers.append(provider)


def collect(point: str, **kwargs: Any) -> list[Any]:
    """What every provider of ``point`` answers, in registration order (empty when none is installed)."""
    return [provider(**kwargs) for provider in _providers.get(point, ())]


def collect_one(point: str, *, default: Any = None, **kwargs: Any) -> Any:
    """The answer of the first provider of ``point``, or ``default`` when none is installed."""
    answers = collect(point, **kwargs)
    return answers[0] if answers else default
