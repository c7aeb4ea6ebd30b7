"""REST: /api/v1/payments/… — for finance officers' scripts (session or bearer token; the same permission
rules as the pages: ``payment.list`` to see anything, each object within the officer's funding source).

* ``GET  /payables``                          payables, filtered by status, source, kind, program, batch; paged
* ``GET  /batches``                           batches, filtered by status and source
* ``GET  /batches/{id}``                      one batch with its totals
* ``GET  /batches/{id}/lines``                a batch's lines (masked account numbers), filtered by status; paged
* ``POST /batches/{id}/export``               ``{"provider_code": "002"}``: one bank's transfer file (CSV,
                                              docs/payments.md); the first download moves the batch to exported
* ``POST /batches/{id}/result``               multipart ``file``: the bank's result file, all or nothing
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from sisnaker.core.api_auth import SESSION_OR_TOKEN, request_actor
from sisnaker.core.roles import FUNDING_SOURCES

from . import domain, selectors
from .services import batches

router = Router(auth=SESSION_OR_TOKEN)

PayableStatus = Literal["due", "in_batch", "paid", "cancelled"]
LineStatus = Literal["pending", "paid", "failed", "cancelled", "returned"]
BatchStatus = Literal["draft", "approved", "exported", "settled", "cancelled"]
Source = Literal[tuple(FUNDING_SOURCES)]  # type: ignore[valid-type]
Kind = Literal["incentive", "training_fee"]


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class PayableOut(Schema):
    id: int
    kind: str
    status: str
    funding_source: str
    amount: int = Field(description="rupiah")
    person_id: int | None
    institution_id: int | None
    payee: str = Field(description="The person's or the institution's name")
    program_id: int
    program: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    last_failure: str = Field(description="The bank's reason for the last failed or returned transfer")


class PayablePage(Schema):
    count: int
    items: list[PayableOut]


class PayableQuery(Schema):
    status: PayableStatus | None = None
    funding_source: Source | None = None
    kind: Kind | None = None
    # Bounded by the largest key: a longer number is no row, and the database would refuse to compare it (a 500).
    program_id: int | None = Field(None, ge=1, le=2**63 - 1)
    batch_id: int | None = Field(None, ge=1, le=2**63 - 1)
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


class BatchOut(Schema):
    id: int
    funding_source: str
    kind: str
    status: str
    line_count: int
    total_amount: int
    created_by: str
    created_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    exported_at: dt.datetime | None
    settled_at: dt.datetime | None
    providers: list[str] = Field(description="The bank/e-wallet codes with lines (one transfer file each)")


class BatchQuery(Schema):
    status: BatchStatus | None = None
    funding_source: Source | None = None


class LineOut(Schema):
    id: int
    reference: str
    payable_id: int
    provider_code: str
    account_number_masked: str
    holder_name: str
    amount: int
    status: str
    bank_reference: str
    failure_reason: str
    settled_at: dt.datetime | None


class LinePage(Schema):
    count: int
    items: list[LineOut]


class LineQuery(Schema):
    status: LineStatus | None = None
    limit: int = Field(500, ge=1, le=5000)
    offset: int = Field(0, ge=0, le=10_000_000)


class ExportIn(Schema):
    provider_code: str = Field(max_length=20, description="BI clearing code (`002` BRI...) or e-wallet code")


class ResultOut(Schema):
    paid: int
    failed: int
    unchanged: int
    paid_amount: int


def _payable_out(p) -> dict:
    return {"id": p.pk, "kind": p.kind, "status": p.status, "funding_source": p.funding_source, "amount": p.amount,
            "person_id": p.person_id, "institution_id": p.institution_id,
            "payee": p.person.full_name if p.person_id else p.institution.name, "program_id": p.program_id,
            "program": p.program.title, "created_at": p.created_at, "paid_at": p.paid_at, "last_failure": p.last_failure}


def _batch_out(b, providers: list[str]) -> dict:
    return {"id": b.pk, "funding_source": b.funding_source, "kind": b.kind, "status": b.status, "line_count": b.line_count,
            "total_amount": b.total_amount, "created_by": b.created_by.username, "created_at": b.created_at,
            "approved_by": b.approved_by.username if b.approved_by_id else None, "approved_at": b.approved_at,
            "exported_at": b.exported_at, "settled_at": b.settled_at, "providers": providers}


@router.get("/payables", response={200: PayablePage, 403: ErrorOut}, summary="Payables of the officer's funding sources")
def payable_list(request: HttpRequest, filters: Query[PayableQuery]):
    f = filters
    count, rows = selectors.payables(request_actor(request), status=f.status or "", funding_source=f.funding_source or "",
                                     kind=f.kind or "", program_id=f.program_id, batch_id=f.batch_id, limit=f.limit,
                                     offset=f.offset)
    return {"count": count, "items": [_payable_out(p) for p in rows]}


@router.get("/batches", response={200: list[BatchOut], 403: ErrorOut}, summary="Batches of the officer's funding sources "
            "(latest 100)")
def batch_list(request: HttpRequest, filters: Query[BatchQuery]):
    rows = selectors.batches(request_actor(request), status=filters.status or "", funding_source=filters.funding_source or "")
    return [_batch_out(b, []) for b in rows]


@router.get("/batches/{batch_id}", response={200: BatchOut, 403: ErrorOut, 404: ErrorOut}, summary="One batch")
def batch_detail(request: HttpRequest, batch_id: int):
    actor = request_actor(request)
    selectors.sources_of(actor)
    b = selectors.batch_for(actor, batch_id)
    return _batch_out(b, selectors.batch_providers(b))


@router.get("/batches/{batch_id}/lines", response={200: LinePage, 403: ErrorOut, 404: ErrorOut}, summary="A batch's lines")
def batch_lines(request: HttpRequest, batch_id: int, filters: Query[LineQuery]):
    actor = request_actor(request)
    selectors.sources_of(actor)
    b = selectors.batch_for(actor, batch_id)
    count, rows = selectors.batch_line_page(b, status=filters.status or "", limit=filters.limit, offset=filters.offset)
    return {"count": count, "items": [{
        "id": line.pk, "reference": line.reference, "payable_id": line.payable_id, "provider_code": line.provider_code,
        "account_number_masked": "****" + line.account_number[-4:], "holder_name": line.holder_name, "amount": line.amount,
        "status": line.status, "bank_reference": line.bank_reference, "failure_reason": line.failure_reason,
        "settled_at": line.settled_at} for line in rows]}


@router.post("/batches/{batch_id}/export", response={200: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Download one bank's transfer file (CSV)",
             openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}})
def batch_export(request: HttpRequest, batch_id: int, body: ExportIn):
    bank_file = batches.batch_export(actor=request_actor(request), batch_id=batch_id, provider_code=body.provider_code)
    response = HttpResponse(bank_file.content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank_file.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/batches/{batch_id}/result", response={200: ResultOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Import the bank's result file (all or nothing)",
             description="CSV `reference,status,bank_reference,reason` (docs/payments.md). A refused file answers 400 "
                         "`batch_result_file` naming the first problem's line; nothing is applied. Importing the same file "
                         "again counts its lines as `unchanged`.")
def batch_result(request: HttpRequest, batch_id: int, file: File[UploadedFile]):
    data = file.read(domain.MAX_RESULT_BYTES + 1)
    report = batches.batch_result_import(actor=request_actor(request), batch_id=batch_id, data=data)
    return {"paid": report.paid, "failed": report.failed, "unchanged": report.unchanged, "paid_amount": report.paid_amount}
