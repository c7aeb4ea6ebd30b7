"""Institution pages: register an institution, "my institutions", the institution page (details,
accreditation, staff, curator forms, the participants' rating through certification's fragment) and the
manager's program list.

Refusals rise as ``core.errors.SisnakerError`` (``core.pages.RefusalMiddleware`` shows the error page);
a service's refusal of a form goes on the form (``core.pages.apply_error``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sisnaker.accounts.backends import find_user
from sisnaker.core.errors import Msg, NotFound, PermissionDenied, SisnakerError
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import can
from sisnaker.core.roles import Role

from . import domain, selectors, services
from .codes import Code
from .forms import AccreditationForm, InstitutionForm, ReviewForm, StaffForm
from .models import Institution

NOT_FOUND = Msg("Lembaga tidak ditemukan.", "Institution not found.")


def _label(state: str) -> str:
    return {"valid": _("berlaku"), "expired": _("kedaluwarsa"), "revoked": _("dicabut"), "none": _("belum terakreditasi")}[state]


def _accreditation(inst: Institution, today) -> dict:
    state = domain.accreditation_state(status=inst.accreditation_status, valid_until=inst.accreditation_valid_until, today=today)
    blocker = domain.publish_blocker(kind=inst.kind, institution_status=inst.status, status=inst.accreditation_status,
                                     valid_until=inst.accreditation_valid_until, today=today)
    return {"state": state, "label": _label(state), "needed": inst.kind in domain.NEEDS_ACCREDITATION,
            "blocker": str(blocker) if blocker else ""}


def _may_see(user, inst: Institution) -> bool:
    return (can(user, "institution.edit", inst) or can(user, "institution.view_own", inst)
            or can(user, "institution.accredit", inst) or can(user, "institution.review", inst)
            or can(user, "enrollment.view", inst))


def _review_actions(inst: Institution) -> list[str]:
    return [a for a in services.REVIEW_ACTIONS if domain.institution_next_status(action=a, status=inst.status)]


def _authority_text(inst: Institution) -> str:
    if domain.approval_authority(inst.kind) == "ministry":
        return _("kurator Kementerian Ketenagakerjaan")
    return _("Disnaker %(regency)s atau Disnaker %(province)s") % {"regency": inst.regency.name,
                                                                   "province": inst.regency.province.name}


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inst = services.institution_register(
                actor=request.user, registry_number=d["registry_number"], name=d["name"], kind=d["kind"],
                regency=d["regency_obj"], address=d["address"], phone=d["phone"], email=d["email"],
                licence_number=d["licence_number"],
            )
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Lembaga terdaftar dan menunggu persetujuan %(who)s. Anda akan diberi tahu "
                                        "keputusannya; sementara itu program dan peserta belum dapat dikelola.")
                             % {"who": _authority_text(inst)})
            return redirect("institutions:detail", pk=inst.pk)
    return render(request, "institutions/register.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The institutions the user works at; curators (and administrators) see every institution."""
    today = timezone.localdate()
    national = can(request.user, "institution.accredit", None)
    q = (request.GET.get("q") or "").strip()[:100]
    page = None
    if national:
        page = Paginator(selectors.institutions_search(q=q), 50).get_page(request.GET.get("page"))
        rows = [{"inst": i, "roles": [], "acc": _accreditation(i, today)} for i in page.object_list]
    else:
        by_inst: dict[int, dict] = {}
        for a in selectors.staff_roles_of(user=request.user):
            row = by_inst.setdefault(a.institution_id, {"inst": a.institution, "roles": [], "acc": _accreditation(a.institution, today)})
            row["roles"].append(a.get_role_display())
        rows = list(by_inst.values())
    return render(request, "institutions/mine.html", {"rows": rows, "national": national, "page": page, "q": q})


