"""Personal links (``models.PersonalLink``, rules in ``domain``: personal links): issued to a participant in
reminders and "certificate ready" messages (``reminders``) or printed as QR cards for a class without
phones (``personal_links_print``); opened without a password (``personal_link_open``), which gives the
browser a capability for that one enrollment (``link_holder``: a ``core.actors.LinkHolder``, not a log-in);
revoked by the manager (``personal_link_revoke``). The token is returned once, to be sent or printed, and
only its SHA-256 is stored. Every issue, open (the first), revocation and certificate download is audited;
the review and the survey sent through a link are audited by their own services, the link as the actor."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit, ratelimit
from sisnaker.core.actors import LinkHolder
from sisnaker.core.errors import Conflict, Msg, NotFound, SisnakerError, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.training.codes import Code as TrainingCode
from sisnaker.training.models import Enrollment, Program

from .. import domain
from ..codes import Audit, Code
from ..models import Certificate, PersonalLink
from ..selectors.readiness import Row, readiness_for_program

LINK_LIMITED = Msg("Terlalu banyak tautan dibuka dari jaringan ini. Coba lagi dalam {m} menit.",
                   "Too many links opened from this network. Try again in {m} minutes.")


class LinkRefused(SisnakerError):
    """A known link that cannot be used any more (revoked, expired): 410 Gone, with what to do."""

    http_status = 410


def link_days() -> int:
    return int(getattr(settings, "SISNAKER_PERSONAL_LINK_DAYS", domain.LINK_DEFAULT_DAYS) or domain.LINK_DEFAULT_DAYS)


def link_url(base_url: str, token: str) -> str:
    """The short URL of a token (``/l/<token>/``) on ``base_url``."""
    return base_url.rstrip("/") + reverse("links:open", kwargs={"token": token})


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: the token exists only here (to send or print), never in the database."""

    link: PersonalLink
    enrollment: Enrollment
    name: str
    token: str
    url: str
    purpose: str  # domain.LINK_REMINDER, LINK_CERTIFICATE_READY or LINK_RESULT

    @property
    def expires_at(self) -> dt.datetime:
        return self.link.expires_at


def issue_many(*, actor: User | None, wanted: list[tuple[Enrollment, str, str]], reason: str = "", base_url: str, now: dt.datetime,
               purpose: str = domain.LINK_PURPOSE_STEPS) -> list[IssuedLink]:
    """New links of ``purpose`` for many enrollments at once — ``wanted`` is ``(enrollment, name, why)``, ``why``
    being ``domain.link_purpose_for``'s answer (kept as the link's reason unless ``reason`` is given, e.g.
    "print") — revoking the ones they replace: one UPDATE and one bulk INSERT whatever their number. Runs
    inside the caller's transaction (which checked the permission and writes the audit rows, ``audit_issued``)."""
    if not wanted:
        return []
    ids = [e.pk for e, _, _ in wanted]
    PersonalLink.objects.filter(enrollment_id__in=ids, purpose=purpose, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor)
    expires = now + dt.timedelta(days=link_days())
    tokens = [secrets.token_urlsafe(domain.LINK_TOKEN_BYTES) for _ in wanted]
    made = PersonalLink.objects.bulk_create([
        PersonalLink(enrollment=e, purpose=purpose, token_hash=domain.link_token_hash(token), reason=(reason or why)[:20],
                     created_at=now, created_by=actor, expires_at=expires)
        for (e, _, why), token in zip(wanted, tokens, strict=True)
    ])
    return [IssuedLink(link=link, enrollment=e, name=name or e.person.full_name, token=token, url=link_url(base_url, token), purpose=why)
            for link, (e, name, why), token in zip(made, wanted, tokens, strict=True)]


def revoke_unsent(*, actor: User | None, issued: list[IssuedLink], now: dt.datetime) -> None:
    """Links issued for a message that was not sent after all (another send got there first): they must not work."""
    if issued:
        PersonalLink.objects.filter(pk__in=[i.link.pk for i in issued]).update(revoked_at=now, revoked_by=actor)


