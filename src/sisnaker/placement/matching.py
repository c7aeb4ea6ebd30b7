"""Matching people and vacancies (issue 12, "Matching"): a transparent score out of 100 with its reasons.

Pure: no ORM, no clock, no request (``today`` is passed in). The selectors (``selectors_matching``) rank in SQL
with the same formula (``SQL_*`` fragments below are built from the same constants) and call ``score`` for the
rows they show, so the reasons on a page always add up to the score that ordered it.

What is compared
----------------
* **Seeker** — the person's *certified* competency units and vocational fields: the competency units and the
  vocational field of the programs of their enrollments that hold a standing (not revoked) certificate; their
  formal education (``accounts.Person.Education``); their **home**: the regency and province of their domicile
  district. Boarding alumni trained far from home are matched back home: where they were trained plays no part.
* **Opening** — the vacancy's wanted competency units, vocational field, minimum education, regency and province.

The score (weights are the named constants; the parts add up to ``score``)
-------------------------------------------------------------------------
* ``W_UNITS`` (50) × held / wanted, rounded down: "Anda memiliki 4 dari 5 unit kompetensi yang diminta" (40).
  A vacancy that names no unit gives no unit points to anyone (the reason says so).
* ``W_FIELD`` (15): one of the person's certificates is in the vacancy's vocational field.
* ``W_EDUCATION`` (5): the person meets the minimum education (or the vacancy asks none).
  **Below the minimum is excluded**, not ranked low: the minimum is the employer's stated requirement
  (Perpres 57/2023 vacancy report), and the public search's "my education" filter already reads it the same
  way (``domain.education_at_most``). ``eligible`` is False and the selectors never show such a pair.
* Location tier (``W_SAME_REGENCY`` 30, ``W_SAME_PROVINCE`` 15, elsewhere 0): same regency > same province >
  elsewhere. Sisnaker holds no coordinates for regions (regions/data has codes and names only), so no
  distance in km is given or invented: the reason says "di kabupaten/kota Anda", "di provinsi Anda", or
  "di luar provinsi Anda".

Why these weights: certified units are the strongest evidence that a person can do the job (half the score);
staying home matters next (a third: most alumni look for work near home, and regional offices report their
own residents); the field catches certificates in the right trade whose exact units differ; education is a
gate, with a few points so that "meets" shows as a reason. Ties are broken by the newest vacancy (or, for
candidates, the name).

Age and sex requirements are not part of the score (they are shown on the vacancy; the employer decides, as
when applying: docs/placement.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sisnaker.core.errors import Msg

from .domain import EDUCATION_RANK

W_UNITS = 50
W_FIELD = 15
W_EDUCATION = 5
W_SAME_REGENCY = 30
W_SAME_PROVINCE = 15
W_ELSEWHERE = 0
MAX_SCORE = W_UNITS + W_FIELD + W_EDUCATION + W_SAME_REGENCY
TOP = 20  # how many a page shows


class Tier:
    REGENCY, PROVINCE, ELSEWHERE = "regency", "province", "elsewhere"
    POINTS = {REGENCY: W_SAME_REGENCY, PROVINCE: W_SAME_PROVINCE, ELSEWHERE: W_ELSEWHERE}


@dataclass(frozen=True, slots=True)
class Seeker:
    unit_ids: frozenset[int]
    field_ids: frozenset[int]
    education: str  # accounts.Person.Education value
    regency: str  # home (domicile) regency code, "32.73"
    province: str  # its province code, "32"


@dataclass(frozen=True, slots=True)
class Opening:
    unit_ids: frozenset[int]
    field_id: int | None
    min_education: str  # empty: any
    regency: str
    province: str


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a score: its kind, its points, what it could have given, and the facts the reason cites."""

    kind: str  # "units" | "field" | "education" | "location"
    points: int
    max_points: int
    held: int = 0  # units: how many of the wanted units the person holds
    wanted: int = 0  # units: how many the vacancy names
    met: bool = False  # field / education: matched
    tier: str = ""  # location: Tier value


