"""Sending personal links and printing the QR sheet are set-based (issue 9 §1, A3): links made with one bulk
insert, the messages in bulk, the audit rows with ``record_many`` — the same number of queries for a class of 5
as for a class of 30."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sisnaker.certification import services as cert_services
from sisnaker.certification.models import PersonalLink
from sisnaker.core.models import AuditEvent
from sisnaker.notifications.models import Notification
from tests.certification.test_board import assess
from tests.factories import course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]


def _class(n: int):
    c = course(participants=n)
    for e in c.enrollments:
        assess(e, c.units, c.instructor)  # assessed: each still has the review and the survey to do
    return c


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return len(ctx.captured_queries)


def test_sending_links_takes_as_many_queries_for_30_as_for_5(regions, django_capture_on_commit_callbacks):
    counts = {}
    for n in (5, 30):
        c = _class(n)
        with django_capture_on_commit_callbacks(execute=False):
            counts[n] = _queries(lambda c=c: cert_services.send_reminders(actor=c.manager, program=c.program,
                                                                          base_url="http://testserver/"))
        assert PersonalLink.objects.filter(enrollment__program=c.program, revoked_at__isnull=True).count() == n
        assert Notification.objects.filter(topic=cert_services.reminder_topic(c.program)).count() == n
        assert AuditEvent.objects.filter(action="personal_link.issued", after__enrollment__in=[e.pk for e in c.enrollments]).count() == n
    assert counts[30] == counts[5], counts


def test_printing_the_qr_sheet_takes_as_many_queries_for_30_as_for_5(regions):
    counts = {}
    for n in (5, 30):
        c = _class(n)
        # Earlier links are replaced: the sheet revokes them in the same fixed number of queries.
        cert_services.personal_links_print(actor=c.manager, program=c.program, base_url="http://testserver/")
        counts[n] = _queries(lambda c=c: cert_services.personal_links_print(actor=c.manager, program=c.program,
                                                                            base_url="http://testserver/"))
        assert PersonalLink.objects.filter(enrollment__program=c.program, revoked_at__isnull=True).count() == n
        assert PersonalLink.objects.filter(enrollment__program=c.program).count() == 2 * n
    assert counts[30] == counts[5], counts