def audit_issued(*, actor: User | None, issued: list[IssuedLink], now: dt.datetime) -> None:
    """One audit row per link issued (never the token)."""
    audit.record_many(actor=actor, action=Audit.PERSONAL_LINK_ISSUED, object_type="certification.personallink", at=now, rows=[
        (i.link.pk, str(i.link), None, {"enrollment": i.enrollment.pk, "reason": i.link.reason,
                                        "expires_at": i.link.expires_at}) for i in issued
    ])


def link_rows(*, program: Program) -> list[tuple[Row, str]]:
    """The participants of ``program`` who get a link from the board, with why (``domain.link_purpose_for``):
    those who still have their own steps to do, those whose certificate exists, and those not yet competent or
    not passed (their result)."""
    out = []
    for r in readiness_for_program(program=program, states=domain.LINK_STATES):
        purpose = domain.link_purpose_for(r.readiness)
        if purpose is not None:
            out.append((r, purpose))
    return out


# QR cards on one printed sheet at most: a sheet is for a class at hand, not a program of thousands (whose cards, made
# in one request, would pass its timeout).
PRINT_MAX = 500


@transaction.atomic(durable=True)
def personal_links_print(*, actor: User, program: Program, base_url: str, now: dt.datetime | None = None) -> list[IssuedLink]:
    """New links for every participant of ``program`` who still blocks a certificate with their own steps,
    whose certificate is ready, or who is not yet competent (their result), for a printed sheet of QR codes. Earlier links of those participants
    (sent by SMS, printed before) stop working."""
    now = now or timezone.now()
    require(actor, "personal_link.print", program)
    wanted = link_rows(program=program)
    if len(wanted) > PRINT_MAX:
        raise ValidationFailed(Msg("{n} peserta terlalu banyak untuk satu lembar cetak (paling banyak {max}). Kirim tautan "
                                   "lewat SMS/e-mail, atau cetak kartu per peserta dari barisnya di papan.",
                                   "{n} participants are too many for one printed sheet (at most {max}). Send the links "
                                   "by SMS/e-mail, or print a participant's card from their row on the board.").format(
                                       n=len(wanted), max=PRINT_MAX), code=Code.LINKS_PRINT_TOO_MANY)
    issued = issue_many(actor=actor, wanted=[(r.enrollment, r.name, purpose) for r, purpose in wanted],
                        reason="print", base_url=base_url, now=now)
    audit_issued(actor=actor, issued=issued, now=now)
    audit.record(actor=actor, action=Audit.PERSONAL_LINKS_PRINTED, obj=program, at=now,
                 after={"enrollments": [i.enrollment.pk for i in issued], "expires_at": issued[0].expires_at if issued else None})
    return issued


@transaction.atomic(durable=True)
def personal_link_print_one(*, actor: User, enrollment_id: int, base_url: str, now: dt.datetime | None = None) -> IssuedLink:
    """A new link for one participant, for a single printed QR card (they lost theirs, or joined the sheet late):
    only their earlier link stops working; the rest of the class keeps the cards they hold. ``Conflict``
    (``personal_link_not_needed``) when the board would give them none (``link_rows``: nothing they can do yet, or
    not a participant any more)."""
    from ..selectors.readiness import readiness_for_enrollments

    now = now or timezone.now()
    enrollment = Enrollment.objects.select_related("program", "person").filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound(Msg("Pendaftaran tidak ditemukan.", "Enrollment not found."), code=TrainingCode.ENROLLMENT_NOT_FOUND)
    require(actor, "personal_link.print", enrollment.program)
    row = readiness_for_enrollments(enrollment_ids=[enrollment.pk]).get(enrollment.pk)
    purpose = domain.link_purpose_of(state=enrollment.state, readiness=row.readiness) if row is not None else None
    if purpose is None:
        raise Conflict(Msg("{name} tidak memerlukan kartu tautan sekarang: tidak ada langkah yang dapat ia isi sendiri dan "
                           "belum ada sertifikat atau hasil untuknya.", "{name} needs no link card now: there is no step "
                           "they can do themselves and no certificate or result for them yet.").format(
                               name=enrollment.person.full_name), code=Code.LINK_NOT_NEEDED,
                       details={"program": enrollment.program_id})
    (issued,) = issue_many(actor=actor, wanted=[(enrollment, row.name, purpose)], reason="print", base_url=base_url, now=now)
    audit_issued(actor=actor, issued=[issued], now=now)
    audit.record(actor=actor, action=Audit.PERSONAL_LINKS_PRINTED, obj=enrollment.program, at=now,
                 after={"enrollments": [enrollment.pk], "expires_at": issued.expires_at})
    return issued


