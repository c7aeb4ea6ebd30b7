"""Training pages: the public catalogue and program page, a citizen's trainings, an institution's program
list, the manager's program page (status, enrollment table with bulk actions, recording a person),
program forms and reference data.

Views only parse input, call one service or selector, and render. A page the reader may not open, or
that does not exist, is a refusal that rises (``core.pages.RefusalMiddleware`` renders it); a refused
form shows the reason on its field (``core.pages.apply_error``); the outcome of an action is a message.

What certification knows about a program (participants' ratings, assessment and certificate pages) comes
through ``{% fragment %}`` tags and the ``training.program_ratings`` extension point, never an import."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sisnaker.accounts import selectors as account_selectors
from sisnaker.accounts.models import Person
from sisnaker.core import crypto, extensions, replica, search
from sisnaker.core.errors import Msg, NotFound, PermissionDenied, SisnakerError
from sisnaker.core.pages import apply_error
from sisnaker.core.paging import CappedKeysFirstPaginator, KnownCountKeysFirstPaginator
from sisnaker.core.permissions import can
from sisnaker.institutions import domain as institution_domain
from sisnaker.institutions import selectors as institution_selectors
from sisnaker.regions import nik as nik_rules

from . import domain, moves, selectors, services
from .codes import Code
from .forms import (
    BULK_ACTIONS,
    BatchForm,
    BulkForm,
    CatalogueForm,
    CompetencyUnitForm,
    EnrollmentFilterForm,
    InstructorsForm,
    ProgramActionForm,
    ProgramConfirmForm,
    ProgramForm,
    RecordForm,
    VocationalFieldForm,
)
from .models import CompetencyUnit, Enrollment, Program, VocationalField

CATALOGUE_PAGE_SIZE = 20
TABLE_PAGE_SIZE = 100
TABLE_COUNT_CAP = 10_000  # rows counted for a search or a combined filter (the counters know the others)
TABLE_MAX_PAGE_SIZE = 5000
RESULT_ACTIONS = ("passed", "failed", "pending")
# Steps that open a confirmation page saying what they will do (``program_confirm``) before they happen.
CONFIRM_ACTIONS = ("start", "close", "cancel")


# Who may open which page (the refusal page says it in the reader's language).
FORBIDDEN = Msg("Anda tidak berwenang membuka halaman ini.", "You are not authorised to open this page.")
STAFF_ONLY = Msg("Halaman ini hanya untuk staf lembaga penyelenggara program.", "This page is only for staff of the programme's institution.")
MANAGERS_CREATE = Msg("Hanya pengelola lembaga ini yang dapat membuat program.", "Only this institution's managers can create programmes.")
MANAGERS_EDIT = Msg("Hanya pengelola lembaga ini yang dapat mengubah program.", "Only this institution's managers can edit programmes.")
CURATORS_ONLY = Msg("Data referensi kejuruan dan unit kompetensi hanya dapat diubah oleh kurator Kementerian.",
                    "Vocational field and competency unit reference data can only be changed by Ministry curators.")
INSTITUTION_STAFF_ONLY = Msg("Daftar program ini hanya untuk staf lembaga.", "This programme list is only for the institution's staff.")
NOT_PUBLIC = Msg("Program tidak ditemukan atau belum dibuka untuk umum.", "Programme not found or not yet open to the public.")
# Extension point: {program_id: rating} for a page of the catalogue (a provider registers it, e.g. the
# participants' reviews); a rating has ``average`` (one decimal) and ``count``. Empty when none is installed.
PROGRAM_RATINGS = "training.program_ratings"
# Extension point: (viewer, program, enrollment_ids) → {enrollment id: {"number", "revoked", "url"}}, the
# certificates certification issued for those enrollments; "url" (its page) empty for who may not open it.
ENROLLMENT_CERTIFICATES = "training.enrollment_certificates"


def _not_found(text: str) -> NotFound:
    # Only ``withdraw`` (a citizen's trainings, moving to certification) words its refusal with gettext.
    return NotFound(Msg(text, text), code=Code.ENROLLMENT_NOT_FOUND)


def _small_int(raw, default: int | None = None) -> int | None:
    """A non-negative integer from a query/form string, or ``default``: ASCII digits only (``"²".isdigit()``
    is True but ``int("²")`` fails) and at most 9 of them (``int()`` refuses over 4300 digits)."""
    raw = str(raw if raw is not None else "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else default


def _page_number(params) -> int:
    page = _small_int(params.get("page", "1"), 1)
    return page if page > 0 else 1


def _today():
    return timezone.localdate()


# --- public catalogue and program page ---------------------------------------------------------

@require_GET
@replica.reads()  # public and read-only: a replica may serve it (core/replica.py)
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET or None)
    filters = selectors.CatalogueFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.CatalogueFilters(
            q=d["q"].strip(), province=d["province"], regency=getattr(d.get("regency_obj"), "code", ""),
            vocational_field=d["vocational_field"].pk if d["vocational_field"] else None, mode=d["mode"],
            starts_after=d["starts_after"], starts_before=d["starts_before"], open_only=d["open_only"],
        )
    today = _today()
    page = Paginator(selectors.catalogue(filters=filters, today=today), CATALOGUE_PAGE_SIZE).get_page(_page_number(request.GET))
    rated = extensions.collect_one(PROGRAM_RATINGS, default={}, program_ids=[p.pk for p in page.object_list])
    cards = [_card(p, today) | {"rating": rated.get(p.pk)} for p in page.object_list]
    return render(request, "training/catalogue.html", {"form": form, "page": page, "cards": cards,
                                                       "filtered": any(v for v in filters.__dict__.values())})


def _card(program: Program, today) -> dict:
    blocker = domain.registration_open(
        status=program.status, window=domain.Window(program.registration_opens, program.registration_closes), today=today
    )
    return {"program": program, "status": str(domain.status_label(program.status)), "open": blocker is None}


def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.public_program(program_id=pk)
    if program is None:
        # Drafts and cancelled programs are not public; their staff work on the manager's page.
        # Anyone else gets the same answer whether the program exists or not.
        try:
            staff_program = selectors.program_for_staff(program_id=pk)
        except NotFound:
            staff_program = None
        if staff_program is not None and can(request.user, "enrollment.view", staff_program):
            return redirect("training:manage", pk=pk)
        raise NotFound(NOT_PUBLIC, code=Code.PROGRAM_NOT_FOUND)
    today = _today()
    blocker = selectors.registration_blocker(program=program, today=today)
    person = my_enrollment = None
    if request.user.is_authenticated:
        person = account_selectors.person_for_user(user=request.user)
        if person is not None:
            my_enrollment = Enrollment.objects.filter(program=program, person=person).first()
    context = {
        "program": program, "status": str(domain.status_label(program.status)), "blocker": str(blocker) if blocker else "",
        "person": person, "my_enrollment": my_enrollment,
        "my_state": str(domain.state_label(my_enrollment.state)) if my_enrollment else "",
        "education": dict(Person.Education.choices).get(program.min_education, ""),
        "can_manage": can(request.user, "enrollment.view", program),
        "units": list(program.competency_units.all()),
    }
    return render(request, "training/program.html", context)


@login_required
@require_POST
def program_register(request: HttpRequest, pk: int) -> HttpResponse:
    person = account_selectors.person_for_user(user=request.user)
    if person is None:
        messages.error(request, _("Akun ini bukan akun warga. Daftar dengan NIK untuk mengikuti pelatihan."))
        return redirect("training:program", pk=pk)
    try:
        program = selectors.get_program(program_id=pk)
        services.enrollment_register(actor=request.user, program=program, person=person, today=_today())
    except SisnakerError as exc:
        messages.error(request, _("Pendaftaran ditolak: %(reason)s") % {"reason": exc.message})
        return redirect("training:program", pk=pk)
    messages.success(request, _("Pendaftaran berhasil. Anda tercatat sebagai Pendaftar; pantau langkah berikutnya di sini."))
    return redirect("my_trainings")


# --- a citizen's trainings (their page, "Pelatihan saya", is certification's: it shows the steps to the
# certificate; URL name "my_trainings") -----------------------------------------------------------

@login_required
@require_POST
def withdraw(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = Enrollment.objects.filter(pk=enrollment_id, person__user=request.user).first()
    if enrollment is None:
        raise _not_found(_("Pendaftaran tidak ditemukan."))
    try:
        services.enrollment_withdraw_self(actor=request.user, enrollment=enrollment, reason=request.POST.get("reason", "")[:1000],
                                          not_me=request.POST.get("not_me") == "1")
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Anda sudah mengundurkan diri dari program ini."))
    return redirect("my_trainings")


# --- program forms ------------------------------------------------------------------------------

def _program_data(d: dict) -> services.ProgramData:
    return services.ProgramData(
        title=d["title"], description=d["description"], vocational_field=d["vocational_field"], hours=d["hours"],
        start_date=d["start_date"], end_date=d["end_date"], registration_opens=d["registration_opens"],
        registration_closes=d["registration_closes"], quota=d["quota"], regency=d["regency_obj"], mode=d["mode"],
        boarding=d["boarding"], funding=d["funding"], dipa_reference=d["dipa_reference"].strip(), fee=d["fee"] or 0,
        selection_method=d["selection_method"], min_age=d["min_age"], max_age=d["max_age"], min_education=d["min_education"],
        competency_unit_ids=tuple(u.pk for u in d["competency_units"]),
        instructor_ids=tuple(u.pk for u in d["instructors"]),
    )


# --- an institution's programs --------------------------------------------------------------------

@login_required
def institution_programs(request: HttpRequest, institution_id: int) -> HttpResponse:
    """The manager's program list (at /lembaga/<id>/program/): live counts per enrollment state and seats left."""
    inst = selectors.get_institution(institution_id=institution_id)
    if not (can(request.user, "enrollment.view", inst) or can(request.user, "program.manage", inst)):
        waiting = institution_domain.publish_blocker(kind=inst.kind, institution_status=inst.status, status="",
                                                     valid_until=None, today=timezone.localdate())
        if inst.status != "approved" and waiting is not None and inst.pk in {
                a.institution_id for a in institution_selectors.staff_roles_of(user=request.user)}:
            # Its own staff, told why (awaiting approval, rejected, suspended) rather than "only for its staff".
            raise PermissionDenied(waiting)
        raise PermissionDenied(INSTITUTION_STAFF_ONLY)
    page = Paginator(selectors.manager_programs(institution_ids=[inst.pk]), 50).get_page(request.GET.get("page"))
    rows = [{
        "p": p, "status": str(domain.status_label(p.status)),
        "counts": [(str(domain.state_label(s)), getattr(p, f"n_{s}")) for s in domain.EnrollmentState.values if getattr(p, f"n_{s}")],
    } for p in page.object_list]
    return render(request, "training/institution_programs.html", {
        "inst": inst, "page": page, "rows": rows, "can_create": can(request.user, "program.manage", inst),
    })


