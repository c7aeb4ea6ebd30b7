"""Throughput of NIK validation: ``parse`` / ``is_valid`` vs a bare ``re.fullmatch(r"\\d{16}")``.

    .venv/bin/python bench/bench_nik.py [--count 200000] [--repeat 5] [--invalid 0.05]

Generates NIKs from real district codes (random birth date within 99 years, sex, serial) with a
share of invalid ones (each refusal kind), then times each validator over the same list in the
same run and prints validations/second, microseconds each and the ratio to the regex baseline.
The regex only checks the shape; ``parse`` checks the region codes, the calendar date, sex,
century and serial and builds a ParsedNik. Target: parse ≥ 200,000/s. Needs no Django settings.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sisnaker.regions.nik import NikError, is_valid, parse  # noqa: E402
from sisnaker.regions.registry import registry  # noqa: E402

TODAY = date(2025, 6, 15)
TARGET = 200_000


def make_niks(count: int, invalid_share: float, seed: int = 2025) -> list[str]:
    rng = random.Random(seed)
    districts = [code.replace(".", "") for code in registry().districts]
    start = TODAY - timedelta(days=365 * 99)
    span = (TODAY - start).days

    def valid() -> str:
        born = start + timedelta(days=rng.randrange(span + 1))
        day = born.day + (40 if rng.random() < 0.5 else 0)
        return (
            f"{rng.choice(districts)}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"
        )

    spoilers = [
        lambda s: s[:12] + "0000",  # serial 0000
        lambda s: s[:6] + "32" + s[8:],  # day 32
        lambda s: "99" + s[2:],  # unknown province
        lambda s: s[:2] + "99" + s[4:],  # unknown regency (mostly)
        lambda s: s[:6] + "3102" + s[10:],  # 31 February
        lambda s: s[:8] + "13" + s[10:],  # month 13
        lambda s: s[:4] + "O" + s[5:],  # letter O for zero
        lambda s: s[:15],  # 15 digits
        lambda s: s + "1",  # 17 digits
    ]
    niks = []
    for _ in range(count):
        s = valid()
        if rng.random() < invalid_share:
            s = rng.choice(spoilers)(s)
        niks.append(s)
    return niks


def run_parse(niks: list[str]) -> int:
    ok = 0
    for s in niks:
        try:
            parse(s, today=TODAY)
        except NikError:
            continue
        ok += 1
    return ok


def run_is_valid(niks: list[str]) -> int:
    return sum(1 for s in niks if is_valid(s, today=TODAY))


def run_regex(niks: list[str]) -> int:
    return sum(1 for s in niks if re.fullmatch(r"\d{16}", s))


_SIXTEEN = re.compile(r"[0-9]{16}")


def run_regex_compiled(niks: list[str]) -> int:
    fullmatch = _SIXTEEN.fullmatch
    return sum(1 for s in niks if fullmatch(s))


def best_of(fn, niks: list[str], repeat: int) -> tuple[float, int]:
    best = float("inf")
    result = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(niks)
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--invalid", type=float, default=0.05, help="share of invalid NIKs (default 0.05)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    niks = make_niks(args.count, args.invalid)
    print(
        f"{len(niks):,} NIKs generated in {time.perf_counter() - t0:.2f}s (target share invalid {args.invalid:.0%})"
    )

    # First pass: cold region cache (each district code resolved once through the registry).
    t0 = time.perf_counter()
    run_parse(niks)
    cold = time.perf_counter() - t0

    rows = [
        ("regex re.fullmatch(r'\\d{16}')", run_regex),
        ("regex compiled [0-9]{16}", run_regex_compiled),
        ("parse (full, incl. region)", run_parse),
        ("is_valid", run_is_valid),
    ]
    results = {}
    for label, fn in rows:
        results[label] = best_of(fn, niks, args.repeat)

    base_time, base_ok = results[rows[0][0]]
    print(f"\n{'validator':34} {'valid':>9} {'per second':>13} {'µs each':>9} {'× regex time':>13}")
    for label, _ in rows:
        seconds, ok = results[label]
        print(
            f"{label:34} {ok:>9,} {len(niks) / seconds:>13,.0f} {seconds / len(niks) * 1e6:>9.3f}"
            f" {seconds / base_time:>13.2f}"
        )
    parse_rate = len(niks) / results["parse (full, incl. region)"][0]
    print(f"\nparse cold first pass: {len(niks) / cold:,.0f}/s")
    print(
        f"regex accepts {base_ok:,} (shape only); parse accepts {results['parse (full, incl. region)'][1]:,}"
    )
    print(
        f"parse: {parse_rate:,.0f} validations/s — target {TARGET:,}/s: {'MET' if parse_rate >= TARGET else 'MISSED'}"
    )
    return 0 if parse_rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
