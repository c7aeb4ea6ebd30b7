"""Survey services and selectors against the database: the data migration's questionnaire, submitting
(permission, ownership, state rules, once only — including the race path where the constraint fires —
every error at once, nothing half-saved, audit), publishing versions, has_responded in one query, and
the per-program summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sisnaker.core import extensions
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.surveys import domain, selectors, services
from sisnaker.surveys.models import Answer, Question, Questionnaire, QuestionnaireVersion, Response
from sisnaker.training.domain import ProgramStatus as P
from tests.factories import ManagerFactory, PersonFactory, ProgramFactory, enrollments_in
from tests.training.test_services import user_of

from .conftest import CODE, valid_answers

pytestmark = pytest.mark.django_db


def submit(enrollment, answers=None, *, actor=None, person=None, code=CODE, now=None):
    person = person or enrollment.person
    return services.response_submit(actor=actor or user_of(person), code=code, person=person, enrollment=enrollment,
                                    answers=valid_answers() if answers is None else answers, now=now or timezone.now())


# --- the default questionnaire ---------------------------------------------------------------------

def test_data_migration_installed_the_work_readiness_survey():
    # No fixture: the test database was built by the migrations.
    q = Questionnaire.objects.get(code=CODE)
    version = QuestionnaireVersion.objects.get(questionnaire=q, is_current=True)
    questions = list(version.questions.all())
    assert q.title == "Survei kesiapan kerja" and version.version == 1
    assert 8 <= len(questions) <= 10
    assert {x.kind for x in questions} == set(domain.KINDS)
    assert all(x.text and x.text_en for x in questions)
    assert [x.order for x in questions] == list(range(1, len(questions) + 1))
    # The definitions pass the same checks as any published version.
    domain.validate_question_specs([
        {"code": x.code, "kind": x.kind, "text": x.text, "text_en": x.text_en, "help_text": x.help_text, "required": x.required,
         "choices": x.choices, "min_value": x.min_value, "max_value": x.max_value} for x in questions
    ])


def test_installing_again_changes_nothing(readiness):
    before = Question.objects.count()
    services.ensure_default_questionnaires()
    assert Question.objects.count() == before and Questionnaire.objects.filter(code=CODE).count() == 1


def test_unknown_questionnaire_is_not_found(readiness):
    with pytest.raises(NotFound):
        services.questionnaire_current(code="tidak-ada")


# --- submitting ------------------------------------------------------------------------------------

def test_participant_of_a_running_program_submits_once(readiness, stage):
    enrollment = stage(P.RUNNING)
    response = submit(enrollment)
    assert response.version == readiness and response.enrollment == enrollment and response.person == enrollment.person
    values = {a.question.code: a.value for a in response.answers.select_related("question")}
    assert values["gaji_harapan"] == 3500000 and values["keyakinan_bekerja"] == 4
    assert values["saluran_cari_kerja"] == ["karirhub", "media_sosial"]
    assert values["keterampilan_dibutuhkan"] == "Bahasa Inggris untuk wawancara"
    assert "kebutuhan_akomodasi" not in values  # empty optional answer: no row
    event = AuditEvent.objects.get(action="survey.response_submitted", object_id=str(response.pk))
    assert event.after["enrollment"] == enrollment.pk and event.after["version"] == 1
    assert "gaji_harapan" in event.after["answered"] and "3500000" not in str(event.after)  # answers stay out of the audit

    with pytest.raises(Conflict) as exc:
        submit(enrollment)
    assert exc.value.code == "survey_already_filled" and "sudah diisi" in exc.value.message.id
    assert Response.objects.count() == 1


@pytest.mark.parametrize("passed", [True, False])
def test_alumni_and_not_passed_of_a_closed_program_may_fill(readiness, stage, passed):
    enrollment = stage(P.CLOSED, passed=passed)
    assert enrollment.state == ("graduated" if passed else "not_passed")
    assert submit(enrollment).pk


def test_applicant_is_refused_with_the_reason(readiness, stage):
    enrollment = stage(P.PUBLISHED)
    with pytest.raises(Conflict) as exc:
        submit(enrollment)
    assert exc.value.code == "survey_not_eligible"
    assert "Pendaftar" in exc.value.message.id and "Applicant" in exc.value.message.en
    assert not Response.objects.exists()


def test_only_the_person_themself_and_only_their_enrollment(readiness, stage, manager):
    enrollment = stage(P.RUNNING)
    other = PersonFactory()
    # Someone else answering for the person.
    with pytest.raises(PermissionDenied):
        submit(enrollment, actor=user_of(other))
    # Staff cannot answer for a participant either.
    with pytest.raises(PermissionDenied):
        submit(enrollment, actor=manager)
    # Their own person, but someone else's enrollment.
    with pytest.raises(PermissionDenied) as exc:
        submit(enrollment, person=other)
    assert exc.value.code == "enrollment_not_own"
    assert not Response.objects.exists()


def test_every_error_at_once_and_nothing_half_saved(readiness, stage):
    enrollment = stage(P.RUNNING)
    answers = valid_answers() | {"kegiatan_saat_ini": "menganggur", "keyakinan_bekerja": "9", "gaji_harapan": "banyak",
                                 "siap_mulai": "2000-01-01", "saluran_cari_kerja": []}
    answers.pop("cv_siap")
    with pytest.raises(domain.AnswersInvalid) as exc:
        submit(enrollment, answers)
    errors = exc.value.details["errors"]
    assert set(errors) == {"kegiatan_saat_ini", "keyakinan_bekerja", "gaji_harapan", "siap_mulai", "saluran_cari_kerja", "cv_siap"}
    assert "Apa kegiatan utama Anda saat ini?" in errors["kegiatan_saat_ini"]
    assert exc.value.code == "answers_invalid" and "6" in exc.value.message.id
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not AuditEvent.objects.filter(action="survey.response_submitted").exists()
    assert submit(enrollment).pk  # fixing them works


def test_unknown_question_codes_are_refused(readiness, stage):
    with pytest.raises(domain.AnswersInvalid) as exc:
        submit(stage(P.RUNNING), valid_answers() | {"pertanyaan_palsu": "x"})
    assert set(exc.value.errors) == {"pertanyaan_palsu"}


def test_a_lost_race_is_a_conflict_not_a_crash(readiness, stage, monkeypatch):
    """Two submissions that both passed the "already filled?" check: the database constraint decides,
    and the loser gets the same Conflict (the IntegrityError never escapes)."""
    enrollment = stage(P.RUNNING)
    submit(enrollment)

    class NeverFound:
        def exists(self):
            return False

    real_filter = Response.objects.filter

    def blind_filter(*args, **kwargs):
        if set(kwargs) == {"questionnaire", "enrollment"}:
            return NeverFound()  # as if the other submission had not committed yet
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Response.objects, "filter", blind_filter)
    with pytest.raises(Conflict) as exc:
        submit(enrollment)
    monkeypatch.undo()
    assert exc.value.code == "survey_already_filled" and isinstance(exc.value.__cause__, IntegrityError)
    assert Response.objects.count() == 1 and Answer.objects.count() == 9


def test_dates_are_checked_against_the_submission_day(readiness, stage):
    enrollment = stage(P.RUNNING)
    now = timezone.now() + dt.timedelta(days=30)
    with pytest.raises(domain.AnswersInvalid) as exc:
        submit(enrollment, valid_answers(), now=now)  # a week after "today" is now in the past
    assert set(exc.value.errors) == {"siap_mulai"}
    assert submit(enrollment, valid_answers(timezone.localdate(now)), now=now).submitted_at == now


# --- publishing versions ---------------------------------------------------------------------------

QUESTIONS_V2 = [
    {"code": "kegiatan_saat_ini", "kind": "single", "text": "Kegiatan utama saat ini?", "text_en": "Main activity?",
     "choices": [{"value": "bekerja", "label": "Bekerja"}, {"value": "mencari_kerja", "label": "Mencari kerja"}]},
    {"code": "keyakinan_bekerja", "kind": "scale", "text": "Seberapa yakin?", "min_value": 1, "max_value": 5},
]


def test_curator_publishes_a_new_version_and_old_responses_keep_theirs(readiness, stage, curator, manager):
    first = submit(stage(P.RUNNING))
    with pytest.raises(PermissionDenied):
        services.questionnaire_publish_version(actor=manager, code=CODE, questions=QUESTIONS_V2)
    v2 = services.questionnaire_publish_version(actor=curator, code=CODE, questions=QUESTIONS_V2)
    assert v2.version == 2 and v2.is_current
    assert QuestionnaireVersion.objects.filter(questionnaire__code=CODE, is_current=True).get() == v2
    assert services.questionnaire_current(code=CODE) == v2
    first.refresh_from_db()
    assert first.version.version == 1 and first.answers.count() == 9

    second = submit(stage(P.RUNNING), {"kegiatan_saat_ini": "bekerja", "keyakinan_bekerja": 5})
    assert second.version == v2 and second.answers.count() == 2
    assert AuditEvent.objects.filter(action="survey.version_published", object_id=str(v2.pk)).exists()
    # has_responded counts any version.
    assert selectors.has_responded(code=CODE, enrollment_ids=[first.enrollment_id, second.enrollment_id]) == {
        first.enrollment_id, second.enrollment_id}


def test_publishing_bad_questions_reports_every_problem_and_saves_nothing(readiness, curator):
    with pytest.raises(domain.AnswersInvalid) as exc:
        services.questionnaire_publish_version(actor=curator, code=CODE, questions=[
            QUESTIONS_V2[0], {"code": "kegiatan_saat_ini", "kind": "angka", "text": ""}])
    assert {"2.code", "2.kind", "2.text"} <= set(exc.value.errors)
    assert QuestionnaireVersion.objects.filter(questionnaire__code=CODE).count() == 1


def test_a_new_questionnaire_needs_a_title(readiness, curator):
    with pytest.raises(NotFound):
        services.questionnaire_publish_version(actor=curator, code="kebekerjaan", questions=QUESTIONS_V2)
    v = services.questionnaire_publish_version(actor=curator, code="kebekerjaan", title="Survei kebekerjaan", questions=QUESTIONS_V2)
    assert v.version == 1 and v.questionnaire.title == "Survei kebekerjaan"


def test_questionnaires_without_a_rule_accept_any_own_enrollment(readiness, stage, curator):
    services.questionnaire_publish_version(actor=curator, code="kebekerjaan", title="Survei kebekerjaan", questions=QUESTIONS_V2)
    applicant = stage(P.PUBLISHED)
    assert submit(applicant, {"kegiatan_saat_ini": "bekerja", "keyakinan_bekerja": 3}, code="kebekerjaan").pk
    # The two questionnaires are counted separately.
    assert selectors.has_responded(code=CODE, enrollment_ids=[applicant.pk]) == set()


def test_who_may_fill_is_asked_of_the_apps_that_use_the_questionnaire(readiness, stage, curator, monkeypatch):
    """The engine knows no training rule: a provider of ``services.FILL_REFUSAL`` (certification, for the
    work-readiness survey) answers, with the enrollment (its program loaded) and the questionnaire's code."""
    services.questionnaire_publish_version(actor=curator, code="kebekerjaan", title="Survei kebekerjaan", questions=QUESTIONS_V2)
    asked = []

    def not_before_the_end(*, code, enrollment):
        asked.append((code, enrollment.pk, enrollment.program.status))
        return Msg("Diisi setelah program selesai.", "Filled once the program is over.") if code == "kebekerjaan" else None

    monkeypatch.setitem(extensions._providers, services.FILL_REFUSAL, [not_before_the_end])
    participant = stage(P.RUNNING)
    with pytest.raises(Conflict) as refused:
        submit(participant, {"kegiatan_saat_ini": "bekerja", "keyakinan_bekerja": 3}, code="kebekerjaan")
    assert refused.value.code == "survey_not_eligible" and "setelah program selesai" in refused.value.message.id
    assert asked == [("kebekerjaan", participant.pk, P.RUNNING)]
    # Without the rule of certification, the applicant could fill the work-readiness survey too.
    applicant = stage(P.PUBLISHED)
    assert submit(applicant).pk and asked[-1] == (CODE, applicant.pk, P.PUBLISHED)


