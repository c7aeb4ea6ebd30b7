"""The matching score's properties (placement.matching, pure): more overlap never lowers the score, the same
regency never ranks below elsewhere with all else equal, the parts add up to the score and the reasons cite
the parts; below the minimum education is not eligible; the SQL formula is the same arithmetic."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.placement import domain, matching
from sisnaker.placement.matching import Opening, Seeker, Tier

EDUCATIONS = sorted(domain.EDUCATION_RANK)
REGENCIES = ["32.73", "32.04", "35.78", "31.71"]
SLOW_BOX = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a loaded box is slow, not wrong

unit_sets = st.frozensets(st.integers(1, 12), max_size=8)
fields = st.frozensets(st.integers(1, 4), max_size=3)


@st.composite
def seekers(draw):
    regency = draw(st.sampled_from(REGENCIES))
    return Seeker(unit_ids=draw(unit_sets), field_ids=draw(fields), education=draw(st.sampled_from(EDUCATIONS)),
                  regency=regency, province=regency[:2])


@st.composite
def openings(draw):
    regency = draw(st.sampled_from(REGENCIES))
    return Opening(unit_ids=draw(unit_sets), field_id=draw(st.one_of(st.none(), st.integers(1, 4))),
                   min_education=draw(st.sampled_from(["", *EDUCATIONS])), regency=regency, province=regency[:2])


@SLOW_BOX
@given(seekers(), openings(), st.integers(1, 12))
def test_more_overlap_never_lowers_the_score(seeker, opening, extra):
    before = matching.score(seeker, opening)
    more = Seeker(unit_ids=seeker.unit_ids | {extra}, field_ids=seeker.field_ids, education=seeker.education,
                  regency=seeker.regency, province=seeker.province)
    after = matching.score(more, opening)
    assert after.score >= before.score
    assert after.part("units").held >= before.part("units").held


@SLOW_BOX
@given(seekers(), openings())
def test_same_regency_never_ranks_below_same_province_or_elsewhere(seeker, opening):
    def at(regency: str) -> int:
        return matching.score(seeker, Opening(unit_ids=opening.unit_ids, field_id=opening.field_id,
                                              min_education=opening.min_education, regency=regency, province=regency[:2])).score

    same = at(seeker.regency)
    province = at(seeker.province + ".99")
    elsewhere = at("99.01")
    assert same >= province >= elsewhere
    assert same > elsewhere


@SLOW_BOX
@given(seekers(), openings(), st.booleans())
def test_reasons_agree_with_the_parts_and_the_parts_add_up(seeker, opening, you):
    match = matching.score(seeker, opening)
    assert match.score == sum(p.points for p in match.parts)
    assert 0 <= match.score <= matching.MAX_SCORE
    reasons = matching.reasons(match, opening=opening, you=you)
    assert [r.kind for r in reasons] == [p.kind for p in match.parts]
    for reason, part in zip(reasons, match.parts, strict=True):
        assert (reason.points, reason.max_points, reason.positive) == (part.points, part.max_points, part.points > 0)
        text = reason.message.id
        if part.kind == "units" and part.wanted:
            assert f"{part.held} dari {part.wanted}" in text
            assert part.held == len(seeker.unit_ids & opening.unit_ids)
        if part.kind == "location":
            expected = {Tier.REGENCY: "kabupaten/kota", Tier.PROVINCE: "provinsi", Tier.ELSEWHERE: "luar provinsi"}[part.tier]
            assert expected in text
            assert (part.tier == Tier.REGENCY) == (seeker.regency == opening.regency)
        if part.kind == "education":
            assert ("memenuhi" in text) == part.met == match.eligible
        if part.kind == "field" and opening.field_id is not None:
            assert ("sesuai" in text or "kejuruan lowongan" in text) == part.met


@SLOW_BOX
@given(st.sampled_from(EDUCATIONS), st.sampled_from(["", *EDUCATIONS]))
def test_below_the_minimum_education_is_not_eligible(education, minimum):
    seeker = Seeker(frozenset(), frozenset(), education, "32.73", "32")
    match = matching.score(seeker, Opening(frozenset(), None, minimum, "32.73", "32"))
    meets = not minimum or domain.EDUCATION_RANK[education] >= domain.EDUCATION_RANK[minimum]
    assert match.eligible == meets
    assert (minimum in ["", *domain.education_at_most(education)]) == meets  # the search's filter reads it the same
    assert (education in matching.educations_meeting(minimum)) == meets


def test_the_reason_reads_like_the_issue():
    seeker = Seeker(frozenset({1, 2, 3, 4, 9}), frozenset({7}), "smk", "32.73", "32")
    opening = Opening(frozenset({1, 2, 3, 4, 5}), 7, "sma", "32.73", "32")
    match = matching.score(seeker, opening)
    texts = [r.message.id for r in matching.reasons(match, opening=opening)]
    assert texts[0] == "Anda memiliki 4 dari 5 unit kompetensi yang diminta"
    assert match.score == 40 + 15 + 5 + 30


@SLOW_BOX
@given(st.integers(0, 12), st.integers(0, 12))
def test_units_points_are_integer_arithmetic_and_monotone(held, wanted):
    held = min(held, wanted)
    points = matching.units_points(held, wanted)
    assert points == (0 if wanted == 0 else (matching.W_UNITS * held) // wanted)
    assert matching.units_points(min(held + 1, wanted), wanted) >= points


@SLOW_BOX
@given(st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)), st.dates(dt.date(2018, 1, 1), dt.date(2035, 12, 31)))
def test_card_validity_cutoff_agrees_with_the_card_rules(today, issued_on):
    if issued_on > today:
        return
    valid = domain.validity(issued_on=issued_on, today=today) == domain.Validity.VALID
    assert valid == (issued_on > matching.card_issued_after(today))


def test_matching_module_is_pure():
    tree = ast.parse(Path(matching.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith(("django.db", "django.http", "django.utils.timezone")), node.module
            assert not node.module.endswith(("models", "services", "selectors")), node.module
