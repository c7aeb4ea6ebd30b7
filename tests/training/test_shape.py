"""Training's shape (issue 8): what certification knows reaches training's pages through fragments and an
extension point (never an import); the institution's program list lives in training at its old paths;
page refusals rise to the one error page; top-level services are durable; the API does not count late
registrations per program."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from sisnaker.core import extensions
from sisnaker.core.errors import NotFound
from sisnaker.core.models import AuditEvent
from sisnaker.core.templatetags import fragments
from sisnaker.training import selectors, services, views
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.spreadsheets import views as spreadsheet_views
from sisnaker.training.spreadsheets.services import enrollments_import
from tests.factories import RegionalOfficerFactory

from .test_pages import field, institution, manager, new_program, program  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


# --- certification on training's pages ------------------------------------------------------------

class Rating:
    def __init__(self, average: str, count: int):
        self.average, self.count = average, count


def test_catalogue_shows_the_ratings_a_provider_gives_for_the_page(client, program, new_program, monkeypatch):  # noqa: F811
    other = new_program(title="Las Listrik Dasar")
    asked = []

    def provider(*, program_ids):
        asked.append(sorted(program_ids))
        return {program.pk: Rating("4.5", 2)}

    monkeypatch.setitem(extensions._providers, views.PROGRAM_RATINGS, [provider])
    html = client.get(reverse("training:catalogue")).content.decode()
    assert asked == [sorted([program.pk, other.pk])]  # one call for the whole page
    assert 'class="card-rating"' in html and 'data-rating="4.5"' in html and "(2 ulasan)" in html
    assert html.count('class="card-rating"') == 1  # the unrated program shows none


def test_catalogue_without_a_provider_shows_no_rating(client, program, monkeypatch):  # noqa: F811
    monkeypatch.setitem(extensions._providers, views.PROGRAM_RATINGS, [])
    page = client.get(reverse("training:catalogue"))
    assert page.status_code == 200 and "card-rating" not in page.content.decode()


@pytest.fixture
def named_fragments(monkeypatch):
    """The fragments a page names (URL name, args), whatever certification serves behind them."""
    named = []
    real = fragments.reverse

    def spy(name, args=None, kwargs=None):
        if name.startswith("certification:fragment_"):
            named.append((name, tuple(args or ())))
        return real(name, args=args, kwargs=kwargs)

    monkeypatch.setattr(fragments, "reverse", spy)
    return named


def test_the_program_page_shows_its_rating_through_a_certification_fragment(client, program, named_fragments):  # noqa: F811
    assert client.get(reverse("training:program", args=[program.pk])).status_code == 200
    assert named_fragments == [("certification:fragment_program_rating", (program.pk,))]


def test_the_manager_page_links_to_certification_through_a_fragment(client, program, manager, named_fragments):  # noqa: F811
    client.force_login(manager)
    assert client.get(reverse("training:manage", args=[program.pk])).status_code == 200
    assert named_fragments == [("certification:fragment_program_links", (program.pk,))]


# --- the institution's programs, and paths that did not change --------------------------------------

@pytest.mark.parametrize(("name", "args", "path", "view"), [
    ("training:institution_programs", [7], "/lembaga/7/program/", views.institution_programs),
    ("training:program_create", [7], "/lembaga/7/program/baru/", views.program_create),
    ("training:import_template", [], "/pelatihan/berkas/templat/", spreadsheet_views.template_download),
    ("training:import", [7], "/pelatihan/berkas/7/impor/", spreadsheet_views.import_view),
    ("training:import_error_file", [7, "ab"], "/pelatihan/berkas/7/impor/galat/ab/", spreadsheet_views.error_file_download),
    ("training:export", [7], "/pelatihan/berkas/7/ekspor/", spreadsheet_views.export_view),
    ("training:catalogue", [], "/pelatihan/", views.catalogue),
    ("training:manage", [7], "/pelatihan/kelola/7/", views.manage),
])
def test_paths_stay_where_they_were(name, args, path, view):
    assert reverse(name, args=args) == path
    assert resolve(path).func is view


def test_the_institution_program_list_is_for_its_staff(client, program, manager, institution):  # noqa: F811
    url = reverse("training:institution_programs", args=[institution.pk])
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert program.title in page and reverse("training:program_create", args=[institution.pk]) in page
    client.force_login(RegionalOfficerFactory(username="orang.lain", area="35"))
    refused = client.get(url)
    assert refused.status_code == 403 and "Daftar program ini hanya untuk staf lembaga." in refused.content.decode()
    missing = client.get(reverse("training:institution_programs", args=[999999]))
    assert missing.status_code == 404 and "Lembaga tidak ditemukan." in missing.content.decode()


# --- one way to refuse on a page ------------------------------------------------------------------

def test_page_refusals_are_the_error_page_in_the_readers_language(client, program, manager, new_program):  # noqa: F811
    client.force_login(RegionalOfficerFactory(username="orang.lain", area="35"))
    refused = client.get(reverse("training:manage", args=[program.pk]))
    assert refused.status_code == 403 and "Halaman ini hanya untuk staf lembaga penyelenggara program." in refused.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.get(reverse("training:manage", args=[program.pk]))
    assert refused.status_code == 403 and "This page is only for staff of the programme&#x27;s institution." in refused.content.decode()
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    missing = client.get(reverse("training:manage", args=[999999]))
    assert missing.status_code == 404 and "Program tidak ditemukan." in missing.content.decode()
    # A draft of someone else's institution and a program that does not exist answer alike.
    draft = new_program(status=P.DRAFT)
    client.logout()
    answers = [client.get(reverse("training:program", args=[pk])) for pk in (draft.pk, 999999)]
    assert [a.status_code for a in answers] == [404, 404]
    main = [re.search(r"<main.*</main>", a.content.decode(), re.S).group(0) for a in answers]
    assert main[0] == main[1] and "Program tidak ditemukan atau belum dibuka untuk umum." in main[0]


def test_a_missing_program_is_not_found_in_one_wording(regions):
    with pytest.raises(NotFound) as by_staff:
        selectors.program_for_staff(program_id=999999)
    with pytest.raises(NotFound) as any_program:
        selectors.get_program(program_id=999999)
    assert by_staff.value.code == any_program.value.code == "program_not_found"
    assert by_staff.value.message == any_program.value.message == selectors.PROGRAM_NOT_FOUND


# --- durable top-level services -------------------------------------------------------------------

def test_top_level_services_refuse_to_run_inside_another_transaction(program, manager):  # noqa: F811
    today = timezone.localdate()
    with transaction.atomic(), pytest.raises(RuntimeError):
        services.program_transition(actor=manager, program=program, action="close_registration", today=today)
    with transaction.atomic(), pytest.raises(RuntimeError):
        enrollments_import(actor=manager, program=program, file_name="a.csv", data=b"NIK;Nama lengkap;Pendidikan\n1;Nama;SMA\n",
                           mode="valid_only", today=today)
    # Run on their own, they work (recording someone by NIK runs the record step inside its own block).
    assert services.program_transition(actor=manager, program=program, action="close_registration", today=today).status == "selection"


# --- the API ----------------------------------------------------------------------------------------

def test_my_programs_counts_late_registrations_without_a_query_per_program(program, manager, new_program):  # noqa: F811
    api = Client()
    api.force_login(manager)
    api.get("/api/v1/training/programs")  # warm up (session, grants)
    with CaptureQueriesContext(connection) as one:
        first = api.get("/api/v1/training/programs")
    for i in range(3):
        new_program(title=f"Program Tambahan {i}")
    with CaptureQueriesContext(connection) as four:
        more = api.get("/api/v1/training/programs")
    assert len(four.captured_queries) == len(one.captured_queries)
    assert len(first.json()) == 1 and len(more.json()) == 4
    assert all(p["late_count"] == 0 for p in more.json())


def test_the_api_leaves_permission_checks_to_the_services(client, program, institution):  # noqa: F811
    outsider = RegionalOfficerFactory(username="orang.luar", area="35")
    api = Client()
    api.force_login(outsider)
    before = AuditEvent.objects.count()
    refused = api.post("/api/v1/training/vocational-fields", {"code": "X", "name": "Tidak boleh"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    refused = api.patch(f"/api/v1/training/programs/{program.pk}", {"quota": 99}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert AuditEvent.objects.count() == before


def test_the_spreadsheet_endpoints_keep_their_operation_ids(client):
    """Clients generated from the OpenAPI document name methods after these ids (the endpoints moved module)."""
    ids = {op["operationId"] for path in client.get("/api/v1/openapi.json").json()["paths"].values() for op in path.values()}
    assert {"sisnaker_training_io_api_import_file", "sisnaker_training_io_api_import_error_file",
            "sisnaker_training_io_api_export", "sisnaker_training_api_catalogue"} <= ids
