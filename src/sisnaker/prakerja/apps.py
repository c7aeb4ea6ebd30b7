from django.apps import AppConfig

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class PrakerjaConfig(AppConfig):
    name = "sisnaker.prakerja"
    label = "prakerja"
    verbose_name = "Kartu Prakerja"
