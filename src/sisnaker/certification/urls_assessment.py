from django.urls import path

from . import views_assessment as views

# Included by certification/urls.py (namespace "certification", mounted at /sertifikasi/).
urlpatterns = [
    path("penilaian/<int:program_id>/", views.assess, name="assess"),
    path("penilaian/<int:program_id>/sel/", views.assess_cell, name="assess_cell"),
    path("ulasan/<int:enrollment_id>/", views.review, name="review"),
    path("ulasan/lembaga/<int:institution_id>/", views.institution_rating, name="institution_rating"),
]
