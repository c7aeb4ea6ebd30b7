from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "sisnaker.placement"
    label = "placement"
    verbose_name = "Penempatan kerja"

    def ready(self) -> None:
        from sisnaker.core import sealed

        sealed.register("placement.JobSeekerCard", "nik_encrypted")  # `sisnaker rekey` re-seals it