@transaction.atomic(durable=True)
def personal_link_revoke(*, actor: User, enrollment_id: int, now: dt.datetime | None = None) -> Enrollment:
    """Revoke the usable link(s) of one participant (a lost phone, a wrong number). ``Conflict`` when none."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_related("program", "person").filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound(Msg("Pendaftaran tidak ditemukan.", "Enrollment not found."), code=TrainingCode.ENROLLMENT_NOT_FOUND)
    require(actor, "personal_link.revoke", enrollment.program)
    links = list(PersonalLink.objects.select_for_update().filter(enrollment=enrollment, revoked_at__isnull=True, expires_at__gt=now))
    if not links:
        raise Conflict(Msg("{name} tidak memiliki tautan pribadi yang aktif.", "{name} has no active personal link.")
                       .format(name=enrollment.person.full_name), code=Code.LINK_NONE_ACTIVE,
                       details={"program": enrollment.program_id})
    PersonalLink.objects.filter(pk__in=[link.pk for link in links]).update(revoked_at=now, revoked_by=actor)
    for link in links:
        audit.record(actor=actor, action=Audit.PERSONAL_LINK_REVOKED, obj=link, at=now,
                     before={"revoked_at": None}, after={"enrollment": enrollment.pk, "revoked_at": now})
    return enrollment


# What ``_refuse`` reads of a link: its own dates, its enrollment's state, and when the person's account began.
LINK_FACTS = ("revoked_at", "expires_at", "created_at", "enrollment__state", "enrollment__person__user__date_joined")
REFUSAL_CODES = {"revoked": Code.LINK_REVOKED, "expired": Code.LINK_EXPIRED, "ended": Code.LINK_REVOKED,
                 "claimed": Code.LINK_REVOKED}


def _refuse(facts: dict, now: dt.datetime) -> None:
    refusal = domain.link_refusal(revoked_at=facts["revoked_at"], expires_at=facts["expires_at"], now=now,
                                  enrollment_state=facts["enrollment__state"], created_at=facts["created_at"],
                                  account_since=facts["enrollment__person__user__date_joined"])
    if refusal is not None:
        kind, message = refusal
        raise LinkRefused(message, code=REFUSAL_CODES[kind])


def _unknown() -> NotFound:
    return NotFound(domain.LINK_UNKNOWN, code=Code.LINK_UNKNOWN)


def personal_link_open(*, token: str, now: dt.datetime | None = None) -> PersonalLink:
    """The link a token opens (its enrollment, person and program loaded), counting the attempt against the
    client's rate limit first (``personal_link.ip``/``.net``, whatever the outcome). Unknown or malformed:
    ``NotFound`` saying nothing more; revoked or expired: ``LinkRefused`` saying so. The first open is
    audited; every open updates ``last_used_at``."""
    now = now or timezone.now()
    ratelimit.enforce("personal_link", message=LINK_LIMITED)  # counted outside the transaction: survives a refusal
    if not domain.is_link_token(token):
        raise _unknown()
    with transaction.atomic(durable=True):
        link = (PersonalLink.objects.select_for_update(of=("self",))
                .select_related("enrollment__person__user", "enrollment__program__institution")
                .filter(token_hash=domain.link_token_hash(token)).first())
        if link is None:
            raise _unknown()
        user = link.enrollment.person.user
        _refuse({"revoked_at": link.revoked_at, "expires_at": link.expires_at, "created_at": link.created_at,
                 "enrollment__state": link.enrollment.state,
                 "enrollment__person__user__date_joined": user.date_joined if user else None}, now)
        first = link.first_used_at is None
        link.last_used_at = now
        if first:
            link.first_used_at = now
        PersonalLink.objects.filter(pk=link.pk).update(first_used_at=link.first_used_at, last_used_at=now)
        if first:
            holder = link_holder(link_id=link.pk, enrollment_id=link.enrollment_id, person_id=link.enrollment.person_id)
            audit.record(actor=holder, action=Audit.PERSONAL_LINK_OPENED, obj=link, at=now,
                         after={"enrollment": link.enrollment_id})
    return link


def link_holder(*, link_id: int, enrollment_id: int, person_id: int) -> LinkHolder:
    """The capability a browser holds after opening a link (kept in its session as these three ids). Its
    ``check`` re-reads the link — locked inside a transaction — and refuses once it is revoked or expired."""

    def check() -> None:
        qs = PersonalLink.objects.filter(pk=link_id, enrollment_id=enrollment_id, enrollment__person_id=person_id)
        locking = transaction.get_connection().in_atomic_block
        if locking:
            qs = qs.select_for_update(of=("self",))  # the joined rows are only read
        row = qs.values(*LINK_FACTS).first()
        if row is None:
            raise _unknown()
        now = timezone.now()
        _refuse(row, now)
        if locking:  # an action (a review, a survey, a download): note the use
            PersonalLink.objects.filter(pk=link_id).update(last_used_at=now)

    return LinkHolder(link_id=link_id, enrollment_id=enrollment_id, person_id=person_id, check=check)


# Where a browser keeps the capability of the link it opened (the link's id, its enrollment and person): set by the
# link's landing page (certification.views.links.open_link), read by every page of the flow, certification's and the
# other apps' (placement's own work report).
SESSION_KEY = "sisnaker_personal_link"


def session_holder(session) -> LinkHolder:
    """The link holder of a browser session (``SESSION_KEY``); ``NotFound`` (``link_missing``) when none was opened.
    Its ``check`` still refuses a link revoked or expired since."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("link", "enrollment", "person")):
        raise NotFound(domain.LINK_MISSING, code=Code.LINK_MISSING)
    return link_holder(link_id=data["link"], enrollment_id=data["enrollment"], person_id=data["person"])


