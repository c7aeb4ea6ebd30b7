from django.urls import path

from . import views

app_name = "institutions"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("daftar/", views.register, name="register"),
    path("persetujuan/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.detail, name="detail"),
]
