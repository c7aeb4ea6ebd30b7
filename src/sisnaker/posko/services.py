"""Posko writes: opening and closing a posko, and the three kinds of assistance (``domain.py``).

Every service: keyword-only, ``require`` (an officer acts only at a posko they serve), the citizen's consent checked
before anything is looked up or written, one durable transaction with the assistance row and its audit row.

Two steps run in transactions of their own, before the assistance's, because the services they reuse are durable:
the NIK look-up (``accounts.services.person_match_for_staff`` records every look-up, also a refused one) and the
Kartu Prakerja application (``prakerja.services.application_start``, which sends the verification codes). The
Prakerja assistance row is written right after the application commits; should that fail, the application stands
(it is the citizen's, with their consent recorded on it by prakerja) and only the posko's count misses it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction

from sisnaker.accounts import services as accounts
from sisnaker.accounts.models import Person, User
from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.institutions.models import Institution
from sisnaker.notifications.services import notify
from sisnaker.prakerja import services as prakerja
from sisnaker.prakerja.models import Wave
from sisnaker.regions import nik as nik_rules
from sisnaker.regions.domain import time_zone_for
from sisnaker.regions.models import District, Regency
from sisnaker.training import services as training
from sisnaker.training.models import Program

from . import domain
from .codes import Audit, Code
from .domain import AssistanceKind as K
from .domain import Consent, PoskoKind, RecordOutcome
from .models import Assistance, Posko

POSKO_NOT_FOUND = Msg("Posko tidak ditemukan.", "Posko not found.")
ASSISTED_NOT_FOUND = Msg("Warga ini tidak tercatat di posko ini. Catat datanya dulu di posko ini.",
                         "This citizen is not recorded at this posko. Record their data at this posko first.")


# --- poskos --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PoskoData:
    name: str
    kind: str
    regency: Regency
    institution: Institution | None = None
    district: District | None = None
    address: str = ""


def posko_create(*, actor: User, data: PoskoData, now: dt.datetime) -> Posko:
    """Open a posko: a regional officer in their own area, a training centre's manager for their own approved
    institution (``posko.manage`` on the new posko)."""
    name = " ".join((data.name or "").split())
    posko = Posko(name=name, kind=data.kind, regency=data.regency, institution=data.institution, district=data.district,
                  address=" ".join((data.address or "").split())[:300], created_by=actor, created_at=now)
    with transaction.atomic(durable=True):
        require(actor, "posko.manage", posko)
        inst = data.institution
        problem = domain.posko_problem(name=name, kind=data.kind, has_institution=inst is not None, regency=data.regency.code,
                                       institution_regency=inst.regency_id if inst else None,
                                       institution_approved=inst is None or inst.status == Institution.Status.APPROVED)
        if problem is not None:
            field, message = problem
            raise ValidationFailed(message, code=Code.POSKO_FIELD, field=field)
        if data.district is not None and data.district.regency_id != data.regency.code:
            raise ValidationFailed(Msg("Kecamatan tidak berada di kabupaten/kota posko.",
                                       "The district is not in the posko's regency."), code=Code.POSKO_FIELD, field="district")
        if Posko.objects.filter(regency=data.regency, name=name).exists():
            raise Conflict(Msg("Sudah ada posko bernama ini di kabupaten/kota tersebut.",
                               "A posko of this name already exists in that regency."), code=Code.POSKO_FIELD, field="name")
        posko.save()
        audit.record(actor=actor, action=Audit.POSKO_CREATED, obj=posko,
                     after={"name": name, "kind": data.kind, "regency": data.regency.code,
                            "institution": data.institution.pk if data.institution else None, "address": posko.address})
    return posko


def posko_set_active(*, actor: User, posko: Posko, active: bool) -> Posko:
    """Close a posko (nobody is helped there any more; its log and counts stay) or open it again."""
    with transaction.atomic(durable=True):
        posko = _lock(posko.pk)
        require(actor, "posko.manage", posko)
        if posko.is_active == active:
            return posko
        posko.is_active = active
        posko.save(update_fields=["is_active"])
        audit.record(actor=actor, action=Audit.POSKO_ACTIVATED if active else Audit.POSKO_DEACTIVATED, obj=posko,
                     before={"is_active": not active}, after={"is_active": active})
    return posko


def _lock(posko_id: int) -> Posko:
    posko = Posko.objects.select_for_update().filter(pk=posko_id).first()
    if posko is None:
        raise NotFound(POSKO_NOT_FOUND, code=Code.POSKO_NOT_FOUND)
    return posko


def _serving(*, actor: User, posko: Posko, consent: Consent) -> None:
    """The checks every assistance starts with, before anything is looked up: the officer serves at this posko,
    the posko is open, and the citizen's consent is recorded."""
    require(actor, "person.register_assisted", posko)
    if not posko.is_active:
        raise Conflict(Msg("Posko ini sedang ditutup. Buka kembali posko atau layani warga di posko lain.",
                           "This posko is closed. Reopen it or help the citizen at another posko."), code=Code.POSKO_INACTIVE)
    problem = domain.consent_problem(consent)
    if problem is not None:
        raise ValidationFailed(problem, code=Code.CONSENT_REQUIRED, field="consent")


