"""The curation worklists, the citizen's purchase on "Prakerja saya" (Sisnaker as a platform) and the institution's
desk (voucher → redeem codes → redeem → completion), through the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sisnaker.prakerja import purchases, selectors
from sisnaker.prakerja.domain import PurchaseStatus as PS
from sisnaker.prakerja.models import Card, Purchase
from sisnaker.training.models import Program
from tests.factories import ProgramFactory
from tests.sms import committed

from .conftest import NOW
from .market import curate, market, prakerja_program
from .test_pages import _client

pytestmark = pytest.mark.usefixtures("sms")


def test_curation_worklists_show_each_stage_its_entries(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    waiting = prakerja_program(m.inst, title="Menunggu Kurasi")
    purchases.catalogue_propose(actor=m.manager, program=waiting, price=900_000, now=NOW)
    page = _client(m.curator).get(reverse("prakerja:curation", args=[1])).content.decode()
    assert "Menunggu Kurasi" in page and m.program.title not in page
    assert _client(m.curator).get(reverse("prakerja:curation", args=[2])).status_code == 403
    entry = selectors.curation_worklist(1)[0]
    response = _client(m.curator).post(reverse("prakerja:curation_decide", args=[1, entry.pk]), {"decision": "accept", "note": ""})
    assert response.status_code == 302
    assert "Menunggu Kurasi" in _client(pmo).get(reverse("prakerja:curation", args=[2])).content.decode()


def test_a_citizen_buys_on_sisnaker_and_the_institution_redeems(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    # The pages run on the real clock: a course that starts 10 days from today, a card whose deadline is ahead.
    today = timezone.localdate()
    m.program = ProgramFactory(institution=m.inst, funding=Program.Funding.PRAKERJA, today=today, title="Pelatihan Hari Ini")
    curate(m.program, manager=m.manager, curator=m.curator, pmo=pmo, sessions=())
    Card.objects.update(deadline=today + dt.timedelta(days=30))
    citizen = _client(m.card.person.user)
    page = citizen.get(reverse("prakerja:mine")).content.decode()
    assert m.program.title in page and "Rp" in page
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    response = citizen.post(reverse("prakerja:buy", args=[m.program.pk]), {"card": m.card.number, "key": key})
    assert response.status_code == 302
    committed()
    citizen.post(reverse("prakerja:buy", args=[m.program.pk]), {"card": m.card.number, "key": key})  # a double click
    committed()
    purchase = Purchase.objects.get()
    assert purchase.status == PS.AUTHORISED
    assert purchase.voucher_code in citizen.get(reverse("prakerja:mine")).content.decode()
    desk = _client(m.manager)
    url = reverse("prakerja:institution", args=[m.inst.pk])
    page = desk.post(url, {"action": "voucher", "v-code": purchase.voucher_code}).content.decode()
    code = purchase.redeem_codes.get(sequence=1).code
    assert code in page
    page = desk.post(url, {"action": "status", "code": code, "sequence": "1"}).content.decode()
    assert "redeem_too_early" not in page and purchase.invoice_code in page
    page = desk.post(url, {"action": "commit", "code": code}).content.decode()
    assert "redeem_too_early" in page  # the session starts in 10 days: refused with its code, not a 500
    session = purchase.redeem_codes.get(sequence=1).session_start
    purchases.redeem_commit(actor=m.manager, institution=m.inst, code=code, now=session)
    assert desk.post(url, {"action": "complete", "code": code}).status_code == 200
    purchase.refresh_from_db()
    assert purchase.status == PS.COMPLETED
