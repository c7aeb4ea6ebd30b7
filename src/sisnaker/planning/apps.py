from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "sisnaker.planning"
    label = "planning"
    verbose_name = "Perencanaan kebutuhan pelatihan"

    def ready(self) -> None:
        from . import codes  # noqa: F401 - listed in docs/codes.md
