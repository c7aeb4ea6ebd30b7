"""Uploads are sized while streaming and taken only from signed-in users (issue 7 §5): a declared size
above the limit is refused before anything is read, the log-in is checked before CSRF reads the body,
a file past the limit stops the upload, a chunked body is refused, and every refusal is a clear 4xx."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from django.utils import timezone

from sisnaker.core import uploads
from sisnaker.core.api_auth import token_create
from sisnaker.training.models import Enrollment
from sisnaker.training.spreadsheets import reading
from tests.training.test_import import manager_and_institution, program_for, row, xlsx

MB = 1024 * 1024
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, today=timezone.localdate())
    return manager, program, f"/pelatihan/berkas/{program.pk}/impor/", f"/api/v1/training/programs/{program.pk}/import"


@pytest.fixture
def body_never_read(monkeypatch):
    def refuse(self):
        raise AssertionError("the request body was read")

    monkeypatch.setattr(MultiPartParser, "parse", refuse)


def upload(data: bytes, name: str = "peserta.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_the_limit_is_the_import_limit():
    assert uploads.IMPORT_FILE_LIMIT == reading.MAX_BYTES
    assert uploads.upload_for("/pelatihan/berkas/12/impor/") and uploads.upload_for("/api/v1/training/programs/3/import")
    assert uploads.upload_for("/pelatihan/berkas/12/impor/galat/abc/") is None


def test_anonymous_uploads_are_refused_before_the_body_is_read(setup, body_never_read):
    """CSRF checking reads request.POST (and writes the files to disk) before any view's log-in check."""
    _, _, page, api = setup
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(page, {"file": upload(xlsx([row()])), "mode": "valid_only"})
    assert response.status_code == 302 and "/masuk/" in response["Location"]
    response = browser.post(api, {"file": upload(xlsx([row()]))})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    bad_token = browser.post(api, {"file": upload(xlsx([row()]))}, headers={"Authorization": "Bearer snk_tidak-sah"})
    assert bad_token.status_code == 401


@pytest.mark.parametrize("which", ["page", "api"])
def test_a_declared_size_above_the_limit_is_refused_before_reading(setup, body_never_read, which):
    manager, _, page, api = setup
    client = Client()
    client.force_login(manager)
    url = page if which == "page" else api
    response = client.generic("POST", url, b"--x\r\n", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(200 * MB))
    assert response.status_code == 413 and response["Connection"] == "close"
    text = response.content.decode()
    assert "terlalu besar" in text and "50 MB" in text
    if which == "api":
        assert response.json()["code"] == "request_too_large"


def test_any_other_path_refuses_a_large_body_too(client, body_never_read):
    response = client.generic("POST", "/akun/masuk/", b"x", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(20 * MB))
    assert response.status_code == 413


@pytest.mark.parametrize("which", ["page", "api"])
def test_a_file_past_the_limit_stops_the_upload_while_streaming(setup, monkeypatch, which):
    manager, program, page, api = setup
    limit = 4096
    monkeypatch.setattr(uploads, "UPLOADS", tuple(uploads.Upload(u.pattern, limit) for u in uploads.UPLOADS))
    received = []
    original = MemoryFileUploadHandler.receive_data_chunk
    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk",
                        lambda self, raw, start: received.append(len(raw)) or original(self, raw, start))
    client = Client(enforce_csrf_checks=which == "page")
    client.force_login(manager)
    data = xlsx([row() for _ in range(200)])
    assert len(data) > limit
    response = client.post(page if which == "page" else api, {"file": upload(data), "mode": "valid_only"})
    assert response.status_code == 413
    assert sum(received) <= limit  # the excess never reached the handler that stores the file
    assert not Enrollment.objects.filter(program=program).exists()
    small = client.post(page if which == "page" else api, {"file": upload(b"NIK\n"), "mode": "valid_only"})
    assert small.status_code != 413


def test_a_chunked_upload_without_length_is_refused(setup, body_never_read):
    manager, _, page, _ = setup
    environ = RequestFactory().post(page, data=b"", content_type="multipart/form-data; boundary=x").environ
    environ.pop("CONTENT_LENGTH", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input"] = io.BytesIO(b"--x\r\n")
    request = WSGIRequest(environ)
    request.user = manager
    reached = []
    response = uploads.UploadGuardMiddleware(lambda r: reached.append(r) or HttpResponse("ok"))(request)
    assert response.status_code == 411 and not reached


def test_the_handler_counts_across_chunks_and_files():
    handler = uploads.LimitedUploadHandler(limit=10)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert handler.receive_data_chunk(b"67890", 5) == b"67890"
    with pytest.raises(uploads.UploadTooLarge):
        handler.receive_data_chunk(b"1", 10)


def test_an_api_token_is_enough_and_a_normal_import_goes_through(setup):
    manager, program, page, api = setup
    _, secret = token_create(user=manager, name="skrip impor")
    script = Client()
    response = script.post(api, {"file": upload(xlsx([row()])), "mode": "valid_only"}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json()["created"] == 1
    browser = Client()
    browser.force_login(manager)
    page_response = browser.post(page, {"file": upload(xlsx([row()])), "mode": "valid_only"})
    assert page_response.status_code == 200 and re.search(r"Hasil impor", page_response.content.decode())
