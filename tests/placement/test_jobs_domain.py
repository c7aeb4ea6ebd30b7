"""Pure rules of employers, vacancies and applications: the transition tables (Hypothesis state machines),
field validation, NIB and education helpers."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sisnaker.placement import domain
from sisnaker.placement.domain import CompanyStatus, Stage, VacancyStatus

TODAY = dt.date(2026, 3, 10)


def vacancy(**over) -> domain.VacancyInput:
    values = dict(title="Juru Las", openings=3, opens_on=TODAY, closes_on=TODAY + dt.timedelta(days=30), skills="Las SMAW",
                  work_type="full_time", wage_min=4_000_000, wage_max=5_000_000)
    values.update(over)
    return domain.VacancyInput(**values)


class ApplicationMachine(RuleBasedStateMachine):
    """Any sequence of employer actions: the stage only moves forward along the table, the final stages
    (hired, rejected) accept nothing, and hired is reached only through applied → shortlisted → interview →
    offered."""

    def __init__(self):
        super().__init__()
        self.stage = Stage.APPLIED
        self.history = [Stage.APPLIED]

    @rule(action=st.sampled_from(domain.APPLICATION_ACTIONS))
    def act(self, action):
        to = domain.application_next_stage(action=action, stage=self.stage)
        if self.stage in Stage.FINAL:
            assert to is None
        if to is None:
            assert action not in domain.actions_from(self.stage)
            return
        assert action in domain.actions_from(self.stage)
        self.stage = to
        self.history.append(to)

    @precondition(lambda self: self.stage == Stage.HIRED)
    @invariant()
    def hired_went_through_every_stage(self):
        assert self.history == [Stage.APPLIED, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFERED, Stage.HIRED]

    @invariant()
    def stage_is_known_and_never_repeats(self):
        assert self.stage in Stage.ALL
        assert len(self.history) == len(set(self.history))


TestApplicationMachine = ApplicationMachine.TestCase


class CompanyMachine(RuleBasedStateMachine):
    """Vetting: approval only from pending; a suspended company is reinstated, never approved again."""

    def __init__(self):
        super().__init__()
        self.status = CompanyStatus.PENDING

    @rule(action=st.sampled_from(sorted(domain.COMPANY_TRANSITIONS)))
    def act(self, action):
        to = domain.company_next_status(action=action, status=self.status)
        if action == "approve":
            assert (to is not None) == (self.status == CompanyStatus.PENDING)
        if to is not None:
            self.status = to

    @invariant()
    def public_only_when_approved(self):
        assert (domain.company_public_blocker(self.status) is None) == (self.status == CompanyStatus.APPROVED)


TestCompanyMachine = CompanyMachine.TestCase


def test_vacancy_transitions():
    assert domain.vacancy_next_status(action="publish", status=VacancyStatus.DRAFT) == VacancyStatus.PUBLISHED
    assert domain.vacancy_next_status(action="publish", status=VacancyStatus.CLOSED) is None
    assert domain.vacancy_next_status(action="fill", status=VacancyStatus.CLOSED) == VacancyStatus.FILLED
    assert domain.vacancy_next_status(action="close", status=VacancyStatus.DRAFT) is None


def test_a_valid_vacancy_has_no_errors():
    assert domain.vacancy_errors(vacancy()) == {}
    assert domain.vacancy_errors(vacancy(wage_min=None, wage_max=None, wage_negotiable=True)) == {}


def test_vacancy_errors_name_their_field():
    assert set(domain.vacancy_errors(vacancy(title="ab", openings=0, work_type="x", sex="?", age_min=10, experience_years=99))) == {
        "title", "openings", "work_type", "sex", "age_min", "experience_years"}
    assert set(domain.vacancy_errors(vacancy(closes_on=TODAY + dt.timedelta(days=400)))) == {"closes_on"}
    assert set(domain.vacancy_errors(vacancy(wage_min=None, wage_max=5_000_000))) == {"wage_min"}


@given(st.integers(min_value=0, max_value=20), st.integers(min_value=1, max_value=20))
def test_fill_and_hire_stay_within_the_openings(filled, openings):
    assert (domain.fill_errors(filled=filled, openings=openings) is None) == (filled <= openings)
    assert (domain.hire_blocker(filled=filled, openings=openings) is None) == (filled < openings)


def test_publish_needs_an_approved_company_and_a_future_closing_date():
    assert domain.publish_blocker(company_status="approved", closes_on=TODAY, today=TODAY) is None
    assert domain.publish_blocker(company_status="approved", closes_on=TODAY - dt.timedelta(days=1), today=TODAY) is not None
    for status in ("pending", "rejected", "suspended"):
        assert domain.publish_blocker(company_status=status, closes_on=TODAY, today=TODAY) is not None


def test_nib_and_education_helpers():
    assert domain.nib_clean("9120-0001 23456") == "9120000123456"
    assert domain.nib_clean("912000012345") is None and domain.nib_clean("٩١٢٠٠٠٠١٢٣٤٥٦") is None
    assert domain.education_at_most("smk") == ["none", "sd", "sma", "smk", "smp"]
    assert domain.education_at_most("unknown") == []
    assert len(domain.KBLI_SECTIONS) == 21 and domain.KBLI_SECTIONS[0][0] == "A" and domain.KBLI_SECTIONS[-1][0] == "U"
