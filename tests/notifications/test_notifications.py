"""Notifications: e-mail through Django's mailer, SMS/WhatsApp through the gateway (logging by default),
sent only after commit, failures recorded, one reminder per person, topic and day."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from sisnaker.notifications import gateways
from sisnaker.notifications.models import Notification
from sisnaker.notifications.services import notify
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


class BrokenGateway(gateways.Gateway):
    def send(self, *, to, text):
        raise gateways.GatewayError("provider down (HTTP 503)")


class RecordingGateway(gateways.Gateway):
    sent: list = []

    def __init__(self, *, prefix="rec"):
        self.prefix = prefix

    def send(self, *, to, text):
        RecordingGateway.sent.append((to, text))
        return f"{self.prefix}-1"


@pytest.fixture
def person(regions):
    return PersonFactory(email="siti@contoh.id", phone="+6281234567890")


@pytest.fixture
def no_email_person(regions):
    return PersonFactory(email="", phone="+6281299998888")


def test_email_and_sms_are_sent_after_commit(person, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="sisnaker.notifications")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify(person=person, topic="certificate.reminder", subject="Pengingat", text="Isi survei kesiapan kerja.")
        # Nothing leaves before the commit.
        assert mail.outbox == []
        assert Notification.objects.filter(status="queued").count() == 2
    assert callbacks  # the sending waits for the commit (one task per message)
    assert {n.channel for n in created} == {"email", "sms"}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@contoh.id"] and mail.outbox[0].subject == "Pengingat"
    assert "Isi survei kesiapan kerja." in mail.outbox[0].body
    sms = Notification.objects.get(channel="sms")
    assert sms.recipient == "+6281234567890" and sms.status == "sent" and sms.sent_at is not None
    assert Notification.objects.get(channel="email").status == "sent"
    assert any("+6281234567890" in r.getMessage() and "Isi survei kesiapan kerja." in r.getMessage() for r in caplog.records)


def test_person_without_email_gets_sms_only(no_email_person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(person=no_email_person, topic="t", subject="S", text="Halo")
    assert [n.channel for n in created] == ["sms"]
    assert mail.outbox == []
    assert Notification.objects.get().status == "sent"


def test_rolled_back_transaction_sends_nothing(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        notify(person=person, topic="certificate.reminder", subject="Pengingat", text="x")
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_one_notification_per_person_topic_and_day(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert len(notify(person=person, topic="certificate.reminder", subject="S", text="a")) == 2
        assert notify(person=person, topic="certificate.reminder", subject="S", text="a") == []
        # Another topic is another message.
        assert len(notify(person=person, topic="certificate.issued", subject="S", text="b")) == 2
    assert Notification.objects.filter(topic="certificate.reminder").count() == 2
    assert len(mail.outbox) == 2
    # A day later the reminder may go again (yesterday's messages no longer count).
    Notification.objects.filter(topic="certificate.reminder").update(created_at=timezone.now() - dt.timedelta(days=1))
    assert len(notify(person=person, topic="certificate.reminder", subject="S", text="a")) == 2


def test_failed_delivery_is_recorded_and_does_not_block_a_retry(person, settings, django_capture_on_commit_callbacks):
    settings.SISNAKER_SMS_GATEWAY = "tests.notifications.test_notifications.BrokenGateway"
    with django_capture_on_commit_callbacks(execute=True):
        notify(person=person, topic="t", subject="S", text="x", channels=("sms",))
    failed = Notification.objects.get()
    assert failed.status == "failed" and "provider down" in failed.error and failed.sent_at is None
    # A failed message does not count as "already reminded today".
    settings.SISNAKER_SMS_GATEWAY = "sisnaker.notifications.gateways.LoggingGateway"
    with django_capture_on_commit_callbacks(execute=True):
        assert len(notify(person=person, topic="t", subject="S", text="x", channels=("sms",))) == 1
    assert Notification.objects.filter(status="sent").count() == 1


def test_whatsapp_through_a_configured_provider_with_options(person, settings, django_capture_on_commit_callbacks):
    settings.SISNAKER_WHATSAPP_GATEWAY = "tests.notifications.test_notifications.RecordingGateway"
    settings.SISNAKER_WHATSAPP_GATEWAY_OPTIONS = {"prefix": "wa"}
    RecordingGateway.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        notify(person=person, topic="t", subject="S", text="Halo WA", channels=("whatsapp",))
    assert RecordingGateway.sent == [("+6281234567890", "Halo WA")]
    assert Notification.objects.get().status == "sent"


def test_unknown_channel_is_refused(person):
    with pytest.raises(ValueError):
        notify(person=person, topic="t", subject="S", text="x", channels=("pigeon",))


def test_phone_numbers_in_international_form():
    assert gateways.normalize_phone("0812-3456-7890") == "+6281234567890"
    assert gateways.normalize_phone("+62 812 3456 7890") == "+6281234567890"
    assert gateways.normalize_phone("81234567890") == "+6281234567890"
    assert gateways.normalize_phone("") == "" and gateways.normalize_phone("123") == ""


def test_default_gateway_logs_and_returns_an_id(caplog):
    caplog.set_level(logging.INFO, logger="sisnaker.notifications")
    gw = gateways.get_gateway("whatsapp")
    assert isinstance(gw, gateways.LoggingGateway)
    message_id = gw.send(to="+628123", text="uji")
    assert message_id.startswith("log-")
    assert "WHATSAPP to +628123" in caplog.text


def test_old_messages_lose_address_and_text_but_the_record_stays(person, django_capture_on_commit_callbacks):
    """Retention (docs/privacy.md): after SISNAKER_NOTIFICATION_KEEP_DAYS a sent or failed message keeps only its
    channel, topic, person, status and times; a message still waiting to be sent is left alone; a second pass
    erases nothing more; each pass leaves an audit row."""
    from sisnaker.core.models import AuditEvent
    from sisnaker.notifications.services import notifications_erase_old

    then = timezone.now() - dt.timedelta(days=120)
    with django_capture_on_commit_callbacks(execute=True):
        old = notify(person=person, topic="certificate.ready", subject="Sertifikat", text="Sertifikat Anda siap", now=then)
    recent = notify(person=person, topic="survey.reminder", subject="Survei", text="Isi survei", now=timezone.now())
    waiting = Notification.objects.create(channel="sms", person=person, recipient="+6281234567890", topic="x",
                                          body="menunggu", status=Notification.Status.QUEUED)
    Notification.objects.filter(pk__in=[n.pk for n in old] + [waiting.pk]).update(created_at=then)
    assert {n.status for n in Notification.objects.filter(pk__in=[n.pk for n in old])} == {"sent"}

    assert notifications_erase_old(now=timezone.now(), keep_days=90) == len(old) == 2
    for n in Notification.objects.filter(pk__in=[n.pk for n in old]):
        assert (n.recipient, n.subject, n.body, n.error) == ("", "", "", "") and n.erased_at is not None
        assert n.person == person and n.topic == "certificate.ready" and n.status == "sent"
    assert Notification.objects.get(pk=waiting.pk).body == "menunggu"
    assert all(Notification.objects.get(pk=n.pk).body == "Isi survei" for n in recent)
    row = AuditEvent.objects.get(action="notifications.erased")
    assert row.after["erased"] == 2 and row.actor_id is None
    assert notifications_erase_old(now=timezone.now(), keep_days=90) == 0
    # The record still does its work: the same topic is not sent twice on that day.
    assert notify(person=person, topic="certificate.ready", subject="S", text="T", now=then) == []
