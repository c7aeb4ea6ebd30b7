from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "sisnaker.institutions"
    label = "institutions"
    verbose_name = "Lembaga pelatihan"
