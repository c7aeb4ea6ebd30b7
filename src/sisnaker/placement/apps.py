from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "sisnaker.placement"
    label = "placement"
    verbose_name = "Penempatan kerja"

    def ready(self) -> None:
        from sisnaker.core import sealed

        sealed.register("placement.JobSeekerCard", "nik_encrypted")  # `sisnaker rekey` re-seals it

        from sisnaker.core import extensions

        from .selectors import person_data

        # The person's own data export (accounts) includes their AK/1 cards and reports.
        extensions.provide("accounts.person_data", person_data)

        from . import exports

        # AK/1 holders and alumni of a region as exports of the exports app (placement/exports.py).
        exports.register_sources()
