from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("laporan/", views.dashboard, name="dashboard"),
    path("laporan/unduh.xlsx", views.dashboard_export, {"fmt": "xlsx"}, name="dashboard_xlsx"),
    path("laporan/unduh.csv", views.dashboard_export, {"fmt": "csv"}, name="dashboard_csv"),
    path("statistik/", views.public, name="public"),
    path("statistik/unduh.xlsx", views.public_export, {"fmt": "xlsx"}, name="public_xlsx"),
    path("statistik/unduh.csv", views.public_export, {"fmt": "csv"}, name="public_csv"),
]
