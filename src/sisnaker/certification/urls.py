"""Certification's URLs, one module, four mount points in the root URLconf (``sisnaker/urls.py``):

* ``urlpatterns`` — namespace "certification", under /sertifikasi/: assessment and reviews, certificates,
  the readiness board, and the fragments that lower apps' pages embed;
* ``verify`` — namespace "verify", under /v/ (short, for the QR code): public verification, no log-in;
* ``personal_links`` — namespace "links", under /l/: the pages a personal link opens (no log-in);
* ``my_trainings`` — the citizen's "Pelatihan saya" at /pelatihan/saya/ (URL name ``my_trainings``): its
  path is training's, its content (the steps to the certificate) certification's.
"""

from django.urls import path

from .views import assessment, board, certificates, fragments, links, mine
from .views import verify as verification

app_name = "certification"
urlpatterns = [
    # assessment and reviews
    path("penilaian/<int:program_id>/", assessment.assess, name="assess"),
    path("penilaian/<int:program_id>/sel/", assessment.assess_cell, name="assess_cell"),
    path("penilaian/<int:program_id>/semua-kompeten/", assessment.assess_fill, name="assess_fill"),
    path("penilaian/<int:program_id>/templat/", assessment.assess_template, name="assess_template"),
    path("penilaian/<int:program_id>/impor/", assessment.assess_import, name="assess_import"),
    path("penilaian/<int:program_id>/impor/galat/<str:token>/", assessment.assess_import_error_file, name="assess_import_error_file"),
    path("ulasan/<int:enrollment_id>/", assessment.review, name="review"),
    # certificates
    path("sertifikat/saya/", certificates.mine, name="mine"),
    path("register/", certificates.register, name="register"),
    path("sertifikat/<int:enrollment_id>/terbitkan/", certificates.issue, name="issue"),
    path("sertifikat/<int:certificate_id>/", certificates.detail, name="certificate"),
    path("sertifikat/<int:certificate_id>/cabut/", certificates.revoke, name="revoke"),
    path("sertifikat/<int:certificate_id>/ganti/", certificates.replace, name="replace"),
    path("sertifikat/<int:certificate_id>/pdf/", certificates.pdf_download, name="pdf"),
    path("sertifikat/<int:certificate_id>/json/", certificates.json_download, name="json"),
    # the readiness board and the manager's overview
    path("", board.overview, name="overview"),
    path("kesiapan/<int:program_id>/", board.board, name="board"),
    path("kesiapan/<int:program_id>/pengingat/", board.board_remind, name="board_remind"),
    path("kesiapan/<int:program_id>/tautan/cetak/", board.board_links_print, name="board_links_print"),
    path("tautan/<int:enrollment_id>/cabut/", board.link_revoke, name="link_revoke"),
    path("tautan/<int:enrollment_id>/cetak/", board.link_print_one, name="link_print_one"),
    path("kesiapan/<int:program_id>/terbitkan-semua/", board.board_issue_all, name="board_issue_all"),
    path("kesiapan/<int:program_id>/terbitkan-semua/<str:result_id>/", board.board_issue_progress, name="board_issue_progress"),
    # pieces of lower apps' pages ({% fragment "certification:…" pk %})
    path("ulasan/lembaga/<int:institution_id>/", fragments.institution_rating, name="fragment_institution_rating"),
    path("ulasan/program/<int:program_id>/", fragments.program_rating, name="fragment_program_rating"),
    path("program/<int:program_id>/tautan/", fragments.program_links, name="fragment_program_links"),
    path("peserta/<int:enrollment_id>/sertifikat/", fragments.enrollment_certificate, name="fragment_enrollment_certificate"),
]

verify = ([
    path("", verification.lookup, name="lookup"),
    path("kunci-publik/", verification.public_key, name="public_key"),
    path("<str:verification_id>/", verification.by_id, name="by_id"),
], "verify")

# Personal links (namespace "links", under /l/: short, it goes in an SMS). The fixed pages come first; a
# token is 22 characters, so it can never be one of their names.
personal_links = ([
    path("langkah/", links.steps, name="steps"),
    path("ulasan/", links.review, name="review"),
    path("survei/", links.survey, name="survey"),
    path("sertifikat/", links.certificate, name="certificate"),
    path("kebekerjaan/", links.employment, name="employment"),
    path("<str:token>/", links.open_link, name="open"),
], "links")

my_trainings = [
    path("", mine.my_trainings, name="my_trainings"),
]
