"""``sisnaker figures``: bring the dashboards' figures up to date now (``--full``: rebuild every year)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from sisnaker.reporting import services


class Command(BaseCommand):
    help = "Bring the dashboards' figures up to date (the years whose rows changed; --full: every year)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild every year")
        parser.add_argument("--year", type=int, action="append", help="rebuild this year (may be repeated)")

    def handle(self, *args, full: bool = False, year: list[int] | None = None, **options) -> None:
        done = services.figures_refresh(now=timezone.now(), full=full, years=set(year) if year else None)
        self.stdout.write(f"figures: years {done['years'] or '-'} in {done['seconds']:.1f} s{' (full)' if done['full'] else ''}")