def _day(posko: Posko, now: dt.datetime) -> dt.date:
    """``now`` as a day in the posko's own time zone (WIB/WITA/WIT)."""
    return now.astimezone(ZoneInfo(time_zone_for(posko.regency_id))).date()


def _log(*, actor: User, posko: Posko, kind: str, consent: Consent, now: dt.datetime, **links) -> Assistance:
    return Assistance.objects.create(posko=posko, officer=actor, kind=kind, consent_method=consent.method,
                                     consent_version=consent.version, consent_at=now, created_at=now, day=_day(posko, now),
                                     **links)


# --- assistance: the citizen's record ------------------------------------------------------------------------------

def assistance_register_person(*, actor: User, posko: Posko, data: accounts.ProvisionalPerson, consent: Consent,
                               now: dt.datetime) -> Assistance:
    """Record a citizen who came to the posko. The NIK typed is never a key: the registered person with that NIK is
    linked only when the name and birth date typed match theirs too (``person_match_for_staff``, which records the
    look-up); a NIK nobody holds gets a new *provisional* record (``accounts.services.person_add_provisional``: no
    account; its owner claims it later at sign-up); a registered NIK whose name or birth date differ is refused with a
    message that says nothing about the registered person (``accounts.services.NOT_ADDABLE``).

    A registered person with an account hears that a posko recorded help in their name (after commit)."""
    _serving(actor=actor, posko=posko, consent=consent)
    digits = "".join(ch for ch in (data.nik or "") if ch.isdigit())
    try:
        parsed = nik_rules.parse(digits, today=_day(posko, now))
    except nik_rules.NikError as exc:
        exc.field = "nik"
        raise
    if not " ".join((data.full_name or "").split()):
        raise ValidationFailed(Msg("Nama lengkap wajib diisi sesuai KTP.", "Full name is required, as on the ID card."),
                               code=Code.PERSON_NOT_REGISTRABLE, field="full_name")
    matched = accounts.person_match_for_staff(actor=actor, nik=digits, full_name=data.full_name, birth_date=data.birth_date,
                                              purpose=f"posko {posko.pk}: pencatatan data warga", on=posko,
                                              action="person.register_assisted")
    with transaction.atomic(durable=True):
        posko = _lock(posko.pk)
        _serving(actor=actor, posko=posko, consent=consent)  # again, under the lock: closed meanwhile?
        if matched is not None:
            person, outcome = Person.objects.select_related("user").get(pk=matched.pk), RecordOutcome.LINKED
        else:
            # A NIK held by someone else's data is refused by accounts with a message that names nobody.
            person = accounts.person_add_provisional(
                actor=actor, data=data, today=_day(posko, now),
                added_by_institution_id=posko.institution_id if posko.kind == PoskoKind.TRAINING_CENTRE else None)
            outcome = RecordOutcome.CREATED
        assistance = _log(actor=actor, posko=posko, kind=K.ACCOUNT, consent=consent, now=now, person=person,
                          record_outcome=outcome)
        audit.record(actor=actor, action=Audit.ASSISTED_ACCOUNT, obj=assistance, at=now,
                     after={"posko": posko.pk, "person": person.pk, "outcome": outcome, "nik": nik_rules.mask(parsed.nik),
                            "consent_method": consent.method, "consent_version": consent.version})
        if outcome == RecordOutcome.LINKED and person.user_id is not None:
            notify(person=person, topic=f"posko_assisted.{posko.pk}", now=now,
                   subject="Sisnaker: bantuan posko atas nama Anda",
                   text=(f"Sisnaker: {posko.name} mencatat bantuan pendaftaran atas nama Anda. Bukan Anda? "
                         f"Laporkan ke Disnaker setempat; Anda dapat melihat siapa yang membuka data Anda di Sisnaker."))
    return assistance


