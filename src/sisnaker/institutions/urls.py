from django.urls import path

from sisnaker.training import views as training_views

from . import views

app_name = "institutions"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("daftar/", views.register, name="register"),
    path("persetujuan/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/program/", views.programs, name="programs"),
    path("<int:institution_id>/program/baru/", training_views.program_create, name="program_create"),
]
