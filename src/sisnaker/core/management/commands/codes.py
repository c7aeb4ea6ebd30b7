"""``sisnaker codes``: list every audit action and error code (``--write`` updates docs/codes.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from sisnaker.core import codes


class Command(BaseCommand):
    help = "Print every audit action and error code as Markdown; --write puts it in docs/codes.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="write docs/codes.md in the source tree")

    def handle(self, *args, write: bool = False, **options):
        text = codes.markdown()
        if write:
            path = Path(settings.REPO_DIR) / "docs" / "codes.md"
            path.write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"{path} written.")
        else:
            self.stdout.write(text)
