from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "sisnaker.surveys"
    label = "surveys"
    verbose_name = "Survei"

    def ready(self) -> None:
        from . import codes  # noqa: F401 - the audit actions and error codes, for the listings
