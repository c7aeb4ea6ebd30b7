from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "sisnaker.accountability"
    label = "accountability"
    verbose_name = "Laporan pertanggungjawaban"
