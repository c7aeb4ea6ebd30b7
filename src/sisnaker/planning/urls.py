from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("baru/", views.create, name="create"),
    path("<int:plan_id>/", views.plan_detail, name="plan"),
    path("<int:plan_id>/baris/", views.line_add, name="line_add"),
    path("baris/<int:line_id>/", views.line_edit, name="line_edit"),
    path("<int:plan_id>/ajukan/", views.plan_submit, name="submit"),
    path("<int:plan_id>/buka-kembali/", views.plan_reopen, name="reopen"),
    path("<int:plan_id>/kembalikan/", views.plan_return, name="return"),
    path("<int:plan_id>/unduh.xlsx", views.plan_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:plan_id>/unduh.csv", views.plan_export, {"fmt": "csv"}, name="export_csv"),
    # A province's roll-up (its office, the ministry): /perencanaan/rekap/32/?tahun=2027
    path("rekap/<str:area>/", views.rollup, name="rollup"),
    path("rekap/<str:area>/unduh.xlsx", views.rollup_export, {"fmt": "xlsx"}, name="rollup_xlsx"),
    path("rekap/<str:area>/unduh.csv", views.rollup_export, {"fmt": "csv"}, name="rollup_csv"),
]
