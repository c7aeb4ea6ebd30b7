"""Pure rules of certification. No ORM, no clock.

A certificate is issued only when all three steps hold (DESIGN.md §1, the operators' pain):

1. **assessed competent** — every competency unit of the program assessed "competent" by an instructor
   (all competent = competent; any "not yet competent" = not yet competent; a missing unit = not assessed);
2. **reviewed** — the participant rated (1–5) and reviewed the training;
3. **readiness survey** — the participant filled the work-readiness survey (survei kesiapan kerja);

and the program allows it: the program is running or closed and the enrollment is a participant
(running) or an alumnus (closed).

Certificate number (documented format)::

    <registry number of the institution>/<year>/<sequence, 6 digits>     e.g. BLK-3273-001/2026/000123

unique nationally because registry numbers are unique; the sequence restarts each year per
institution and has no gaps (see models.CertificateCounter).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sisnaker.core.errors import Msg

COMPETENT, NOT_YET = "competent", "not_yet_competent"
STEPS = ("assessed", "reviewed", "survey", "certificate")
STEP_LABELS = {
    "assessed": Msg("Dinilai kompeten", "Assessed competent"),
    "reviewed": Msg("Ulasan pelatihan", "Training review"),
    "survey": Msg("Survei kesiapan kerja", "Work-readiness survey"),
    "certificate": Msg("Sertifikat", "Certificate"),
}


def overall_result(*, unit_ids: list[int] | set[int], results: dict[int, str]) -> str:
    """'competent' when every unit is competent, 'not_yet_competent' when any unit is, else 'pending'.
    A program without units cannot be competent (nothing was assessed)."""
    if not unit_ids:
        return "pending"
    values = [results.get(u) for u in unit_ids]
    if any(v == NOT_YET for v in values):
        return NOT_YET
    if all(v == COMPETENT for v in values):
        return COMPETENT
    return "pending"


@dataclass(frozen=True, slots=True)
class Readiness:
    assessed: bool
    reviewed: bool
    survey: bool
    program_allows: bool
    certified: bool

    @property
    def eligible(self) -> bool:
        return self.assessed and self.reviewed and self.survey and self.program_allows and not self.certified

    @property
    def blocking(self) -> bool:
        """Someone who still has a step to do before the certificate."""
        return not self.certified and not (self.assessed and self.reviewed and self.survey)


def program_allows(*, program_status: str, enrollment_state: str) -> bool:
    return (program_status == "running" and enrollment_state == "participant") or (
        program_status == "closed" and enrollment_state == "graduated"
    )


def missing_steps(readiness: Readiness) -> list[Msg]:
    """What stands between this participant and a certificate, in words."""
    missing = []
    if not readiness.assessed:
        missing.append(Msg("belum dinilai kompeten pada semua unit kompetensi oleh instruktur",
                           "not yet assessed competent on every competency unit by an instructor"))
    if not readiness.reviewed:
        missing.append(Msg("belum memberi penilaian dan ulasan pelatihan", "has not rated and reviewed the training"))
    if not readiness.survey:
        missing.append(Msg("belum mengisi survei kesiapan kerja", "has not filled the work-readiness survey"))
    if not readiness.program_allows:
        missing.append(Msg("status program/peserta belum memungkinkan sertifikat (harus peserta program berjalan atau alumni)",
                           "the program/participant status does not allow a certificate yet (participant of a running program, or alumnus)"))
    if readiness.certified:
        missing.append(Msg("sertifikat sudah diterbitkan", "the certificate was already issued"))
    return missing


def certificate_number(*, registry_number: str, year: int, sequence: int) -> str:
    return f"{registry_number}/{year}/{sequence:06d}"


def canonical_payload(fields: dict) -> str:
    """The exact bytes that are signed: JSON with sorted keys, no spaces, UTF-8, no floats."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def mask_name(name: str) -> str:
    """'Siti Nurhaliza Putri' → 'Siti N******* P****': the first name whole, other words initial only."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]])
