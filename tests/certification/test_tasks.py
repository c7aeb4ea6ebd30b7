""""Issue all eligible" as a background task: certificates issued, progress counted across processes
(certificates issued since the batch was enqueued, against the eligible count at enqueue time), the
progress page polled by htmx until done — with the immediate backend and with the database backend and
its worker, as in production.

"Issue all eligible" queues its task once the request's transaction has committed
(``services.certificates_issue_all_start``), so the tests that follow the page to its progress run with
real commits (``transaction=True``), as the request does in production."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sisnaker.certification import services
from sisnaker.certification.models import Certificate
from sisnaker.certification.tasks import issue_all_eligible, progress_key
from sisnaker.core.errors import PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.institutions.models import Institution
from tests.certification import test_board as f
from tests.factories import AdminFactory
from tests.tasks import DB_TASKS

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(regions):
    s = f.build()
    # A second eligible participant: Citra fills the survey.
    f.survey(s.enrollments["Citra"])
    return s


def issue_all(client, setup):
    client.force_login(setup.manager)
    return client.post(reverse("certification:board_issue_all", kwargs={"program_id": setup.program.pk}))


@committed
def test_issue_all_runs_the_task_and_shows_the_progress(client, setup):
    response = issue_all(client, setup)
    assert response.status_code == 302
    assert re.search(r"/sertifikasi/kesiapan/\d+/terbitkan-semua/[\w-]+/\?total=2&since=", response.url)
    e = setup.enrollments
    assert set(Certificate.objects.values_list("enrollment_id", flat=True)) == {e["Ani"].pk, e["Citra"].pk}
    page = client.get(response.url).content.decode()
    assert "2 dari 2 diterbitkan" in page and "selesai" in page
    assert 'hx-trigger="every 2s"' not in page  # finished: the polling stops
    # The board now shows both rows complete (every step ✔) and nobody else eligible.
    html = client.get(reverse("certification:board", kwargs={"program_id": setup.program.pk})).content.decode()
    for name in ("Ani", "Citra"):
        row = re.search(rf'<tr id="e{e[name].pk}".*?</tr>', html, re.S).group(0)
        assert 'data-status="certified"' in row and 'data-done="0"' not in row
    assert 'data-count="eligible">0<' in html and 'data-count="certificate-done">2<' in html
    # The request is in the audit trail (the certificates too, each with its own row).
    event = AuditEvent.objects.get(action="certificate.issue_all_requested")
    assert event.actor_id == setup.manager.pk and event.object_id == str(setup.program.pk) and event.after["eligible"] == 2
    assert AuditEvent.objects.filter(action="certificate.issued").count() == 2


def test_the_start_queues_the_task_only_once_committed(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = services.certificates_issue_all_start(actor=setup.manager, program=setup.program, now=timezone.now())
    assert started.total == 2 and started.result is None and len(callbacks) == 1
    assert AuditEvent.objects.filter(action="certificate.issue_all_requested").count() == 1
    assert not Certificate.objects.exists()  # nothing ran: the request's transaction has not committed
    callbacks[0]()  # the commit
    assert started.result is not None and started.result.status == "SUCCESSFUL" and Certificate.objects.count() == 2


def test_the_start_is_refused_to_others_and_for_an_unapproved_institution(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PermissionDenied):
        services.certificates_issue_all_start(actor=setup.instructor, program=setup.program, now=timezone.now())
    Institution.objects.filter(pk=setup.institution.pk).update(status="suspended")
    admin = AdminFactory()  # whom the permission rules let through
    with django_capture_on_commit_callbacks(execute=True) as more, pytest.raises(PermissionDenied) as refused:
        services.certificates_issue_all_start(actor=admin, program=setup.program, now=timezone.now())
    assert refused.value.code == "institution_not_approved"
    assert callbacks == more == [] and not AuditEvent.objects.filter(action="certificate.issue_all_requested").exists()


def test_the_task_reports_progress_and_its_summary(setup):
    since = timezone.now().replace(microsecond=0)
    result = issue_all_eligible.enqueue(program_id=setup.program.pk, actor_id=setup.manager.pk, total=2, since=since.isoformat())
    assert result.status == "SUCCESSFUL", result.errors
    value = result.return_value
    assert value["program_id"] == setup.program.pk and value["total"] == 2 and value["summary"] is not None
    assert cache.get(progress_key(result.id))["done"] == 2
    assert Certificate.objects.filter(enrollment__program=setup.program, issued_at__gte=since).count() == 2


def test_nothing_eligible_enqueues_nothing(client, setup, django_capture_on_commit_callbacks):
    for name in ("Ani", "Citra"):
        setup.enrollments[name].review.delete()
    with django_capture_on_commit_callbacks() as callbacks:
        response = issue_all(client, setup)
    assert callbacks == [] and not AuditEvent.objects.filter(action="certificate.issue_all_requested").exists()
    assert response.status_code == 302 and response.url == reverse("certification:board", kwargs={"program_id": setup.program.pk})
    page = client.get(response.url).content.decode()
    assert "Belum ada peserta yang memenuhi syarat" in page
    assert not Certificate.objects.exists()


@committed
def test_progress_across_processes_with_the_database_backend(client, setup, settings, monkeypatch):
    settings.TASKS = DB_TASKS
    # The worker recycles database connections between tasks; inside a test's transaction that would
    # close it (PostgreSQL), so it keeps the test's connection here.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    response = issue_all(client, setup)
    progress_url = response.url
    assert not Certificate.objects.exists()  # queued, not run
    page = client.get(progress_url).content.decode()
    assert "0 dari 2 diterbitkan" in page and "menunggu giliran" in page
    assert 'hx-trigger="every 2s"' in page
    # The partial htmx polls is the progress block alone.
    partial = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<section class="card" id="issue-progress"') and "<html" not in partial
    # The worker (another process in production) runs the task; the page counts what it issued.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert Certificate.objects.count() == 2
    page = client.get(progress_url.split("?")[0]).content.decode()  # the stored task knows total and start
    assert "2 dari 2 diterbitkan" in page and "selesai" in page and 'hx-trigger="every 2s"' not in page


@committed
def test_progress_of_another_programs_task_is_not_found(client, setup, settings):
    settings.TASKS = DB_TASKS
    url = issue_all(client, setup).url
    other = f.running_program(setup.institution, units=setup.units, title="Program Lain")
    wrong = url.replace(f"/kesiapan/{setup.program.pk}/", f"/kesiapan/{other.pk}/")
    assert client.get(wrong).status_code == 404
    assert client.get(reverse("certification:board_issue_progress",
                              kwargs={"program_id": setup.program.pk, "result_id": "tidak-ada"})).status_code == 404
