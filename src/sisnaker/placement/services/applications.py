"""Applications: a job seeker applies to a published, open vacancy of an approved company (once per vacancy: a
database constraint); their valid AK/1 card and standing training certificates are attached by reference. The
company's staff move it through ``domain.APPLICATION_TRANSITIONS``; hiring records a ``Placement`` (source
"application") linked to the application and vacancy, and raises the vacancy's filled count (the vacancy is
marked filled when every position is)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.certification.selectors.certificates import certificates_of_person
from sisnaker.core import audit, links
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.notifications.services import notify, notify_many

from .. import domain
from ..codes import JobsAudit, JobsCode
from ..models import Application, Company, Placement, Vacancy
from ..selectors import valid_card
from .ak1 import ak1_end_on_hire
from .reports import employed_outcome, latest_graduation, refuse_if_at_work

NOTE_MAX = 1000
NOT_A_CITIZEN = Msg("Lamaran dikirim dari akun warga yang terdaftar dengan NIK.",
                    "Applications are sent from a citizen account registered with a NIK.")
VACANCY_NOT_FOUND = Msg("Lowongan tidak ditemukan.", "Vacancy not found.")


@transaction.atomic(durable=True)
def application_submit(*, actor: User, vacancy_id: int, cover_note: str = "", now: dt.datetime) -> Application:
    person = getattr(actor, "person", None)
    if person is None:
        raise PermissionDenied(NOT_A_CITIZEN)
    require(actor, "application.apply_own", person)
    note = (cover_note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(Msg("Catatan paling banyak {n} karakter.", "The note is at most {n} characters.").format(n=NOTE_MAX),
                               code=JobsCode.VACANCY_FIELD, field="cover_note")
    vacancy = Vacancy.objects.select_related("company").filter(pk=vacancy_id).first()
    today = timezone.localtime(now).date()
    # A vacancy that is not public answers as one that does not exist.
    if vacancy is None or vacancy.status == domain.VacancyStatus.DRAFT or not vacancy.company.is_approved:
        raise NotFound(VACANCY_NOT_FOUND, code=JobsCode.VACANCY_NOT_FOUND)
    if not domain.is_open(status=vacancy.status, opens_on=vacancy.opens_on, closes_on=vacancy.closes_on, today=today):
        raise Conflict(Msg("Lowongan ini tidak sedang menerima lamaran.", "This vacancy is not taking applications now."),
                       code=JobsCode.VACANCY_NOT_OPEN)
    if Application.objects.filter(vacancy=vacancy, person=person).exists():
        raise Conflict(Msg("Anda sudah melamar lowongan ini.", "You have already applied to this vacancy."), code=JobsCode.APPLICATION_EXISTS)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                vacancy=vacancy, person=person, ak1_card=valid_card(person_id=person.pk, today=today), cover_note=note,
                stage=domain.Stage.APPLIED, applied_at=now, stage_changed_at=now, stage_changed_by=actor)
    except IntegrityError as exc:  # a double click racing itself
        raise Conflict(Msg("Anda sudah melamar lowongan ini.", "You have already applied to this vacancy."),
                       code=JobsCode.APPLICATION_EXISTS) from exc
    certificates = certificates_of_person(person_id=person.pk)
    application.certificates.set(certificates)
    audit.record(actor=actor, action=JobsAudit.APPLICATION_SUBMITTED, obj=application,
                 after={"vacancy": vacancy.pk, "ak1_card": application.ak1_card_id, "certificates": [c.pk for c in certificates]},
                 at=now)
    return application


def close_applications_after_commit(*, actor: User, vacancy_id: int, now: dt.datetime) -> None:
    """Once the transaction that filled the vacancy has committed, close its applications still under way
    (``applications_close_for_filled``). Not in that transaction: the rows it would update may be held by hires racing
    for the last position, which wait for the company and vacancy rows that transaction holds (a deadlock); after
    commit it holds nothing they wait for, and they give up (``vacancy_full``) and let go. Robust: a failure is
    logged and never undoes the hire or report."""
    transaction.on_commit(lambda: applications_close_for_filled(actor=actor, vacancy_id=vacancy_id, now=now), robust=True)


@transaction.atomic(durable=True)
def applications_close_for_filled(*, actor: User | None, vacancy_id: int, now: dt.datetime) -> int:
    """Every application of a filled vacancy still under way (not hired, not rejected) is closed as "not selected"
    with ``domain.FILLED_NOTE``, and its applicant told (``domain.filled_news``): without this they waited for an
    answer that could not come, the vacancy being full. Locks only those applications (in id order), nothing else;
    one UPDATE, one audit row per application, one bulk message. Returns how many (0 unless the vacancy is filled)."""
    vacancy = Vacancy.objects.select_related("company").filter(pk=vacancy_id).first()
    if vacancy is None or vacancy.status != domain.VacancyStatus.FILLED:  # a filled vacancy stays filled: no lock needed
        return 0
    waiting = list(Application.objects.select_for_update().filter(vacancy_id=vacancy.pk).exclude(stage__in=domain.Stage.FINAL)
                   .order_by("pk").values_list("pk", "person_id", "stage"))
    if not waiting:
        return 0
    Application.objects.filter(pk__in=[pk for pk, *_ in waiting]).update(
        stage=domain.Stage.REJECTED, stage_note=domain.FILLED_NOTE, stage_changed_at=now, stage_changed_by=actor)
    audit.record_many(actor=actor, action=JobsAudit.APPLICATION_MOVED, object_type="placement.application", reason=domain.FILLED_NOTE,
                      at=now, rows=[(pk, "", {"stage": stage}, {"stage": domain.Stage.REJECTED}) for pk, _, stage in waiting])
    subject, text = domain.filled_news(company=vacancy.company.name, position=vacancy.title,
                                       link=links.absolute(reverse("jobs:search")))
    notify_many(messages=[(person_id, subject, text) for _, person_id, _ in waiting], topic=f"vacancy.{vacancy.pk}.filled", now=now)
    return len(waiting)


# The closing after a filling commit has this long to run before the housekeeping pass takes it over.
FILLED_SWEEP_AFTER = dt.timedelta(minutes=15)


def applications_close_for_filled_due(*, now: dt.datetime) -> int:
    """Housekeeping (``settings.SISNAKER_HOUSEKEEPING``): close the applications still under way of vacancies filled
    more than ``FILLED_SWEEP_AFTER`` ago (``applications_close_for_filled``, the system as actor). The closing runs
    after the filling commit (``close_applications_after_commit``); if the process died in between, nothing else
    would ever answer those applicants. One query finds the vacancies; each is closed in its own transaction.
    Returns how many applications were closed."""
    waiting = Application.objects.filter(vacancy_id=OuterRef("pk")).exclude(stage__in=domain.Stage.FINAL)
    vacancies = list(Vacancy.objects.filter(status=domain.VacancyStatus.FILLED, ended_at__lte=now - FILLED_SWEEP_AFTER)
                     .filter(Exists(waiting)).order_by("pk").values_list("pk", flat=True))
    return sum(applications_close_for_filled(actor=None, vacancy_id=pk, now=now) for pk in vacancies)


@transaction.atomic(durable=True)
def application_move(*, actor: User, application_id: int, action: str, note: str = "", start_date: dt.date | None = None,
                     now: dt.datetime) -> Application:
    """The company's staff move an application one step (``domain.APPLICATION_TRANSITIONS``). ``hire`` needs the
    start date and records the placement; ``reject`` keeps ``note`` as the reason the applicant reads."""
    if action not in domain.APPLICATION_ACTIONS:
        raise ValidationFailed(Msg("Tindakan tidak dikenal.", "Unknown action."), code=JobsCode.APPLICATION_STAGE, field="action")
    application = (Application.objects.select_for_update(of=("self",)).select_related("vacancy__company", "person")
                   .filter(pk=application_id).first())
    if application is None:
        raise NotFound(Msg("Lamaran tidak ditemukan.", "Application not found."), code=JobsCode.APPLICATION_NOT_FOUND)
    require(actor, "application.move", application)
    to = domain.application_next_stage(action=action, stage=application.stage)
    if to is None:
        raise Conflict(Msg("Tindakan ini tidak berlaku untuk lamaran pada tahap \"{s}\".",
                           "This action does not apply to an application at stage \"{s}\".").format(s=application.get_stage_display()),
                       code=JobsCode.APPLICATION_STAGE)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(Msg("Catatan paling banyak {n} karakter.", "The note is at most {n} characters.").format(n=NOTE_MAX),
                               code=JobsCode.APPLICATION_STAGE, field="note")
    problem = domain.move_note_problem(action=action, note=note)
    if problem is not None:
        raise ValidationFailed(problem, code=JobsCode.APPLICATION_STAGE, field="note")
    before = {"stage": application.stage}
    placement = None
    if action == "hire":
        if start_date is None:
            raise ValidationFailed(Msg("Isi tanggal mulai bekerja.", "Give the start date."), code=JobsCode.APPLICATION_STAGE,
                                   field="start_date")
        problem = domain.start_date_problem(start_date=start_date, birth_date=application.person.birth_date,
                                            today=timezone.localtime(now).date(), ahead_days=domain.HIRE_START_AHEAD_DAYS)
        if problem is not None:
            raise ValidationFailed(problem, code=JobsCode.APPLICATION_STAGE, field="start_date")
        # The company's row first, as its staff's reports lock it: one record of a person at work there at a time.
        company = Company.objects.select_for_update().get(pk=application.vacancy.company_id)
        vacancy = Vacancy.objects.select_for_update().get(pk=application.vacancy_id)  # filled count: one hire at a time
        blocker = domain.hire_blocker(filled=vacancy.filled, openings=vacancy.openings)
        if blocker is not None:
            raise Conflict(blocker, code=JobsCode.VACANCY_FULL)
        refuse_if_at_work(person_id=application.person_id, company=company)
        # The training the hire follows (the latest graduation), so that it counts as that training's outcome.
        enrollment = latest_graduation(application.person_id)
        placement = Placement.objects.create(
            person=application.person, company=company, employer_name=company.name, position=vacancy.title, start_date=start_date,
            sector=company.sector, formal=True, domestic=True, source=domain.PlacementSource.APPLICATION, vacancy=vacancy,
            application=application, regency=vacancy.regency, enrollment=enrollment, created_by=actor, created_at=now)
        employed_outcome(actor=actor, placement=placement, now=now)
        # The employer who hires returns the AK/1 card: it ends as "found work" and needs no more reports.
        ak1_end_on_hire(actor=actor, person_id=application.person_id, employer_name=company.name, position=vacancy.title,
                        today=timezone.localtime(now).date(), now=now)
        Vacancy.objects.filter(pk=vacancy.pk).update(filled=F("filled") + 1, updated_at=now)
        vacancy.refresh_from_db(fields=["filled", "status"])
        if vacancy.filled >= vacancy.openings and vacancy.status == domain.VacancyStatus.PUBLISHED:
            Vacancy.objects.filter(pk=vacancy.pk).update(status=domain.VacancyStatus.FILLED, ended_at=now)
            audit.record(actor=actor, action=JobsAudit.VACANCY_FILLED, obj=vacancy, before={"status": vacancy.status},
                         after={"status": domain.VacancyStatus.FILLED, "filled": vacancy.filled}, reason="every position hired", at=now)
            close_applications_after_commit(actor=actor, vacancy_id=vacancy.pk, now=now)
    application.stage, application.stage_note = to, note
    application.stage_changed_at, application.stage_changed_by = now, actor
    application.save(update_fields=["stage", "stage_note", "stage_changed_at", "stage_changed_by"])
    audit.record(actor=actor, action=JobsAudit.APPLICATION_MOVED, obj=application, before=before, after={"stage": to},
                 reason=note, at=now)
    if placement is not None:
        audit.record(actor=actor, action=JobsAudit.PLACEMENT_RECORDED, obj=placement,
                     after={"person": placement.person_id, "company": placement.company_id, "vacancy": placement.vacancy_id,
                            "start_date": start_date.isoformat(), "source": placement.source}, at=now)
    # The applicant hears of every step (an interview invitation reached nobody who did not open "Lamaran saya").
    news = domain.stage_news(stage=to, company=application.vacancy.company.name, position=application.vacancy.title, note=note,
                             start_date=start_date, link=links.absolute(reverse("placement:my_applications")))
    if news is not None:
        notify(person=application.person, topic=f"application.{application.pk}.{to}", subject=news[0], text=news[1], now=now)
    return application
