"""Pure rules of assistance posts (posko). No ORM, no clock: ``today``/``now`` are passed in.

A posko is where a regional manpower office (Disnaker) or a training centre (BLK/LPK) helps citizens in person.
An officer who serves there does one of three things *with the citizen present and consenting*::

    account   ── the citizen's record: a new *provisional* one (no account; the owner claims it later at sign-up
                 with the NIK, matching name and birth date and a one-time code), or the registered one when the
                 NIK, name and birth date all match (``linked``)
    training  ── the citizen applies to an open program (Pendaftar), helped
    prakerja  ── the citizen applies to an open Kartu Prakerja wave (prakerja's assisted application: the codes go
                 to the citizen's own phone and e-mail)

Every act is one ``Assistance`` row logged against the posko, with how the citizen consented (a signed consent
form, ticked by the officer), the version of the consent text read to them, and when.

Who serves at a posko (``core.permissions``, ``person.register_assisted``): a regional officer whose area holds the
posko's regency (a province officer at every posko of the province), and the managers of the approved institution
of a training centre's posko. No separate membership list: the grants already say who works where, are given and
revoked through audited services, and the assistance log names who served.

Outcomes of assisted people are read from the records the acts made (enrollments' states, Prakerja applications'
statuses), so they follow the citizen's way through training and Prakerja without any further writing here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sisnaker.core.choices import Choices
from sisnaker.core.errors import Msg


class PoskoKind(Choices):
    REGIONAL_OFFICE = "regional_office", _("Kantor Disnaker")
    TRAINING_CENTRE = "training_centre", _("Lembaga pelatihan (BLK/LPK)")


class AssistanceKind(Choices):
    ACCOUNT = "account", _("Pencatatan data warga")
    TRAINING = "training", _("Pendaftaran pelatihan")
    PRAKERJA = "prakerja", _("Pendaftaran Kartu Prakerja")


class RecordOutcome(Choices):
    """What an ``account`` assistance did to the citizen's record."""

    CREATED = "created", _("Data sementara dibuat")
    LINKED = "linked", _("Data terdaftar dicocokkan")


class ConsentMethod(Choices):
    SIGNED_FORM = "signed_form", _("Formulir persetujuan ditandatangani warga")


# The consent text read to (and signed by) the citizen. A new wording gets a new version: rows keep the version their
# citizen agreed to, and a form opened before the change is refused (the officer reads the new text).
CONSENT_VERSION = "posko-2026-1"
CONSENT_TEXT = Msg(
    "Saya setuju petugas posko mengisikan data saya (NIK, nama, tanggal lahir, kontak, domisili, pendidikan) ke Sisnaker "
    "dan mendaftarkan saya pada layanan yang saya pilih di posko ini. Data saya tetap milik saya: saya dapat mengambil "
    "alih data ini dengan mendaftar sendiri memakai NIK saya, melihat siapa yang membuka data saya, dan meminta "
    "perbaikan atau penghapusan.",
    "I agree that the posko officer enters my data (NIK, name, birth date, contact, domicile, education) in Sisnaker and "
    "registers me for the services I choose at this posko. My data stay mine: I can take this record over by signing up "
    "with my NIK, see who opened my record, and ask for a correction or deletion.",
)


@dataclass(frozen=True)
class Consent:
    """How the citizen consented, as the officer records it."""

    given: bool
    version: str
    method: str = ConsentMethod.SIGNED_FORM


CONSENT_REQUIRED = Msg("Catat persetujuan warga: centang setelah warga menandatangani formulir persetujuan.",
                       "Record the citizen's consent: tick it once the citizen has signed the consent form.")
CONSENT_OUTDATED = Msg("Naskah persetujuan sudah diperbarui. Muat ulang halaman, bacakan naskah terbaru kepada warga, "
                       "lalu catat persetujuannya.",
                       "The consent text was updated. Reload the page, read the new text to the citizen, then record "
                       "their consent.")


def consent_problem(consent: Consent) -> Msg | None:
    """Why this consent cannot be recorded (None: it can)."""
    if not consent.given:
        return CONSENT_REQUIRED
    if consent.method not in ConsentMethod.values:
        return CONSENT_REQUIRED
    if consent.version != CONSENT_VERSION:
        return CONSENT_OUTDATED
    return None


def posko_problem(*, name: str, kind: str, has_institution: bool, regency: str = "", institution_regency: str | None = None,
                  institution_approved: bool = True) -> tuple[str, Msg] | None:
    """(field, message) when a posko's data are wrong, else None. A training centre's posko stands at its
    institution: in the institution's regency, and only for an approved institution."""
    if len(" ".join((name or "").split())) < 3:
        return "name", Msg("Tulis nama posko (minimal 3 huruf).", "Write the posko's name (at least 3 letters).")
    if kind not in PoskoKind.values:
        return "kind", Msg("Pilih jenis posko.", "Choose the kind of posko.")
    if kind == PoskoKind.TRAINING_CENTRE and not has_institution:
        return "institution", Msg("Posko lembaga pelatihan harus memilih lembaganya.",
                                  "A training centre's posko needs its institution.")
    if kind == PoskoKind.REGIONAL_OFFICE and has_institution:
        return "institution", Msg("Posko kantor Disnaker tidak memilih lembaga pelatihan.",
                                  "A manpower office's posko has no training institution.")
    if has_institution and not institution_approved:
        return "institution", Msg("Lembaga ini belum disetujui; posko hanya dibuka di lembaga yang sudah disetujui.",
                                  "This institution is not approved yet; a posko opens only at an approved institution.")
    if has_institution and institution_regency is not None and institution_regency != regency:
        return "regency", Msg("Posko lembaga pelatihan berada di kabupaten/kota lembaganya. Pilih kabupaten/kota lembaga itu.",
                              "A training centre's posko is in its institution's regency. Choose that regency.")
    return None


# --- counts -------------------------------------------------------------------------------------------------------

def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (weeks run Monday to Sunday)."""
    return day - dt.timedelta(days=day.weekday())


def daily_series(counts: dict[dt.date, int], *, today: dt.date, days: int) -> list[tuple[dt.date, int]]:
    """The last ``days`` days up to ``today``, oldest first, with 0 for a day without assistance."""
    return [(d, counts.get(d, 0)) for d in (today - dt.timedelta(days=i) for i in range(days - 1, -1, -1))]


def weekly_series(counts: dict[dt.date, int], *, today: dt.date, weeks: int) -> list[tuple[dt.date, int]]:
    """The last ``weeks`` weeks (Monday first) up to ``today``'s week, oldest first: the daily counts folded by week."""
    totals: dict[dt.date, int] = {}
    for day, n in counts.items():
        totals[week_start(day)] = totals.get(week_start(day), 0) + n
    this_week = week_start(today)
    return [(w, totals.get(w, 0)) for w in (this_week - dt.timedelta(weeks=i) for i in range(weeks - 1, -1, -1))]


def share(part: int, whole: int) -> int:
    """``part`` as a whole percentage of ``whole`` (0 when there is nothing to divide)."""
    return round(100 * part / whole) if whole else 0
