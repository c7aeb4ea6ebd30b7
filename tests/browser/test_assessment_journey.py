"""Issue 9 §3's journey in a phone-sized Chromium: an instructor assigned to a program opens it from their
home page in one click, presses "all competent" (which fills the empty cells only), then marks two
exceptions "not yet competent" on the grid — saved as they go — and the counts follow."""

import pytest
from playwright.sync_api import expect

from sisnaker.certification.models import Assessment
from sisnaker.core.roles import Role
from tests.certification import test_board as f
from tests.conftest import approved_institution
from tests.factories import PersonFactory, staff

from .test_certification_journey import PASSWORD, _login, _new_page, _no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_instructor_opens_their_program_from_home_fills_all_competent_and_marks_two_exceptions(page, browser, signup_data):
    institution = approved_institution(registry_number="BLK-3273-009", name="BLK Kota Bandung")
    manager = staff(Role.INSTITUTION_MANAGER, institution=institution, username="pengelola.nilai", first_name="Rina Pengelola", password=PASSWORD)
    teacher = staff(Role.INSTRUCTOR, institution=institution, username="instruktur.nilai", first_name="Agus Instruktur", password=PASSWORD)
    staff(Role.INSTRUCTOR, institution=institution, username="instruktur.lain", first_name="Dewi Instruktur", password=PASSWORD)
    units = f.units_for("J.620200")
    program = f.running_program(institution, units=units, title="Teknisi Jaringan Angkatan 1", created_by=manager)
    program.instructors.set([teacher])
    people = [PersonFactory(full_name=name) for name in ("Budi Santoso", "Citra Lestari", "Dodi Pratama")]
    enrollments = [f.enroll(program, p) for p in people]
    base = page.base_url

    # Another instructor of the institution does not see it: it is assigned to Agus.
    other_ctx, other = _new_page(browser, base)
    _login(other, "instruktur.lain")
    expect(other.get_by_text("Teknisi Jaringan Angkatan 1")).to_have_count(0)
    other_ctx.close()

    context, instructor = _new_page(browser, base)
    _login(instructor, "instruktur.nilai")
    instructor.goto(base + "/")
    teaching = instructor.locator("#teaching")
    expect(teaching).to_contain_text("Program yang saya ajar")
    teaching.get_by_role("link", name="Teknisi Jaringan Angkatan 1").click()  # one click from home
    expect(instructor.get_by_role("heading", name="Penilaian kompetensi")).to_be_visible()
    expect(instructor.locator("[data-count=pending]")).to_have_text("3")
    _no_horizontal_scroll(instructor)

    instructor.get_by_role("button", name="Semua kompeten (isi sel kosong)").click()
    expect(instructor.locator(".msg").first).to_contain_text("6 sel kosong diisi Kompeten")
    expect(instructor.locator("[data-count=competent]")).to_have_text("3")
    assert Assessment.objects.filter(result="competent").count() == 6

    # The exceptions: Citra is not yet competent on both units (saved as you go).
    citra = instructor.locator(f"#row-{enrollments[1].pk}")
    for i in range(2):
        citra.locator("select").nth(i).select_option("BK")
        expect(citra.locator(".cell-status").nth(i)).to_contain_text("tersimpan")
    expect(instructor.locator(f"#overall-{enrollments[1].pk}")).to_contain_text("Belum kompeten")
    # The totals follow each saved cell without a reload (out-of-band swap).
    expect(instructor.locator("[data-count=not_yet_competent]")).to_have_text("1")
    expect(instructor.locator("[data-count=competent]")).to_have_text("2")
    expect(instructor.locator("[data-col-not-yet]").first).to_have_text("1")
    assert Assessment.objects.filter(result="not_yet_competent", enrollment=enrollments[1]).count() == 2

    # Pressing "all competent" again fills nothing and keeps the two BK.
    instructor.reload()
    instructor.get_by_role("button", name="Semua kompeten (isi sel kosong)").click()
    expect(instructor.locator(".msg").first).to_contain_text("Tidak ada sel kosong")
    expect(instructor.locator("[data-count=not_yet_competent]")).to_have_text("1")
    expect(instructor.locator("[data-count=competent]")).to_have_text("2")
    assert Assessment.objects.filter(result="not_yet_competent").count() == 2
    context.close()
