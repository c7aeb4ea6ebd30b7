from django.conf import settings

from sisnaker.core.permissions import can


def sisnaker(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "SISNAKER_ENV": settings.SISNAKER_ENV,
        "perms_admin": authenticated and can(user, "audit.view"),
    }
