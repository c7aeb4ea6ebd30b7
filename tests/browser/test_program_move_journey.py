"""A big program's cancellation in a phone-sized Chromium: the manager cancels a program with more applicants than
a request may move, is told on the confirmation that the worker will do it, lands on the step's page (queued, 0 of
N, polling by itself), sees on the program's page that no other step can be taken meanwhile, and, once the worker has
taken the step, sees it done and the program cancelled with its applicants withdrawn."""

import pytest
from playwright.sync_api import expect

from sisnaker.core.roles import Role
from sisnaker.training import moves
from sisnaker.training.models import Enrollment, ProgramMove
from tests.conftest import approved_institution
from tests.factories import ProgramFactory, enrollments_in, staff

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Rahasia-Kuat-2026"


def test_manager_cancels_a_big_program_and_watches_the_worker_take_the_step(page, settings):
    # No worker yet: the step waits in the queue until the test runs it, as a worker would.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS = 5
    institution = approved_institution(registry_number="BLK-3273-014", name="UPTD BLK Kota Bandung")
    staff(Role.INSTITUTION_MANAGER, institution=institution, username="pengelola.batal", first_name="Rina", password=PASSWORD)
    program = ProgramFactory(institution=institution, status="published", title="Las Listrik Angkatan 4", units=1, quota=30)
    enrollments_in(program, n=8, state="registered")
    base = page.base_url

    log_in(page, "pengelola.batal", PASSWORD)
    page.goto(f"{base}/pelatihan/kelola/{program.pk}/")
    page.get_by_role("link", name="Membatalkan program…").click()
    expect(page.locator("#transition-background")).to_be_visible()
    page.get_by_label("Alasan (wajib, dicatat di riwayat program)").fill("Bengkel las terbakar")
    page.get_by_role("button", name="Ya, membatalkan program").click()

    # The step's page: queued, 0 of 8, polling.
    expect(page.locator("#move-status")).to_have_text("menunggu giliran pekerja latar")
    expect(page.locator("#move-count")).to_have_text("0 dari 8 pendaftaran dipindahkan")
    step_url = page.url

    # The program's page says a step is running and offers no other.
    page.goto(f"{base}/pelatihan/kelola/{program.pk}/")
    expect(page.locator("#program-moving")).to_contain_text("sedang dikerjakan di latar")
    expect(page.locator(".program-actions")).to_have_count(0)
    expect(page.locator("#program-status")).to_have_text("Pendaftaran dibuka")
    page.get_by_role("link", name="Lihat kemajuan").click()
    assert page.url == step_url

    moves.program_move_run(move_id=ProgramMove.objects.get().pk)  # the worker; the page notices on its next poll

    expect(page.locator("#move-status")).to_have_text("selesai", timeout=10_000)
    expect(page.locator("#move-done")).to_contain_text("Dibatalkan")
    expect(page.locator(".progressbar span")).to_have_attribute("data-width", "100")
    page.get_by_role("link", name="Kembali ke program").click()
    expect(page.locator("#program-status")).to_have_text("Dibatalkan")
    expect(page.locator("#program-moving")).to_have_count(0)
    assert Enrollment.objects.filter(program=program, state="withdrawn").count() == 8
