"""Assessment and review pages: the grid (403 for others, htmx cell save returning the updated row, the
plain "Simpan semua" without JavaScript), the review page, the links on "Pelatihan saya", and the
ratings on the program page, the catalogue (no query per card) and the institution page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sisnaker.certification import services
from sisnaker.certification.models import Assessment, Review
from sisnaker.core.roles import Role
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment
from tests import factories
from tests.factories import PersonFactory, staff
from tests.training.test_services import user_of

from .test_assessment import certify

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
TEXT = "Instrukturnya sabar dan alatnya lengkap untuk praktik."


@pytest.fixture
def course(regions):
    return factories.course()


def cell(e, u) -> str:
    return f"{e.pk}-{u.pk}"


# --- the assessment grid ------------------------------------------------------------------------

def test_grid_page_for_instructor_and_manager(client, course):
    url = reverse("certification:assess", args=(course.program.pk,))
    for user in (course.instructor, course.manager):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        for e in course.enrollments:
            assert e.person.full_name in html and f'id="row-{e.pk}"' in html
        for u in course.units:
            assert u.code in html
        assert f'name="r-{cell(course.enrollments[0], course.units[0])}"' in html
        assert "Simpan semua" in html and "Belum lengkap" in html
        assert reverse("certification:assess_cell", args=(course.program.pk,)) in html


def test_grid_page_refused_to_others(client, course):
    url = reverse("certification:assess", args=(course.program.pk,))
    assert client.get(url).status_code == 302  # log in first
    for user in (staff(Role.INSTRUCTOR), user_of(course.people[0]), PersonFactory().user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403 and "Penilaian kompetensi hanya untuk" in response.content.decode()
        response = client.post(reverse("certification:assess_cell", args=(course.program.pk,)),
                               {"cell": cell(course.enrollments[0], course.units[0]),
                                f"r-{cell(course.enrollments[0], course.units[0])}": "K"}, **HX)
        assert response.status_code == 403
    assert not Assessment.objects.exists()
    client.force_login(course.instructor)
    assert client.get(reverse("certification:assess", args=(999999,))).status_code == 404


def test_htmx_cell_save_returns_the_updated_row(client, course):
    client.force_login(course.instructor)
    e, (u1, u2) = course.enrollments[0], course.units
    url = reverse("certification:assess_cell", args=(course.program.pk,))
    response = client.post(url, {"cell": cell(e, u1), f"r-{cell(e, u1)}": "K", f"s-{cell(e, u1)}": "88"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<table><tbody><tr id="row-{e.pk}"' in html and f'id="overall-{e.pk}"' in html
    assert "tersimpan" in html and "Belum lengkap" in html
    a = Assessment.objects.get(enrollment=e, unit=u1)
    assert (a.result, a.score) == ("competent", 88)

    response = client.post(url, {"cell": cell(e, u2), f"r-{cell(e, u2)}": "K"}, **HX)
    assert 'data-overall="competent"' in response.content.decode() and "Kompeten" in response.content.decode()
    assert Enrollment.objects.get(pk=e.pk).result == "passed"

    response = client.post(url, {"cell": cell(e, u2), f"r-{cell(e, u2)}": "BK"}, **HX)
    assert "Belum kompeten" in response.content.decode()
    assert Enrollment.objects.get(pk=e.pk).result == "failed"


class _TextOf(HTMLParser):
    """The text inside the element with one id (what the grid's out-of-band swap takes by that id)."""

    VOID = {"br", "input", "img", "hr", "meta", "link"}

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.found, self.text = element_id, 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, self.found + 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def _part(html: str, element_id: str) -> str:
    parser = _TextOf(element_id)
    parser.feed(html)
    assert parser.found == 1, f"{parser.found} elements with id {element_id}"
    return " ".join(" ".join(parser.text).split())


def test_a_cell_save_refreshes_the_rows_state_and_the_totals_out_of_band(client, course):
    client.force_login(course.instructor)
    (e1, e2, _e3), (u1, u2) = course.enrollments, course.units
    grid = client.get(reverse("certification:assess", args=(course.program.pk,))).content.decode()
    # Each cell asks for its row's pieces and the totals that its save changes.
    assert f"#overall-{e1.pk},#st-{cell(e1, u2)},#state-{e1.pk},#col-{u2.pk},#assess-counts" in grid
    assert _part(grid, "assess-counts") == "Kompeten 0 Belum kompeten 0 Belum lengkap 3"
    assert _part(grid, f"col-{u1.pk}") == "K 0 BK 0 — 3"

    url = reverse("certification:assess_cell", args=(course.program.pk,))
    client.post(url, {"cell": cell(e1, u1), f"r-{cell(e1, u1)}": "K"}, **HX)
    html = client.post(url, {"cell": cell(e1, u2), f"r-{cell(e1, u2)}": "K"}, **HX).content.decode()
    assert _part(html, "assess-counts") == "Kompeten 1 Belum kompeten 0 Belum lengkap 2"
    assert _part(html, f"col-{u2.pk}") == "K 1 BK 0 — 2" and _part(html, f"col-{u1.pk}") == "K 1 BK 0 — 2"
    assert _part(html, f"state-{e1.pk}") == "Peserta"
    html = client.post(url, {"cell": cell(e2, u1), f"r-{cell(e2, u1)}": "BK", f"s-{cell(e2, u1)}": "40"}, **HX).content.decode()
    assert _part(html, "assess-counts") == "Kompeten 1 Belum kompeten 1 Belum lengkap 1"
    assert _part(html, f"col-{u1.pk}") == "K 1 BK 1 — 1"
    # A refused cell changes no total.
    html = client.post(url, {"cell": cell(e2, u2), f"r-{cell(e2, u2)}": "K", f"s-{cell(e2, u2)}": "300"}, **HX).content.decode()
    assert _part(html, f"col-{u2.pk}") == "K 1 BK 0 — 2" and "0–100" in html


def test_a_closed_programs_correction_refreshes_the_participants_state(client, course):
    e, (u1, u2) = course.enrollments[0], course.units
    for u in (u1, u2):
        services.assessment_record(actor=course.instructor, enrollment=e, unit=u, result="competent")
    from .test_assessment import close
    close(course)
    assert Enrollment.objects.get(pk=e.pk).state == "graduated"
    client.force_login(course.instructor)
    html = client.post(reverse("certification:assess_cell", args=(course.program.pk,)),
                       {"cell": cell(e, u2), f"r-{cell(e, u2)}": "BK"}, **HX).content.decode()
    assert _part(html, f"state-{e.pk}") == "Tidak lulus" and "Belum kompeten 1" in _part(html, "assess-counts")


def test_a_cell_posted_without_javascript_goes_back_to_the_grid(client, course):
    client.force_login(course.instructor)
    e, u = course.enrollments[0], course.units[0]
    grid = reverse("certification:assess", args=(course.program.pk,))
    url = reverse("certification:assess_cell", args=(course.program.pk,))
    response = client.post(url, {"cell": cell(e, u), f"r-{cell(e, u)}": "K"})
    assert response.status_code == 302 and response["Location"] == grid
    assert Assessment.objects.get(enrollment=e, unit=u).result == "competent"
    response = client.post(url, {"cell": cell(e, u), f"r-{cell(e, u)}": "K", f"s-{cell(e, u)}": "300"}, follow=True)
    assert "0–100" in response.content.decode() and Assessment.objects.get(enrollment=e, unit=u).score is None


def test_htmx_cell_refusals_are_shown_in_the_cell(client, course):
    client.force_login(course.instructor)
    e, u = course.enrollments[0], course.units[0]
    url = reverse("certification:assess_cell", args=(course.program.pk,))
    response = client.post(url, {"cell": cell(e, u), f"r-{cell(e, u)}": "K", f"s-{cell(e, u)}": "120"}, **HX)
    assert response.status_code == 200 and "0–100" in response.content.decode() and 'role="alert"' in response.content.decode()
    response = client.post(url, {"cell": cell(e, u), f"r-{cell(e, u)}": "", f"s-{cell(e, u)}": "70"}, **HX)
    assert "Pilih K atau BK" in response.content.decode()
    assert not Assessment.objects.exists()
    assert client.post(url, {"cell": "bukan-sel"}, **HX).status_code == 400
    assert client.post(url, {"cell": f"999999-{u.pk}"}, **HX).status_code == 404
    certify(e, course.manager)
    response = client.post(url, {"cell": cell(e, u), f"r-{cell(e, u)}": "K"}, **HX)
    assert "sudah diterbitkan" in response.content.decode()
    assert not Assessment.objects.exists()


def test_save_all_without_javascript(client, course):
    client.force_login(course.instructor)
    url = reverse("certification:assess", args=(course.program.pk,))
    data = {}
    for e in course.enrollments:
        for u in course.units:
            data[f"r-{cell(e, u)}"] = "K"
            data[f"s-{cell(e, u)}"] = "75"
    data[f"r-{cell(course.enrollments[2], course.units[1])}"] = ""
    data[f"s-{cell(course.enrollments[2], course.units[1])}"] = ""
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == url
    assert Assessment.objects.count() == 5
    results = dict(Enrollment.objects.filter(program=course.program).values_list("pk", "result"))
    assert [results[e.pk] for e in course.enrollments] == ["passed", "passed", "pending"]
    page = client.get(url).content.decode()
    assert "Penilaian tersimpan" in page and "Kompeten" in page

    # One bad score: nothing is saved, the page says where, and the typed values stay.
    data[f"r-{cell(course.enrollments[0], course.units[0])}"] = "BK"
    data[f"s-{cell(course.enrollments[1], course.units[0])}"] = "abc"
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "belum ada yang disimpan" in html and "0–100" in html and 'value="abc"' in html
    assert Assessment.objects.get(enrollment=course.enrollments[0], unit=course.units[0]).result == "competent"


def test_certified_rows_are_read_only(client, course):
    certify(course.enrollments[0], course.manager)
    client.force_login(course.instructor)
    html = client.get(reverse("certification:assess", args=(course.program.pk,))).content.decode()
    row = html.split(f'id="row-{course.enrollments[0].pk}"')[1].split("</tr>")[0]
    assert "disabled" in row and "hx-post" not in row and "Bersertifikat" in row


# --- review page and "Pelatihan saya" -----------------------------------------------------------

def test_review_page_journey(client, course):
    person, e = course.people[0], course.enrollments[0]
    client.force_login(user_of(person))
    url = reverse("certification:review", args=(e.pk,))
    mine = client.get(reverse("my_trainings")).content.decode()
    assert url in mine and "Beri ulasan" in mine and "Isi survei kesiapan kerja" in mine
    assert f"/survei/kesiapan-kerja/{e.pk}/" in mine

    page = client.get(url)
    assert page.status_code == 200 and 'name="rating"' in page.content.decode() and f'value="{course.instructor.pk}"' in page.content.decode()

    response = client.post(url, {"rating": "9", "text": "pendek"})
    assert response.status_code == 400 and not Review.objects.exists()
    response = client.post(url, {"rating": "4", "text": "pendek sekali"})
    assert response.status_code == 400 and "minimal 20 karakter" in response.content.decode()
    response = client.post(url, {"rating": "4", "text": TEXT, "instructor": str(course.instructor.pk), "instructor_rating": "5"})
    assert response.status_code == 302 and response.url == url
    review = Review.objects.get(enrollment=e)
    assert (review.rating, review.instructor_id, review.instructor_rating) == (4, course.instructor.pk, 5)

    done = client.get(url).content.decode()
    assert "Terima kasih" in done and TEXT in done and 'id="review-form"' not in done
    response = client.post(url, {"rating": "1", "text": TEXT})
    assert response.status_code == 302 and Review.objects.get(enrollment=e).rating == 4
    mine = client.get(reverse("my_trainings")).content.decode()
    assert "Ulasan terkirim" in mine and "Beri ulasan" not in mine


def test_review_page_is_only_for_the_owner_and_says_why_not(client, course):
    url = reverse("certification:review", args=(course.enrollments[0].pk,))
    client.force_login(user_of(course.people[1]))
    assert client.get(url).status_code == 404
    client.force_login(course.manager)
    assert client.get(url).status_code == 404

    published = factories.course(participants=1, status=P.PUBLISHED)
    client.force_login(user_of(published.people[0]))
    page = client.get(reverse("certification:review", args=(published.enrollments[0].pk,))).content.decode()
    assert "setelah pelatihan dimulai" in page and 'id="review-form"' not in page
    mine = client.get(reverse("my_trainings")).content.decode()
    assert "Beri ulasan" not in mine


# --- ratings on pages ---------------------------------------------------------------------------

def _review(course, i, rating):
    services.review_submit(actor=user_of(course.people[i]), enrollment=course.enrollments[i], rating=rating, text=TEXT,
                             now=timezone.now())


def test_ratings_on_program_page_catalogue_and_institution(client, course):
    program_url = reverse("training:program", args=(course.program.pk,))
    assert "ulasan)" not in client.get(program_url).content.decode()
    _review(course, 0, 5)
    _review(course, 1, 4)
    html = client.get(program_url).content.decode()
    assert "4,5" in html and "(2 ulasan)" in html

    catalogue = client.get(reverse("training:catalogue")).content.decode()
    assert 'data-rating="4.5"' in catalogue and "(2 ulasan)" in catalogue

    fragment = client.get(reverse("certification:fragment_institution_rating", args=(course.inst.pk,))).content.decode()
    assert "4,5" in fragment and "(2 ulasan)" in fragment
    client.force_login(course.manager)
    detail = client.get(reverse("institutions:detail", args=(course.inst.pk,))).content.decode()
    assert "4,5" in detail and "(2 ulasan)" in detail  # rendered on the page itself, no JavaScript needed


def test_catalogue_ratings_need_no_query_per_card(client, course):
    _review(course, 0, 3)
    client.get(reverse("training:catalogue"))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("training:catalogue"))
    for _ in range(3):
        other = factories.course(participants=1, inst=course.inst, manager=course.manager)
        _review(other, 0, 5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("training:catalogue"))
    assert response.content.decode().count("ulasan)") == 4
    assert len(many.captured_queries) == len(few.captured_queries)
