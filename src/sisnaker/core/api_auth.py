"""API authentication: the web session, or a bearer token for staff scripts.

Tokens look like ``snk_<43 url-safe characters>``. Only ``sha256(secret)`` is stored, so a database
leak reveals no usable token; the secret is printed once by ``sisnaker apitoken create``. A token
acts as its user: the same roles, the same permission checks, the same audit trail.

Routers use ``auth=SESSION_OR_TOKEN``: the bearer token is tried first (so a script without cookies
never meets the session's CSRF check), then the session. A request that *presents* a token that is
unknown or revoked is refused with 401 even when it also carries a session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from . import audit
from .actors import Actor
from .codes import Audit, Code
from .errors import Conflict, Msg, NotFound, ValidationFailed
from .models import ApiToken

TOKEN_PREFIX = "snk_"
# How often ``last_used_at`` is written (a script calling every second should not write every time).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic(durable=True)
def token_create(*, user: Actor, name: str, actor: Actor | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns (token, secret). The secret is never stored nor shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(Msg("Beri nama token (untuk apa token ini dipakai).", "Name the token (what it is for)."),
                               code=Code.TOKEN_NAME, field="name")
    if not user.is_active:
        raise ValidationFailed(Msg("Akun ini tidak aktif.", "This account is inactive."), code=Code.USER_INACTIVE)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], token_hash=hash_secret(secret), prefix=secret[:12])
    audit.record(actor=actor or "system", action=Audit.API_TOKEN_CREATED, obj=token,
                 after={"user": user.pk, "name": token.name, "prefix": token.prefix})
    return token, secret


@transaction.atomic(durable=True)
def token_revoke(*, token_id: int, actor: Actor | None = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound(Msg("Token tidak ditemukan.", "Token not found."), code=Code.TOKEN_NOT_FOUND)
    if token.revoked_at is not None:
        raise Conflict(Msg("Token ini sudah dicabut.", "This token was already revoked."), code=Code.TOKEN_REVOKED)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor or "system", action=Audit.API_TOKEN_REVOKED, obj=token,
                 before={"revoked_at": None}, after={"revoked_at": token.revoked_at})
    return token


def user_for_secret(secret: str):
    """The active user a valid, unrevoked token belongs to, or None."""
    secret = (secret or "").strip()
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_secret(secret), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer snk_…``. No header: not this method (ninja tries the next one). A header
    with a bad or revoked token: 401, whatever else the request carries."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_secret(token)
        if user is None:
            raise AuthenticationError()
        request.user = user  # services and selectors read the actor from the request
        return user


class SignedInSession(SessionAuth):
    """The browser session, CSRF-checked by ninja, for a request that is signed in. A request with no signed-in
    session is simply not this method: the caller hears 401 "not authenticated" (what it lacks), not 403 "CSRF check
    failed" (a token of a session it never had)."""

    def _get_key(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)


token_auth = ApiTokenAuth()
# Token first (scripts, no CSRF), then the browser session (CSRF-checked by ninja).
SESSION_OR_TOKEN = [token_auth, SignedInSession()]


def request_actor(request: HttpRequest):
    """The authenticated user of an API request, whichever method authenticated it."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    return request.user


def optional_actor(request: HttpRequest):
    """For public endpoints that show more to staff: the token's or the session's user, or None.
    Never refuses (a bad token simply counts as anonymous here)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return user_for_secret(header[7:])
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def find_user(username: str):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(Msg("Pengguna {u} tidak ditemukan.", "User {u} not found.").format(u=username), code=Code.USER_NOT_FOUND)
    return user
