from django.apps import AppConfig

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class RegionsConfig(AppConfig):
    name = "sisnaker.regions"
    label = "regions"
    verbose_name = "Wilayah"
