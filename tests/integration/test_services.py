"""PMO officers manage partners and keys (integration/services.py): permissions, constraints, the key sealed at
rest and shown once, rotation and revocation, audit rows without the key."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from sisnaker.core import crypto, sealed
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.integration import services
from sisnaker.integration.models import Partner, PartnerKey, SeenSignature
from tests.factories import InstitutionFactory, staff

pytestmark = pytest.mark.django_db


def test_register_a_platform_with_a_generated_client_code(pmo):
    partner = services.partner_register(actor=pmo, name="  Platform Uji ", kind="platform")
    assert partner.client_code.startswith("SISN-") and len(partner.client_code) == 17
    assert partner.name == "Platform Uji" and partner.institution is None and partner.state == "active"
    assert AuditEvent.objects.filter(action="partner.registered", object_id=str(partner.pk)).exists()


def test_an_institution_partner_needs_an_approved_institution_once(pmo):
    inst = InstitutionFactory(registry_number="LPK-0001")
    InstitutionFactory(registry_number="LPK-0002", status="pending")
    with pytest.raises(ValidationFailed) as exc:
        services.partner_register(actor=pmo, name="LPK", kind="institution")
    assert exc.value.field == "institution"
    with pytest.raises(ValidationFailed):
        services.partner_register(actor=pmo, name="LPK", kind="institution", institution_registry_number="LPK-0002")
    partner = services.partner_register(actor=pmo, name="LPK", kind="institution", institution_registry_number="lpk 0001")
    assert partner.institution == inst
    with pytest.raises(Conflict) as exc:
        services.partner_register(actor=pmo, name="LPK lagi", kind="institution", institution_registry_number="LPK-0001")
    assert exc.value.code == "partner_institution_taken"
    with pytest.raises(ValidationFailed):
        services.partner_register(actor=pmo, name="P", kind="platform", institution_registry_number="LPK-0001")


def test_the_database_refuses_a_platform_with_an_institution_and_an_institution_without(pmo, platform):
    inst = InstitutionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.filter(pk=platform.pk).update(institution=inst)
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.filter(pk=platform.pk).update(kind="institution")


@pytest.mark.parametrize("role", ["citizen", "institution_manager", "regional_officer", "curator", "finance_officer"])
def test_only_pmo_officers_manage_partners(role, regions, pmo, platform):
    actor = staff(role, institution=InstitutionFactory()) if role == "institution_manager" else staff(role)
    with pytest.raises(PermissionDenied):
        services.partner_register(actor=actor, name="X", kind="platform")
    with pytest.raises(PermissionDenied):
        services.key_issue(actor=actor, partner_id=platform.pk, scheme="hmac-sha256")
    key = services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1").key
    for call in (lambda: services.key_rotate(actor=actor, partner_id=platform.pk, scheme="hmac-sha1"),
                 lambda: services.key_revoke(actor=actor, key_id=key.pk),
                 lambda: services.partner_revoke(actor=actor, partner_id=platform.pk)):
        with pytest.raises(PermissionDenied):
            call()


def test_the_key_is_sealed_at_rest_and_never_audited(pmo, platform):
    issued = services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha256")
    assert len(issued.secret) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM integration_partnerkey WHERE id = %s", [issued.key.pk])
        raw = cursor.fetchone()[0]
    assert issued.secret not in raw and raw.startswith("v1:") and crypto.decrypt(raw) == issued.secret
    assert ("integration.PartnerKey", "secret_encrypted") in {(c.model, c.column) for c in sealed.columns()}
    services.key_rotate(actor=pmo, partner_id=platform.pk, scheme="hmac-sha256")
    for event in AuditEvent.objects.all():
        assert issued.secret not in str(event.before) + str(event.after) + event.reason


def test_one_active_key_per_scheme(pmo, platform):
    services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1")
    services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha256")
    with pytest.raises(Conflict) as exc:
        services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1")
    assert exc.value.code == "partner_key_exists"
    with pytest.raises(ValidationFailed):
        services.key_issue(actor=pmo, partner_id=platform.pk, scheme="md5")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerKey.objects.create(partner=platform, scheme="hmac-sha1", secret_encrypted="x", key_id="dup",
                                  created_at=dt.datetime.now(dt.UTC), created_by=pmo)


def test_rotation_keeps_one_old_key_for_the_overlap(pmo, platform, settings):
    settings.SISNAKER_PARTNER_KEY_OVERLAP_DAYS = 7
    now = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    first = services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1", now=now).key
    second = services.key_rotate(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1", now=now + dt.timedelta(hours=1)).key
    first.refresh_from_db()
    assert first.not_after == now + dt.timedelta(hours=1, days=7) and second.not_after is None
    third = services.key_rotate(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1", now=now + dt.timedelta(hours=2)).key
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.not_after == now + dt.timedelta(hours=2)  # cut off: one old key at a time
    assert second.not_after == now + dt.timedelta(hours=2, days=7) and third.not_after is None


def test_revoking(pmo, platform):
    key = services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1").key
    services.key_revoke(actor=pmo, key_id=key.pk, reason="bocor")
    with pytest.raises(Conflict):
        services.key_revoke(actor=pmo, key_id=key.pk)
    other = services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1").key
    services.partner_revoke(actor=pmo, partner_id=platform.pk, reason="kontrak selesai")
    other.refresh_from_db()
    platform.refresh_from_db()
    assert platform.state == "revoked" and other.revoked_at is not None
    with pytest.raises(Conflict):
        services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha256")
    assert AuditEvent.objects.filter(action="partner.revoked", reason="kontrak selesai").exists()


def test_housekeeping_forgets_old_signatures(platform, settings):
    settings.SISNAKER_PARTNER_TIMESTAMP_SKEW = 300
    now = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    assert services.signature_record(partner=platform, signature="a" * 40, now=now - dt.timedelta(minutes=12))
    assert services.signature_record(partner=platform, signature="b" * 40, now=now - dt.timedelta(minutes=5))
    assert not services.signature_record(partner=platform, signature="B" * 40, now=now)
    assert services.seen_signatures_purge(now=now) == 1
    assert list(SeenSignature.objects.values_list("signature", flat=True)) == ["b" * 40]
    assert "sisnaker.integration.services.seen_signatures_purge" in settings.SISNAKER_HOUSEKEEPING


# --- the pages -----------------------------------------------------------------------------------

def _client(client, user):
    client.force_login(user)
    return client


def test_pages_register_issue_and_show_the_key_once(client, pmo):
    c = _client(client, pmo)
    InstitutionFactory(registry_number="LPK-0009")
    response = c.post(reverse("integration:partners"), {"name": "LPK Sembilan", "kind": "institution", "institution": "LPK-0009"})
    partner = Partner.objects.get(name="LPK Sembilan")
    assert response.status_code == 302 and response["Location"] == reverse("integration:partner", args=[partner.pk])
    page = c.post(reverse("integration:partner", args=[partner.pk]), {"do": "issue", "scheme": "hmac-sha256"})
    key = PartnerKey.objects.get(partner=partner)
    secret = crypto.decrypt(key.secret_encrypted)
    assert page.status_code == 200 and secret in page.content.decode()
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    again = c.get(reverse("integration:partner", args=[partner.pk])).content.decode()
    assert secret not in again and key.key_id in again
    listing = c.get(reverse("integration:partners")).content.decode()
    assert partner.client_code in listing and secret not in listing


def test_pages_refuse_bad_input_on_the_form(client, pmo, platform):
    c = _client(client, pmo)
    page = c.post(reverse("integration:partners"), {"name": "LPK", "kind": "institution", "institution": "TIDAK-ADA"})
    assert page.status_code == 200 and "TIDAK-ADA" in page.content.decode()
    services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1")
    page = c.post(reverse("integration:partner", args=[platform.pk]), {"do": "issue", "scheme": "hmac-sha1"})
    assert page.status_code == 200 and PartnerKey.objects.filter(partner=platform).count() == 1
    assert c.post(reverse("integration:partner", args=[platform.pk]), {"do": "rotate", "scheme": "x"}).status_code == 200
    assert c.post(reverse("integration:partner", args=[platform.pk]), {"do": "revoke_key", "key": "abc"}).status_code == 200
    assert c.get(reverse("integration:partner", args=[999999])).status_code == 404


def test_pages_rotate_and_revoke(client, pmo, platform):
    c = _client(client, pmo)
    old = services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1").key
    page = c.post(reverse("integration:partner", args=[platform.pk]), {"do": "rotate", "scheme": "hmac-sha1"})
    assert page.status_code == 200 and 'data-state="retiring"' in page.content.decode()
    c.post(reverse("integration:partner", args=[platform.pk]), {"do": "revoke_key", "key": old.pk})
    old.refresh_from_db()
    assert old.revoked_at is not None
    c.post(reverse("integration:partner", args=[platform.pk]), {"do": "revoke_partner", "reason": "selesai"})
    platform.refresh_from_db()
    assert platform.state == "revoked"


def test_pages_are_for_pmo_officers(client, citizen, platform):
    c = _client(client, citizen.user)
    assert c.get(reverse("integration:partners")).status_code == 403
    assert c.get(reverse("integration:partner", args=[platform.pk])).status_code == 403
    assert c.post(reverse("integration:partners"), {"name": "X", "kind": "platform"}).status_code == 403
    assert not Partner.objects.filter(name="X").exists()
