"""The REST API under /api/v1/ (django-ninja). Each app contributes a router from its ``api.py``;
the OpenAPI document is served at /api/v1/openapi.json and browsable docs at /api/v1/docs."""

from django.db import DataError
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, SisnakerError, TooManyRequests
from sisnaker.web.api_docs import LocalSwagger

api = NinjaAPI(
    title="Sisnaker API",
    version="1",
    description=(
        "Sistem Informasi Ketenagakerjaan. Errors are JSON objects "
        "`{code, message, field}`; the message follows Accept-Language (id default, en)."
    ),
    urls_namespace="api",
    docs=LocalSwagger(),  # Swagger UI from the npm lock file, not a CDN
)


def _error(request: HttpRequest, exc: SisnakerError, status: int):
    return api.create_response(
        request, {"code": exc.code, "message": str(exc.message), "field": exc.field, **exc.details}, status=status
    )


@api.exception_handler(SisnakerError)
def sisnaker_error(request, exc: SisnakerError):
    status = 400
    if isinstance(exc, PermissionDenied):
        status = 403
    elif isinstance(exc, NotFound):
        status = 404
    elif isinstance(exc, Conflict):
        status = 409
    elif isinstance(exc, TooManyRequests):
        response = _error(request, exc, 429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return _error(request, exc, status)


@api.exception_handler(DataError)
def database_refused_value(request, exc):
    # A value the database cannot hold (text longer than its column, a number out of range) that
    # slipped past validation: a clear 400, not a 500.
    message = Msg(
        "Ada isian yang terlalu panjang atau di luar batas. Periksa panjang teks dan besar angka lalu coba lagi.",
        "A value is too long or out of range. Check the text lengths and numbers, then try again.",
    )
    return api.create_response(request, {"code": "value_out_of_range", "message": str(message), "field": None}, status=400)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    message = Msg(
        "Perlu masuk: kirim sesi yang sah atau header 'Authorization: Bearer <token>'.",
        "Authentication required: send a valid session or an 'Authorization: Bearer <token>' header.",
    )
    return api.create_response(request, {"code": "not_authenticated", "message": str(message), "field": None}, status=401)


def _register_routers() -> None:
    from sisnaker.accounts.api import router as accounts_router
    from sisnaker.certification.api import router as certification_router
    from sisnaker.institutions.api import router as institutions_router
    from sisnaker.regions.api import router as regions_router
    from sisnaker.surveys.api import router as surveys_router
    from sisnaker.training.api import router as training_router
    from sisnaker.training.io_api import router as training_io_router

    api.add_router("/certification/", certification_router, tags=["certification"])
    api.add_router("/surveys/", surveys_router, tags=["surveys"])
    api.add_router("/regions/", regions_router)
    api.add_router("/accounts/", accounts_router)
    api.add_router("/institutions/", institutions_router, tags=["institutions"])
    api.add_router("/training/", training_router, tags=["training"])
    api.add_router("/training/", training_io_router, tags=["training import/export"])


_register_routers()