# --- selectors --------------------------------------------------------------------------------------

def test_has_responded_is_one_query(readiness, stage, django_assert_num_queries):
    done = [stage(P.RUNNING) for _ in range(3)]
    pending = stage(P.RUNNING)
    for e in done:
        submit(e)
    ids = [e.pk for e in done] + [pending.pk, 999_999]
    with django_assert_num_queries(1):
        assert selectors.has_responded(code=CODE, enrollment_ids=ids) == {e.pk for e in done}
    with django_assert_num_queries(0):
        assert selectors.has_responded(code=CODE, enrollment_ids=[]) == set()


def test_response_for_and_answer_rows(readiness, stage):
    enrollment = stage(P.RUNNING)
    assert selectors.response_for(code=CODE, enrollment=enrollment) is None
    submit(enrollment)
    response = selectors.response_for(code=CODE, enrollment=enrollment)
    rows = {r["code"]: r for r in selectors.answer_rows(response=response)}
    assert rows["gaji_harapan"]["display"] == "3.500.000"
    assert rows["saluran_cari_kerja"]["display"] == "Karirhub / SIAPkerja Kemnaker, Media sosial"
    assert rows["kebutuhan_akomodasi"]["display"] == ""
    english = {r["code"]: r for r in selectors.answer_rows(response=response, english=True)}
    assert english["gaji_harapan"]["display"] == "3,500,000" and english["bantuan_penempatan"]["display"] == "Yes"


