"""Certificate pages, included into the "certification" namespace at /sertifikasi/."""

from django.urls import path

from . import views_certificates as views

urlpatterns = [
    path("sertifikat/saya/", views.mine, name="mine"),
    path("sertifikat/<int:enrollment_id>/terbitkan/", views.issue, name="issue"),
    path("sertifikat/<int:certificate_id>/", views.detail, name="certificate"),
    path("sertifikat/<int:certificate_id>/cabut/", views.revoke, name="revoke"),
    path("sertifikat/<int:certificate_id>/pdf/", views.pdf_download, name="pdf"),
    path("sertifikat/<int:certificate_id>/json/", views.json_download, name="json"),
]
