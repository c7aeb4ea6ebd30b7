from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("minta/", views.request_export, name="request"),
    path("<str:token>/", views.job, name="job"),
    path("<str:token>/unduh/", views.download, name="download"),
]
