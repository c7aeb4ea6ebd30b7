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
``ak1.photo`` (see the photo) — the holder and that regency office; administrators may do everything.

The photo (``placement/photo.py``): uploaded with the application (or later while it waits), required for
issuing; the officer may ask for a new one (issuing waits for it); the holder replaces it while the application
waits or the card is valid. Files live in the default storage under ``ak1/photos/<xx>/<random>.jpg`` (private:
never a public URL), written ahead of the transaction that refers to them (``core.storedfiles.WrittenAhead``: a
refusal deletes the file at once, a process killed before the COMMIT leaves it to housekeeping); a replaced one is
deleted after the commit, and housekeeping deletes the photos no longer kept (``photo.delete_on``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sisnaker.accounts.codes import Audit as AccountsAudit
from sisnaker.accounts.models import Person, User
from sisnaker.certification import domain as certification_domain
from sisnaker.certification import signing
from sisnaker.core import audit, crypto, links, storedfiles
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.core.tasks import delete_stored_files, enqueue_with_transaction
from sisnaker.regions.nik import age_on
from sisnaker.regions.selectors import region_for_code

from .. import domain, photo
from ..codes import Audit, Code, JobsAudit
from ..models import JobSeekerCard, JobSeekerCounter, JobSeekerReport, Placement
from ..selectors import CardPage, card_page


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


def ak1_apply(*, actor: User, data: Ak1Application, now: dt.datetime, photo_upload: bytes | None = None) -> JobSeekerCard:
    """The signed-in citizen applies for an AK/1 card (``ak1.apply_own`` on their person), with their photo
    (``photo_upload``: the uploaded file's bytes, checked and cleaned by ``photo.prepare``). Without one the
    application waits until it is uploaded (``ak1_photo_set``): issuing needs it."""
    person = Person.objects.filter(user_id=actor.pk).first() if actor is not None and actor.pk else None
    if person is None:
        raise ValidationFailed(Msg("Kartu AK/1 diajukan dari akun warga yang terdaftar dengan NIK.",
                                   "An AK/1 card is applied for from a citizen account registered with a NIK."),
                               code=Code.AK1_NO_PERSON)
    require(actor, "ak1.apply_own", person)
    values = _clean(data)
    jpeg = photo.prepare(photo_upload) if photo_upload is not None else None
    today = timezone.localtime(now).date()
    with storedfiles.WrittenAhead(now=now) as files:
        path = _save_photo(files, jpeg) if jpeg is not None else ""
        return _apply(actor=actor, person=person, values=values, photo_path=path, files=files, today=today, now=now)


def _apply(*, actor: User, person: Person, values: dict, photo_path: str, files: storedfiles.WrittenAhead, today: dt.date,
           now: dt.datetime) -> JobSeekerCard:
    """``ak1_apply``'s transaction, its photo (if any) already written ahead at ``photo_path``."""
    with transaction.atomic(durable=True):
        person = Person.objects.select_for_update().get(pk=person.pk)  # one application at a time per person
        too_young = age_on(person.birth_date, today) < domain.MIN_WORK_AGE
        if too_young:  # a job seeker is of working age (the labour force is counted from 15)
            raise Conflict(Msg("Kartu AK/1 untuk pencari kerja berumur {n} tahun ke atas.",
                               "An AK/1 card is for job seekers aged {n} or over.").format(n=domain.MIN_WORK_AGE),
                           code=Code.AK1_TOO_YOUNG)
        existing = list(JobSeekerCard.objects.filter(person=person).values_list("status", "issued_on", "ended_on"))
        blocker = domain.apply_blocker(statuses_and_issue_dates=existing, today=today)
        if blocker is not None:
            raise Conflict(blocker, code=Code.AK1_BLOCKED)
        card = JobSeekerCard.objects.create(
            person=person, regency_id=office_regency_code(person), status=domain.CardStatus.SUBMITTED,
            nik_encrypted=crypto.encrypt(person.nik), full_name=person.full_name, birth_date=person.birth_date,
            sex=person.sex, submitted_at=now, photo_path=photo_path, **values)
        if photo_path:
            files.keep(photo_path)
        audit.record(actor=actor, action=Audit.AK1_APPLIED, obj=card, after=_snapshot(card) | {"photo": bool(card.photo_path)},
                     at=now)
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
        _require_photo(card)
        before = _snapshot(card)
        issued_on = timezone.localtime(now).date()
        sequence = _next_sequence(regency_id=card.regency_id, year=issued_on.year)
        card.number = domain.card_number(regency_code=card.regency_id, year=issued_on.year, sequence=sequence)
        card.year, card.sequence, card.issued_on = issued_on.year, sequence, issued_on
        card.status, card.decided_at, card.decided_by = domain.CardStatus.ISSUED, now, actor
        card.officer_name = actor.get_full_name() or actor.get_username()
        _seal(card)
        card.save(update_fields=["number", "year", "sequence", "issued_on", "status", "decided_at", "decided_by", "officer_name",
                                 "verification_id", "payload", "signature", "key_id"])
        audit.record(actor=actor, action=Audit.AK1_ISSUED, obj=card, before=before, after=_snapshot(card), at=now)
    return card


def _reason(reason: str, missing: Msg) -> str:
    """An officer's reason the citizen will read: required (``missing`` says what to write), at most
    ``domain.REASON_MAX`` characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(missing, code=CoreCode.REASON_REQUIRED, field="reason")
    if len(reason) > domain.REASON_MAX:
        raise ValidationFailed(Msg("Alasan terlalu panjang (paling banyak {n} karakter).",
                                   "The reason is too long (at most {n} characters).").format(n=domain.REASON_MAX),
                               code=Code.AK1_FIELD, field="reason")
    return reason


def ak1_refuse(*, actor: User, card_id: int, reason: str, now: dt.datetime) -> JobSeekerCard:
    """Refuse a waiting application with a reason the citizen sees (``ak1.issue``)."""
    reason = _reason(reason, Msg("Alasan penolakan wajib diisi.", "A reason for the refusal is required."))
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



# --- verification, reports, data changes, reminders ----------------------------------------------------


def _seal(card: JobSeekerCard) -> None:
    """Give an issued card its verification id and sign what it says (the certificates' Ed25519 key)."""
    card.verification_id = card.verification_id or secrets.token_urlsafe(16)
    fields = domain.signed_fields(
        number=card.number, full_name=card.full_name, birth_date=card.birth_date, sex=card.sex,
        regency_code=card.regency_id, regency_name=card.regency.name, issued_on=card.issued_on,
        officer_name=card.officer_name, verification_id=card.verification_id)
    card.payload = certification_domain.canonical_payload(fields)
    card.signature, card.key_id = signing.sign(card.payload)


def verification_url(card: JobSeekerCard) -> str:
    return f"{links.public_url().rstrip('/')}/penempatan/ak1/v/{card.verification_id}/"


def _reported(card: JobSeekerCard) -> dict[int, dt.date]:
    return dict(JobSeekerReport.objects.filter(card=card).values_list("box", "reported_on"))


def _require_issued(card: JobSeekerCard) -> None:
    if card.status != domain.CardStatus.ISSUED:
        raise Conflict(Msg("Kartu AK/1 ini belum diterbitkan.", "This AK/1 card has not been issued."),
                       code=Code.AK1_NOT_ISSUED, details={"status": card.status})


@dataclass(frozen=True)
class Ak1Report:
    """A six-monthly report: ``outcome`` is ``domain.ReportOutcome``; found work names the employer and position."""

    outcome: str
    employer_name: str = ""
    position: str = ""
    start_date: dt.date | None = None  # found work: the first day (empty: the day of the report)


def ak1_report(*, actor: User, card_id: int, report: Ak1Report, now: dt.datetime) -> JobSeekerCard:
    """The holder reports (``ak1.report_own``), or an officer of the card's regency office records the report
    for a holder who came to the office (``ak1.issue``): "still looking" fills the open report box; "found
    work" fills the open box if there is one, ends the card (no more reports; it shows as finished) and records the
    work as a placement (``_found_work_placement``), so that it counts in the region's figures."""
    if report.outcome not in domain.ReportOutcome.ALL:
        raise _field_error("outcome", Msg("Pilihan tidak sah.", "Invalid choice."))
    employer, position = (report.employer_name or "").strip(), (report.position or "").strip()
    if report.outcome == domain.ReportOutcome.EMPLOYED:
        if not employer:
            raise _field_error("employer_name", Msg("Nama pemberi kerja wajib diisi.", "The employer's name is required."))
        if not position:
            raise _field_error("position", Msg("Jabatan/pekerjaan wajib diisi.", "The position is required."))
        for field, value, limit in (("employer_name", employer, domain.EMPLOYER_MAX), ("position", position, domain.POSITION_MAX)):
            if len(value) > limit:
                raise _field_error(field, Msg("Isian terlalu panjang (paling banyak {n} karakter).",
                                              "Too long (at most {n} characters).").format(n=limit))
    today = timezone.localtime(now).date()
    with transaction.atomic(durable=True):
        card = _locked(card_id)
        by_office = card.person.user_id != actor.pk
        require(actor, "ak1.issue" if by_office else "ak1.report_own", card)
        _require_issued(card)
        reported = _reported(card)
        blocker = domain.report_blocker(issued_on=card.issued_on, today=today, reported=reported, ended_on=card.ended_on,
                                        outcome=report.outcome)
        if blocker is not None:
            raise Conflict(blocker, code=Code.AK1_REPORT_REFUSED)
        box = domain.open_box(issued_on=card.issued_on, today=today, reported=reported)
        if box is not None:
            JobSeekerReport.objects.create(card=card, box=box, outcome=report.outcome, reported_on=today, reported_at=now,
                                           reported_by=actor, by_office=by_office)
        if report.outcome == domain.ReportOutcome.EMPLOYED:
            start = report.start_date or today
            problem = domain.start_date_problem(start_date=start, birth_date=card.person.birth_date, today=today)
            if problem is not None:
                raise _field_error("start_date", problem)
            card.ended_on, card.employer_name, card.position = today, employer, position
            card.save(update_fields=["ended_on", "employer_name", "position"])
            placement = _found_work_placement(actor=actor, card=card, start_date=start, by_office=by_office, now=now)
            audit.record(actor=actor, action=Audit.AK1_ENDED, obj=card, at=now,
                         after={"box": box, "employer": employer, "position": position, "by_office": by_office,
                                "placement": placement.pk})
        else:
            audit.record(actor=actor, action=Audit.AK1_REPORTED, obj=card, at=now,
                         after={"box": box, "outcome": report.outcome, "by_office": by_office})
    return card


def _found_work_placement(*, actor: User, card: JobSeekerCard, start_date: dt.date, by_office: bool,
                          now: dt.datetime) -> Placement:
    """The work an AK/1 holder reported finding, as a placement record (source "alumnus": their own report, or
    "officer" when the regency office recorded it for them), in the card's transaction. Without it the office's own
    placement figures missed everyone placed through the card outside a hire in Sisnaker. Linked to the holder's
    latest graduation when there is one, with an outcome "employed" for that training, as the other reports are;
    the region is the holder's domicile regency."""
    from .reports import employed_outcome, latest_graduation

    person = Person.objects.select_related("domicile_district").get(pk=card.person_id)
    source = domain.PlacementSource.OFFICER if by_office else domain.PlacementSource.ALUMNUS
    placement = Placement.objects.create(
        person=person, employer_name=card.employer_name, position=card.position[: domain.TITLE_MAX], start_date=start_date,
        formal=True, domestic=True, source=source, regency_id=person.domicile_district.regency_id,
        enrollment=latest_graduation(person.pk), created_by=actor, created_at=now)
    audit.record(actor=actor, action=JobsAudit.PLACEMENT_RECORDED, obj=placement, at=now,
                 after={"person": person.pk, "ak1": card.pk, "start_date": start_date.isoformat(), "source": source,
                        "enrollment": placement.enrollment_id})
    employed_outcome(actor=actor, placement=placement, now=now)
    return placement


def ak1_end_on_hire(*, actor: User, person_id: int, employer_name: str, position: str, today: dt.date,
                    now: dt.datetime) -> int:
    """The employer who hires returns the card: inside the hiring transaction (``application_move``, whose
    permission check covers it), the person's valid issued card ends as "found work". Returns how many ended."""
    ended = 0
    for card in JobSeekerCard.objects.select_for_update().filter(person_id=person_id, status=domain.CardStatus.ISSUED,
                                                                 ended_on__isnull=True):
        if domain.validity(issued_on=card.issued_on, today=today) != domain.Validity.VALID:
            continue
        card.ended_on = today
        card.employer_name, card.position = employer_name[: domain.EMPLOYER_MAX], position[: domain.POSITION_MAX]
        card.save(update_fields=["ended_on", "employer_name", "position"])
        audit.record(actor=actor, action=Audit.AK1_ENDED, obj=card, at=now,
                     after={"box": None, "employer": card.employer_name, "position": card.position, "by_office": False,
                            "returned_by_employer": True})
        ended += 1
    return ended


UPDATABLE = ("marital_status", "address", "education", "other_training", "skills")


def ak1_update(*, actor: User, card_id: int, data: Ak1Application, now: dt.datetime) -> JobSeekerCard:
    """The holder reports changed data on a valid card (``ak1.report_own``): marital status, address, formal
    education, other training and skills. Name, birth and the NIK come from the person record and the
    signed card; they are not changed here."""
    values = _clean(data)
    today = timezone.localtime(now).date()
    with transaction.atomic(durable=True):
        card = _locked(card_id)
        require(actor, "ak1.report_own", card)
        _require_issued(card)
        if card.ended_on is not None or domain.validity(issued_on=card.issued_on, today=today) == domain.Validity.EXPIRED:
            raise Conflict(Msg("Data hanya dapat diubah pada kartu yang masih berlaku.",
                               "Data can only be changed on a card that is still valid."), code=Code.AK1_REPORT_REFUSED)
        before = {f: getattr(card, f) for f in UPDATABLE}
        after = {f: values[f] for f in UPDATABLE}
        changed = [f for f in UPDATABLE if before[f] != after[f]]
        if changed:
            for field in changed:
                setattr(card, field, after[field])
            card.save(update_fields=changed)
            # The address is personal data the audit trail does not need: which fields changed is enough.
            audit.record(actor=actor, action=Audit.AK1_UPDATED, obj=card, at=now, after={"changed": changed})
    return card


# Cards are looked at only when a box's due date is near: a few weeks of issue dates per box, not every card.
_REMINDER_MARGIN_DAYS = 3


REMINDER_SUBJECT = Msg("Laporan kartu AK/1", "AK/1 card report")
REMINDER_TEXT = Msg("Sisnaker: laporan ke-{box} kartu AK/1 {number} jatuh tempo {due}. Laporkan apakah Anda masih mencari "
                    "kerja atau sudah bekerja: {url}",
                    "Sisnaker: report {box} of AK/1 card {number} is due on {due}. Report whether you are still looking for "
                    "work or have found a job: {url}")


def ak1_reminders_send(*, now: dt.datetime) -> dict[str, int]:
    """Remind holders ``domain.REMINDER_DAYS`` before each report box is due (each box once per card, also when
    a run is missed: a box is reminded of until its window closes). Run by the housekeeping pass. Set-based:
    per box one query for the cards whose due date is near, one for their reports, bulk notifications, one
    UPDATE per box."""
    from sisnaker.notifications import services as notifications

    today = timezone.localtime(now).date()
    sent = 0
    for box in range(1, domain.REPORT_BOXES + 1):
        months = box * domain.REPORT_INTERVAL_MONTHS
        # due_on = issued_on + months ∈ [today - grace, today + reminder days]
        first = domain.add_months(today - dt.timedelta(days=domain.REPORT_GRACE_DAYS), -months)
        last = domain.add_months(today + dt.timedelta(days=domain.REMINDER_DAYS), -months)
        with transaction.atomic():
            cards = list(JobSeekerCard.objects.select_for_update(skip_locked=True).filter(
                status=domain.CardStatus.ISSUED, ended_on__isnull=True, reminded_box__lt=box,
                issued_on__gte=first - dt.timedelta(days=_REMINDER_MARGIN_DAYS),
                issued_on__lte=last + dt.timedelta(days=_REMINDER_MARGIN_DAYS),
            ).only("id", "person_id", "issued_on", "number", "reminded_box", "ended_on"))
            if not cards:
                continue
            reported: dict[int, dict[int, dt.date]] = {}
            for card_id, b, on in JobSeekerReport.objects.filter(card_id__in=[c.pk for c in cards]).values_list(
                    "card_id", "box", "reported_on"):
                reported.setdefault(card_id, {})[b] = on
            due = [c for c in cards if domain.reminder_due(issued_on=c.issued_on, today=today, reported=reported.get(c.pk, {}),
                                                            ended_on=c.ended_on, reminded_box=c.reminded_box) == box]
            if not due:
                continue
            url = f"{links.public_url().rstrip('/')}/penempatan/ak1/saya/"
            # Each holder in their language (``tell_people`` looks it up); one variant per card: its number and date.
            notifications.tell_people(topic=f"ak1_report_{box}", now=now, variants=[
                (REMINDER_SUBJECT, REMINDER_TEXT.format(box=box, number=c.number, url=url,
                                                        due=f"{domain.report_due_on(c.issued_on, box):%d-%m-%Y}"), [c.person_id])
                for c in due])
            JobSeekerCard.objects.filter(pk__in=[c.pk for c in due]).update(reminded_box=box)
            audit.record(actor=None, action=Audit.AK1_REMINDED, object_type="placement.jobseekercard", at=now,
                         after={"box": box, "reminded": len(due)})
            sent += len(due)
    return {"reminded": sent}


# --- the photo ----------------------------------------------------------------------------------------------

PHOTO_DIR = "ak1/photos"
PHOTO_NOT_FOUND = Msg("Kartu ini belum memiliki pas foto.", "This card has no photo.")


def _save_photo(files: storedfiles.WrittenAhead, jpeg: bytes) -> str:
    """Write the photo ahead of the transaction that refers to it (``storedfiles.WrittenAhead``: a refusal, a failure
    or a killed process leaves no file behind). Its name is random, spread over 256 folders by its first two hex
    digits; nothing in it says whose it is."""
    name = secrets.token_hex(16)
    return files.save(f"{PHOTO_DIR}/{name[:2]}/{name}.jpg", ContentFile(jpeg))


def _delete_with_transaction(path: str) -> None:
    """The replaced file goes once the change is committed, by a task queued with it (never lost to a crash after
    the COMMIT, which would keep someone's old photo for good)."""
    if path:
        enqueue_with_transaction(delete_stored_files, paths=[path])


def _require_photo(card: JobSeekerCard) -> None:
    """Issuing needs the holder's photo, and the new one if the office asked for it."""
    if not card.photo_path:
        raise Conflict(Msg("Pemohon belum mengunggah pas foto: kartu diterbitkan setelah fotonya ada. Pemohon dapat "
                           "mengunggahnya dari halaman permohonannya.",
                           "The applicant has not uploaded a photo yet: the card is issued once it is there. The applicant "
                           "can upload it from their application's page."), code=Code.AK1_PHOTO_MISSING)
    if card.photo_request:
        raise Conflict(Msg("Menunggu pas foto baru yang Anda minta dari pemohon ({reason}).",
                           "Waiting for the new photo you asked the applicant for ({reason}).").format(reason=card.photo_request),
                       code=Code.AK1_PHOTO_MISSING)


def ak1_photo_set(*, actor: User, card_id: int, photo_upload: bytes, now: dt.datetime) -> JobSeekerCard:
    """The holder uploads their photo (``ak1.report_own``): while the application waits (a first photo, or the
    new one the office asked for) or while the card is valid (a data change). The upload is checked and cleaned
    first (``photo.prepare``); the replaced file is deleted once the change is committed."""
    jpeg = photo.prepare(photo_upload)
    today = timezone.localtime(now).date()
    with storedfiles.WrittenAhead(now=now) as files:
        path = _save_photo(files, jpeg)
        with transaction.atomic(durable=True):
            return _photo_set(actor=actor, card_id=card_id, path=path, files=files, today=today, now=now)


def _photo_set(*, actor: User, card_id: int, path: str, files: storedfiles.WrittenAhead, today: dt.date,
               now: dt.datetime) -> JobSeekerCard:
    """``ak1_photo_set`` inside its transaction, the new photo already written ahead at ``path``."""
    card = _locked(card_id)
    require(actor, "ak1.report_own", card)
    blocker = photo.change_blocker(status=card.status, issued_on=card.issued_on, ended_on=card.ended_on, today=today)
    if blocker is not None:
        raise photo.change_conflict(blocker)
    old, requested = card.photo_path, card.photo_request
    card.photo_path, card.photo_request = path, ""
    card.save(update_fields=["photo_path", "photo_request"])
    files.keep(path)
    audit.record(actor=actor, action=Audit.AK1_PHOTO_CHANGED, obj=card, at=now,
                 after={"replaced": bool(old), "requested": bool(requested), "status": card.status})
    _delete_with_transaction(old)
    return card


def ak1_photo_request(*, actor: User, card_id: int, reason: str, now: dt.datetime) -> JobSeekerCard:
    """A placement officer of the card's regency office (``ak1.issue``) asks the applicant of a waiting
    application for a new photo, saying why (blurred, not a face, not recent...). The application keeps
    waiting; issuing is refused until the new photo is uploaded. The applicant is told."""
    reason = _reason(reason, Msg("Tulis mengapa foto baru diperlukan (mis. buram, wajah tidak terlihat).",
                                 "Say why a new photo is needed (e.g. blurred, face not visible)."))
    from sisnaker.notifications import services as notifications

    with transaction.atomic(durable=True):
        card = _locked(card_id)
        require(actor, "ak1.issue", card)
        _require_waiting(card)
        card.photo_request = reason
        card.save(update_fields=["photo_request"])
        audit.record(actor=actor, action=Audit.AK1_PHOTO_REQUESTED, obj=card, reason=reason, at=now,
                     after={"had_photo": bool(card.photo_path)})
        url = f"{links.public_url().rstrip('/')}/penempatan/ak1/{card.pk}/foto/ganti/"
        notifications.notify(person=card.person, topic="ak1.photo_requested", subject="Pas foto kartu AK/1", now=now,
                             text=f"Sisnaker: dinas ketenagakerjaan {card.regency.name} meminta pas foto baru untuk permohonan "
                                  f"kartu AK/1 Anda: {reason[:200]}. Unggah foto baru: {url}")
    return card


def ak1_photo_read(*, actor: User, card_id: int) -> bytes:
    """The card's photo (a JPEG) for its holder and the officers of its regency office (``ak1.photo``); NotFound
    when there is none (not uploaded, or no longer kept)."""
    card = JobSeekerCard.objects.filter(pk=card_id).select_related("person").first()
    if card is None:
        raise NotFound(Msg("Kartu AK/1 tidak ditemukan.", "AK/1 card not found."), code=Code.AK1_NOT_FOUND)
    require(actor, "ak1.photo", card)
    if not card.photo_path or not default_storage.exists(card.photo_path):
        raise NotFound(PHOTO_NOT_FOUND, code=Code.AK1_NOT_FOUND)
    with default_storage.open(card.photo_path, "rb") as fh:
        return fh.read()


def ak1_card_open(*, actor: User, card_id: int, today: dt.date, printed: bool = False) -> CardPage:
    """Someone who may see the card (``ak1.view``) opens it: its page, or its PDF to print (``printed``). The holder
    opens their own freely; anyone else (an officer of its region, an administrator) opens a person's full record
    (NIK, address, religion, marital status, skills, certificates, reports), so it is logged as ``person.viewed`` on
    the holder (UU PDP) — what they see under "Siapa yang membuka data lengkap saya" (``/privasi/saya/``)."""
    with transaction.atomic(durable=True):
        page = card_page(viewer=actor, card_id=card_id, today=today)
        card = page.card
        if printed and card.status != domain.CardStatus.ISSUED:
            raise NotFound(Msg("Kartu AK/1 ini belum diterbitkan: belum ada kartu untuk dicetak.",
                               "This AK/1 card has not been issued: there is no card to print yet."), code=Code.AK1_NOT_FOUND)
        if card.person.user_id is None or card.person.user_id != actor.pk:
            what = f"kartu AK/1 {card.number}" if card.number else f"permohonan kartu AK/1 #{card.pk}"
            audit.record(actor=actor, action=AccountsAudit.PERSON_VIEWED, obj=card.person,
                         reason=f"cetak {what}" if printed else what)
    return page


def ak1_photos_delete_expired(*, now: dt.datetime) -> int:
    """Housekeeping: delete the photos no longer kept (``photo.delete_on``: ``photo.KEEP_DAYS`` after a refusal,
    after the card ended or expired), clear their path and record it; returns how many. Each card is claimed under
    a lock and checked again, so concurrent or repeated runs delete nothing twice; a file already gone is no error.
    One query reads the candidates by date (a superset: the pure rule narrows it), at most 10,000 a run."""
    today = timezone.localtime(now).date()
    keep = dt.timedelta(days=photo.KEEP_DAYS)
    # Expired: expires_on(issued_on) + keep <= today  ⇒  issued_on <= today - keep - 2 years (a day's margin for 29 Feb).
    expired_by = domain.add_months(today - keep, -12 * domain.VALID_YEARS) + dt.timedelta(days=1)
    candidates = JobSeekerCard.objects.exclude(photo_path="").filter(
        Q(status=domain.CardStatus.REFUSED, decided_at__lte=now - keep + dt.timedelta(days=1))
        | Q(status=domain.CardStatus.ISSUED, ended_on__lte=today - keep)
        | Q(status=domain.CardStatus.ISSUED, issued_on__lte=expired_by))
    deleted = 0
    for pk in list(candidates.values_list("pk", flat=True)[:10_000]):
        with transaction.atomic(durable=True):
            card = JobSeekerCard.objects.select_for_update().filter(pk=pk).exclude(photo_path="").first()
            if card is None:
                continue
            decided_on = timezone.localtime(card.decided_at).date() if card.decided_at else None
            due = photo.delete_on(status=card.status, decided_on=decided_on, issued_on=card.issued_on, ended_on=card.ended_on)
            if due is None or due > today:
                continue
            default_storage.delete(card.photo_path)
            card.photo_path, card.photo_request = "", ""
            card.save(update_fields=["photo_path", "photo_request"])
            audit.record(actor="system", action=Audit.AK1_PHOTO_DELETED, obj=card, at=now, after={"kept_until": due.isoformat()})
            deleted += 1
    return deleted
