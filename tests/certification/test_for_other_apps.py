"""What certification provides to the apps below it without their importing it (issue 8): the rule of who
fills the work-readiness survey (asked by the survey engine through its extension point), the ratings of
a page of programs (the catalogue's extension point), the rating fragments of the institution's and the
program's pages, the citizen's "Pelatihan saya" at training's path, and the signing key's deployment check."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from sisnaker.certification import checks as certification_checks
from sisnaker.certification import domain, services
from sisnaker.certification.views import mine
from sisnaker.core import extensions
from sisnaker.institutions.models import Institution
from sisnaker.surveys.domain import READINESS_CODE
from sisnaker.training.domain import ProgramStatus as P
from tests import factories
from tests.factories import InstitutionFactory
from tests.training.test_services import user_of

TEXT = "Materinya jelas dan praktik bengkelnya banyak sekali."


# --- who fills the work-readiness survey ----------------------------------------------------------------

@pytest.mark.parametrize(("state", "status", "allowed"), [
    ("participant", "running", True),
    ("graduated", "closed", True),
    ("not_passed", "closed", True),
    ("participant", "selection", False),
    ("registered", "published", False),
    ("dropped_out", "running", False),
    ("withdrawn", "cancelled", False),
])
def test_readiness_survey_rule(state, status, allowed):
    refusal = domain.readiness_survey_refusal(state=state, program_status=status)
    assert (refusal is None) is allowed
    if not allowed:
        assert "kesiapan kerja" in refusal.id and "work-readiness" in refusal.en


@pytest.mark.django_db
def test_the_survey_engine_asks_certification_about_the_readiness_survey_only(regions):
    applicants = factories.course(participants=1, status=P.PUBLISHED).enrollments
    participants = factories.course(participants=1).enrollments
    # Other apps (Kartu Prakerja's follow-up surveys) answer too: None, "not mine to rule on".
    def refusals(**kw):
        return [r for r in extensions.collect("surveys.fill_refusal", **kw) if r is not None]

    found = refusals(code=READINESS_CODE, enrollment=applicants[0])
    assert len(found) == 1 and "kesiapan kerja" in found[0].id
    assert refusals(code=READINESS_CODE, enrollment=participants[0]) == []
    # Another questionnaire is not certification's to rule on.
    assert refusals(code="kepuasan", enrollment=applicants[0]) == []


# --- ratings for the catalogue, the program's and the institution's pages ---------------------------------

def _review(course, i, rating):
    services.review_submit(actor=user_of(course.people[i]), enrollment=course.enrollments[i], rating=rating, text=TEXT,
                           now=timezone.now())


def _fragment(name: str, pk: int) -> str:
    request = RequestFactory().get("/halaman/")
    request.user = AnonymousUser()
    return Template("{% load fragments %}{% fragment name pk %}").render(Context({"request": request, "name": name, "pk": pk}))


@pytest.mark.django_db
def test_the_catalogue_gets_the_ratings_of_a_page_of_programs_in_one_query(regions, django_assert_num_queries):
    rated, unrated = factories.course(), factories.course(participants=0)
    _review(rated, 0, 5)
    _review(rated, 1, 4)
    with django_assert_num_queries(1):
        ratings = extensions.collect_one("training.program_ratings", default={}, program_ids=[rated.program.pk, unrated.program.pk])
    assert set(ratings) == {rated.program.pk}
    assert (str(ratings[rated.program.pk].average), ratings[rated.program.pk].count) == ("4.5", 2)


@pytest.mark.django_db
def test_rating_fragments_of_the_program_and_the_institution(regions):
    course = factories.course()
    program_fragment, institution_fragment = "certification:fragment_program_rating", "certification:fragment_institution_rating"
    # No reviews yet: nothing on either page.
    assert _fragment(program_fragment, course.program.pk).strip() == ""
    assert _fragment(institution_fragment, course.inst.pk).strip() == ""
    _review(course, 0, 5)
    _review(course, 1, 4)
    html = _fragment(program_fragment, course.program.pk)
    assert 'class="program-rating"' in html and "4,5" in html and "(2 ulasan)" in html
    html = _fragment(institution_fragment, course.inst.pk)
    assert 'id="institution-rating"' in html and "4,5" in html and "(2 ulasan)" in html
    # A suspended institution's page shows no rating; unknown ids leave the place empty.
    Institution.objects.filter(pk=course.inst.pk).update(status=Institution.Status.SUSPENDED)
    assert _fragment(institution_fragment, course.inst.pk).strip() == ""
    assert _fragment(institution_fragment, 999_999) == "" and _fragment(program_fragment, 999_999) == ""
    assert _fragment(institution_fragment, InstitutionFactory().pk).strip() == ""


# --- the citizen's trainings ----------------------------------------------------------------------------

def test_my_trainings_keep_their_path_and_are_certifications_page():
    assert reverse("my_trainings") == "/pelatihan/saya/"
    assert resolve("/pelatihan/saya/").func is mine.my_trainings
    assert resolve("/pelatihan/saya/12/mundur/").url_name == "withdraw"  # withdrawing stays training's


# --- deployment check -----------------------------------------------------------------------------------

def test_the_signing_key_is_a_deployment_check(settings):
    from sisnaker.core.crypto import generate_key

    settings.SISNAKER_SIGNING_KEY = ""
    assert [m.id for m in certification_checks.signing_key_check()] == ["sisnaker.certification.E001"]
    found = [m for m in checks.run_checks(include_deployment_checks=True) if m.id.startswith("sisnaker.certification")]
    assert [m.id for m in found] == ["sisnaker.certification.E001"] and "SISNAKER_SIGNING_KEY" in found[0].msg
    assert not [m for m in checks.run_checks() if m.id.startswith("sisnaker.certification")]  # deployment only
    settings.SISNAKER_SIGNING_KEY = "not a key"
    assert [m.id for m in certification_checks.signing_key_check()] == ["sisnaker.certification.E002"]
    settings.SISNAKER_SIGNING_KEY = generate_key()
    assert certification_checks.signing_key_check() == []
