"""Two lists, mounted by the root URLconf (sisnaker/urls.py):

* ``urlpatterns`` — the PMO's pages at /integrasi/ (partners and their keys);
* ``api_urlpatterns`` — the signed partner API at /api/v1/integration/ (plain Django views decorated with
  ``auth.partner_signed``, next to the Ninja API at /api/v1/). An app that serves partner endpoints keeps its views
  and its own list (e.g. prakerja's redeem-code endpoints at /api/v1/integration/payment/…) and the root URLconf
  includes that list under /api/v1/integration/ too (see the comment there); add each to the OpenAPI document with
  ``integration.openapi.register`` and a row in tests/security/url_matrix.py.
"""

from django.urls import path

from . import endpoints, views

app_name = "integration"

urlpatterns = [
    path("mitra/", views.partners, name="partners"),
    path("mitra/<int:partner_id>/", views.partner, name="partner"),
]

api_urlpatterns = [
    path("ping", endpoints.ping, name="ping"),
]
