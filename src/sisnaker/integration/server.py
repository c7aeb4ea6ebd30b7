"""Keeping the partner API's underscored header (``client_code``) in Django's development server, which
``sisnaker demo`` serves with; and letting the application's ``Connection: close`` through it.

Django's ``WSGIRequestHandler`` drops every header whose name holds "_" (so that ``X_Forwarded_For`` cannot pose as
``X-Forwarded-For`` in the WSGI environ). The published Kartu Prakerja API sends ``client_code``; this handler lets
exactly the names in ``KEPT`` through. That is safe for them: the client code is part of what the partner signs, so a
forged or ambiguous one (``client_code`` and ``client-code`` both sent: joined with a comma, an unknown code) is
refused like any wrong one. Production (gunicorn) does the same with ``sisnaker/gunicorn_conf.py``.
"""

from __future__ import annotations

from wsgiref.util import is_hop_by_hop

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

KEPT = frozenset({"client_code"})


class PartnerHeadersMixin:
    """For a ``WSGIRequestHandler``: let the headers named in ``KEPT`` reach the environ (as ``HTTP_CLIENT_CODE``)."""

    def get_environ(self):
        kept = [(name, value) for name, value in self.headers.items() if name.lower() in KEPT]
        environ = super().get_environ()  # drops every underscored header
        for name, value in kept:
            key = "HTTP_" + name.upper()
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ


class RequestHandler(PartnerHeadersMixin, WSGIRequestHandler):
    pass


class HopByHopMixin:
    """For a ``wsgiref`` server: drop hop-by-hop headers from the application's response instead of failing it.

    ``core.uploads`` answers a body over the limit with ``Connection: close`` (the rest of the body is not read), which
    gunicorn honours; ``wsgiref`` asserts that an application sends no such header and turned the 413 into a bare
    500. Without it Django's development server still reads (and throws away) what is left of the body itself."""

    def set_app(self, application):
        def app(environ, start_response):
            def start(status, headers, exc_info=None):
                return start_response(status, [(n, v) for n, v in headers if not is_hop_by_hop(n)], exc_info)
            return application(environ, start)
        super().set_app(app)


class Server(HopByHopMixin, WSGIServer):
    """``django.core.servers.basehttp.run`` names its handler class itself: this server swaps in ours."""

    def __init__(self, server_address, handler_class, *args, **kwargs):
        if handler_class is WSGIRequestHandler:
            handler_class = RequestHandler
        super().__init__(server_address, handler_class, *args, **kwargs)


class RunserverCommand(StaticRunserver):
    """``runserver`` (staticfiles' flavour) serving with ``Server``: what ``sisnaker demo`` runs."""

    server_cls = Server
