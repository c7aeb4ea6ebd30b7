"""Background work of payments (django.tasks): telling alumni about their incentive after the change commits."""

from __future__ import annotations

from django.tasks import task


@task
def tell(*, event: str, ids: list[int]) -> dict:
    """The messages of one incentive event (``services.notices``) for up to ``notices.CHUNK`` ids."""
    from .services import notices

    return {"told": notices.tell(event=event, ids=ids)}