def holder_enrollment(holder: LinkHolder) -> Enrollment:
    """The enrollment a still-valid link holder may act on (person, program and institution loaded)."""
    holder.check()
    enrollment = (Enrollment.objects.select_related("person", "program__institution")
                  .filter(pk=holder.enrollment_id, person_id=holder.person_id).first())
    if enrollment is None:
        raise _unknown()
    return enrollment


@transaction.atomic(durable=True)
def personal_link_certificate(*, holder: LinkHolder, now: dt.datetime | None = None) -> Certificate:
    """The certificate of the link's enrollment, for its download (audited, each time). ``NotFound`` while
    there is none, or when it was revoked."""
    now = now or timezone.now()
    holder.check()
    cert = (Certificate.objects.select_related("enrollment__person", "enrollment__program", "institution", "issued_by")
            .filter(enrollment_id=holder.enrollment_id, revoked_at__isnull=True).first())
    if cert is None:
        raise NotFound(Msg("Sertifikat Anda belum terbit.", "Your certificate has not been issued yet."), code=Code.LINK_NO_CERTIFICATE)
    audit.record(actor=holder, action=Audit.PERSONAL_LINK_CERTIFICATE, obj=cert, at=now,
                 after={"enrollment": holder.enrollment_id, "link": holder.link_id})
    return cert
