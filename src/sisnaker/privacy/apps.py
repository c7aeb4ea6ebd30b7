from django.apps import AppConfig

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class PrivacyConfig(AppConfig):
    name = "sisnaker.privacy"
    label = "privacy"
    verbose_name = "Pelindungan data pribadi"
