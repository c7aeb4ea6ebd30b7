"""The links that take a manager straight to the next step of the whole job (issue 9's "done when",
tests/browser/test_whole_job.py): her programs on her home page, the program page's links to the
assessment grid and the readiness board, a new batch published by default, "start" from the import
result, and "close" from the assessment grid leading to the readiness board."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import xlsxwriter
from django.urls import reverse

from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Program

from .test_board import build, login, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(regions):
    return build()


def test_home_lists_the_managers_programs_one_click_from_their_page(client, setup):
    html = login(client, setup.manager).get("/").content.decode()
    assert 'id="managing"' in html
    assert reverse("training:manage", args=[setup.program.pk]) in html and setup.program.title in html


def test_home_of_an_instructor_lists_no_managed_programs(client, setup):
    assert 'id="managing"' not in login(client, setup.instructor).get("/").content.decode()


def test_program_page_links_to_the_grid_and_the_board_once_running(client, setup):
    html = login(client, setup.manager).get(reverse("training:manage", args=[setup.program.pk])).content.decode()
    assert reverse("certification:assess", args=[setup.program.pk]) in html
    assert reverse("certification:board", args=[setup.program.pk]) in html


def test_program_links_fragment_is_empty_for_a_program_not_started_and_for_strangers(client, setup):
    Program.objects.filter(pk=setup.program.pk).update(status=P.PUBLISHED)
    url = reverse("certification:fragment_program_links", args=[setup.program.pk])
    assert login(client, setup.manager).get(url).content.decode().strip() == ""
    Program.objects.filter(pk=setup.program.pk).update(status=P.RUNNING)
    client.logout()
    assert client.get(url).content.decode().strip() == ""


def test_new_batch_is_published_by_default(client, setup):
    html = login(client, setup.manager).get(reverse("training:program_copy", args=[setup.program.pk])).content.decode()
    box = re.search(r'<input[^>]*id="id_publish"[^>]*>', html).group(0)
    assert "checked" in box


def _sheet(rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["NIK", "Nama lengkap", "Tanggal lahir", "Pendidikan", "Status"])
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    buffer.seek(0)
    buffer.name = "kelas.xlsx"
    return buffer


def test_import_result_offers_start_when_the_program_starts_today(client, setup):
    from tests.conftest import make_nik

    program = setup.program
    Program.objects.filter(pk=program.pk).update(status=P.PUBLISHED, start_date=today(), registration_closes=today())
    login(client, setup.manager)
    response = client.post(reverse("training:import", args=[program.pk]),
                           {"file": _sheet([[make_nik(), "Rudi Hartono", "1995-05-17", "SMK", "Peserta"]]), "mode": "all_or_nothing"})
    html = response.content.decode()
    assert "1 pendaftaran disimpan" in html
    assert f'id="start-now" href="{reverse("training:program_confirm", args=[program.pk, "start"])}"' in html


def test_import_result_offers_no_start_before_the_start_date(client, setup):
    from tests.conftest import make_nik

    program = setup.program
    Program.objects.filter(pk=program.pk).update(status=P.PUBLISHED, start_date=today() + dt.timedelta(days=3),
                                                 end_date=today() + dt.timedelta(days=25), registration_closes=today())
    login(client, setup.manager)
    html = client.post(reverse("training:import", args=[program.pk]),
                       {"file": _sheet([[make_nik(), "Rudi Hartono", "1995-05-17", "SMK", "Peserta"]]), "mode": "all_or_nothing"}
                       ).content.decode()
    assert "1 pendaftaran disimpan" in html and 'id="start-now"' not in html


def test_close_from_the_grid_leads_to_the_readiness_board(client, setup):
    program = setup.program
    login(client, setup.manager)
    grid = client.get(reverse("certification:assess", args=[program.pk])).content.decode()
    board = reverse("certification:board", args=[program.pk])
    confirm = reverse("training:program_confirm", args=[program.pk, "close"])
    assert f'id="close-program" href="{confirm}?next=' in grid
    page = client.get(confirm, {"next": board}).content.decode()
    assert f'name="next" value="{board}"' in page
    response = client.post(confirm, {"next": board, "reason": "Uji kompetensi dimajukan"})
    assert response.status_code == 302 and response["Location"] == board
    assert Program.objects.get(pk=program.pk).status == P.CLOSED
    # Once closed the grid offers the board only.
    assert 'id="close-program"' not in client.get(reverse("certification:assess", args=[program.pk])).content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_close_never_leads_off_the_site(client, setup, target):
    login(client, setup.manager)
    confirm = reverse("training:program_confirm", args=[setup.program.pk, "close"])
    response = client.post(confirm, {"next": target, "reason": "Uji kompetensi dimajukan"})
    assert response.status_code == 302 and response["Location"] == reverse("training:manage", args=[setup.program.pk])


def test_an_instructor_sees_no_close_link_on_the_grid(client, setup):
    grid = login(client, setup.instructor).get(reverse("certification:assess", args=[setup.program.pk])).content.decode()
    assert 'id="close-program"' not in grid
