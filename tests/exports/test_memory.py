"""Constant memory, checked without timing: the writers consume rows as they come and hold at most one chunk, and a
child process writing ten times the rows peaks at (nearly) the same resident memory. The 1M-row figures are
bench/bench_exports.py's."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from sisnaker.exports import writers

ROW = (1, "Siti Nurhaliza Putri", "3273015705950001", "Perempuan", "SMK", "081234567890", "Kota Bandung", "Peserta")
HEADERS = ("No", "Nama", "NIK", "Jenis kelamin", "Pendidikan", "No HP", "Kabupaten/Kota", "Status")


class Spy:
    """Rows made one at a time; records how far behind the writer is each time a row is asked for."""

    def __init__(self, n: int, fileobj, writer_rows=None) -> None:
        self.n, self.fileobj, self.writer_rows = n, fileobj, writer_rows
        self.made = 0
        self.sizes: list[int] = []
        self.most_held = 0

    def __iter__(self):
        for i in range(self.n):
            if self.writer_rows is not None:  # rows made but not yet turned into XML: at most the one being written
                self.most_held = max(self.most_held, self.made - (self.writer_rows() - 1))
            if i % 2000 == 0:
                self.sizes.append(self.fileobj.tell())
            self.made += 1
            yield (i, *ROW[1:])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rows_are_consumed_as_they_come_and_the_file_grows_meanwhile(fmt):
    with tempfile.TemporaryFile() as fh:
        if fmt == "xlsx":
            sheet = writers.SheetWriter(fh, sheet_name="Data", widths=[10] * len(HEADERS))
            spy = Spy(20_000, fh, writer_rows=lambda: sheet.rows_written)
            most_pending = 0
            with sheet:
                sheet.header(list(HEADERS))
                for row in spy:
                    sheet.row(row)
                    most_pending = max(most_pending, sheet.pending_rows)
            assert most_pending <= writers.SheetWriter.FLUSH_ROWS  # never more than one chunk of XML in memory
            assert spy.most_held <= 1  # a row is written before the next one is made
        else:
            spy = Spy(20_000, fh)
            writers.write_csv(fh, HEADERS, spy)
        assert spy.made == 20_000
        growing = spy.sizes[1:]
        # The file grew while rows were still being made: the rows went out, they did not pile up in memory.
        assert all(b > a for a, b in zip(growing, growing[1:], strict=False)), spy.sizes


CHILD = textwrap.dedent("""
    import sys, tempfile
    sys.path.insert(0, {src!r})
    from sisnaker.exports import writers

    def peak_kib():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])

    n, fmt = int(sys.argv[1]), sys.argv[2]
    row = {row!r}
    rows = ((i, *row[1:]) for i in range(n))
    before = peak_kib()
    with tempfile.TemporaryFile() as fh:
        (writers.write_xlsx if fmt == "xlsx" else writers.write_csv)(fh, {headers!r}, rows)
    print(peak_kib() - before)
""")


def _growth_kib(n: int, fmt: str) -> int:
    src = str(Path(__file__).resolve().parents[2] / "src")
    code = CHILD.format(src=src, row=ROW, headers=HEADERS)
    out = subprocess.run([sys.executable, "-c", code, str(n), fmt], capture_output=True, text=True, check=True, timeout=300)
    return int(out.stdout.strip())


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_ten_times_the_rows_needs_no_more_memory(fmt):
    small, large = _growth_kib(20_000, fmt), _growth_kib(200_000, fmt)
    # Holding the rows would cost ~100 bytes each (≈ +17 MiB for the 180,000 more); streaming costs nothing more.
    assert large - small < 4 * 1024, (small, large)
    assert large < 16 * 1024, large
