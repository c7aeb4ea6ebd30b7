"""Background work of the reporting app: keeping the dashboards' figures current."""

from __future__ import annotations


def figures_refresh_due(*, now) -> str:
    """A housekeeping job (``settings.SISNAKER_HOUSEKEEPING``): rebuild the figures of the years whose rows changed
    since the last refresh, and every year once a day (``services.figures_refresh``). Cheap when nothing changed (one
    indexed look per measure)."""
    from . import services

    done = services.figures_refresh(now=now)
    return f"years {done['years']} in {done['seconds']} s{' (full)' if done['full'] else ''}"