def _get(pk: int) -> Institution:
    inst = selectors.institution_get(pk=pk)
    if inst is None:
        raise NotFound(NOT_FOUND, code=Code.INSTITUTION_NOT_FOUND)
    return inst


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _get(pk)
    user = request.user
    if not _may_see(user, inst):
        if inst.status in (Institution.Status.PENDING, Institution.Status.REJECTED):
            # Unvetted registrations are not public: whoever may not see one must not learn that it exists
            # (the same 404 as an unknown id, as the API answers).
            raise NotFound(NOT_FOUND, code=Code.INSTITUTION_NOT_FOUND)
        raise PermissionDenied(Msg("Halaman lembaga ini hanya untuk pengelola, instruktur lembaga, dan kurator Kementerian.",
                                   "This institution page is only for the institution's managers and instructors and "
                                   "Ministry curators."))
    perms = {
        "edit": can(user, "institution.edit", inst), "staff": can(user, "institution.manage_staff", inst),
        "accredit": can(user, "institution.accredit", inst), "programs": can(user, "program.manage", inst),
        "review": can(user, "institution.review", inst),
        "resubmit": can(user, "institution.edit", inst) and inst.status == Institution.Status.REJECTED,
        "see_programs": can(user, "enrollment.view", inst) or can(user, "program.manage", inst),
    }
    forms = {
        "edit": InstitutionForm(edit=True, regency=inst.regency, initial={
            "name": inst.name, "kind": inst.kind, "address": inst.address, "phone": inst.phone, "email": inst.email}),
        "staff": StaffForm(),
        "accredit": AccreditationForm(initial={
            "status": inst.accreditation_status, "grade": inst.accreditation_grade, "number": inst.accreditation_number,
            "valid_until": inst.accreditation_valid_until}),
        "review": ReviewForm(actions=_review_actions(inst), initial={"licence_number": inst.licence_number}),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        allowed = {"edit": perms["edit"], "staff": perms["staff"], "accredit": perms["accredit"],
                   "review": perms["review"], "resubmit": perms["resubmit"]}
        if not allowed.get(which):
            raise PermissionDenied(Msg("Anda tidak berwenang melakukan perubahan ini.", "You are not authorised to make this change."))
        done = _post(request, inst, which, forms)
        if done:
            messages.success(request, done)
            return redirect("institutions:detail", pk=inst.pk)
        status = 400
    return render(request, "institutions/detail.html", {
        "inst": inst, "acc": _accreditation(inst, timezone.localdate()), "can_do": perms, "forms": forms,
        "staff": selectors.staff_of(institution=inst),
        "edit_open": request.method == "POST" and request.POST.get("form") == "edit",
        "authority": _authority_text(inst),
        "history": selectors.status_history(institution=inst) if perms["review"] or perms["edit"] else [],
    }, status=status)


def _post(request: HttpRequest, inst: Institution, which: str, forms: dict) -> str:
    """Handle one of the institution page's forms; the success message, or '' with errors on the form."""
    user = request.user
    if which == "edit":
        form = forms["edit"] = InstitutionForm(request.POST, edit=True)
    elif which == "staff":
        form = forms["staff"] = StaffForm(request.POST)
    elif which == "accredit":
        form = forms["accredit"] = AccreditationForm(request.POST)
    elif which == "resubmit":  # a button, no fields: a refusal rises to the error page
        services.institution_resubmit(actor=user, institution=inst)
        return _("Pendaftaran diajukan ulang dan kembali menunggu persetujuan.")
    else:
        form = forms["review"] = ReviewForm(request.POST, actions=_review_actions(inst))
    if not form.is_valid():
        return ""
    d = form.cleaned_data
    try:
        if which == "edit":
            services.institution_update(actor=user, institution=inst, name=d["name"], kind=d["kind"], regency=d["regency_obj"],
                                        address=d["address"], phone=d["phone"], email=d["email"],
                                        confirm_review=d["confirm_review"])
            return _("Data lembaga tersimpan.")
        if which == "staff":
            member = find_user(d["identifier"])
            if member is None:
                form.add_error("identifier", _("Akun tidak ditemukan. Minta orang tersebut mendaftar dulu, lalu masukkan nama "
                                               "pengguna, e-mail, atau nomor HP akunnya."))
                return ""
            services.institution_add_staff(actor=user, institution=inst, user=member, role=d["role"])
            return _("%(name)s ditambahkan sebagai %(role)s.") % {"name": member.get_full_name() or member.username,
                                                                  "role": Role(d["role"]).label}
        if which == "accredit":
            services.institution_set_accreditation(actor=user, institution=inst, status=d["status"], grade=d["grade"],
                                                   number=d["number"], valid_until=d["valid_until"])
            return _("Akreditasi tersimpan.")
        services.institution_review(actor=user, institution=inst, action=d["action"], reason=d["reason"],
                                    licence_number=d.get("licence_number"))
        return {"approve": _("Lembaga disetujui; pengelolanya sudah diberi tahu."),
                "reject": _("Pendaftaran lembaga ditolak; pengelolanya sudah diberi tahu alasannya."),
                "suspend": _("Lembaga dibekukan; pengelolanya sudah diberi tahu."),
                "reinstate": _("Lembaga diaktifkan kembali; pengelolanya sudah diberi tahu.")}[d["action"]]
    except SisnakerError as exc:
        apply_error(form, exc)
        return ""


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The approvers' queue: institutions in the officer's (or curator's) vetting scope, oldest first."""
    if not selectors.may_review_any(viewer=request.user):
        raise PermissionDenied(Msg("Halaman ini untuk petugas Disnaker dan kurator Kementerian yang menyetujui lembaga.",
                                   "This page is for manpower office (Disnaker) officers and Ministry curators who approve "
                                   "institutions."))
    status = request.GET.get("status") or Institution.Status.PENDING
    if status not in selectors.QUEUE_STATUSES:
        status = Institution.Status.PENDING
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    page = Paginator(selectors.review_queue(viewer=request.user, status=status, q=q), 50).get_page(request.GET.get("page"))
    counts = selectors.queue_counts(viewer=request.user)
    return render(request, "institutions/review_queue.html", {
        "page": page, "status": status, "q": q,
        "tabs": [(value, label, counts[value]) for value, label in Institution.Status.choices],
    })
