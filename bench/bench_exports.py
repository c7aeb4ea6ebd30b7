"""The exports app's streamed writers (``sisnaker.exports.writers``: what every ExportJob runs) against pandas
``DataFrame.to_excel(engine="openpyxl")`` on the same rows in the same run: rows per second and peak memory.

    .venv/bin/python bench/bench_exports.py [--rows 1000000] [--pandas-rows 100000]

Every side runs in a child process of its own (so peaks do not mix), given the same deterministic rows — the
16 columns of a program's participants export (name, NIK as text, dates, a date-time, labels) — made one at a
time by a generator, and writes an .xlsx (or .csv) file to disk. Measured per side: wall seconds, CPU seconds,
rows/s, the child's peak RSS (``/proc/self/status`` VmHWM, or ``resource.getrusage`` elsewhere) and its growth
over the interpreter's own footprint before the first row.

pandas needs every row in a DataFrame before it writes, and openpyxl builds the workbook in memory: on 1,000,000
rows that is minutes and gigabytes. ``--pandas-rows`` (default 100,000) gives it fewer rows; its ratio is then
computed per row (rows/s against rows/s), and the output says so. pandas and openpyxl are bench-only
dependencies (``pyproject.toml``, extra ``bench``): without them the baseline is skipped.

The database side (a server-side cursor feeding the writer) was measured by bench/bench_export.py on the program
export; this script isolates the writer, the part that decides memory. Goal (issue 13): the streamed export of
1M rows peaks below 250 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

GOAL_RSS_MB = 250
HEADERS = ["No", "Nama lengkap", "NIK", "Jenis kelamin", "Tanggal lahir", "Pendidikan", "No HP", "E-mail", "Kecamatan domisili",
           "Kabupaten/Kota domisili", "Status", "Hasil", "Susulan", "Alasan susulan", "Sumber", "Terdaftar (WIB)"]
FIRST = ["Siti", "Budi", "Dewi", "Agus", "Rina", "Eko", "Sri", "Joko", "Putri", "Andi", "Nur", "Yusuf", "Wati", "Rudi"]
LAST = ["Nurhaliza", "Santoso", "Lestari", "Saputra", "Wijaya", "Hidayat", "Rahmawati", "Kurniawan", "Pratama", "Susanti"]
DISTRICTS = [("Coblong", "Kota Bandung"), ("Sukajadi", "Kota Bandung"), ("Cimahi Utara", "Kota Cimahi"),
             ("Bekasi Timur", "Kota Bekasi"), ("Cibinong", "Kabupaten Bogor")]
STATES = ["Pendaftar", "Peserta", "Alumni", "Tidak lulus", "Mengundurkan diri"]


def rows(n: int):
    """The same ``n`` rows for every side, one at a time (deterministic, no random state to share)."""
    start = dt.datetime(2026, 1, 5, 8, 0)
    for i in range(n):
        born = dt.date(1975, 1, 1) + dt.timedelta(days=(i * 7919) % 10950)
        district, regency = DISTRICTS[i % len(DISTRICTS)]
        late = i % 50 == 0
        yield [i + 1, f"{FIRST[i % len(FIRST)]} {LAST[(i // 7) % len(LAST)]}", f"3273{(i * 7) % 10**12:012d}",
               "Perempuan" if i % 2 else "Laki-laki", born, "SMK" if i % 3 else "SMA", f"0812{i:08d}", "",
               district, regency, STATES[i % len(STATES)], "Belum dinilai", "Ya" if late else "Tidak",
               "Berkas terlambat" if late else "", "Impor berkas", start + dt.timedelta(seconds=i * 13)]


def peak_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(side: str, n: int) -> dict:
    """Run one side in this process and report its figures (the parent runs each side in a fresh process). The
    libraries are imported before the footprint is taken, so growth is what writing the rows cost."""
    if side == "pandas":
        import openpyxl  # noqa: F401
        import pandas  # noqa: F401
    else:
        from sisnaker.exports import writers  # noqa: F401
    base = peak_mb()
    cpu0, t0 = time.process_time(), time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out.{'csv' if side == 'ours-csv' else 'xlsx'}"
        if side in ("ours-xlsx", "ours-csv"):
            from sisnaker.exports import writers

            with open(path, "wb") as fh:
                if side == "ours-xlsx":
                    writers.write_xlsx(fh, HEADERS, rows(n), sheet_name="Peserta")
                else:
                    writers.write_csv(fh, HEADERS, rows(n))
        elif side == "pandas":
            import pandas as pd

            frame = pd.DataFrame(list(rows(n)), columns=HEADERS)
            frame.to_excel(path, engine="openpyxl", index=False, sheet_name="Peserta")
            del frame
        else:
            raise SystemExit(f"unknown side {side}")
        size = path.stat().st_size
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"side": side, "rows": n, "seconds": wall, "cpu": cpu, "rows_per_s": n / wall if wall else 0.0, "peak_mb": peak_mb(),
            "base_mb": base, "file_mb": size / 1e6}


def run_side(side: str, n: int, python: str) -> dict | None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([python, __file__, "--child", side, "--rows", str(n)], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        print(f"  {side}: failed ({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pandas-rows", type=int, default=100_000, help="rows for pandas (its ratio is per row)")
    parser.add_argument("--pandas-python", default=sys.executable, help="interpreter that has pandas and openpyxl")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return

    print(f"exports writers vs pandas.to_excel(openpyxl): {args.rows:,} rows (pandas {args.pandas_rows:,}), 16 columns, "
          f"each side in its own child process; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    results = {}
    for side, n, python in (("ours-xlsx", args.rows, sys.executable), ("ours-csv", args.rows, sys.executable),
                            ("pandas", args.pandas_rows, args.pandas_python)):
        r = run_side(side, n, python)
        if r is None:
            continue
        results[side] = r
        print(f"  {side:10} {r['rows']:>10,} rows  {r['seconds']:8.1f} s  (CPU {r['cpu']:7.1f} s)  {r['rows_per_s']:>10,.0f} rows/s  "
              f"peak RSS {r['peak_mb']:6.1f} MB (+{r['peak_mb'] - r['base_mb']:.1f} over start)  file {r['file_mb']:.1f} MB")
    ours, pandas = results.get("ours-xlsx"), results.get("pandas")
    if ours and pandas:
        note = "" if pandas["rows"] == ours["rows"] else f" (per row: pandas wrote {pandas['rows']:,} rows, ours {ours['rows']:,})"
        print(f"ratio ours .xlsx / pandas: {ours['rows_per_s'] / pandas['rows_per_s']:.1f}x rows/s{note}; "
              f"CPU per row {pandas['cpu'] / pandas['rows'] / (ours['cpu'] / ours['rows']):.1f}x; "
              f"pandas peak grew {(pandas['peak_mb'] - pandas['base_mb']) * 1024 / pandas['rows']:.2f} KB per row "
              f"(≈ {(pandas['peak_mb'] - pandas['base_mb']) * args.rows / pandas['rows'] / 1024:.1f} GB at {args.rows:,})")
    elif not pandas:
        print("pandas baseline skipped (pandas/openpyxl not installed: pip install 'sisnaker[bench]', or --pandas-python)")
    for side in ("ours-xlsx", "ours-csv"):
        if side in results:
            peak = results[side]["peak_mb"]
            print(f"goal: {side} peak RSS < {GOAL_RSS_MB} MB at {results[side]['rows']:,} rows: {peak:.1f} MB "
                  f"{'met' if peak < GOAL_RSS_MB else 'NOT met'}")


if __name__ == "__main__":
    main()
