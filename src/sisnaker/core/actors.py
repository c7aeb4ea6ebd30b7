"""Who does something, as the kernel and the apps below accounts see it (they cannot import
``accounts.models.User``): anything with these attributes, in practice a logged-in ``User`` (whose
``grants`` come from its role assignments). Services of apps above accounts type ``actor: User``."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Actor(Protocol):
    """An account acting: what ``core.permissions.can`` and ``core.audit.record`` read of it."""

    pk: Any
    is_authenticated: bool
    is_active: bool

    @property
    def grants(self) -> tuple: ...

    def get_username(self) -> str: ...

    def get_full_name(self) -> str: ...