def _assisted_person(*, posko: Posko, assistance_id: int) -> Person:
    """The citizen of an ``account`` assistance at this posko: the only way an officer picks someone to help further
    (never by a NIK, never someone recorded at another posko)."""
    row = (Assistance.objects.select_related("person__user")
           .filter(pk=assistance_id, posko_id=posko.pk, kind=K.ACCOUNT).first())
    if row is None:
        raise NotFound(ASSISTED_NOT_FOUND, code=Code.ASSISTANCE_NOT_FOUND)
    return row.person


# --- assistance: a training application ----------------------------------------------------------------------------

def assistance_apply_training(*, actor: User, posko: Posko, assistance_id: int, program_id: int, consent: Consent,
                              now: dt.datetime) -> Assistance:
    """Apply a citizen recorded at this posko to an open program (Pendaftar) through training's own rules
    (``training.services.enrollment_register_assisted``), in one transaction with the assistance and its audit row."""
    _serving(actor=actor, posko=posko, consent=consent)
    with transaction.atomic(durable=True):
        posko = _lock(posko.pk)
        _serving(actor=actor, posko=posko, consent=consent)
        person = _assisted_person(posko=posko, assistance_id=assistance_id)
        program = Program.objects.select_related("institution").filter(pk=program_id).first()
        if program is None:
            raise NotFound(Msg("Program pelatihan tidak ditemukan.", "Training program not found."),
                           code=Code.POSKO_FIELD, field="program")
        enrollment = training.enrollment_register_assisted(actor=actor, program=program, person=person,
                                                           today=_day(posko, now), now=now)
        assistance = _log(actor=actor, posko=posko, kind=K.TRAINING, consent=consent, now=now, person=person,
                          enrollment=enrollment)
        audit.record(actor=actor, action=Audit.ASSISTED_TRAINING, obj=assistance, at=now,
                     after={"posko": posko.pk, "person": person.pk, "program": program.pk, "enrollment": enrollment.pk,
                            "consent_method": consent.method, "consent_version": consent.version})
    return assistance


# --- assistance: a Kartu Prakerja application ----------------------------------------------------------------------

def assistance_apply_prakerja(*, actor: User, posko: Posko, wave: Wave, data: prakerja.ApplicationData, consent: Consent,
                              now: dt.datetime) -> tuple[Assistance, str]:
    """Start a citizen's Kartu Prakerja application at this posko: prakerja's assisted application
    (``application_start(assisted=True)``: the officer needs ``prakerja.assist``; the codes go to the citizen's phone
    and e-mail, and a registered person is linked only when NIK, name and birth date match), then the assistance row.
    Returns the assistance and the token of prakerja's code page, where the citizen's two codes are typed."""
    _serving(actor=actor, posko=posko, consent=consent)
    application, token = prakerja.application_start(actor=actor, wave=wave, data=data, now=now, assisted=True,
                                                    consent=consent.given)
    with transaction.atomic(durable=True):
        posko = _lock(posko.pk)
        assistance = _log(actor=actor, posko=posko, kind=K.PRAKERJA, consent=consent, now=now,
                          person_id=application.person_id, prakerja_application=application)
        audit.record(actor=actor, action=Audit.ASSISTED_PRAKERJA, obj=assistance, at=now,
                     after={"posko": posko.pk, "person": application.person_id, "wave": wave.number,
                            "application": application.pk, "consent_method": consent.method,
                            "consent_version": consent.version})
    return assistance, token
