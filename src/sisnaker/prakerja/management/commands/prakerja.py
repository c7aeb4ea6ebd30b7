"""``sisnaker prakerja replaydraw undian.json``: re-run a wave's published draw and compare.

The file is the one published at ``/prakerja/hasil/<wave>/undian.json`` (seed, quotas, the household limit,
every eligible application as [id, province, household, earlier beneficiaries], and the selected ids in draw
order). The draw is ``prakerja.domain.draw`` (its docstring is the algorithm); this command needs no database."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sisnaker.prakerja import domain


class Command(BaseCommand):
    help = "Kartu Prakerja tools. replaydraw FILE: re-run a published draw from its seed and list, and compare."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="tool", required=True)
        replay = sub.add_parser("replaydraw", help="re-run a published draw (undian.json) and compare with its result")
        replay.add_argument("file", help="the published undian.json")
        replay.add_argument("--list", action="store_true", help="print the selected application ids, one a line")

    def handle(self, *args, tool: str, **options):
        if tool == "replaydraw":
            self._replay(options["file"], options["list"])

    def _replay(self, file: str, show: bool) -> None:
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
            seed = data["seed"]
            if not seed:
                raise CommandError("Benih belum diumumkan (gelombang belum diundi). / The seed is not published yet (not drawn).")
            bytes.fromhex(seed)
            candidates = [domain.Candidate(int(i), str(p), int(h), int(n)) for i, p, h, n in data["candidates"]]
            quotas = {str(k): int(v) for k, v in data["quotas"].items()}
            limit = int(data["max_per_household"])
            published = [int(i) for i in data.get("selected", [])]
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat dibaca / cannot read the file: {exc}") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"Bukan berkas undian Sisnaker / not a Sisnaker draw file: {exc!r}") from exc
        selected = domain.draw(seed=seed, candidates=candidates, quotas=quotas, max_per_household=limit)
        if show:
            for pk in selected:
                self.stdout.write(str(pk))
        self.stdout.write(f"{len(candidates)} pendaftar / applicants, {len(selected)} lolos / selected.")
        if selected == published:
            self.stdout.write(self.style.SUCCESS("Hasil sama dengan yang diumumkan. / The result matches the published one."))
        else:
            missing = sorted(set(published) - set(selected))
            extra = sorted(set(selected) - set(published))
            raise CommandError(f"Hasil BERBEDA / the result DIFFERS: published only {missing[:20]}, replay only {extra[:20]}"
                               f"{' (order differs)' if not missing and not extra else ''}")
