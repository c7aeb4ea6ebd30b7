"""Who does something, as the kernel and the apps below accounts see it (they cannot import
``accounts.models.User``): anything with these attributes, in practice a logged-in ``User`` (whose
``grants`` come from its role assignments). Services of apps above accounts type ``actor: User``."""

from __future__ import annotations

from collections.abc import Callable
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



class LinkHolder:
    """Whoever opened a personal link (certification's ``PersonalLink``): no account, no grants. It is
    *not* logged in (``is_authenticated`` is False), so ``core.permissions.can`` refuses it everything and
    no page behind ``login_required`` opens for it. The few services that accept it (the review and the
    work-readiness survey of one enrollment, the certificate download) call ``require_link_scope``: the
    enrollment must be the link's, and ``check()`` (given by the app that issued the link) re-reads the
    link inside their transaction and refuses when it was revoked or has expired since it was opened.
    The audit trail names it by ``str()`` (no account to point at)."""

    pk = None
    is_authenticated = False
    is_anonymous = True
    is_active = True
    grants: tuple = ()

    def __init__(self, *, link_id: int, enrollment_id: int, person_id: int, check: Callable[[], None]) -> None:
        self.link_id, self.enrollment_id, self.person_id, self._check = link_id, enrollment_id, person_id, check

    def check(self) -> None:
        self._check()

    def get_username(self) -> str:
        return f"tautan-pribadi-{self.link_id}"

    def get_full_name(self) -> str:
        return ""

    def __str__(self) -> str:
        return f"tautan pribadi #{self.link_id} (pendaftaran #{self.enrollment_id})"


def require_link_scope(actor: LinkHolder, *, enrollment_id: Any, person_id: Any) -> None:
    """Refuse (``PermissionDenied``) unless the personal link ``actor`` holds is for this enrollment of this
    person and still valid (``actor.check()`` raises its own refusal when revoked or expired)."""
    from .codes import Code
    from .errors import Msg, PermissionDenied

    if actor.enrollment_id != enrollment_id or actor.person_id != person_id:
        raise PermissionDenied(Msg("Tautan pribadi ini hanya untuk satu pelatihan; pendaftaran ini bukan bagiannya.",
                                   "This personal link is for one training only; this enrollment is not part of it."),
                               code=Code.FORBIDDEN)
    actor.check()
