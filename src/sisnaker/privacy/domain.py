"""Rules of the data subject's rights (UU PDP No. 27/2022): a person asks to see, correct, delete or stop the
processing of their personal data; the data-protection officer (Pejabat Pelindungan Data Pribadi, role ``dpo``)
answers within 3 × 24 hours (the deadline UU PDP sets for access and correction requests; Sisnaker holds every
kind to it). Pure: times are passed in.

    open ──answer(done)──▶ done
      └───answer(refused, with the reason)──▶ refused
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from sisnaker.core.choices import Choices
from sisnaker.core.errors import Msg

ANSWER_WITHIN = dt.timedelta(hours=72)
DETAILS_MAX = 2000
# At most this many open requests per person: enough for real needs, not a way to flood the officers' queue. With one
# open request of each kind (``privacy_request_one_open_per_kind``) it is a backstop, for when kinds are added.
OPEN_LIMIT = 5


class Kind(Choices):
    ACCESS = "access", _("Salinan data pribadi saya")
    CORRECTION = "correction", _("Perbaikan data pribadi")
    DELETION = "deletion", _("Penghapusan data pribadi")
    OBJECTION = "objection", _("Penghentian pemrosesan")


class Status(Choices):
    OPEN = "open", _("Menunggu jawaban")
    DONE = "done", _("Selesai")
    REFUSED = "refused", _("Ditolak dengan alasan")


def due_at(submitted_at: dt.datetime) -> dt.datetime:
    return submitted_at + ANSWER_WITHIN


def time_left(*, due: dt.datetime, now: dt.datetime) -> dt.timedelta:
    """Time until the deadline; negative once it has passed."""
    return due - now


def urgency(*, due: dt.datetime, now: dt.datetime) -> str:
    """How the queue shows a request: "overdue", "today" (under 24 hours left) or "ok"."""
    left = time_left(due=due, now=now)
    if left < dt.timedelta(0):
        return "overdue"
    if left < dt.timedelta(hours=24):
        return "today"
    return "ok"


def left_words(*, due: dt.datetime, now: dt.datetime) -> Msg:
    """The time left (or late) in words, to the hour."""
    left = time_left(due=due, now=now)
    hours = int(abs(left).total_seconds() // 3600)
    if left < dt.timedelta(0):
        return Msg("terlambat {h} jam", "{h} hours late").format(h=hours)
    return Msg("sisa {h} jam", "{h} hours left").format(h=hours)


def details_problem(*, kind: str, details: str) -> Msg | None:
    if kind not in Kind.values:
        return Msg("Pilih jenis permintaan.", "Choose the kind of request.")
    text = details.strip()
    if kind != Kind.ACCESS and len(text) < 10:
        return Msg("Jelaskan data mana yang dimaksud dan apa yang Anda minta (minimal 10 karakter).",
                   "Say which data and what you ask for (at least 10 characters).")
    if len(text) > DETAILS_MAX:
        return Msg("Penjelasan paling panjang {n} karakter.", "The description may be at most {n} characters.").format(n=DETAILS_MAX)
    return None


def answer_problem(*, outcome: str, answer: str) -> Msg | None:
    if outcome not in (Status.DONE, Status.REFUSED):
        return Msg("Pilih hasilnya: selesai atau ditolak.", "Choose the outcome: done or refused.")
    if len(answer.strip()) < 10:
        return Msg("Tulis jawaban untuk warga (minimal 10 karakter): apa yang dilakukan, atau alasan penolakan.",
                   "Write the answer for the citizen (at least 10 characters): what was done, or why it is refused.")
    return None
