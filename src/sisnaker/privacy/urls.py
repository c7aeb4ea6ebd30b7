from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("saya/", views.mine, name="mine"),
    path("<int:request_id>/", views.detail, name="detail"),
]
