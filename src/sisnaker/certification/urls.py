from django.urls import include, path

app_name = "certification"
# Each part of the certification pages keeps its own URL module (assessment & reviews, certificates,
# readiness board); the names all live in the "certification" namespace.
urlpatterns = [
    path("", include("sisnaker.certification.urls_assessment")),
    path("", include("sisnaker.certification.urls_certificates")),
    path("", include("sisnaker.certification.urls_board")),
]
