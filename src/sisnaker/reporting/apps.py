from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "sisnaker.reporting"
    label = "reporting"
    verbose_name = "Laporan dan dasbor"