def test_summary_counts_choices_and_averages_scales_for_staff_only(readiness, stage, manager, inst):
    first = stage(P.RUNNING)
    program = first.program
    submit(first, valid_answers() | {"keyakinan_bekerja": "5", "gaji_harapan": "4.000.000"})
    data = selectors.results_summary(viewer=manager, code=CODE, program=program)
    assert data["responses"] == 1 and data["eligible_enrollments"] == 1
    questions = {q["code"]: q for q in data["versions"][0]["questions"]}
    assert questions["keyakinan_bekerja"]["average"] == 5.0
    assert questions["gaji_harapan"]["average"] == 4_000_000 and questions["gaji_harapan"]["max"] == 4_000_000
    channels = {c["value"]: c["count"] for c in questions["saluran_cari_kerja"]["choices"]}
    assert channels == {"karirhub": 1, "media_sosial": 1, "bursa_kerja": 0, "keluarga_teman": 0, "lainnya": 0, "belum_mencari": 0}
    assert questions["kebutuhan_akomodasi"]["answered"] == 0

    outsider = ManagerFactory()
    with pytest.raises(PermissionDenied):
        selectors.results_summary(viewer=outsider, code=CODE, program=program)
    with pytest.raises(PermissionDenied):
        selectors.results_summary(viewer=user_of(first.person), code=CODE, program=program)


