"""A person's own data export (UU PDP right of access) lists their Kartu Prakerja applications, also one a posko
entered with their NIK, and nobody else's."""

from sisnaker.accounts import selectors as account_selectors

from .conftest import apply_confirmed


def test_the_data_export_lists_the_persons_prakerja_applications(open_wave, applicant, sms):
    wave = open_wave()
    person, other = applicant(), applicant()
    apply_confirmed(wave, person)
    apply_confirmed(wave, other)
    (row,) = account_selectors.person_data_export(person=person)["prakerja_applications"]
    assert row["wave"] == wave.number and row["status"] == "submitted" and row["card"] is None
    assert row["assisted"] is False and row["email"]
