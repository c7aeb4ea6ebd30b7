from django.apps import AppConfig


class PoskoConfig(AppConfig):
    name = "sisnaker.posko"
    label = "posko"
    verbose_name = "Posko pendampingan"

    def ready(self) -> None:
        from sisnaker.core import extensions

        from . import codes  # noqa: F401  (every audit action and error code known at start-up)
        from .selectors import person_data

        # The person's own data export (accounts) lists the help they received at a posko.
        extensions.provide("accounts.person_data", person_data)
