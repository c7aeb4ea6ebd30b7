from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created

from . import codes  # noqa: F401 - core's audit actions and error codes, for the listings and labels


def _register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        # Imported here: core.audit imports the models, which cannot be imported while apps load.
        from .audit import audit_locked

        connection.connection.create_function("sisnaker_audit_locked", 0, audit_locked)


class CoreConfig(AppConfig):
    name = "sisnaker.core"
    label = "core"
    verbose_name = "Sisnaker core"

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="sisnaker_sqlite_functions")
        _make_local_folders()
        from . import logfilters, lookups  # noqa: F401 - lookups registers ``__any_of`` on every field

        logfilters.install()  # personal-link tokens never reach the access logs


def _make_local_folders() -> None:
    """Embedded mode: the SQLite file's folder (SQLite cannot create it) and, in development, the static
    files' folder. At start-up rather than when the settings are read."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and database.get("NAME") not in (None, "", ":memory:"):
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if not settings.PRODUCTION:
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
