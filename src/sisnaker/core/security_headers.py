"""Security headers Django does not set itself (CSP comes from django.middleware.csp)."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (settings.SISNAKER_PERMISSIONS_POLICY): browser features such as
    the camera, microphone or geolocation are off for every page, so injected content cannot ask
    for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "SISNAKER_PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
