from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.program_detail, name="program"),
    path("<int:pk>/daftar/", views.program_register, name="register"),
    path("saya/", views.mine, name="mine"),
    path("saya/<int:enrollment_id>/mundur/", views.withdraw, name="withdraw"),
    path("kelola/<int:pk>/", views.manage, name="manage"),
    path("kelola/<int:pk>/ubah/", views.program_edit, name="program_edit"),
    path("kelola/<int:pk>/status/", views.program_action, name="program_action"),
    path("kelola/<int:pk>/tindakan/", views.bulk, name="bulk"),
    path("kelola/<int:pk>/catat/", views.record, name="record"),
    path("kelola/<int:pk>/peserta/<int:enrollment_id>/", views.enrollment_detail, name="enrollment"),
    path("referensi/", views.reference, name="reference"),
    path("referensi/unit-pilihan/", views.unit_options, name="unit_options"),
]
