from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "sisnaker.training"
    label = "training"
    verbose_name = "Pelatihan"
