"""Layout-level pages: home and health check, and Django's own error handlers (400/403/404/500), built on
the one error page (``core.pages.error_page``; never a traceback)."""

import sys

from django import db
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from sisnaker.accounts import selectors as account_selectors
from sisnaker.certification import selectors as certification_selectors
from sisnaker.core import pages
from sisnaker.core.errors import SisnakerError
from sisnaker.core.permissions import can
from sisnaker.core.roles import Role
from sisnaker.institutions import selectors as institution_selectors
from sisnaker.placement import selectors as placement_selectors
from sisnaker.privacy import selectors as privacy_selectors
from sisnaker.training import domain as training_domain
from sisnaker.training import selectors as training_selectors


def home(request: HttpRequest) -> HttpResponse:
    """Everyone's start page; a signed-in user sees their own work with counts, each role's in a fixed
    number of queries (tests/certification/test_finding.py, tests/web/test_home_todo.py): the approver's queue of institutions, the regional
    officer's open identity disputes, the instructor's programs with participants not yet assessed, the
    manager's certificates blocked or ready to issue, the citizen's reviews and surveys to fill in, the employer's
    applications waiting for a first look."""
    context = {}
    user = request.user
    if user.is_authenticated:
        context["dashboard"] = account_selectors.home_for(user=user)
        roles = {g.role for g in user.grants}
        today = timezone.localdate()
        taught = training_selectors.programs_taught(user=user, today=today)
        gaps = certification_selectors.assessment_gaps(program_ids=[p.pk for p in taught])
        # An instructor's programs, each one click from its assessment grid; one started early says when its
        # assessment opens instead of a to-do the grid would refuse.
        context["teaching"] = [
            {"program": p, "status": str(training_domain.status_label(p.status)), "not_assessed": gaps.get(p.pk, 0),
             "opens": p.start_date if p.start_date > today else None}
            for p in taught
        ]
        # A citizen's to-dos from "Pelatihan saya" (the review and surveys a certificate or the alumni count waits
        # for) and an employer's applications nobody has looked at yet: each one click from where it is done.
        if context["dashboard"].person is not None:
            _person, items = certification_selectors.my_trainings(user=user, person=context["dashboard"].person)
            context["todo"] = certification_selectors.my_todo(items, today=today)
            context["active_trainings"] = sum(1 for it in items if it.e.state in training_domain.ACTIVE_STATES)
        if Role.EMPLOYER in roles:
            context["waiting_applications"] = placement_selectors.applications_waiting(user=user)
        context["work"] = {
            "approvals": institution_selectors.queue_counts(viewer=user)["pending"]
            if institution_selectors.may_review_any(viewer=user) else None,
            "disputes": account_selectors.disputes_in_scope(viewer=user).count()
            if roles & {Role.REGIONAL_OFFICER, Role.ADMIN} else None,
            "certificates": certification_selectors.certificate_work(user=user),
            "privacy": privacy_selectors.open_count(actor=user) if can(user, "privacy.queue") else None,
        }
        context["can_register_institution"] = can(user, "institution.register")
        # Money: a finance officer's desk; a manager's institution payout account (its training fees).
        context["payments_desk"] = can(user, "payment.list")
        context["payout_institutions"] = sorted({g.institution_id for g in user.grants
                                                 if g.role == Role.INSTITUTION_MANAGER and g.institution_approved})
        # A manager's programs, each one click from its page (a new batch, the import, start and close).
        context["managing"] = [
            {"program": p, "status": str(training_domain.status_label(p.status))}
            for p in training_selectors.programs_managed(user=request.user)
        ]
    return render(request, "web/home.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponsePermanentRedirect(static("sisnaker/favicon.svg"))


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Django's handlers (settings: handler400 … handler500 in sisnaker/urls.py).

def bad_request(request, exception=None):
    if isinstance(exception, SisnakerError):  # a refusal that says what is wrong (e.g. core.nul)
        return pages.error_page(request, 400, exception.message)
    return pages.error_page(request, 400, _("Periksa kembali isian Anda lalu coba lagi."))


def forbidden(request, exception=None):
    return pages.error_page(request, 403, _("Anda tidak berwenang membuka halaman ini."))


def csrf_failure(request, reason=""):
    """Django's CSRF refusal (settings.CSRF_FAILURE_VIEW) as the product's page, in the user's language: a form
    kept open too long on a phone, cookies blocked, or a form posted from another site. Nothing was saved."""
    return pages.error_page(request, 403, _(
        "Formulir ini tidak dapat diterima karena sesinya sudah kedaluwarsa atau cookie diblokir. Tidak ada yang "
        "tersimpan. Muat ulang halaman, isi lagi, lalu kirim; pastikan browser Anda mengizinkan cookie untuk situs ini."),
        title=_("Formulir kedaluwarsa"), code="csrf_failed")


def not_found(request, exception=None):
    return pages.error_page(request, 404, _("Alamat yang Anda buka tidak ada atau sudah dipindahkan."))


def server_error(request):
    # Django calls this inside its except block: the exception at hand tells a lost database (answered
    # 503 "try again", core.pages.unavailable_page) from a bug (500, logged by Django either way).
    if isinstance(sys.exc_info()[1], (db.OperationalError, db.InterfaceError)):
        return pages.unavailable_page(request)
    return pages.error_page(request, 500, _("Maaf, terjadi kesalahan di server dan sudah dicatat. Silakan coba lagi."))

