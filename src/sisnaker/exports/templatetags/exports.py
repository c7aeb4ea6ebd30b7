"""``{% export_form "training.participants" program=program.pk %}``: the buttons that ask for an export (.xlsx,
.csv) of a registered source, on any app's page, shown only to who may ask for it (the service decides again).
``{% export_form source_name params_dict %}`` takes the parameters as a dict."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from .. import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def export_form(context, source_name: str, params: dict | None = None, **kwargs) -> str:
    request = context.get("request")
    actor = getattr(request, "user", None)
    values = {k: str(v) for k, v in {**(params or {}), **kwargs}.items() if v not in (None, "")}
    try:
        source = registry.get(source_name)
    except Exception:  # a source that is not installed: no buttons
        return ""
    if actor is None or not registry.may_request(actor, source, values):
        return ""
    return render_to_string("exports/_form.html", {"source": source_name, "params": sorted(values.items())}, request=request)
