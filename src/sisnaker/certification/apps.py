from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "sisnaker.certification"
    label = "certification"
    verbose_name = "Sertifikasi"
