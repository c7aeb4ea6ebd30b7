from django.contrib import admin
from django.urls import include, path

from sisnaker.api import api
from sisnaker.certification import urls as certification_urls
from sisnaker.integration import urls as integration_urls
from sisnaker.placement import urls as placement_urls
from sisnaker.prakerja import urls as prakerja_urls

urlpatterns = [
    path("", include("sisnaker.web.urls")),
    path("akun/", include("sisnaker.accounts.urls")),
    path("wilayah/", include("sisnaker.regions.urls")),
    # A citizen's trainings: training's path, certification's page (it shows the steps to the certificate).
    path("pelatihan/saya/", include(certification_urls.my_trainings)),
    # /pelatihan/… (catalogue, programs, spreadsheets) and /lembaga/<id>/program/… (an institution's programs).
    path("", include("sisnaker.training.urls")),
    path("lembaga/", include("sisnaker.institutions.urls")),
    path("sertifikasi/", include("sisnaker.certification.urls")),
    path("survei/", include("sisnaker.surveys.urls")),
    path("pembayaran/", include("sisnaker.payments.urls")),
    path("privasi/", include("sisnaker.privacy.urls")),
    path("prakerja/", include("sisnaker.prakerja.urls")),
    path("posko/", include("sisnaker.posko.urls")),
    path("penempatan/", include("sisnaker.placement.urls")),
    path("perencanaan/", include("sisnaker.planning.urls")),
    # The public job search and vacancy pages (placement): /lowongan/, /lowongan/<id>/.
    path("lowongan/", include(placement_urls.public_jobs)),
    # Short public path for the QR code on certificates: /v/<verification id>.
    path("v/", include(certification_urls.verify)),
    # Short path for personal links in SMS and on printed QR cards: /l/<token>/ and the pages it opens.
    path("l/", include(certification_urls.personal_links)),
    path("integrasi/", include("sisnaker.integration.urls")),
    # Dashboards (/laporan/, signed in) and the public statistics (/statistik/).
    path("", include("sisnaker.reporting.urls")),
    path("ekspor/", include("sisnaker.exports.urls")),
    path("lpj/", include("sisnaker.accountability.urls")),
    # The signed partner API (Kartu Prakerja integration, wire-compatible with the published one): plain Django views
    # decorated with integration.auth.partner_signed, before the Ninja API that owns the rest of /api/v1/. Another
    # app's partner endpoints are included here under the same prefix, from that app's own URL list, e.g.
    #   path("api/v1/integration/", include((prakerja_urls.partner_api, "prakerja_partner_api"))),
    # for /api/v1/integration/payment/redeem-code/status and /commit.
    path("api/v1/integration/", include((integration_urls.api_urlpatterns, "integration_api"))),
    path("api/v1/integration/", include((prakerja_urls.partner_api, "prakerja_partner_api"))),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "sisnaker.web.views.bad_request"
handler403 = "sisnaker.web.views.forbidden"
handler404 = "sisnaker.web.views.not_found"
handler500 = "sisnaker.web.views.server_error"
