from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "sisnaker.exports"
    label = "exports"
    verbose_name = "Ekspor"

    def ready(self) -> None:
        from . import codes  # noqa: F401 - its members are listed in docs/codes.md (core.codes.load_all)