def test_summary_query_count_does_not_grow_with_responses(readiness, manager, inst):
    program = ProgramFactory(institution=inst, status=P.RUNNING, quota=20)
    enrollments = enrollments_in(program, n=6)
    for i, e in enumerate(enrollments):
        submit(e, valid_answers() | {"keyakinan_bekerja": str(1 + i % 5), "bantuan_penempatan": "ya" if i % 2 else "tidak"})
    with CaptureQueriesContext(connection) as queries:
        data = selectors.results_summary(viewer=manager, code=CODE, program=program)
    assert len(queries) <= 6
    questions = {q["code"]: q for q in data["versions"][0]["questions"]}
    assert data["responses"] == 6 and data["eligible_enrollments"] == 6
    assert questions["keyakinan_bekerja"]["average"] == round((1 + 2 + 3 + 4 + 5 + 1) / 6, 2)
    assert {c["value"]: c["count"] for c in questions["bantuan_penempatan"]["choices"]} == {"ya": 3, "tidak": 3}
    assert [c["count"] for c in questions["keyakinan_bekerja"]["choices"]] == [2, 1, 1, 1, 1]


def test_loadsurveys_command_reinstalls_after_an_empty_database(readiness):
    from io import StringIO

    from django.core.management import call_command

    Question.objects.all().delete()
    QuestionnaireVersion.objects.all().delete()
    Questionnaire.objects.all().delete()
    out = StringIO()
    call_command("loadsurveys", stdout=out)
    assert "2 baru" in out.getvalue()  # the work-readiness and the employment survey
    assert services.questionnaire_current(code=CODE).questions.count() == 10
    assert services.questionnaire_current(code="employment").questions.count() == 9
    call_command("loadsurveys", stdout=out)
    assert Questionnaire.objects.count() == 2
