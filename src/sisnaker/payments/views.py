"""Payment pages: the citizen's incentives and payout account; the finance officers' desk (what is due,
batches, approval, bank files, bank results, holder-name review, reconciliation).

Pages parse and call one service or selector; refusals rise as ``core.errors.SisnakerError`` (the error
page) or go on the form (``core.pages.apply_error``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import can
from sisnaker.training.models import Program

from . import channels, domain, report, selectors
from .codes import Code
from .forms import (
    AccrueForm,
    BuildForm,
    ExportForm,
    InstitutionAccountForm,
    PayableFilterForm,
    PayoutAccountForm,
    PeriodForm,
    ReasonForm,
    ResultForm,
    ReturnForm,
    ReviewForm,
    RuleForm,
)
from .services import batches, payables, payout

CITIZENS_ONLY = Msg("Halaman ini untuk warga yang terdaftar.", "This page is for registered citizens.")


def _person(request):
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    if person is None:
        raise PermissionDenied(CITIZENS_ONLY)
    return person


# --- the citizen's side ------------------------------------------------------------------------------

@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """"Insentif saya": each incentive's state, and the account it goes to."""
    person = _person(request)
    account = selectors.my_payout_account(person)
    provider = channels.provider(account.provider_code) if account else None
    return render(request, "payments/mine.html", {
        "items": selectors.my_incentives(person), "account": account, "provider_name": provider.short_name if provider else "",
    })


