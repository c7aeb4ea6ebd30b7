"""AK/1 job-seeker card services: a citizen applies from their account; a placement officer (pengantar kerja:
a regional officer of the regency office) issues the card with a gap-free number, or refuses it with a reason.

The application goes to the regency office of the regency on the person's KTP: the NIK's regency
(``accounts.Person.nik_regency``), or, when that code has since been retired, its current successor
(``regions.selectors.region_for_code`` follows ``RetiredCode``).

Numbers (``domain.card_number``): the office's ``JobSeekerCounter`` row for the year of issue (in Indonesia's
time) is locked with SELECT … FOR UPDATE and incremented in the SAME transaction that issues the card; an
issue that fails anywhere rolls its increment back, so the sequence has no gaps and no duplicates
(``jobseeker_card_sequence_unique``).

Who may do what (``core.permissions.RULES``): ``ak1.apply_own`` — the citizen, for their own person;
``ak1.issue`` (issue or refuse) — a regional officer of the card's regency office (not a province officer);
administrators may do everything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from sisnaker.accounts.models import Person, User
from sisnaker.core import audit, crypto
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.regions.selectors import region_for_code

from .. import domain
from ..codes import Audit, Code
from ..models import JobSeekerCard, JobSeekerCounter


@dataclass(frozen=True)
class Ak1Application:
    """What the citizen types; the NIK, name, birth date, sex and formal education come from their person
    (``education`` may update the formal education shown on the card)."""

    birth_place: str
    marital_status: str
    religion: str
    address: str
    education: str
    other_training: str
    skills: str


def _field_error(field: str, message: Msg) -> ValidationFailed:
    return ValidationFailed(message, code=Code.AK1_FIELD, field=field)


def _clean(data: Ak1Application) -> dict:
    values = {
        "birth_place": (data.birth_place or "").strip(), "marital_status": data.marital_status, "religion": data.religion,
        "address": (data.address or "").strip(), "education": data.education,
        "other_training": (data.other_training or "").strip(), "skills": (data.skills or "").strip(),
    }
    required = {"birth_place": Msg("Tempat lahir wajib diisi.", "Place of birth is required."),
                "address": Msg("Alamat wajib diisi.", "Address is required."),
                "skills": Msg("Keterampilan wajib diisi.", "Skills are required.")}
    for field, message in required.items():
        if not values[field]:
            raise _field_error(field, message)
    limits = {"birth_place": domain.BIRTH_PLACE_MAX, "address": domain.ADDRESS_MAX, "skills": domain.SKILLS_MAX,
              "other_training": domain.TRAINING_MAX}
    for field, limit in limits.items():
        if len(values[field]) > limit:
            raise _field_error(field, Msg("Isian terlalu panjang (paling banyak {n} karakter).",
                                          "Too long (at most {n} characters).").format(n=limit))
    choices = {"marital_status": dict(domain.MARITAL_STATUSES), "religion": dict(domain.RELIGIONS),
               "education": dict(Person.Education.choices)}
    for field, allowed in choices.items():
        if values[field] not in allowed:
            raise _field_error(field, Msg("Pilihan tidak sah.", "Invalid choice."))
    return values


def office_regency_code(person: Person) -> str:
    """The regency office a person's AK/1 goes to: the NIK's regency or its current successor."""
    match = region_for_code(person.nik_regency_id)
    if match is None or match.regency is None:
        raise ValidationFailed(Msg("Kabupaten/kota pada NIK Anda tidak dikenal; hubungi dinas ketenagakerjaan.",
                                   "The regency of your NIK is unknown; contact the manpower office."),
                               code=Code.AK1_REGION_UNKNOWN, field="nik")
    return match.regency.code


def _snapshot(card: JobSeekerCard) -> dict:
    return {"status": card.status, "regency": card.regency_id, "number": card.number,
            "issued_on": card.issued_on.isoformat() if card.issued_on else None}


def ak1_apply(*, actor: User, data: Ak1Application, now: dt.datetime) -> JobSeekerCard:
    """The signed-in citizen applies for an AK/1 card (``ak1.apply_own`` on their person)."""
    person = Person.objects.filter(user_id=actor.pk).first() if actor is not None and actor.pk else None
    if person is None:
        raise ValidationFailed(Msg("Kartu AK/1 diajukan dari akun warga yang terdaftar dengan NIK.",
                                   "An AK/1 card is applied for from a citizen account registered with a NIK."),
                               code=Code.AK1_NO_PERSON)
    require(actor, "ak1.apply_own", person)
    values = _clean(data)
    today = timezone.localtime(now).date()
    with transaction.atomic(durable=True):
        person = Person.objects.select_for_update().get(pk=person.pk)  # one application at a time per person
        existing = list(JobSeekerCard.objects.filter(person=person).values_list("status", "issued_on"))
        blocker = domain.apply_blocker(statuses_and_issue_dates=existing, today=today)
        if blocker is not None:
            raise Conflict(blocker, code=Code.AK1_BLOCKED)
        card = JobSeekerCard.objects.create(
            person=person, regency_id=office_regency_code(person), status=domain.CardStatus.SUBMITTED,
            nik_encrypted=crypto.encrypt(person.nik), full_name=person.full_name, birth_date=person.birth_date,
            sex=person.sex, submitted_at=now, **values)
        audit.record(actor=actor, action=Audit.AK1_APPLIED, obj=card, after=_snapshot(card), at=now)
    return card


def _next_sequence(*, regency_id: str, year: int) -> int:
    """Lock the office's counter row for ``year`` (creating it race-safely) and take the next number. Must run
    inside the issuing transaction."""
    counter = JobSeekerCounter.objects.select_for_update().filter(regency_id=regency_id, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: losing the creation race must not abort the issue
                JobSeekerCounter.objects.create(regency_id=regency_id, year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first; the lock below waits for it
        counter = JobSeekerCounter.objects.select_for_update().get(regency_id=regency_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _locked(card_id: int) -> JobSeekerCard:
    card = JobSeekerCard.objects.select_for_update(of=("self",)).select_related("person").filter(pk=card_id).first()
    if card is None:
        raise NotFound(Msg("Kartu AK/1 tidak ditemukan.", "AK/1 card not found."), code=Code.AK1_NOT_FOUND)
    return card


def _require_waiting(card: JobSeekerCard) -> None:
    blocker = domain.decide_blocker(card.status)
    if blocker is not None:
        raise Conflict(blocker, code=Code.AK1_DECIDED, details={"status": card.status})


def ak1_issue(*, actor: User, card_id: int, now: dt.datetime) -> JobSeekerCard:
    """Issue a waiting card (``ak1.issue``): the next number of its office for the year, valid two years from
    today (in Indonesia), signed off by ``actor`` as the placement officer."""
    with transaction.atomic(durable=True):
        card = _locked(card_id)
        require(actor, "ak1.issue", card)
        _require_waiting(card)
        before = _snapshot(card)
        issued_on = timezone.localtime(now).date()
        sequence = _next_sequence(regency_id=card.regency_id, year=issued_on.year)
        card.number = domain.card_number(regency_code=card.regency_id, year=issued_on.year, sequence=sequence)
        card.year, card.sequence, card.issued_on = issued_on.year, sequence, issued_on
        card.status, card.decided_at, card.decided_by = domain.CardStatus.ISSUED, now, actor
        card.officer_name = actor.get_full_name() or actor.get_username()
        card.save(update_fields=["number", "year", "sequence", "issued_on", "status", "decided_at", "decided_by", "officer_name"])
        audit.record(actor=actor, action=Audit.AK1_ISSUED, obj=card, before=before, after=_snapshot(card), at=now)
    return card


def ak1_refuse(*, actor: User, card_id: int, reason: str, now: dt.datetime) -> JobSeekerCard:
    """Refuse a waiting application with a reason the citizen sees (``ak1.issue``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(Msg("Alasan penolakan wajib diisi.", "A reason for the refusal is required."),
                               code=CoreCode.REASON_REQUIRED, field="reason")
    if len(reason) > domain.REASON_MAX:
        raise ValidationFailed(Msg("Alasan terlalu panjang (paling banyak {n} karakter).",
                                   "The reason is too long (at most {n} characters).").format(n=domain.REASON_MAX),
                               code=Code.AK1_FIELD, field="reason")
    with transaction.atomic(durable=True):
        card = _locked(card_id)
        require(actor, "ak1.issue", card)
        _require_waiting(card)
        before = _snapshot(card)
        card.status, card.decided_at, card.decided_by, card.refuse_reason = domain.CardStatus.REFUSED, now, actor, reason
        card.officer_name = actor.get_full_name() or actor.get_username()
        card.save(update_fields=["status", "decided_at", "decided_by", "refuse_reason", "officer_name"])
        audit.record(actor=actor, action=Audit.AK1_REFUSED, obj=card, before=before, after=_snapshot(card), reason=reason, at=now)
    return card
