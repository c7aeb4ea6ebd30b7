from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "sisnaker.surveys"
    label = "surveys"
    verbose_name = "Survei"
