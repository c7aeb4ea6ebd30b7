from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "sisnaker.regions"
    label = "regions"
    verbose_name = "Wilayah"
