"""Benchmark the PDF reader: pages/second and per-page latency (p50/p95) on generated statements, and optionally
on a directory of real PDFs. Target: ≥ 20 pages/s on the 2-core machine.

    .venv/bin/python bench/bench_pdf.py [--rows 3000] [--repeat 3] [--compare-pdfplumber] [DIR]

Per-page time = the page's word/line extraction (timed through read_pdf's progress callback) plus an equal share
of the whole-file family scoring and record assembly. --compare-pdfplumber also times pdfplumber's
extract_words(x_tolerance=1.5) on the same pages, the measurement behind reading words through pypdfium2.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pdf_fixtures as F  # noqa: E402

from explorer.ingest.errors import StatementImportError  # noqa: E402
from explorer.ingest.pdf import read_pdf  # noqa: E402

CPU = [0.0]  # process CPU seconds of the best runs: pages/s that do not depend on other load on the machine


def time_file(data: bytes, name: str) -> tuple[int, float, list[float], str]:
    marks: list[float] = []
    c0 = time.process_time()
    t0 = time.perf_counter()
    try:
        st = read_pdf(data, name, progress=lambda d, n: marks.append(time.perf_counter()))
        label = f"{st.family} {len(st.records)} records"
    except StatementImportError as e:
        label = "refused: " + str(e)[:60]
    total = time.perf_counter() - t0
    CPU.append(time.process_time() - c0)
    pages = len(marks)
    if not pages:
        return 0, total, [], label
    extract = [b - a for a, b in zip([t0] + marks[:-1], marks, strict=False)]
    rest = (total - (marks[-1] - t0)) / pages
    return pages, total, [e + rest for e in extract], label


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def plumber_time(data: bytes) -> tuple[int, float]:
    import io

    import pdfplumber

    t0 = time.perf_counter()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for p in pdf.pages:
            p.extract_words(x_tolerance=1.5, keep_blank_chars=False)
        n = len(pdf.pages)
    return n, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", help="a directory of real PDFs to time as well")
    ap.add_argument("--rows", type=int, default=3000, help="rows in each generated statement")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--compare-pdfplumber", action="store_true")
    a = ap.parse_args()

    files: list[tuple[str, bytes]] = [
        ("generated agribank_so_phu", F.agribank_so_phu(a.rows)[0]),
        ("generated bidv_thong_ke", F.bidv_thong_ke(a.rows)[0]),
    ]
    files += [
        (f"generated {n}", F.FAMILY_FIXTURES[n]()[0])
        for n in F.FAMILY_FIXTURES
        if n not in ("agribank_so_phu", "bidv_thong_ke")
    ]
    if a.dir:
        files += [(p.name, p.read_bytes()) for p in sorted(Path(a.dir).glob("*.pdf"))]

    all_pages: list[float] = []
    tot_pages, tot_time, tot_cpu = 0, 0.0, 0.0
    print(f"{'file':58} {'pages':>5} {'s':>7} {'pages/s':>8} {'p50 ms':>7} {'p95 ms':>7}  result")
    for name, data in files:
        best, best_cpu = None, 0.0
        for _ in range(a.repeat):
            r = time_file(data, name)
            if best is None or r[1] < best[1]:
                best, best_cpu = r, CPU[-1]
        pages, total, per, label = best
        if pages and not label.startswith("refused"):
            all_pages += per
            tot_pages += pages
            tot_time += total
            tot_cpu += best_cpu
            print(
                f"{name[:58]:58} {pages:5d} {total:7.3f} {pages / total:8.1f} {pct(per, 0.5) * 1e3:7.1f} "
                f"{pct(per, 0.95) * 1e3:7.1f}  {label}"
            )
        elif pages:
            print(f"{name[:58]:58} {pages:5d} {total:7.3f} {'-':>8} {'-':>7} {'-':>7}  {label}")
        else:
            print(f"{name[:58]:58} {'-':>5} {total:7.3f} {'-':>8} {'-':>7} {'-':>7}  {label}")
        if a.compare_pdfplumber and pages:
            n, t = plumber_time(data)
            print(f"{'   pdfplumber extract_words only':58} {n:5d} {t:7.3f} {n / t:8.1f}")
    if tot_pages:
        print(
            f"\nall: {tot_pages} pages in {tot_time:.2f} s = {tot_pages / tot_time:.1f} pages/s; per page "
            f"p50 {statistics.median(all_pages) * 1e3:.1f} ms, p95 {pct(all_pages, 0.95) * 1e3:.1f} ms; "
            f"CPU time {tot_cpu:.2f} s = {tot_pages / tot_cpu:.1f} pages per CPU-second "
            f"(load average now {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
