"""The notifications app's audit actions (``core/codes.py``; listed in docs/codes.md).

The values are what stored audit rows already rely on: never change one."""

from __future__ import annotations

from sisnaker.core.codes import AuditAction
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    NOTIFICATIONS_ERASED = "notifications.erased", Msg("Isi pesan lama dihapus (masa simpan berakhir)",
                                                       "Contents of old messages erased (retention period over)")