@login_required
def account(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = PayoutAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = payout.payout_account_set(
                actor=request.user, person=person, channel=form.cleaned_data["channel"], provider_code=form.provider_code(),
                number=form.cleaned_data["number"], holder_name=form.cleaned_data["holder_name"],
                current_password=form.cleaned_data["current_password"], otp_token=form.cleaned_data["otp_token"])
        except SisnakerError as exc:
            apply_error(form, exc, fields={"provider_code": "bank_code"})
        else:
            text = {domain.PayoutStatus.VERIFIED: _("Rekening disimpan; nama pemilik cocok dengan nama Anda."),
                    domain.PayoutStatus.REVIEW: _("Rekening disimpan; nama pemilik akan diperiksa petugas."),
                    domain.PayoutStatus.REJECTED: _("Rekening disimpan, tetapi nama pemilik tidak cocok dengan nama Anda: "
                                                    "insentif tidak dapat dikirim ke rekening ini.")}[saved.status]
            (messages.success if saved.status != domain.PayoutStatus.REJECTED else messages.warning)(request, text)
            return redirect("payments:mine")
    return render(request, "payments/account.html", {"form": form, "current": selectors.my_payout_account(person)},
                  status=400 if form.errors else 200)


# --- an institution's side ------------------------------------------------------------------------------

@login_required
def institution_account(request: HttpRequest, institution_id: int) -> HttpResponse:
    """An institution's payout account (its manager records it) and its training fees."""
    institution = selectors.institution_for_account(request.user, institution_id)
    form = InstitutionAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = payout.institution_payout_account_set(
                actor=request.user, institution=institution, provider_code=d["bank_code"], number=d["number"],
                holder_name=d["holder_name"], current_password=d["current_password"], otp_token=d["otp_token"])
        except SisnakerError as exc:
            apply_error(form, exc, fields={"provider_code": "bank_code"})
        else:
            text = {domain.PayoutStatus.VERIFIED: _("Rekening disimpan; nama pemilik cocok dengan nama lembaga."),
                    domain.PayoutStatus.REVIEW: _("Rekening disimpan; nama pemilik akan diperiksa petugas."),
                    domain.PayoutStatus.REJECTED: _("Rekening disimpan, tetapi nama pemilik tidak cocok dengan nama lembaga: "
                                                    "biaya pelatihan tidak dapat dikirim ke rekening ini.")}[saved.status]
            (messages.success if saved.status != domain.PayoutStatus.REJECTED else messages.warning)(request, text)
            return redirect("payments:institution_account", institution_id=institution.pk)
    current, fees = selectors.institution_payout(institution)
    provider = channels.provider(current.provider_code) if current else None
    return render(request, "payments/institution_account.html", {
        "institution": institution, "form": form, "current": current, "fees": fees,
        "provider_name": provider.short_name if provider else ""}, status=400 if form.errors else 200)


# --- the finance officers' desk -----------------------------------------------------------------------

@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """What is due, the batches, the ledger's balances and the incentive rules of the officer's sources."""
    sources = selectors.sources_of(request.user)
    queue = selectors.review_queue(request.user) if can(request.user, "payout_account.review") else []
    return render(request, "payments/desk.html", {
        "sources": sources, "due": selectors.due_summary(request.user), "batches": selectors.batches(request.user),
        "balances": selectors.balances(request.user), "rules": selectors.rules(request.user),
        "accrue_form": AccrueForm(), "build_form": BuildForm(), "rule_form": RuleForm(),
        "review_count": len(queue), "held_count": sum(1 for account in queue if account.bank_refusal),
    })


@login_required
@require_POST
def accrue(request: HttpRequest) -> HttpResponse:
    form = AccrueForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(Msg("Sumber dana tidak dikenal.", "Unknown funding source."), code=Code.FUNDING_SOURCE)
    done = payables.payables_accrue(actor=request.user, funding_source=form.cleaned_data["funding_source"] or None)
    messages.success(request, _("%(i)s insentif dan %(f)s biaya pelatihan baru jatuh tempo (Rp%(a)s).")
                     % {"i": done.incentives, "f": done.training_fees, "a": f"{done.amount:,}".replace(",", ".")})
    return redirect("payments:desk")


@login_required
@require_POST
def batch_build(request: HttpRequest) -> HttpResponse:
    form = BuildForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(Msg("Pilih sumber dana.", "Choose a funding source."), code=Code.FUNDING_SOURCE)
    batch = batches.batch_build(actor=request.user, funding_source=form.cleaned_data["funding_source"],
                                kind=form.cleaned_data["kind"] or "")
    messages.success(request, _("Batch #%(id)s dibuat: periksa totalnya, lalu minta petugas lain menyetujuinya.") % {"id": batch.pk})
    return redirect("payments:batch", batch_id=batch.pk)


@login_required
@require_POST
def rule_set(request: HttpRequest) -> HttpResponse:
    form = RuleForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(Msg("Isi sumber dana dan jumlah insentif (1–100.000.000 rupiah).",
                                   "Give the funding source and the incentive (1–100,000,000 rupiah)."), code=Code.AMOUNT)
    program = None
    if form.cleaned_data["program_id"]:
        program = Program.objects.filter(pk=form.cleaned_data["program_id"]).first()
        if program is None:
            raise NotFound(Msg("Program tidak ditemukan.", "Program not found."))
    payables.incentive_rule_set(actor=request.user, funding_source=form.cleaned_data["funding_source"],
                                amount=form.cleaned_data["amount"], program=program)
    messages.success(request, _("Aturan insentif disimpan."))
    return redirect("payments:desk")


@login_required
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    selectors.sources_of(request.user)  # only finance officers reach a batch at all
    b = selectors.batch_for(request.user, batch_id)
    status = request.GET.get("status", "")
    if status not in domain.LineStatus.values:
        status = ""
    return render(request, "payments/batch.html", {
        "batch": b, "totals": selectors.batch_totals(b), "lines": selectors.batch_lines(b, status=status), "status": status,
        "providers": [(code, channels.providers()[code].short_name) for code in selectors.batch_providers(b)],
        "may_approve": b.status == domain.BatchStatus.DRAFT and b.created_by_id != request.user.pk,
        "result_form": ResultForm(), "cancel_form": ReasonForm(), "return_form": ReturnForm(), "line_statuses": domain.LineStatus.choices,
        "reconciliation": selectors.reconciliation(request.user, batch_id=b.pk),
    })


@login_required
@require_POST
def batch_approve(request: HttpRequest, batch_id: int) -> HttpResponse:
    b = batches.batch_approve(actor=request.user, batch_id=batch_id)
    messages.success(request, _("Batch #%(id)s disetujui.") % {"id": b.pk})
    return redirect("payments:batch", batch_id=b.pk)


@login_required
@require_POST
def batch_cancel(request: HttpRequest, batch_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    batches.batch_cancel(actor=request.user, batch_id=batch_id, reason=form.data.get("reason", "")[:500])
    messages.success(request, _("Batch dibatalkan; isinya jatuh tempo lagi."))
    return redirect("payments:batch", batch_id=batch_id)


@login_required
@require_POST
def batch_export(request: HttpRequest, batch_id: int) -> HttpResponse:
    form = ExportForm(request.POST)
    code = form.data.get("provider_code", "")[:20]
    bank_file = batches.batch_export(actor=request.user, batch_id=batch_id, provider_code=code)
    response = HttpResponse(bank_file.content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank_file.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def batch_result(request: HttpRequest, batch_id: int) -> HttpResponse:
    form = ResultForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih berkas hasil dari bank (CSV)."))
        return redirect("payments:batch", batch_id=batch_id)
    try:
        done = batches.batch_result_import(actor=request.user, batch_id=batch_id, data=form.cleaned_data["file"].read())
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        for problem in exc.details.get("problems", [])[1:20]:
            messages.error(request, _("Baris %(line)s: %(msg)s") % {
                "line": problem["line"], "msg": problem["message_en" if request.LANGUAGE_CODE == "en" else "message"]})
        return redirect("payments:batch", batch_id=batch_id)
    messages.success(request, _("Hasil bank diterapkan: %(p)s berhasil, %(f)s gagal, %(u)s sudah tercatat sebelumnya.")
                     % {"p": done.paid, "f": done.failed, "u": done.unchanged})
    return redirect("payments:batch", batch_id=batch_id)


@login_required
@require_POST
def batch_return(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The bank sent back a transfer it had reported done."""
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tulis referensi baris dan alasan dari bank."))
        return redirect("payments:batch", batch_id=batch_id)
    line = batches.batch_line_return(actor=request.user, batch_id=batch_id, reference=form.cleaned_data["reference"],
                                     reason=form.cleaned_data["reason"])
    messages.success(request, _("Pengembalian %(ref)s dicatat; kewajibannya jatuh tempo lagi.") % {"ref": line.reference})
    return redirect("payments:batch", batch_id=batch_id)


@login_required
def payable_list(request: HttpRequest) -> HttpResponse:
    """Payables of the officer's sources, filtered; a due one can be cancelled with a reason."""
    form = PayableFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    count, rows = selectors.payables(request.user, status=filters.get("status", ""),
                                     funding_source=filters.get("funding_source", ""), kind=filters.get("kind", ""))
    return render(request, "payments/payables.html", {"form": form, "count": count, "rows": rows, "cancel_form": ReasonForm(),
                                                      "back": request.get_full_path()})


@login_required
@require_POST
def payable_cancel(request: HttpRequest, payable_id: int) -> HttpResponse:
    selectors.sources_of(request.user)
    payable = selectors.payable_for(request.user, payable_id)
    form = ReasonForm(request.POST)
    back = request.POST.get("next", "")
    target = back if back.startswith("/pembayaran/") and "//" not in back else reverse("payments:payables")
    try:
        payables.payable_cancel(actor=request.user, payable_id=payable.pk, reason=form.data.get("reason", "")[:500])
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Kewajiban #%(id)s dibatalkan; jumlahnya dicatat sebagai dikembalikan.") % {"id": payable.pk})
    return redirect(target)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/review_queue.html", {"accounts": selectors.review_queue(request.user),
                                                          "providers": channels.providers(), "form": ReviewForm()})


@login_required
@require_POST
def review_decide(request: HttpRequest, account_id: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(Msg("Pilih cocok atau tidak cocok.", "Choose match or no match."), code=Code.REVIEW_STATE)
    payout.payout_account_review(actor=request.user, account_id=account_id, accept=form.cleaned_data["decision"] == "accept",
                                 note=form.cleaned_data["note"])
    messages.success(request, _("Keputusan disimpan."))
    return redirect("payments:review_queue")


def _period(request) -> tuple[dt.datetime | None, dt.datetime | None, PeriodForm]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise ValidationFailed(Msg("Tanggal ditulis TTTT-BB-HH.", "Dates are written YYYY-MM-DD."), code=Code.PERIOD)
    start = end = None
    if form.is_bound:
        tz = timezone.get_current_timezone()
        if form.cleaned_data.get("start"):
            start = dt.datetime.combine(form.cleaned_data["start"], dt.time.min, tzinfo=tz)
        if form.cleaned_data.get("end"):
            end = dt.datetime.combine(form.cleaned_data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end, form


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    start, end, form = _period(request)
    rows = selectors.reconciliation(request.user, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(report.reconciliation_xlsx(rows, start=start, end=end),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="sisnaker-rekonsiliasi.xlsx"'
        return response
    return render(request, "payments/reconciliation.html", {"rows": rows, "form": form,
                                                            "query": request.GET.urlencode()})


@login_required
def batch_report(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One batch's reconciliation and lines as an Excel workbook."""
    selectors.sources_of(request.user)
    b = selectors.batch_for(request.user, batch_id)
    content = report.batch_xlsx(b, selectors.reconciliation(request.user, batch_id=b.pk), selectors.batch_totals(b),
                                selectors.batch_lines(b, limit=1_000_000))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="sisnaker-batch-{b.pk}.xlsx"'
    return response