@login_required
def program_create(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = selectors.get_institution(institution_id=institution_id)
    if not can(request.user, "program.manage", institution):
        raise PermissionDenied(MANAGERS_CREATE)
    form = ProgramForm(request.POST or None, regency=institution.regency,
                       instructors=selectors.institution_instructors(institution_id=institution.pk))
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(actor=request.user, institution=institution, data=_program_data(form.cleaned_data))
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Program tersimpan sebagai draf. Buka pendaftaran bila sudah siap."))
            return redirect("training:manage", pk=program.pk)
    return render(request, "training/program_form.html", {"form": form, "institution": institution, "program": None},
                  status=400 if form.errors else 200)


@login_required
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_for_staff(program_id=pk)
    if not can(request.user, "program.manage", program):
        raise PermissionDenied(MANAGERS_EDIT)
    initial = {name: getattr(program, name) for name in services.PROGRAM_FIELDS if name != "regency"}
    initial["competency_units"] = [u.pk for u in program.competency_units.all()]
    initial["instructors"] = [u.pk for u in program.instructors.all()]
    form = ProgramForm(request.POST or None, initial=initial, regency=program.regency,
                       instructors=selectors.institution_instructors(institution_id=program.institution_id))
    if request.method == "POST" and form.is_valid():
        try:
            change = services.program_update(actor=request.user, program=program, data=_program_data(form.cleaned_data))
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Perubahan program tersimpan."))
            if change.told:
                messages.info(request, _("Jadwal baru dikabarkan lewat SMS/e-mail kepada orang yang masih terdaftar (%(n)s orang; yang tanpa "
                                         "nomor HP dan e-mail tidak dapat dihubungi).") % {"n": change.told})
            if change.clashes:
                messages.warning(request, _("Di antara mereka, %(n)s orang kini punya pelatihan lain pada hari yang sama; pesan mereka "
                                            "menyebut pelatihan itu agar mereka dapat memilih.") % {"n": change.clashes})
            return redirect("training:manage", pk=program.pk)
    return render(request, "training/program_form.html", {"form": form, "institution": program.institution, "program": program},
                  status=400 if form.errors else 200)


@require_GET
def unit_options(request: HttpRequest) -> HttpResponse:
    """HTMX partial: the competency-unit checkboxes of one vocational field."""
    field_id = _small_int(request.GET.get("vocational_field", ""))
    units = CompetencyUnit.objects.filter(is_active=True, vocational_field_id=field_id) if field_id is not None else CompetencyUnit.objects.none()
    return render(request, "training/_unit_options.html", {"units": units})


# --- the manager's program page -----------------------------------------------------------------

def _legal_actions(program: Program) -> list[dict]:
    out = []
    for action, table in domain.PROGRAM_TRANSITIONS.items():
        if program.status in table:
            out.append({"action": action, "label": str(domain.ACTION_LABELS[action]), "confirm": action in CONFIRM_ACTIONS,
                        "url": reverse("training:program_confirm", kwargs={"pk": program.pk, "action": action}),
                        "to": str(domain.status_label(table[program.status]))})
    return out


def _table_params(params) -> dict:
    """Filters, page and page size of the enrollment table, from GET (page) or POST (bulk form)."""
    per = _small_int(params.get("per", ""))
    per = min(max(per, 10), TABLE_MAX_PAGE_SIZE) if per is not None else TABLE_PAGE_SIZE
    late = params.get("late", "")
    return {"q": (params.get("q") or "").strip()[:100], "state": params.get("state", "") if params.get("state", "") in domain.EnrollmentState.values else "",
            "late": late if late in ("0", "1") else "", "page": _page_number(params), "per": per}


def _table_context(request: HttpRequest, program: Program, params: dict) -> dict:
    filters = {"q": params["q"], "state": params["state"], "late": None if params["late"] == "" else params["late"] == "1"}
    qs = selectors.program_enrollments(program=program, **filters)
    # Counted from the program's maintained counters when they know it, else at most TABLE_COUNT_CAP rows; each
    # page fetches its keys first (the (program, registered_at, id) index), then its rows.
    known = selectors.program_enrollments_count(program=program, **filters)
    paginator = (KnownCountKeysFirstPaginator(qs, params["per"], count=known) if known is not None
                 else CappedKeysFirstPaginator(qs, params["per"], cap=TABLE_COUNT_CAP, one_query=bool(filters["q"])))
    page = paginator.get_page(params["page"])
    show_nik = selectors.nik_visible(viewer=request.user, program=program)
    labels = {state: str(domain.state_label(state)) for state in domain.EnrollmentState.values}
    results = dict(Enrollment.Result.choices)
    mask = nik_rules.mask
    rows = []
    for e in page.object_list:
        p = e.person
        nik = crypto.decrypt(p.nik_encrypted)
        d = p.domicile_district
        rows.append({
            "id": e.pk, "name": p.full_name, "phone": p.phone, "nik": nik if show_nik else mask(nik),
            "region": f"{d.name}, {d.regency.name}", "state": e.state, "state_label": labels[e.state],
            "result": results[e.result] if e.state in (domain.EnrollmentState.PARTICIPANT, domain.EnrollmentState.GRADUATED,
                                                        domain.EnrollmentState.NOT_PASSED) else "",
            "late": e.late, "registered": date_format(timezone.localtime(e.registered_at).date()),
        })
    # Certification's certificate of each row on the page (one query; no import of certification).
    certificates = extensions.collect_one(ENROLLMENT_CERTIFICATES, default={}, viewer=request.user, program=program,
                                          enrollment_ids=[r["id"] for r in rows])
    for r in rows:
        r["certificate"] = certificates.get(r["id"])
    counts = program.state_counts  # the maintained counters, as just read with the program
    keep = {k: v for k, v in (("q", params["q"]), ("state", params["state"]), ("late", params["late"])) if v}
    if params["per"] != TABLE_PAGE_SIZE:
        keep["per"] = params["per"]
    return {
        "program": program, "page": page, "rows": rows, "show_nik": show_nik, "params": params,
        "counts": [{"state": s, "label": labels[s], "n": counts[s]} for s in domain.EnrollmentState.values],
        "total": sum(counts.values()), "keep_query": urlencode(keep), "keep": keep,
        "can_manage": can(request.user, "program.manage", program), "can_assess": can(request.user, "program.assess", program),
        "bulk_actions": BULK_ACTIONS, "row_url": reverse("training:manage", kwargs={"pk": program.pk}) + "peserta/",
    }


def _render_manage(request: HttpRequest, program: Program, *, record_form=None, action_error: str = "", status: int = 200):
    params = _table_params(request.GET)
    today = _today()
    context = _table_context(request, program, params)
    late = domain.is_late(window=domain.Window(program.registration_opens, program.registration_closes),
                          status=program.status, today=today)
    # A step of the program running in the background: no other step meanwhile (the service refuses it too).
    moving = moves.open_move(program=program) if context["can_manage"] else None
    context.update({
        "status": str(domain.status_label(program.status)),
        "actions": _legal_actions(program) if context["can_manage"] and moving is None else [],
        "moving": moving, "moving_label": str(domain.ACTION_LABELS[moving.action]) if moving else "",
        # A NIK search arrives as its hash: the box shows empty rather than the hash.
        "filter_form": EnrollmentFilterForm({k: ("" if k == "q" and search.is_token(v) else v) for k, v in request.GET.items()} or None),
        "nik_search": search.is_token(request.GET.get("q", "")),
        "record_form": record_form or RecordForm(),
        "late_now": late, "action_error": action_error, "units": list(program.competency_units.all()),
        "can_record": context["can_manage"] and program.status not in (domain.ProgramStatus.DRAFT, domain.ProgramStatus.CLOSED,
                                                                           domain.ProgramStatus.CANCELLED),
        "editable": program.status in (domain.ProgramStatus.DRAFT, domain.ProgramStatus.PUBLISHED, domain.ProgramStatus.SELECTION),
        "instructors_changeable": program.status in domain.INSTRUCTORS_CHANGEABLE,
        "history": selectors.program_history(program=program) if context["can_manage"] else [],
    })
    return render(request, "training/manage.html", context, status=status)


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_for_staff(program_id=pk)
    if not can(request.user, "enrollment.view", program):
        raise PermissionDenied(STAFF_ONLY)
    if request.method == "POST":
        # The search form posts, so that a NIK typed in it never appears in a URL.
        params = _table_params(request.POST)
        keep = {k: params[k] for k in ("state", "late") if params[k]}
        if params["q"]:
            keep["q"] = search.protect_query(params["q"])
        if params["per"] != TABLE_PAGE_SIZE:
            keep["per"] = params["per"]
        url = reverse("training:manage", kwargs={"pk": pk})
        return redirect(f"{url}?{urlencode(keep)}" if keep else url)
    return _render_manage(request, program)


@login_required
@require_POST
def program_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish or close registration at once; start, close and cancel go through their confirmation page
    (``program_confirm``), which says what will happen, unless the confirm box was ticked."""
    program = selectors.program_for_staff(program_id=pk)
    if not can(request.user, "program.manage", program):
        raise PermissionDenied(FORBIDDEN)
    form = ProgramActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tindakan tidak dikenal."))
        return redirect("training:manage", pk=pk)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    if action in CONFIRM_ACTIONS and not form.cleaned_data["confirm"]:
        return redirect("training:program_confirm", pk=pk, action=action)
    try:
        started = moves.program_transition_start(actor=request.user, program=program, action=action, today=_today(), reason=reason)
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        return _after_step(request, started)
    return redirect("training:manage", pk=pk)


def _after_step(request: HttpRequest, started: moves.Started, next_url: str = "") -> HttpResponse:
    """Where a lifecycle step leads: the background step's page when it was queued, else the program (or ``next_url``)."""
    if started.move is not None:
        return redirect("training:program_move", pk=started.program.pk, token=started.move.token)
    messages.success(request, _("Status program sekarang: %(status)s.") % {"status": domain.status_label(started.program.status)})
    return redirect(next_url) if next_url else redirect("training:manage", pk=started.program.pk)


@login_required
def program_confirm(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The confirmation of a lifecycle step: what it will do to the enrollments (live counts), whether it
    comes before the planned date (then a written reason is required), and the confirm button."""
    program = selectors.program_for_staff(program_id=pk)
    if not can(request.user, "program.manage", program):
        raise PermissionDenied(FORBIDDEN)
    if action not in domain.PROGRAM_TRANSITIONS:
        raise NotFound(Msg("Tindakan tidak dikenal.", "Unknown action."), code=Code.PROGRAM_ACTION)
    form = ProgramConfirmForm(request.POST or None)
    # Where to go once done, when the page that led here named its next step (the assessment grid's "close"
    # leads to the readiness board); only a path of this site.
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not (next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                                         require_https=request.is_secure())):
        next_url = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                started = moves.program_transition_start(actor=request.user, program=program, action=action, today=_today(),
                                                         reason=form.cleaned_data["reason"])
            except SisnakerError as exc:
                apply_error(form, exc)
            else:
                return _after_step(request, started, next_url)
        status = 400
    preview = selectors.transition_preview(program=program, action=action, today=_today())
    return render(request, "training/program_confirm.html", {
        "program": program, "action": action, "label": str(domain.ACTION_LABELS[action]), "form": form,
        "status": str(domain.status_label(program.status)), "target": str(domain.status_label(preview.target)),
        "effects": [str(e.message) for e in preview.effects], "moved": sum(e.count for e in preview.effects),
        "reason_needed": str(preview.reason_needed) if preview.reason_needed else "", "next": next_url,
        "background": action in moves.BACKGROUND_ACTIONS and moves.enrollments_to_move(program=program, action=action)
        > moves.background_enrollments(),
    }, status=status)


@login_required
@require_GET
def program_move(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """A big program's lifecycle step done in the background: enrolments moved so far (polled every 2 seconds),
    then the program's new status, or why it was refused."""
    program = selectors.program_for_staff(program_id=pk)
    move = moves.program_move_get(actor=request.user, program=program, token=token)
    outcome = move.outcome or {}
    refused = outcome.get("refused")
    expected = max(move.expected, move.done)
    language = get_language() or "id"
    context = {
        "program": program, "move": move, "done": move.done, "expected": expected,
        "percent": 100 if move.finished else (int(move.done * 100 / expected) if expected else 0),
        "label": str(domain.ACTION_LABELS[move.action]), "status_label": move.get_status_display(),
        "new_status": str(domain.status_label(outcome["status"])) if outcome.get("status") else "",
        "refused": (refused.get("en") if language.startswith("en") else refused.get("id")) if refused else "",
        "poll_url": request.get_full_path(),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "training/_program_move.html", context)
    return render(request, "training/program_move.html", context)


@login_required
def program_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """"New batch from this program": only the dates and the quota are asked (suggested: the same
    durations after this program ends); everything else is copied. Leads to the new program's page."""
    program = selectors.program_for_staff(program_id=pk)
    if not can(request.user, "program.manage", program):
        raise PermissionDenied(MANAGERS_CREATE)
    today = _today()
    suggestion = services.program_batch_suggestion(program=program, today=today)
    form = BatchForm(request.POST or None, initial=asdict(suggestion))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            copy = services.program_copy_as_batch(
                actor=request.user, program=program, today=today, publish=d["publish"],
                dates=services.BatchDates(registration_opens=d["registration_opens"], registration_closes=d["registration_closes"],
                                          start_date=d["start_date"], end_date=d["end_date"], quota=d["quota"]),
            )
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            text = (_("Angkatan baru dibuat dan pendaftarannya dibuka.") if copy.status == domain.ProgramStatus.PUBLISHED
                    else _("Angkatan baru tersimpan sebagai draf. Buka pendaftaran bila sudah siap."))
            messages.success(request, text)
            return redirect("training:manage", pk=copy.pk)
    return render(request, "training/program_copy.html", {
        "program": program, "form": form, "new_title": domain.next_batch_title(program.title),
        "units": list(program.competency_units.all()),
    }, status=400 if form.errors else 200)


@login_required
def program_instructors(request: HttpRequest, pk: int) -> HttpResponse:
    """Reassign the program's instructors, also while it runs (the program form is closed then)."""
    program = selectors.program_for_staff(program_id=pk)
    if not can(request.user, "program.manage", program):
        raise PermissionDenied(MANAGERS_EDIT)
    current = list(program.instructors.all())
    form = InstructorsForm(request.POST or None, initial={"instructors": [u.pk for u in current]},
                           instructors=selectors.institution_instructors(institution_id=program.institution_id))
    blocker = domain.instructors_change_blocker(status=program.status)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_instructors_set(actor=request.user, program=program, reason=form.cleaned_data["reason"],
                                             instructor_ids=tuple(u.pk for u in form.cleaned_data["instructors"]))
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Instruktur pengampu tersimpan."))
            return redirect("training:manage", pk=program.pk)
    return render(request, "training/program_instructors.html", {
        "program": program, "form": form, "current": current, "blocker": str(blocker) if blocker else "",
        "status": str(domain.status_label(program.status)),
    }, status=400 if form.errors else 200)


def _summary(result: services.BulkResult) -> dict:
    """Counts and the refusals grouped by reason, with the names of the people refused."""
    # A refused id may be any number typed into the form (refused as not in the program): only a key's range is looked up.
    keys = [r.id for r in result.refused if 0 < r.id <= services.MAX_DB_ID]
    names = dict(Enrollment.objects.filter(pk__in=keys).values_list("pk", "person__full_name"))
    groups: dict[str, list[str]] = {}
    for pk, message, _code in result.refused:
        groups.setdefault(str(message), []).append(names.get(pk, f"#{pk}"))
    return {
        "done": len(result.done), "refused": len(result.refused),
        "reasons": [{"reason": reason, "names": people, "n": len(people)} for reason, people in groups.items()],
    }


def _summary_text(summary: dict) -> str:
    text = _("%(done)s diproses, %(refused)s ditolak") % {"done": summary["done"], "refused": summary["refused"]}
    if summary["reasons"]:
        text += ": " + "; ".join(f"{r['reason']} — {', '.join(r['names'][:10])}" for r in summary["reasons"])
    return text


@login_required
@require_POST
def bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """One action on the ticked enrollments. With htmx the table comes back in place with a summary;
    without JavaScript it redirects to the table with the summary as a message."""
    program = selectors.program_for_staff(program_id=pk)
    if not (can(request.user, "program.manage", program) or can(request.user, "program.assess", program)):
        raise PermissionDenied(FORBIDDEN)
    htmx = request.headers.get("HX-Request") == "true"
    form = BulkForm(request.POST)
    summary, bulk_error = None, ""
    if not form.is_valid():
        bulk_error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        d = form.cleaned_data
        try:
            if d["action"] in RESULT_ACTIONS:
                result = services.enrollments_set_result(actor=request.user, program=program, enrollment_ids=d["ids"], result=d["action"])
            else:
                result = services.enrollments_transition(actor=request.user, program=program, enrollment_ids=d["ids"],
                                                         action=d["action"], reason=d["reason"])
        except SisnakerError as exc:
            bulk_error = str(exc.message)
        else:
            summary = _summary(result)
    params = _table_params(request.POST)
    if not htmx:
        if bulk_error:
            messages.error(request, bulk_error)
        else:
            (messages.warning if summary["refused"] else messages.success)(request, _summary_text(summary))
        keep = {k: params[k] for k in ("q", "state", "late") if params[k]}
        if params["per"] != TABLE_PAGE_SIZE:
            keep["per"] = params["per"]
        url = reverse("training:manage", kwargs={"pk": pk})
        return redirect(f"{url}?{urlencode(keep)}" if keep else url)
    program = selectors.program_for_staff(program_id=pk)  # fresh seat counts
    context = _table_context(request, program, params)
    context.update({"summary": summary, "bulk_error": bulk_error})
    return render(request, "training/_enrollments.html", context)


@login_required
@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager records a registered person by NIK, full name and birth date (late registrations need a
    reason)."""
    program = selectors.program_for_staff(program_id=pk)
    if not can(request.user, "program.manage", program):
        raise PermissionDenied(FORBIDDEN)
    form = RecordForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            enrollment = services.enrollment_record_by_nik(
                actor=request.user, program=program, nik=d["nik"], full_name=d["full_name"], birth_date=d["birth_date"],
                today=_today(), as_participant=d["as_participant"], late_reason=d["late_reason"],
            )
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            text = _("%(name)s tercatat sebagai %(state)s.") % {"name": enrollment.person.full_name,
                                                                 "state": domain.state_label(enrollment.state)}
            if enrollment.late:
                text += " " + _("(susulan)")
            messages.success(request, text)
            return redirect("training:manage", pk=pk)
    return _render_manage(request, program, record_form=form, status=400)


@login_required
def enrollment_detail(request: HttpRequest, pk: int, enrollment_id: int) -> HttpResponse:
    program = selectors.program_for_staff(program_id=pk)
    try:
        enrollment = services.enrollment_open_record(actor=request.user, program=program, enrollment_id=enrollment_id)
    except PermissionDenied as exc:
        raise PermissionDenied(STAFF_ONLY) from exc
    person = enrollment.person
    nik = crypto.decrypt(person.nik_encrypted)
    labels = {s: str(domain.state_label(s)) for s in domain.EnrollmentState.values}
    results = dict(Enrollment.Result.choices)
    events = []
    for ev in selectors.enrollment_history(enrollment=enrollment):
        before, after = ev.before or {}, ev.after or {}
        events.append({
            "at": ev.at, "action": ev.action, "actor": ev.actor_label, "reason": ev.reason,
            "before": labels.get(before.get("state"), ""), "after": labels.get(after.get("state"), ""),
            "result": results.get(after.get("result", ""), after.get("result", "")),
        })
    return render(request, "training/enrollment.html", {
        "program": program, "e": enrollment, "person": person, "state": labels[enrollment.state],
        "nik": nik if selectors.nik_visible(viewer=request.user, program=program) else nik_rules.mask(nik), "events": events,
        "result": enrollment.get_result_display(), "can_correct": can(request.user, "person.correct_identity", person),
    })


# --- reference data -------------------------------------------------------------------------------

@login_required
def reference(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "reference.edit"):
        raise PermissionDenied(CURATORS_ONLY)
    field_form = unit_form = None
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == "unit":
            unit_form = CompetencyUnitForm(request.POST, prefix="unit")
            form, ok = unit_form, unit_form.is_valid()
        else:
            field_form = VocationalFieldForm(request.POST, prefix="field")
            form, ok = field_form, field_form.is_valid()
        if ok:
            d = form.cleaned_data
            try:
                if kind == "unit":
                    services.competency_unit_save(actor=request.user, code=d["code"], title=d["title"],
                                                  vocational_field=d["vocational_field"], is_active=d["is_active"])
                else:
                    services.vocational_field_save(actor=request.user, code=d["code"], name=d["name"], is_active=d["is_active"])
            except SisnakerError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Data referensi tersimpan."))
                return redirect("training:reference")
        status = 400
    if field_form is None:
        field_id = _small_int(request.GET.get("field", ""))
        edit = VocationalField.objects.filter(pk=field_id).first() if field_id is not None else None
        field_form = VocationalFieldForm(prefix="field", initial={"code": edit.code, "name": edit.name, "is_active": edit.is_active} if edit else None)
    if unit_form is None:
        unit_id = _small_int(request.GET.get("unit", ""))
        edit = CompetencyUnit.objects.filter(pk=unit_id).first() if unit_id is not None else None
        unit_form = CompetencyUnitForm(prefix="unit", initial={"code": edit.code, "title": edit.title, "is_active": edit.is_active,
                                                               "vocational_field": edit.vocational_field_id} if edit else None)
    fields = VocationalField.objects.order_by("name")
    units = CompetencyUnit.objects.select_related("vocational_field").order_by("vocational_field__name", "code")
    return render(request, "training/reference.html", {"field_form": field_form, "unit_form": unit_form, "fields": fields,
                                                       "units": units}, status=status)

