"""The payments API for finance officers' scripts: lists with filters, a batch's lines, the bank file and the
bank result, with the pages' permission rules."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sisnaker.core.api_auth import token_create
from sisnaker.payments.models import Payable
from sisnaker.payments.services import batches, payables
from tests.factories import staff

from .conftest import graduates
from .test_batches import result_file

pytestmark = pytest.mark.django_db
P = "/api/v1/payments"


def script_for(user) -> Client:
    _token, secret = token_create(user=user, name="skrip bendahara")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_script_runs_a_batch_through_the_api(finance, finance2):
    graduates(2, funding="apbd")
    graduates(1, funding="apbn")
    payables.payables_accrue(actor=finance)
    api = script_for(finance)
    due = api.get(f"{P}/payables", {"status": "due", "funding_source": "apbd"})
    assert due.status_code == 200 and due.json()["count"] == 2
    assert {i["amount"] for i in due.json()["items"]} == {600_000}
    assert api.get(f"{P}/payables", {"status": "nope"}).status_code == 422
    for name in ("program_id", "batch_id"):  # past any key: a named refusal, not a server error
        refused = api.get(f"{P}/payables", {name: str(2**63)})
        assert refused.status_code == 422 and refused.json()["field"] == name
    batch = batches.batch_build(actor=finance2, funding_source="apbd")
    batches.batch_approve(actor=finance, batch_id=batch.pk)
    listed = api.get(f"{P}/batches", {"status": "approved"}).json()
    assert [b["id"] for b in listed] == [batch.pk]
    assert api.get(f"{P}/batches/{batch.pk}").json()["providers"] == ["002"]
    lines = api.get(f"{P}/batches/{batch.pk}/lines").json()
    assert lines["count"] == 2 and all(item["account_number_masked"] == "****9012" for item in lines["items"])
    exported = api.post(f"{P}/batches/{batch.pk}/export", {"provider_code": "002"}, content_type="application/json")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    assert "0123456789012" in exported.content.decode()
    assert api.post(f"{P}/batches/{batch.pk}/export", {"provider_code": "999"}, content_type="application/json").status_code == 404
    bad = api.post(f"{P}/batches/{batch.pk}/result", {"file": SimpleUploadedFile("r.csv", b"reference,status\n")})
    assert bad.status_code == 400 and bad.json()["code"] == "batch_result_file"
    batch.refresh_from_db()
    done = api.post(f"{P}/batches/{batch.pk}/result", {"file": SimpleUploadedFile("r.csv", result_file(batch))})
    assert done.status_code == 200 and done.json() == {"paid": 2, "failed": 0, "unchanged": 0, "paid_amount": 1_200_000}
    assert api.get(f"{P}/payables", {"batch_id": batch.pk, "status": "paid"}).json()["count"] == 2
    assert Payable.objects.filter(status="paid").count() == 2


def test_other_roles_and_other_sources_are_refused(finance, payments_world):
    graduates(1, funding="apbd")
    payables.payables_accrue(actor=finance)
    batch = batches.batch_build(actor=finance, funding_source="apbd")
    citizen_script = script_for(staff("institution_manager"))
    assert citizen_script.get(f"{P}/payables").status_code == 403
    apbn_only = script_for(staff("finance_officer", funding_source="apbn"))
    assert apbn_only.get(f"{P}/payables").json()["count"] == 0
    assert apbn_only.get(f"{P}/batches/{batch.pk}").status_code == 404
    assert apbn_only.get(f"{P}/batches/{batch.pk}/lines").status_code == 404
    assert Client().get(f"{P}/batches").status_code == 401
