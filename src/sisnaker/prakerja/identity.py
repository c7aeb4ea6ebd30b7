"""Identity verification of Prakerja applicants: one small interface, a structural check shipped.

A verifier compares what the applicant declared with what it can know and returns *findings*; an empty
list means "verified". It never refuses: any finding puts the application on the PMO officers' review list
(``/prakerja/pmo/tinjauan/``), where a person decides. ::

    class IdentityVerifier:
        def verify(self, claim: IdentityClaim, *, today: date) -> list[Finding]: ...

Raise ``VerifierUnavailable`` when the registry cannot answer (time-out, maintenance): the application goes to
review with the finding ``verifier_unavailable`` rather than being accepted or refused unseen.

Plugging a population-registry (Dukcapil) adapter
-------------------------------------------------
Write a subclass anywhere importable and point the setting at it; the options are its keyword arguments::

    # myoffice/dukcapil.py
    import httpx
    from sisnaker.core.errors import Msg
    from sisnaker.prakerja.identity import Finding, IdentityVerifier, NikStructureVerifier, VerifierUnavailable

    class DukcapilVerifier(IdentityVerifier):
        def __init__(self, *, url: str, user_id: str, password: str, timeout: float = 5):
            self.url, self.auth, self.timeout = url, (user_id, password), timeout
            self.structure = NikStructureVerifier()

        def verify(self, claim, *, today):
            findings = self.structure.verify(claim, today=today)
            try:
                r = httpx.post(self.url, json={"NIK": claim.nik, "NO_KK": claim.kk_number, ...},
                               auth=self.auth, timeout=self.timeout)
                r.raise_for_status()
            except httpx.HTTPError as exc:
                raise VerifierUnavailable(str(exc)) from exc
            ...  # compare the answer with claim.full_name, claim.birth_date, claim.kk_number
            return findings + [Finding("registry_name_mismatch", Msg("…", "…"))]

    # settings
    SISNAKER_PRAKERJA_IDENTITY_VERIFIER = "myoffice.dukcapil.DukcapilVerifier"
    SISNAKER_PRAKERJA_IDENTITY_VERIFIER_OPTIONS = {"url": "https://…", "user_id": "…", "password": "…"}

``verify`` runs inside the applicant's confirmation request: keep its time-out short. Finding codes are
stored with the application (``Application.findings``) and shown to the PMO officer with their message.

The default, ``NikStructureVerifier``, asks no registry: it checks the NIK's structure and region
(``regions.nik``), the declared birth date and sex against the NIK, and that the KK number's region (its first
four digits, province and regency) exists and is the NIK's. People move and family cards are reissued, so a
KK of another regency is a finding for review, not a refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from sisnaker.core.errors import Msg, ValidationFailed
from sisnaker.regions import nik as nik_rules
from sisnaker.regions.registry import registry


@dataclass(frozen=True, slots=True, repr=False)
class IdentityClaim:
    nik: str
    kk_number: str
    full_name: str
    birth_date: dt.date
    sex: str  # "M" / "F"

    def __repr__(self) -> str:  # never a full NIK or KK in logs
        return f"IdentityClaim(nik={nik_rules.mask(self.nik)!r})"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: Msg

    def as_dict(self) -> dict:
        return {"code": self.code, "id": self.message.id, "en": self.message.en}


class VerifierUnavailable(Exception):
    """The registry could not answer; the application goes to review."""


class IdentityVerifier:
    def verify(self, claim: IdentityClaim, *, today: dt.date) -> list[Finding]:  # pragma: no cover - interface
        raise NotImplementedError


class NikStructureVerifier(IdentityVerifier):
    """The NIK's structure and region, the declared birth date and sex, and the KK's region (no registry)."""

    def __init__(self, **_options) -> None:
        pass

    def verify(self, claim: IdentityClaim, *, today: dt.date) -> list[Finding]:
        try:
            parsed = nik_rules.parse(claim.nik, today=today)
        except ValidationFailed as exc:
            return [Finding("nik_invalid", exc.message)]
        findings = [Finding(w.code, w.message) for w in parsed.warnings]
        findings += [Finding(w.code, w.message)
                     for w in nik_rules.compare_declared(parsed, birth_date=claim.birth_date, sex=claim.sex)]
        kk = claim.kk_number
        reg = registry()
        kk_regency = reg.current_code(f"{kk[:2]}.{kk[2:4]}") if len(kk) >= 4 else ""
        if kk_regency not in reg.regencies:
            findings.append(Finding("kk_region_unknown", Msg(
                "Kode wilayah pada nomor KK ({code}) tidak dikenal.",
                "The region code in the KK number ({code}) is unknown.").format(code=kk[:4])))
        elif kk_regency != parsed.region.regency.code:
            findings.append(Finding("kk_region_mismatch", Msg(
                "Nomor KK terbit di {kk}, NIK di {nik}.",
                "The KK number was issued in {kk}, the NIK in {nik}.").format(
                    kk=reg.regencies[kk_regency].name, nik=parsed.region.regency.name)))
        return findings


def get_verifier() -> IdentityVerifier:
    path = getattr(settings, "SISNAKER_PRAKERJA_IDENTITY_VERIFIER", "sisnaker.prakerja.identity.NikStructureVerifier")
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SISNAKER_PRAKERJA_IDENTITY_VERIFIER: cannot import {path!r}") from exc
    return cls(**getattr(settings, "SISNAKER_PRAKERJA_IDENTITY_VERIFIER_OPTIONS", {}))


def verify(claim: IdentityClaim, *, today: dt.date) -> list[Finding]:
    """The configured verifier's findings; an unavailable registry is a finding too."""
    try:
        return list(get_verifier().verify(claim, today=today))
    except VerifierUnavailable as exc:
        return [Finding("verifier_unavailable", Msg("Layanan verifikasi identitas tidak menjawab: {why}",
                                                    "The identity verification service did not answer: {why}").format(
                                                        why=str(exc)[:200]))]
