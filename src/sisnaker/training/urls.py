"""Training's pages, mounted at the site root by ``sisnaker/urls.py``: the catalogue and program pages
under /pelatihan/, the spreadsheet import and export under /pelatihan/berkas/, and an institution's
programs under /lembaga/<id>/program/ (the institution's page links there)."""

from django.urls import include, path

from . import views
from .spreadsheets import views as spreadsheet_views

app_name = "training"

programs = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.program_detail, name="program"),
    path("<int:pk>/daftar/", views.program_register, name="register"),
    path("saya/<int:enrollment_id>/mundur/", views.withdraw, name="withdraw"),
    path("kelola/<int:pk>/", views.manage, name="manage"),
    path("kelola/<int:pk>/ubah/", views.program_edit, name="program_edit"),
    path("kelola/<int:pk>/status/", views.program_action, name="program_action"),
    path("kelola/<int:pk>/status/<str:action>/", views.program_confirm, name="program_confirm"),
    path("kelola/<int:pk>/langkah/<str:token>/", views.program_move, name="program_move"),
    path("kelola/<int:pk>/angkatan-baru/", views.program_copy, name="program_copy"),
    path("kelola/<int:pk>/instruktur/", views.program_instructors, name="program_instructors"),
    path("kelola/<int:pk>/tindakan/", views.bulk, name="bulk"),
    path("kelola/<int:pk>/catat/", views.record, name="record"),
    path("kelola/<int:pk>/peserta/<int:enrollment_id>/", views.enrollment_detail, name="enrollment"),
    path("referensi/", views.reference, name="reference"),
    path("referensi/unit-pilihan/", views.unit_options, name="unit_options"),
]

spreadsheets = [
    path("templat/", spreadsheet_views.template_download, name="import_template"),
    path("<int:program_id>/impor/", spreadsheet_views.import_view, name="import"),
    path("<int:program_id>/impor/galat/<str:token>/", spreadsheet_views.error_file_download, name="import_error_file"),
    path("<int:program_id>/ekspor/", spreadsheet_views.export_view, name="export"),
    path("<int:program_id>/tugas/<str:token>/", spreadsheet_views.job_view, name="spreadsheet_job"),
    path("<int:program_id>/tugas/<str:token>/unduh/", spreadsheet_views.job_download, name="spreadsheet_job_download"),
]

institution_programs = [
    path("", views.institution_programs, name="institution_programs"),
    path("baru/", views.program_create, name="program_create"),
]

urlpatterns = [
    path("pelatihan/berkas/", include(spreadsheets)),
    path("pelatihan/", include(programs)),
    path("lembaga/<int:institution_id>/program/", include(institution_programs)),
]
