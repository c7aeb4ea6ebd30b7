"""The citizen's "Pelatihan saya" (``/pelatihan/saya/``): each enrollment with what training says (its
state, the next step, whether they may withdraw or report "not me") and what certification adds (the
review and the work-readiness survey on the way to the certificate). Three queries whatever the number
of enrollments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from sisnaker.accounts.models import Person, User
from sisnaker.accounts.selectors import person_for_user
from sisnaker.core.errors import Conflict, Msg
from sisnaker.surveys import selectors as surveys
from sisnaker.surveys.domain import EMPLOYMENT_CODE, READINESS_CODE
from sisnaker.training import domain as training_domain
from sisnaker.training import selectors as training_selectors
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment, Program

from .. import domain, survey_rules
from ..models import Certificate, Review, current_of


def survey_url(enrollment_id: int) -> str:
    """The work-readiness survey of one enrollment."""
    return reverse("surveys:fill", args=(READINESS_CODE, enrollment_id))


@dataclass(frozen=True)
class MySteps:
    """The citizen's certificate steps for one enrollment."""

    applies: bool          # participant of a running program, or alumnus / not passed
    reviewed: bool
    survey_done: bool
    review_url: str
    survey_url: str
    # The employment survey (alumni, in its window after graduation): open now, filled, its URL and last day.
    employment_open: bool = False
    employment_done: bool = False
    employment_url: str = ""
    employment_last: dt.date | None = None


def my_steps(*, enrollments: list[Enrollment]) -> dict[int, MySteps]:
    """Review, readiness-survey and employment-survey status per enrollment, in four queries (``enrollment.program``
    loaded), and one per module that sets its own training end day (``survey_rules.COMPLETED_AT``)."""
    ids = [e.pk for e in enrollments]
    reviewed = set(Review.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", flat=True)) if ids else set()
    surveyed = surveys.has_responded(code=READINESS_CODE, enrollment_ids=ids)
    alumni = [e for e in enrollments if e.state == E.GRADUATED and e.program.status == P.CLOSED]
    employed = surveys.has_responded(code=EMPLOYMENT_CODE, enrollment_ids=[e.pk for e in alumni])
    completed = survey_rules.completed_on_of(alumni)
    out = {}
    for e in enrollments:
        is_alumnus = e in alumni
        out[e.pk] = MySteps(
            applies=domain.review_blocker(program_status=e.program.status, state=e.state) is None,
            reviewed=e.pk in reviewed, survey_done=e.pk in surveyed,
            review_url=reverse("certification:review", args=(e.pk,)), survey_url=survey_url(e.pk),
            employment_open=is_alumnus and survey_rules.employment_refusal(e, completed=completed[e.pk]) is None,
            employment_done=e.pk in employed,
            employment_url=reverse("surveys:fill", args=(EMPLOYMENT_CODE, e.pk)) if is_alumnus else "",
            employment_last=survey_rules.employment_window(e, completed=completed[e.pk]).last if is_alumnus else None,
        )
    return out


def _can_withdraw(enrollment: Enrollment, *, not_me: bool = False, certified: bool = False) -> bool:
    try:
        training_domain.self_withdraw_next_state(state=enrollment.state, program_status=enrollment.program.status,
                                                 by_others=enrollment.source != Enrollment.Source.SELF, not_me=not_me,
                                                 certified=certified)
    except Conflict:
        return False
    return True


@dataclass(frozen=True)
class MyTraining:
    e: Enrollment
    program: Program
    next_step: Msg
    state: str                 # its label, in the active language
    can_withdraw: bool
    by_others: bool            # enrolled by the institution (import, staff)
    can_report: bool           # may say "not me" and leave
    steps: MySteps
    certificate: Certificate | None = None   # once issued, the page links to it instead of the steps


def _certificate_of(enrollment: Enrollment) -> Certificate | None:
    """The enrollment's certificate (the standing one, else its latest revoked), prefetched with it by
    training's ``my_trainings`` (no query)."""
    return current_of(enrollment.certificates.all())


def _certificate_step(cert: Certificate) -> Msg:
    """The next step once the certificate exists: nothing to attend or fill any more."""
    if cert.revoked_at:
        return Msg(f"Sertifikat {cert.number} telah dicabut. Hubungi lembaga pelatihan bila ada pertanyaan.",
                   f"Certificate {cert.number} has been revoked. Contact the training institution with any questions.")
    return Msg(f"Sertifikat Anda sudah terbit ({cert.number}): unduh PDF-nya atau tunjukkan kode QR-nya kepada pemberi kerja.",
               f"Your certificate has been issued ({cert.number}): download its PDF or show its QR code to employers.")


def my_trainings(*, user: User, person: Person | None = None) -> tuple[Person | None, list[MyTraining]]:
    """The signed-in user's citizen profile (None for a staff account) and their trainings, newest first. ``person``:
    the user's profile when the caller has read it already (the home page)."""
    person = person or person_for_user(user=user)
    if person is None:
        return None, []
    trainings = training_selectors.my_trainings(person=person)
    steps = my_steps(enrollments=[t.enrollment for t in trainings])
    items = []
    for t in trainings:
        e = t.enrollment
        by_others = e.source != Enrollment.Source.SELF
        cert = _certificate_of(e)
        items.append(MyTraining(
            e=e, program=e.program, next_step=_certificate_step(cert) if cert else t.next_step,
            state=str(training_domain.state_label(e.state)),
            # Once a certificate exists: no withdrawing, no "not me" (the services refuse it too).
            can_withdraw=_can_withdraw(e, certified=cert is not None),
            by_others=by_others, can_report=by_others and _can_withdraw(e, not_me=True, certified=cert is not None),
            steps=steps[e.pk], certificate=cert,
        ))
    return person, items


@dataclass(frozen=True)
class Todo:
    """Something the citizen should do for one of their trainings, for the home page: what, where, by when."""

    text: Msg
    url: str
    program: str
    last_day: dt.date | None = None


# How long after a training closed its review and survey stay on the alumnus' home page while the certificate waits
# for them ("Pelatihan saya" keeps offering them after that).
TODO_DAYS_AFTER_CLOSE = 180


def my_todo(items: list[MyTraining], *, today: dt.date) -> list[Todo]:
    """What "Pelatihan saya" asks of the citizen, gathered for the home page (no query): the review and the
    work-readiness survey a certificate waits for (a participant of a running training, an alumnus of one closed in
    the last ``TODO_DAYS_AFTER_CLOSE`` days; never someone who did not pass: no certificate waits), and the
    employment survey while its window is open."""
    out = []
    for item in items:
        steps, e = item.steps, item.e
        waits = (item.certificate is None and steps.applies and e.state in (E.PARTICIPANT, E.GRADUATED)
                 and (e.program.closed_on is None or (today - e.program.closed_on).days <= TODO_DAYS_AFTER_CLOSE))
        if waits:
            if not steps.reviewed:
                out.append(Todo(Msg("Beri ulasan pelatihan", "Review the training"),
                                steps.review_url, item.program.title))
            if not steps.survey_done and domain.readiness_survey_refusal(state=e.state, program_status=e.program.status) is None:
                out.append(Todo(Msg("Isi survei kesiapan kerja", "Fill in the work-readiness survey"),
                                steps.survey_url, item.program.title))
        if steps.employment_open and not steps.employment_done:
            out.append(Todo(Msg("Isi survei kebekerjaan", "Fill in the employment survey"),
                            steps.employment_url, item.program.title, steps.employment_last))
    return out