@dataclass(frozen=True, slots=True)
class Match:
    score: int
    eligible: bool  # False: below the minimum education (never shown)
    parts: tuple[Part, ...]
    matched_unit_ids: frozenset[int] = frozenset()
    certified: bool = False  # the seeker holds a certificate (in some vocational field)

    def part(self, kind: str) -> Part:
        return next(p for p in self.parts if p.kind == kind)


def meets_education(education: str, minimum: str) -> bool:
    """True when ``education`` reaches ``minimum`` (empty minimum: anyone; an unknown minimum: anyone, as the
    vacancy's rules refuse unknown values before they are stored)."""
    if not minimum or minimum not in EDUCATION_RANK:
        return True
    return EDUCATION_RANK.get(education, -1) >= EDUCATION_RANK[minimum]


def educations_meeting(minimum: str) -> list[str]:
    """Every education value that meets ``minimum`` (for the candidates' SQL filter)."""
    if not minimum or minimum not in EDUCATION_RANK:
        return sorted(EDUCATION_RANK)
    return sorted(code for code, rank in EDUCATION_RANK.items() if rank >= EDUCATION_RANK[minimum])


def units_points(held: int, wanted: int) -> int:
    """``W_UNITS`` × held / wanted rounded down (integer arithmetic, as the SQL computes it); 0 when none wanted."""
    if wanted <= 0:
        return 0
    return (W_UNITS * min(held, wanted)) // wanted


def location_tier(*, home_regency: str, home_province: str, regency: str, province: str) -> str:
    if home_regency and home_regency == regency:
        return Tier.REGENCY
    if home_province and home_province == province:
        return Tier.PROVINCE
    return Tier.ELSEWHERE


def score(seeker: Seeker, opening: Opening) -> Match:
    """The score of ``opening`` for ``seeker`` with its parts (they add up to the score)."""
    matched = seeker.unit_ids & opening.unit_ids
    wanted = len(opening.unit_ids)
    field_met = opening.field_id is not None and opening.field_id in seeker.field_ids
    education_met = meets_education(seeker.education, opening.min_education)
    tier = location_tier(home_regency=seeker.regency, home_province=seeker.province, regency=opening.regency,
                         province=opening.province)
    parts = (
        Part("units", units_points(len(matched), wanted), W_UNITS, held=len(matched), wanted=wanted),
        Part("field", W_FIELD if field_met else 0, W_FIELD, met=field_met),
        Part("education", W_EDUCATION if education_met else 0, W_EDUCATION, met=education_met),
        Part("location", Tier.POINTS[tier], W_SAME_REGENCY, tier=tier),
    )
    return Match(score=sum(p.points for p in parts), eligible=education_met, parts=parts, matched_unit_ids=frozenset(matched),
                 certified=bool(seeker.field_ids))


# --- reasons -------------------------------------------------------------------------------------------------
# ``you=True``: said to the job seeker ("Anda memiliki …"); False: said to the employer about a candidate.

_UNITS = {
    True: Msg("Anda memiliki {held} dari {wanted} unit kompetensi yang diminta",
              "You hold {held} of the {wanted} competency units this job asks for"),
    False: Msg("Memiliki {held} dari {wanted} unit kompetensi yang diminta",
               "Holds {held} of the {wanted} competency units this job asks for"),
}
_NO_UNITS = Msg("Lowongan ini tidak menyebut unit kompetensi", "This vacancy names no competency units")
_FIELD = {
    True: (Msg("Sertifikat Anda sesuai kejuruan lowongan", "Your certificate is in this job's vocational field"),
           Msg("Sertifikat Anda di kejuruan lain", "Your certificates are in another vocational field")),
    False: (Msg("Sertifikat di kejuruan lowongan", "Certificate in this job's vocational field"),
            Msg("Sertifikat di kejuruan lain", "Certificates in another vocational field")),
}
_NO_FIELD = Msg("Lowongan ini tidak menyebut kejuruan", "This vacancy names no vocational field")
_NO_CERTIFICATE = {True: Msg("Anda belum memiliki sertifikat pelatihan", "You hold no training certificate yet"),
                   False: Msg("Belum memiliki sertifikat pelatihan", "Holds no training certificate yet")}
