"""Request bodies are sized before they are read, and uploads are taken only from signed-in users.

Django reads a multipart body (and writes its files to disk) the first time anything asks for
``request.POST`` — ``CsrfViewMiddleware.process_view`` does, before any view or log-in check — and it
has no limit on the size of uploaded files. ``UploadGuardMiddleware`` runs in ``__call__``, which comes
before every ``process_view``:

1. a declared ``Content-Length`` above the path's limit is answered 413 at once, nothing read;
2. on an upload path (``UPLOADS``) the caller must be signed in (session, or an API bearer token) —
   else 401 (API) or the log-in page — and a chunked body without a length is refused (411: Django
   does not read such bodies, so the upload would silently be empty);
3. an upload handler placed first counts the file bytes actually received and stops past the limit,
   whatever the headers said; on an upload path the body is read here, under that handler, so that a
   file too large is a clear 413 (page or JSON), never a 500.

The reverse proxy should refuse larger bodies before they reach the application at all
(``client_max_body_size`` in nginx, see docs/operations.md). Under ASGI, Django reads the whole body
before any middleware runs: only the proxy limit applies there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from .api_auth import user_for_secret
from .errors import Msg

MB = 1024 * 1024
IMPORT_FILE_LIMIT = 50 * MB  # training.imports.MAX_BYTES (a test keeps them equal)
# A photo from a phone: above placement.photo.MAX_BYTES (5 MB), so that a photo a little too large gets the form's
# own message ("at most 5 MB; send a smaller one") rather than this generic refusal.
PHOTO_FILE_LIMIT = 20 * MB
FORM_MARGIN = 1 * MB  # the other fields of the form and the multipart framing


@dataclass(frozen=True)
class Upload:
    """A path that takes a file: at most ``file_limit`` bytes of files, ``file_limit + FORM_MARGIN`` in all."""

    pattern: re.Pattern
    file_limit: int

    @property
    def body_limit(self) -> int:
        return self.file_limit + FORM_MARGIN


UPLOADS: tuple[Upload, ...] = (
    Upload(re.compile(r"^/pelatihan/berkas/[0-9]+/impor/$"), IMPORT_FILE_LIMIT),
    Upload(re.compile(r"^/api/v1/training/programs/[0-9]+/import$"), IMPORT_FILE_LIMIT),
    Upload(re.compile(r"^/sertifikasi/penilaian/[0-9]+/impor/$"), IMPORT_FILE_LIMIT),  # the assessment grid's sheet
    Upload(re.compile(r"^/prakerja/pmo/pengecualian/$"), IMPORT_FILE_LIMIT),  # Prakerja exclusion lists
    Upload(re.compile(r"^/penempatan/luaran/impor/$"), IMPORT_FILE_LIMIT),  # placement reports of alumni
    # The AK/1 card's photo: with the application, and replaced later.
    Upload(re.compile(r"^/penempatan/ak1/daftar/$"), PHOTO_FILE_LIMIT),
    Upload(re.compile(r"^/penempatan/ak1/[0-9]+/foto/ganti/$"), PHOTO_FILE_LIMIT),
)


def default_body_limit() -> int:
    """Any other path takes no file, and Django refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE of other
    data anyway; a little more is allowed for the framing."""
    return (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440) + 256 * 1024


def upload_for(path: str) -> Upload | None:
    return next((u for u in UPLOADS if u.pattern.match(path)), None)


class UploadTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class LimitedUploadHandler(FileUploadHandler):
    """First in the chain: counts the file bytes received and raises ``UploadTooLarge`` past ``limit``,
    before the next handler (memory or temporary file) receives the excess."""

    def __init__(self, request=None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    size = f"{limit // MB} MB" if limit % MB == 0 else f"{limit / MB:.1f} MB" if limit >= MB else f"{-(-limit // 1024)} KB"
    message = Msg("Berkas atau permintaan terlalu besar: batasnya {size}. Pecah berkas menjadi beberapa bagian.",
                  "The file or request is too large: the limit is {size}. Split the file into several parts.").format(size=size)
    return _refusal(request, 413, "request_too_large", message)


# The partner API answers in its published envelope, and calls a body over the limit ``body_too_large`` whoever
# refuses it (docs/integration.md); it is checked here by path because this middleware answers before the view.
PARTNER_API = "/api/v1/integration/"


def _refusal(request: HttpRequest, status: int, code: str, message: Msg) -> HttpResponse:
    if request.path_info.startswith(PARTNER_API):
        code = "body_too_large" if status == 413 else code
        response = JsonResponse({"success": False, "code": code, "message": str(message), "field": None, "data": None}, status=status)
    elif request.path_info.startswith("/api/"):
        response = JsonResponse({"code": code, "message": str(message), "field": None}, status=status)
    else:
        response = render(request, "core/error.html", {"title": str(message).split(":")[0], "text": str(message),
                                                      "status": status}, status=status)
    response["Connection"] = "close"  # the rest of the body is not read
    return response


def _signed_in(request: HttpRequest) -> bool | None:
    """True for a session user or a valid API token; None when an API token was presented and is bad."""
    header = request.headers.get("Authorization", "")
    if request.path_info.startswith("/api/") and header.lower().startswith("bearer "):
        return True if user_for_secret(header[7:].strip()) is not None else None
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_active)


class UploadGuardMiddleware:
    """See the module docstring. After the authentication middleware, before everything that reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        upload = upload_for(request.path_info)
        limit = upload.body_limit if upload else default_body_limit()
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            return _too_large(request, upload.file_limit if upload else limit)
        request.upload_handlers.insert(0, LimitedUploadHandler(request, limit=upload.file_limit if upload else limit))
        if upload is None or request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        signed_in = _signed_in(request)
        if not signed_in:
            if request.path_info.startswith("/api/") or signed_in is None:
                return _refusal(request, 401, "not_authenticated", Msg(
                    "Perlu masuk: kirim sesi yang sah atau header 'Authorization: Bearer <token>'.",
                    "Authentication required: send a valid session or an 'Authorization: Bearer <token>' header."))
            response = redirect_to_login(request.get_full_path())
            response["Connection"] = "close"
            return response
        if not declared and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            return _refusal(request, 411, "length_required", Msg(
                "Unggahan harus menyertakan ukurannya (Content-Length); kirim ulang berkasnya tanpa 'chunked'.",
                "An upload must state its size (Content-Length); send the file again without 'chunked' encoding."))
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 - read the body now, under the limited handler
                request.FILES  # noqa: B018
            except UploadTooLarge as exc:
                return _too_large(request, exc.limit)
            except RequestDataTooBig:
                return _too_large(request, limit)
            except MultiPartParserError:
                return _refusal(request, 400, "upload_malformed", Msg(
                    "Unggahan tidak dapat dibaca (isi formulir rusak). Pilih berkasnya lagi lalu kirim ulang.",
                    "The upload cannot be read (the form data is damaged). Choose the file again and resend."))
        return self.get_response(request)
