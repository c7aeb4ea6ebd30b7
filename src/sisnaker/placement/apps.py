from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "sisnaker.placement"
    label = "placement"
    verbose_name = "Penempatan kerja"
