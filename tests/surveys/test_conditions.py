"""Conditional questions in the survey engine: a question with a condition is asked only when an earlier
choice question was answered with one of its values; then its ``required`` applies, otherwise it is not asked
(never required, and what was posted for it is dropped). Pure rules first (Hypothesis), then the questionnaire
definitions, then the employment survey that uses them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.surveys import domain, services
from sisnaker.surveys.domain import AnswersInvalid, Choice, Condition, QuestionSpec
from sisnaker.surveys.models import Question

TODAY = dt.date(2026, 11, 23)
STATUS = QuestionSpec(code="status", kind="single", text="Status", choices=(Choice("a", "A"), Choice("b", "B"), Choice("c", "C")))
WHERE = QuestionSpec(code="where", kind="text", text="Di mana", required=True, condition=Condition("status", ("a", "b")))
WHY = QuestionSpec(code="why", kind="single", text="Mengapa", required=True, condition=Condition("status", ("c",)),
                   choices=(Choice("x", "X"), Choice("y", "Y")))
NOTE = QuestionSpec(code="note", kind="text", text="Catatan", required=False, condition=Condition("status", ("a",)))
SPECS = [STATUS, WHERE, WHY, NOTE]

answers = st.fixed_dictionaries({}, optional={
    "status": st.sampled_from(["a", "b", "c", "", "zz"]),
    "where": st.sampled_from(["", "  ", "PT Maju"]),
    "why": st.sampled_from(["", "x", "q"]),
    "note": st.sampled_from(["", "catatan"]),
})


@given(answers)
def test_a_conditional_question_counts_only_when_its_condition_holds(raw):
    status = raw.get("status", "")
    try:
        values = domain.validate_answers(SPECS, raw, today=TODAY)
    except AnswersInvalid as exc:
        errors = exc.errors
        values = None
    else:
        errors = {}
    asked = {"where": status in ("a", "b"), "why": status == "c", "note": status == "a"}
    for code, is_asked in asked.items():
        if not is_asked:
            # Not asked: never an error, never kept, whatever was posted.
            assert code not in errors
            assert values is None or code not in values
    if status in ("a", "b") and raw.get("where", "").strip() == "":
        assert "where" in errors  # asked and required: must be answered
    if status == "c" and raw.get("why", "") in ("", "q"):
        assert "why" in errors
    if values is not None:
        assert values["status"] == status
        if status in ("a", "b"):
            assert values["where"] == raw["where"].strip()
        if status == "c":
            assert values["why"] == raw["why"]


def test_conditions_on_multiple_choice_hold_when_any_chosen_value_fits():
    channels = QuestionSpec(code="ch", kind="multiple", text="Saluran", choices=(Choice("a", "A"), Choice("b", "B")))
    other = QuestionSpec(code="other", kind="text", text="Lainnya", condition=Condition("ch", ("b",)))
    assert domain.validate_answers([channels, other], {"ch": ["a"]}, today=TODAY) == {"ch": ["a"]}
    with pytest.raises(AnswersInvalid) as refused:
        domain.validate_answers([channels, other], {"ch": ["a", "b"]}, today=TODAY)
    assert set(refused.value.errors) == {"other"}


def _q(code, kind="single", **kw):
    base = {"code": code, "kind": kind, "text": code.title()}
    if kind in ("single", "multiple"):
        base["choices"] = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    return base | kw


@pytest.mark.parametrize(("questions", "key"), [
    ([_q("s"), _q("t", "text", condition={"question": "later", "values": ["a"]}), _q("later")], "2.condition"),  # not earlier
    ([_q("s", "text"), _q("t", "text", condition={"question": "s", "values": ["a"]})], "2.condition"),  # not a choice question
    ([_q("s"), _q("t", "text", condition={"question": "s", "values": ["zz"]})], "2.condition"),  # not one of its choices
    ([_q("s"), _q("t", "text", condition={"question": "s", "values": []})], "2.condition"),
    ([_q("s"), _q("t", "text", condition="s")], "2.condition"),
])
def test_a_condition_must_name_an_earlier_choice_question_and_its_values(questions, key):
    with pytest.raises(AnswersInvalid) as refused:
        domain.validate_question_specs(questions)
    assert key in refused.value.errors


def test_a_published_version_keeps_its_conditions(db, regions):
    from tests.factories import CuratorFactory
    version = services.questionnaire_publish_version(
        actor=CuratorFactory(), code="uji-syarat", title="Uji syarat",
        questions=[_q("s"), _q("t", "text", condition={"question": "s", "values": ["b"]})])
    question = Question.objects.get(version=version, code="t")
    assert question.condition == {"question": "s", "values": ["b"]}
    assert domain.spec_from(question).condition == Condition("s", ("b",))
    assert Question.objects.get(version=version, code="s").condition == {}


# --- the employment survey ----------------------------------------------------------------------------------

def test_the_employment_survey_is_installed_and_asks_about_the_job_only_of_those_who_work(db):
    services.ensure_default_questionnaires()
    version = services.questionnaire_current(code=domain.EMPLOYMENT_CODE)
    specs = services.specs_of(version)
    assert [s.code for s in specs] == ["status", "employer", "sector", "position", "wage_range", "start_date", "relevance",
                                       "looking", "notes"]
    assert {c.value for c in specs[0].choices} == {"working", "self_employed", "not_working"}
    # Not working: only the status and what they do now.
    assert domain.validate_answers(specs, {"status": "not_working", "looking": "mencari_kerja", "employer": "sisa lama"},
                                   today=TODAY) == {"status": "not_working", "looking": "mencari_kerja"}
    # Working: the job's questions become required.
    with pytest.raises(AnswersInvalid) as refused:
        domain.validate_answers(specs, {"status": "working"}, today=TODAY)
    assert set(refused.value.errors) == {"employer", "sector", "position", "wage_range", "start_date", "relevance"}
    values = domain.validate_answers(specs, {"status": "self_employed", "employer": "Katering Bu Sari", "sector": "akomodasi",
                                             "position": "Pemilik usaha", "wage_range": "2to3",
                                             "start_date": "2026-10-01", "relevance": "5"}, today=TODAY)
    assert values["relevance"] == 5 and values["start_date"] == "2026-10-01" and "looking" not in values
