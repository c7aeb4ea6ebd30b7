from django.apps import AppConfig

from sisnaker.core import extensions

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class InstitutionsConfig(AppConfig):
    name = "sisnaker.institutions"
    label = "institutions"
    verbose_name = "Lembaga pelatihan"

    def ready(self) -> None:
        # Imported here, not at the top: selectors import the models, which exist only once apps are ready.
        from . import selectors

        # The admin's role grant (accounts, below institutions) names an institution by registry number.
        extensions.provide("accounts.institution_by_registry_number", selectors.institution_by_registry_number)
