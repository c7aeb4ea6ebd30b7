"""``{% fragment "certification:fragment_institution_rating" inst.pk %}``: another app's piece of a page,
rendered in place on the server (no JavaScript, no Python import of that app).

A page of a lower app (an institution's page) may show what a higher app knows about it (its rating
from the reviews): the higher app exposes the piece as a small view behind a URL name, and the page
names that URL. The view runs with the current request (as a GET) and its HTML goes into the page;
anything but a 200 (a refusal, an unknown URL) leaves the place empty instead of breaking the page."""

from __future__ import annotations

import copy
import logging

from django import template
from django.http import QueryDict
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.safestring import mark_safe

from sisnaker.core.errors import SisnakerError

register = template.Library()
logger = logging.getLogger("sisnaker.fragments")


@register.simple_tag(takes_context=True)
def fragment(context, url_name: str, *args, **kwargs):
    request = context.get("request")
    if request is None:
        return ""
    try:
        path = reverse(url_name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        logger.warning("Fragment %s: no such URL", url_name)
        return ""
    match = resolve(path)
    sub = copy.copy(request)
    sub.method, sub.POST, sub.path, sub.path_info, sub.resolver_match = "GET", QueryDict(), path, path, match
    try:
        response = match.func(sub, *match.args, **match.kwargs)
    except SisnakerError:
        return ""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if response.status_code != 200:
        return ""
    return mark_safe(response.content.decode(response.charset or "utf-8"))  # noqa: S308 - our own view's HTML
