"""The browsable API docs (/api/v1/docs): Swagger UI from the npm lock file (``swagger-ui-dist``,
pinned in package.json, served by Django's static files), started by our own static script, so the
page works offline and under the Content-Security-Policy (no CDN, no inline script)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase, _csrf_needed


class LocalSwagger(DocsBase):
    template = "web/api_docs.html"
    settings = {"layout": "BaseLayout", "deepLinking": True}

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = dict(self.settings, url=self.get_openapi_url(api, kwargs))
        return render(request, self.template, {"api": api, "swagger_settings": settings, "add_csrf": _csrf_needed(api)})
