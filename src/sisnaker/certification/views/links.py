"""Pages a personal link opens (``/l/``), on a phone, without a password.

``/l/<token>/`` checks the token (``services.personal_link_open``: rate limited, audited on first use), keeps
a capability for that one enrollment in the browser's session (the link's id, its enrollment and person —
not a log-in: ``request.user`` stays anonymous, so no page of the person's account opens) and leads straight
to the first step not done: the review → the work-readiness survey → "your steps" (the certificate, or what
it still waits for); a link sent for the employment survey leads to that survey (``employment``), which the
steps page also offers to an alumnus while its window is open. Every page re-checks the link (revoked or expired since: refused). Nothing of the
person is shown but their masked name. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sisnaker.core.errors import Conflict, NotFound, SisnakerError
from sisnaker.surveys import pages as survey_pages
from sisnaker.surveys import selectors as survey_selectors
from sisnaker.surveys import services as survey_services
from sisnaker.surveys.codes import Code as SurveyCode
from sisnaker.surveys.domain import EMPLOYMENT_CODE, READINESS_CODE, AnswersInvalid
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P

from .. import domain, pdf, selectors, services, survey_rules
from ..codes import Code
from ..forms import ReviewForm
from ..pages import LINK_CODES, link_page
from ..services.links import SESSION_KEY, session_holder
from .certificates import _attachment

NEXT_URL = {"reviewed": "links:review", "survey": "links:survey", "done": "links:steps"}


def _holder(request: HttpRequest):
    return session_holder(request.session)


def _next(enrollment_id: int) -> str:
    row = selectors.readiness_for(enrollment=enrollment_id)
    return NEXT_URL[domain.link_next_step(row.readiness)] if row else "links:steps"


@link_page
@require_GET
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    link = services.personal_link_open(token=token)
    # A fresh session key: whatever the browser held before, the capability starts in a session of its own.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"link": link.pk, "enrollment": link.enrollment_id, "person": link.enrollment.person_id}
    # An employment-survey link leads to that survey (the steps page once it is filled or closed).
    response = redirect("links:employment" if link.purpose == domain.LINK_PURPOSE_EMPLOYMENT else _next(link.enrollment_id))
    # The token is in this URL only: the pages it leads to have none, and this answer is never a referrer.
    response["Referrer-Policy"] = "no-referrer"
    return response


@link_page
@require_GET
def steps(request: HttpRequest) -> HttpResponse:
    holder = _holder(request)
    enrollment = services.holder_enrollment(holder)
    row = selectors.readiness_for(enrollment=enrollment.pk)
    program = enrollment.program
    readiness = row.readiness
    review_blocker = domain.review_blocker(program_status=program.status, state=enrollment.state)
    survey_blocker = domain.readiness_survey_refusal(state=enrollment.state, program_status=program.status)
    person = enrollment.person
    employment = _employment_step(enrollment)
    # Not yet competent or not passed: the result per unit and the person's own steps, never a certificate.
    result_only = readiness.not_competent and not readiness.certified
    return render(request, "certification/links/steps.html", {
        "name": domain.mask_name(person.full_name), "program": program, "enrollment": enrollment,
        "readiness": readiness, "result_only": result_only,
        "units": selectors.unit_results(enrollment=enrollment) if result_only else [], "review_blocker": str(review_blocker or ""), "survey_blocker": str(survey_blocker or ""),
        "certificate": (downloadable := row.certificate_id is not None and selectors.certificate_downloadable(enrollment_id=enrollment.pk)),
        "revoked": row.certificate_id is not None and not downloadable,
        "expires_at": selectors.link_expiry(link_id=holder.link_id),
        "provisional": person.user_id is None, "employment": employment,
    })


@link_page
def review(request: HttpRequest) -> HttpResponse:
    holder = _holder(request)
    enrollment = services.holder_enrollment(holder)
    program = enrollment.program
    if selectors.review_of(enrollment=enrollment) is not None:
        return redirect(_next(enrollment.pk))
    blocker = domain.review_blocker(program_status=program.status, state=enrollment.state)
    if blocker is not None:
        return redirect("links:steps")
    form = ReviewForm(request.POST or None, instructors=selectors.program_instructors(program=program))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.review_submit(
                    actor=holder, enrollment=enrollment, rating=d["rating"], text=d["text"],
                    instructor=form.instructors.get(d["instructor"]) if d["instructor"] else None,
                    instructor_rating=d["instructor_rating"], now=timezone.now(),
                )
            except SisnakerError as exc:
                if exc.code in LINK_CODES:
                    raise
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("Terima kasih! Ulasan Anda sudah kami terima."))
                return redirect(_next(enrollment.pk))
        status = 400
    return render(request, "certification/links/review.html", {
        "program": program, "form": form, "has_instructors": bool(form.instructors), "stars": range(1, 6),
        "step": 1, "name": domain.mask_name(enrollment.person.full_name),
    }, status=status)


def _employment_step(enrollment) -> dict | None:
    """The employment survey on the steps page: None unless the enrollment is an alumnus'; else whether it is
    filled, and its window with what (if anything) stands in the way today."""
    if enrollment.state != E.GRADUATED or enrollment.program.status != P.CLOSED:
        return None
    completed = survey_rules.completed_on_of([enrollment])[enrollment.pk]
    window = survey_rules.employment_window(enrollment, completed=completed)
    refusal = survey_rules.employment_refusal(enrollment, completed=completed)
    return {"done": survey_selectors.response_for(code=EMPLOYMENT_CODE, enrollment=enrollment) is not None,
            "open": refusal is None, "refusal": str(refusal or ""), "last": window.last}


def _fill(request: HttpRequest, *, code: str, template: str, step: int) -> HttpResponse:
    """A questionnaire of the link's enrollment (the work-readiness or the employment survey): the form, its
    answers sent through the survey engine with the link as the actor, then the steps page."""
    holder = _holder(request)
    enrollment = services.holder_enrollment(holder)
    person = enrollment.person
    if survey_selectors.response_for(code=code, enrollment=enrollment) is not None:
        return redirect("links:steps")
    version = survey_services.questionnaire_current(code=code)
    try:
        survey_services.response_check(actor=holder, code=code, person=person, enrollment=enrollment)
    except Conflict:
        return redirect("links:steps")  # not now: the steps page says why
    english, now = survey_pages.english(), timezone.now()
    raw: dict = {}
    errors: dict = {}
    summary = ""
    if request.method == "POST":
        raw = survey_pages.raw_answers(request, version)
        try:
            survey_services.response_submit(actor=holder, code=code, person=person, enrollment=enrollment, answers=raw, now=now)
        except AnswersInvalid as exc:
            errors, summary = exc.errors, str(exc.message)
        except Conflict as exc:
            if exc.code != SurveyCode.SURVEY_ALREADY_FILLED:
                raise
            return redirect("links:steps")
        else:
            messages.success(request, _("Terima kasih! Jawaban survei Anda sudah tersimpan."))
            return redirect("links:steps")
    return render(request, template, {
        "t": survey_pages.UI, "q": survey_pages.titles(version.questionnaire), "program": enrollment.program, "summary": summary,
        "questions": survey_pages.question_rows(version, raw=raw, errors=errors, english=english, today=timezone.localdate(now)),
        "step": step, "name": domain.mask_name(person.full_name),
    }, status=400 if errors else 200)


@link_page
def survey(request: HttpRequest) -> HttpResponse:
    return _fill(request, code=READINESS_CODE, template="certification/links/survey.html", step=2)


@link_page
def employment(request: HttpRequest) -> HttpResponse:
    """The employment survey (survei kebekerjaan) of an alumnus, while its window is open."""
    return _fill(request, code=EMPLOYMENT_CODE, template="certification/links/employment.html", step=0)


@link_page
@require_GET
def certificate(request: HttpRequest) -> HttpResponse:
    holder = _holder(request)
    try:
        cert = services.personal_link_certificate(holder=holder)
    except NotFound as exc:
        if exc.code != Code.LINK_NO_CERTIFICATE:
            raise
        messages.info(request, str(exc.message))
        return redirect("links:steps")
    return _attachment(cert, pdf.certificate_pdf(cert), "application/pdf", "pdf")
