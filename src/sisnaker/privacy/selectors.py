"""Reads of privacy: a person's own requests and who opened their full record; the officers' queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from sisnaker.accounts.codes import Audit as AccountsAudit
from sisnaker.accounts.models import Person
from sisnaker.core.models import AuditEvent
from sisnaker.core.permissions import require

from . import domain
from .domain import Status
from .models import PrivacyRequest

PERSON_TYPE = "accounts.person"


def my_requests(*, person: Person) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(person=person).order_by("-submitted_at", "-id")


def record_views(*, person: Person, limit: int = 200) -> list[AuditEvent]:
    """Who opened ``person``'s full record (staff, with the purpose they gave), newest first — the audit trail's
    ``person.viewed`` rows of this person (its (object type, object id, at) index)."""
    return list(AuditEvent.objects.filter(object_type=PERSON_TYPE, object_id=str(person.pk), action=AccountsAudit.PERSON_VIEWED)
                .order_by("-at", "-id").only("at", "actor_label", "reason")[:limit])


@dataclass(frozen=True)
class QueueRow:
    request: PrivacyRequest
    urgency: str  # domain.urgency
    left: str


def queue(*, actor, now: dt.datetime, answered_days: int = 30) -> tuple[list[QueueRow], list[PrivacyRequest]]:
    """The officers' queue: open requests by deadline (the most urgent first, overdue ones flagged), and those
    answered in the last ``answered_days`` days."""
    require(actor, "privacy.queue")
    open_rows = [QueueRow(r, domain.urgency(due=r.due_at, now=now), str(domain.left_words(due=r.due_at, now=now)))
                 for r in PrivacyRequest.objects.filter(status=Status.OPEN).select_related("person").order_by("due_at", "id")]
    answered = list(PrivacyRequest.objects.exclude(status=Status.OPEN)
                    .filter(answered_at__gte=now - dt.timedelta(days=answered_days))
                    .select_related("person", "answered_by").order_by("-answered_at")[:200])
    return open_rows, answered


def open_count(*, actor) -> int:
    require(actor, "privacy.queue")
    return PrivacyRequest.objects.filter(status=Status.OPEN).count()


def request_for_officer(*, actor, request_id: int) -> PrivacyRequest | None:
    require(actor, "privacy.queue")
    return PrivacyRequest.objects.select_related("person", "answered_by").filter(pk=request_id).first()
