"""Writes of privacy: a person submits a request about their personal data; the data-protection officer
answers it (``domain``: kinds, statuses, the 3 × 24-hour deadline). Each in one transaction, permission-checked,
audited; the person is told of the answer after commit."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from sisnaker.accounts.models import Person, User
from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.notifications import services as notifications

from . import domain
from .codes import Audit, Code
from .domain import Status
from .models import PrivacyRequest


def _already_open(existing: PrivacyRequest) -> Conflict:
    """The refusal of a second open request of the same kind: it names the open one and when it will be answered."""
    due = timezone.localtime(existing.due_at).strftime("%d/%m/%Y %H:%M")
    with translation.override("id"):
        kind_id = str(domain.Kind(existing.kind).label)
    with translation.override("en"):
        kind_en = str(domain.Kind(existing.kind).label)
    return Conflict(Msg("Permintaan Anda #{n} ({kind_id}) sudah terkirim dan masih menunggu jawaban, paling lambat {due}: tidak perlu "
                        "mengirimnya lagi. Lihat di \"Permintaan saya\"; permintaan baru jenis ini dapat diajukan setelah #{n} dijawab.",
                        "Your request #{n} ({kind_en}) has been sent and is waiting for its answer, due by {due}: no need to send it "
                        "again. See it under \"My requests\"; a new request of this kind can be made once #{n} is answered.")
                    .format(n=existing.pk, kind_id=kind_id, kind_en=kind_en, due=due),
                    code=Code.PRIVACY_REQUEST_ALREADY_OPEN, field="kind", details={"request": existing.pk})


def _open_of_kind(person: Person, kind: str) -> PrivacyRequest | None:
    return PrivacyRequest.objects.filter(person=person, kind=kind, status=Status.OPEN).order_by("id").first()


def privacy_request_submit(*, actor: User, person: Person, kind: str, details: str,
                           now: dt.datetime | None = None) -> PrivacyRequest:
    """A request by ``person`` (who must be ``actor``'s own record) about their personal data, due in 3 × 24 hours.
    One open request of each kind per person: a second one (a double tap, another tab) is refused with the number of
    the open one (``privacy_request_one_open_per_kind`` holds it under any race)."""
    now = now or timezone.now()
    try:
        with transaction.atomic(durable=True):
            return _submit(actor=actor, person=person, kind=kind, details=details, now=now)
    except IntegrityError:
        existing = _open_of_kind(person, kind)  # another request's transaction committed the same kind meanwhile
        if existing is None:
            raise
        raise _already_open(existing) from None


def _submit(*, actor: User, person: Person, kind: str, details: str, now: dt.datetime) -> PrivacyRequest:
    require(actor, "privacy.request", person)
    problem = domain.details_problem(kind=kind, details=details)
    if problem is not None:
        raise ValidationFailed(problem, code=Code.PRIVACY_REQUEST_KIND if kind not in domain.Kind.values
                               else Code.PRIVACY_REQUEST_DETAILS, field="kind" if kind not in domain.Kind.values else "details")
    # Serialise one person's submissions (a double click submits once the rules are checked under the lock).
    Person.objects.select_for_update().filter(pk=person.pk).first()
    existing = _open_of_kind(person, kind)
    if existing is not None:
        raise _already_open(existing)
    if PrivacyRequest.objects.filter(person=person, status=Status.OPEN).count() >= domain.OPEN_LIMIT:
        raise Conflict(Msg("Anda masih memiliki {n} permintaan yang belum dijawab. Tunggu jawabannya sebelum mengajukan yang baru.",
                           "You still have {n} unanswered requests. Wait for the answers before submitting another.")
                       .format(n=domain.OPEN_LIMIT), code=Code.PRIVACY_REQUEST_OPEN_LIMIT)
    request = PrivacyRequest.objects.create(person=person, kind=kind, details=details.strip(), submitted_at=now,
                                            due_at=domain.due_at(now))
    audit.record(actor=actor, action=Audit.PRIVACY_REQUEST_SUBMITTED, obj=request, at=now,
                 after={"kind": kind, "due_at": request.due_at})
    return request


@transaction.atomic(durable=True)
def privacy_request_answer(*, actor: User, request_id: int, outcome: str, answer: str,
                           now: dt.datetime | None = None) -> PrivacyRequest:
    """The officer's answer: ``outcome`` done or refused, with the text the person reads (what was done, or why
    not). Told to the person by e-mail/SMS after commit. ``Conflict`` when someone answered it already."""
    now = now or timezone.now()
    require(actor, "privacy.answer")
    request = PrivacyRequest.objects.select_for_update().select_related("person").filter(pk=request_id).first()
    if request is None:
        raise NotFound(Msg("Permintaan tidak ditemukan.", "Request not found."), code=Code.PRIVACY_REQUEST_CLOSED)
    if request.status != Status.OPEN:
        raise Conflict(Msg("Permintaan ini sudah dijawab.", "This request was already answered."), code=Code.PRIVACY_REQUEST_CLOSED)
    problem = domain.answer_problem(outcome=outcome, answer=answer)
    if problem is not None:
        raise ValidationFailed(problem, code=Code.PRIVACY_REQUEST_ANSWER, field="answer")
    request.status, request.answer, request.answered_at, request.answered_by = outcome, answer.strip(), now, actor
    request.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    audit.record(actor=actor, action=Audit.PRIVACY_REQUEST_ANSWERED, obj=request, at=now,
                 before={"status": Status.OPEN}, after={"status": outcome, "late": now > request.due_at})
    outcome_id = "selesai" if outcome == Status.DONE else "ditolak"
    notifications.notify(
        person=request.person, topic=f"privacy.answered.{request.pk}", now=now,
        subject=f"Jawaban permintaan data pribadi #{request.pk}",
        text=(f"Sisnaker: permintaan data pribadi Anda #{request.pk} {outcome_id}. "
              f"Baca jawabannya di menu Akun > Data pribadi saya."),
    )
    return request
