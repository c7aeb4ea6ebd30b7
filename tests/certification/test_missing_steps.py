"""What the readiness board says stands between a participant and a certificate (domain.missing_steps)."""

from __future__ import annotations

from sisnaker.certification import domain


def test_a_participant_assessed_not_yet_competent_is_not_said_to_be_unassessed():
    # A QA pass: "belum dinilai … oleh instruktur" for someone the instructor had assessed "belum kompeten".
    not_yet = domain.readiness(unit_ids=[1, 2], results={1: domain.COMPETENT, 2: domain.NOT_YET}, reviewed=True, surveyed=True,
                               program_status="running", enrollment_state="participant", certified=False)
    unassessed = domain.readiness(unit_ids=[1, 2], results={1: domain.COMPETENT}, reviewed=True, surveyed=True,
                                  program_status="running", enrollment_state="participant", certified=False)
    assert [m.id for m in domain.missing_steps(not_yet)] == ["dinilai belum kompeten pada sedikitnya satu unit kompetensi"]
    assert [m.id for m in domain.missing_steps(unassessed)] == [
        "belum dinilai kompeten pada semua unit kompetensi oleh instruktur"]


def test_one_closed_not_passed_without_an_assessment_is_not_said_to_be_assessed():
    # Found by trying it: "dinilai belum kompeten" for a participant nobody had assessed before the program closed.
    closed_unassessed = domain.readiness(unit_ids=[1, 2], results={1: domain.COMPETENT}, reviewed=True, surveyed=True,
                                         program_status="closed", enrollment_state="not_passed", certified=False)
    closed_not_yet = domain.readiness(unit_ids=[1, 2], results={1: domain.NOT_YET}, reviewed=True, surveyed=True,
                                      program_status="closed", enrollment_state="not_passed", certified=False)
    assert closed_unassessed.not_competent and closed_not_yet.not_competent  # neither gets a certificate
    assert domain.missing_steps(closed_unassessed)[0].id.startswith("dinyatakan tidak lulus saat program ditutup")
    assert domain.missing_steps(closed_not_yet)[0].id == "dinilai belum kompeten pada sedikitnya satu unit kompetensi"
