"""Audit actions and error codes are enumerations, listed in docs/codes.md; the listing is up to date."""

from pathlib import Path

from django.conf import settings

from sisnaker.core import codes
from sisnaker.core.errors import Msg


def test_members_are_strings_with_labels_in_both_languages():
    class Sample(codes.AuditAction):
        DONE = "sample.done", Msg("Selesai", "Done")

    codes._audit_index.cache_clear()  # built once per process: another test may have built it before Sample existed
    assert Sample.DONE == "sample.done" and f"{Sample.DONE}" == "sample.done"
    assert Sample.DONE.label.in_language("en") == "Done" and codes.audit_label("sample.done", "id") == "Selesai"
    assert codes.audit_label("no.such", "en") == "no.such"


def test_values_are_unique_across_apps():
    codes.load_all()
    for members in (codes.all_audit_actions(), codes.all_error_codes()):
        values = [m.value for m in members if not type(m).__module__.startswith("tests.")]
        assert len(values) == len(set(values)), sorted(v for v in values if values.count(v) > 1)


def test_docs_list_every_code():
    text = (Path(settings.REPO_DIR) / "docs" / "codes.md").read_text(encoding="utf-8")
    assert text.strip() == codes.markdown().strip(), "docs/codes.md is out of date: run `sisnaker codes --write`"
