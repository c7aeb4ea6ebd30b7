"""The demo's Kartu Prakerja wave ends the way issue 11's "Done when" asks: a beneficiary buys a training through a
signed platform request AND the institution redeems it through the signed partner API (voucher, status, commit,
attendance, completion — on the real clock, inside the session's window), and the post-training incentive is due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sisnaker.demo import data as demo


@pytest.mark.django_db(transaction=True)  # as `sisnaker demo` loads: each request commits (the consent code leaves then)
def test_the_demo_purchase_is_redeemed_and_completed_by_the_institution_partner_and_its_incentive_is_due(regions, settings):
    from sisnaker.certification.models import Certificate
    from sisnaker.core.models import AuditEvent
    from sisnaker.demo.prakerja import INSTITUTION_PARTNER_NAME, PLATFORM_NAME
    from sisnaker.integration.models import Partner, SeenSignature
    from sisnaker.payments.models import Payable
    from sisnaker.prakerja.models import Purchase

    # As `sisnaker demo` loads: tasks wait for the worker, which starts after the data is loaded.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    loaded = demo.load_demo(citizens=40, today=timezone.localdate(), prakerja_applications=600)
    assert loaded["prakerja_purchases"] == 1

    purchase = Purchase.objects.select_related("card__wave", "institution").get()
    platform = Partner.objects.get(name=PLATFORM_NAME, kind="platform")
    lembaga = Partner.objects.get(name=INSTITUTION_PARTNER_NAME, kind="institution")
    assert lembaga.institution_id == purchase.institution_id
    assert purchase.platform_code == platform.client_code and purchase.status == "completed"
    assert purchase.completion_reported_by == lembaga.client_code  # reported by the partner API, not at the desk

    # Session 1 was redeemed by the institution's system, inside its window (1 hour either side of its start).
    code = purchase.redeem_codes.get(sequence=1)
    assert code.status == "used" and code.redeemed_by == lembaga.client_code and code.attendance_status == "present"
    assert abs(code.redeemed_at - code.session_start) <= dt.timedelta(hours=1)

    # Every step of the institution's side is audited with the partner's client code, no user behind it.
    for action in ("prakerja_voucher.exchanged", "prakerja_redeem.committed", "prakerja_redeem.attendance_reported",
                   "prakerja_purchase.completed"):
        event = AuditEvent.objects.get(action=action, object_id=str(purchase.pk))
        assert event.after["via"] == lembaga.client_code and event.actor_id is None, action
    # Five signed requests of the institution were accepted (voucher, status, commit, attendance, completion), each once;
    # the platform's three (purchase, consent, status) are its own.
    assert SeenSignature.objects.filter(partner=lembaga).count() == 5
    assert SeenSignature.objects.filter(partner=platform).count() == 3

    # The certificate exists (the training's own flow), so completion made the post-training incentive due at once.
    assert Certificate.objects.filter(enrollment_id=purchase.enrollment_id, revoked_at__isnull=True).exists()
    incentive = Payable.objects.get(idempotency_key=f"prakerja-incentive:{purchase.card.number}:1")
    assert incentive.status == "due" and incentive.kind == "prakerja" and incentive.person_id == purchase.person_id
    assert incentive.amount == purchase.card.wave.post_training_incentive > 0
    assert AuditEvent.objects.filter(action="prakerja_incentive.due").exists()