_EDUCATION = {
    True: (Msg("Pendidikan Anda memenuhi syarat minimal", "Your education meets the minimum"),
           Msg("Pendidikan Anda di bawah syarat minimal", "Your education is below the minimum")),
    False: (Msg("Pendidikan memenuhi syarat minimal", "Education meets the minimum"),
            Msg("Pendidikan di bawah syarat minimal", "Education below the minimum")),
}
_LOCATION = {
    True: {Tier.REGENCY: Msg("Di kabupaten/kota Anda", "In your regency/city"),
           Tier.PROVINCE: Msg("Di provinsi Anda, kabupaten/kota lain", "In your province, another regency/city"),
           Tier.ELSEWHERE: Msg("Di luar provinsi Anda", "Outside your province")},
    False: {Tier.REGENCY: Msg("Tinggal di kabupaten/kota lowongan", "Lives in the vacancy's regency/city"),
            Tier.PROVINCE: Msg("Tinggal di provinsi lowongan", "Lives in the vacancy's province"),
            Tier.ELSEWHERE: Msg("Tinggal di luar provinsi lowongan", "Lives outside the vacancy's province")},
}


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str
    points: int
    max_points: int
    message: Msg
    positive: bool  # gave points


def reasons(match: Match, *, opening: Opening, you: bool = True) -> list[Reason]:
    """One reason per part, in the parts' order, each citing the part's own facts and points."""
    out = []
    for part in match.parts:
        if part.kind == "units":
            message = _UNITS[you].format(held=part.held, wanted=part.wanted) if part.wanted else _NO_UNITS
        elif part.kind == "field":
            message = (_NO_FIELD if opening.field_id is None else _FIELD[you][0 if part.met else 1] if match.certified
                       else _NO_CERTIFICATE[you])
        elif part.kind == "education":
            message = _EDUCATION[you][0 if part.met else 1]
        else:
            message = _LOCATION[you][part.tier]
        out.append(Reason(kind=part.kind, points=part.points, max_points=part.max_points, message=message,
                          positive=part.points > 0))
    return out


# --- the same formula in SQL ---------------------------------------------------------------------------------

def sql_score(*, held: str, wanted: str, field_match: str, tier_regency: str, tier_province: str) -> str:
    """The score as a SQL expression over the given SQL sub-expressions (integer arithmetic, as ``score``):
    ``held``/``wanted`` unit counts, ``field_match`` a boolean condition, ``tier_regency``/``tier_province``
    boolean conditions. Education is a filter (below the minimum is excluded), so every row earns
    ``W_EDUCATION``."""
    # ``wanted`` appears once: it may be a correlated count, evaluated once per row.
    return (f"(COALESCE(({W_UNITS} * COALESCE({held}, 0)) / NULLIF({wanted}, 0), 0)"
            f" + CASE WHEN {field_match} THEN {W_FIELD} ELSE 0 END + {W_EDUCATION}"
            f" + CASE WHEN {tier_regency} THEN {W_SAME_REGENCY} WHEN {tier_province} THEN {W_SAME_PROVINCE}"
            f" ELSE {W_ELSEWHERE} END)")


def card_issued_after(today: dt.date) -> dt.date:
    """AK/1 cards issued *after* this day are still valid on ``today`` (valid two years: ``domain.expires_on``)."""
    try:
        return today.replace(year=today.year - 2)
    except ValueError:  # 29 February
        return dt.date(today.year - 2, 2, 28)


def ids(values: Iterable[int | None]) -> frozenset[int]:
    return frozenset(int(v) for v in values if v is not None)
