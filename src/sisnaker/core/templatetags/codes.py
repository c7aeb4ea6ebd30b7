"""``{{ event.action|audit_label }}``: a stored audit action in the reader's language.
``{{ event.after|audit_fields }}``: an audit row's before/after as "field: value" lines (a list of
``(label, value)`` pairs), the common fields named in the reader's language, never a Python dict."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from sisnaker.core.codes import audit_label as _audit_label

register = template.Library()

# The fields audit rows carry most often; others show their stored name.
FIELD_LABELS = {
    "state": _("Status"),
    "status": _("Status"),
    "result": _("Hasil"),
    "reason": _("Alasan"),
    "number": _("Nomor"),
    "title": _("Judul"),
    "name": _("Nama"),
    "role": _("Peran"),
    "program": _("Program"),
    "program_id": _("Program"),
    "institution": _("Lembaga"),
    "institution_id": _("Lembaga"),
    "enrollment": _("Pendaftaran"),
    "enrollment_id": _("Pendaftaran"),
    "source": _("Sumber"),
    "late": _("Susulan"),
    "quota": _("Kuota"),
    "start_date": _("Mulai"),
    "end_date": _("Selesai"),
    "count": _("Jumlah"),
    "rows": _("Baris"),
    "early": _("Lebih awal"),
    "copied_from": _("Disalin dari"),
    "copied_from_title": _("Disalin dari"),
    "fields": _("Data yang diubah"),
}


@register.filter
def audit_label(action: str) -> str:
    return _audit_label(action)


def _value(value: Any) -> str:
    if value is True:
        return str(_("ya"))
    if value is False:
        return str(_("tidak"))
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{FIELD_LABELS.get(k, k)}: {_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value)
    return str(value)


@register.filter
def audit_fields(data: Any) -> list[tuple[str, str]]:
    """``{"state": "participant", "late": true}`` → ``[("Status", "participant"), ("Susulan", "ya")]``."""
    if not data:
        return []
    if not isinstance(data, dict):
        return [("", _value(data))]
    return [(str(FIELD_LABELS.get(key, key)), _value(value)) for key, value in data.items()]
