from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        from .audit import audit_locked

        connection.connection.create_function("sisnaker_audit_locked", 0, audit_locked)


class CoreConfig(AppConfig):
    name = "sisnaker.core"
    label = "core"
    verbose_name = "Sisnaker core"

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="sisnaker_sqlite_functions")
