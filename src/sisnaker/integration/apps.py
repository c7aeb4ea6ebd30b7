from django.apps import AppConfig

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class IntegrationConfig(AppConfig):
    name = "sisnaker.integration"
    label = "integration"
    verbose_name = "Integrasi mitra (API Prakerja)"

    def ready(self) -> None:
        # Partners' signing keys are sealed: `sisnaker rekey` re-seals them after SISNAKER_DATA_KEYS changes.
        from sisnaker.core import sealed

        sealed.register("integration.PartnerKey", "secret_encrypted")
