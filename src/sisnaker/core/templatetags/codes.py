"""``{{ event.action|audit_label }}``: a stored audit action in the reader's language."""

from django import template

from sisnaker.core.codes import audit_label as _audit_label

register = template.Library()


@register.filter
def audit_label(action: str) -> str:
    return _audit_label(action)
