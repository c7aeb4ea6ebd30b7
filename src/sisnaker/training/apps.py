from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "sisnaker.training"
    label = "training"
    verbose_name = "Pelatihan"

    def ready(self) -> None:
        from sisnaker.core import extensions

        from .selectors import person_data

        # The person's own data export (accounts) includes their enrolments.
        extensions.provide("accounts.person_data", person_data)

        from . import exports

        # A program's participants as an export of the exports app (training/exports.py).
        exports.register_sources()
