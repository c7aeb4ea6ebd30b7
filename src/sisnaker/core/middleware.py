import uuid

from . import context


class RequestContextMiddleware:
    """Makes the client IP and a request id available to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Behind a proxy, operations.md tells to set the real address into REMOTE_ADDR
        # (e.g. gunicorn --forwarded-allow-ips); X-Forwarded-For is not trusted here.
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = context.activate(context.RequestContext(ip=request.META.get("REMOTE_ADDR"), request_id=request_id[:64]))
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response.headers.setdefault("X-Request-ID", request_id[:64])
        return response
