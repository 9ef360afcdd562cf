"""Benchmark the OCR source: seconds per scanned page (p50/p95) and what was read, on generated statements
scanned (rendered, turned, noised, JPEG) and optionally on a directory of real scanned PDFs. Target ≤ 3 s/page.

    .venv/bin/python bench/bench_ocr.py [--fixtures agribank_so_phu,vbsp_sao_ke,...|all] [--pages 1]
                                        [--dpi 300] [--real DIR] [--angle 0.7]

Per fixture: pages, records expected / read, amounts exactly right, set aside (amount emptied + flag), WRONG (an
amount that differs from the truth without a flag; must be 0), mean OCR confidence, seconds per page.
Per real file: pages, OCR words, records, set aside, mean confidence, seconds per page. Not a test (one page of
Tesseract takes 1–3 s on this machine).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from explorer.ingest import ocr  # noqa: E402
from explorer.ingest.errors import StatementImportError  # noqa: E402
from explorer.ingest.pdf import amount_value, read_pdf  # noqa: E402

DEFAULT = "mttq_list_kho_bac,kho_bac_can_tho,bidv_sao_ke,vbsp_sao_ke,agribank_so_phu,vietinbank"


def _amount(rec) -> str:
    c = rec.cells
    return c["credit"] or c["debit"] or c["amount"]


def compare(st, exp, first_pages: int | None) -> dict:
    """Each OCR record's amount against the set of true amounts: right, set aside (amount empty, flagged low
    confidence, or no date — the importer sets dateless rows aside), or WRONG (accepted and not a true amount)."""
    from explorer.ingest.pdf import PdfRecord  # noqa: F401

    recs = [r for r in st.records if any(f.startswith("ocr") for f in r.flags)]
    truth = {amount_value(a) for _, _, a in exp.records}
    right = aside = wrong = 0
    wrong_list = []
    for r in recs:
        a = _amount(r)
        flagged = any(f.startswith("ocr: low confidence") for f in r.flags) or not r.cells["date"]
        if not a:
            aside += 1
            continue
        v = amount_value(a)
        if v in truth:
            right += 1
        elif flagged:
            aside += 1
        else:
            wrong += 1
            wrong_list.append(a)
    return dict(records=len(recs), right=right, aside=aside, wrong=wrong, wrong_list=wrong_list)


def cpu() -> float:
    """CPU seconds of this process and its children (Tesseract): the cost without the other users' load."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def mean_conf(st) -> float | None:
    cs = [float(m.group(1)) for r in st.records for f in r.flags if (m := re.match(r"ocr \(mean confidence (\d+)", f))]
    return statistics.fmean(cs) if cs else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default=DEFAULT)
    ap.add_argument("--pages", type=int, default=1, help="scan only the first N pages of each fixture")
    ap.add_argument("--dpi", type=int, default=ocr.DPI)
    ap.add_argument("--psm", type=int, default=ocr.PSM)
    ap.add_argument("--angle", type=float, default=0.7)
    ap.add_argument("--scan-dpi", type=int, default=200, help="resolution of the simulated scan")
    ap.add_argument("--noise", type=float, default=12.0)
    ap.add_argument("--jpeg", type=int, default=55)
    ap.add_argument("--real", default=None, help="a directory of real scanned PDFs")
    ap.add_argument("--glob", default="*.pdf", help="which files of --real (e.g. '*_scan.pdf')")
    args = ap.parse_args()
    why = ocr.missing()
    if why:
        sys.exit(why)
    ocr.DPI, ocr.PSM = args.dpi, args.psm
    import ocr_scans
    import pdf_fixtures as F

    per_page: list[float] = []
    per_cpu: list[float] = []
    names = list(F.FAMILY_FIXTURES) if args.fixtures == "all" else args.fixtures.split(",")
    print(
        f"OCR at {args.dpi} dpi, psm {args.psm}; scans: {args.scan_dpi} dpi, skew ±{args.angle}°, noise {args.noise}, "
        f"JPEG q{args.jpeg}"
    )
    print(
        f"{'fixture':28} {'pages':>5} {'expect':>6} {'read':>5} {'right':>5} {'aside':>5} {'WRONG':>5} "
        f"{'conf':>5} {'s/page':>7} {'cpu/p':>6}"
    )
    for name in names:
        data, exp = F.FAMILY_FIXTURES[name]()
        import pypdfium2 as pdfium

        n = len(pdfium.PdfDocument(data))
        pages = list(range(min(n, args.pages)))
        scan = ocr_scans.scan(
            data,
            pages=pages,
            angle=args.angle if len(name) % 2 else -args.angle,
            seed=len(name),
            dpi=args.scan_dpi,
            noise=args.noise,
            jpeg=args.jpeg,
        )
        ocr.last_timings.clear()
        t, c0 = time.perf_counter(), cpu()
        try:
            st = read_pdf(scan, name + "_scan.pdf", family=exp.family)
        except StatementImportError as e:
            print(f"{name:28} refused: {e}")
            continue
        dt, dc = time.perf_counter() - t, cpu() - c0
        per_page += [dt / len(pages)] * len(pages)
        per_cpu += [dc / len(pages)] * len(pages)
        c = compare(st, exp, len(pages))
        mc = mean_conf(st)
        print(
            f"{name:28} {len(pages):5} {len(exp.records):6} {c['records']:5} {c['right']:5} {c['aside']:5} "
            f"{c['wrong']:5} {mc or 0:5.0f} {dt / len(pages):7.2f} {dc / len(pages):6.2f}"
            + (f"  wrong: {c['wrong_list']}" if c["wrong"] else "")
        )
    if args.real:
        for path in sorted(Path(args.real).glob(args.glob)):
            data = path.read_bytes()
            ocr.last_timings.clear()
            t, c0 = time.perf_counter(), cpu()
            try:
                st = read_pdf(data, path.name)
                aside = sum(
                    1
                    for r in st.records
                    if any(f.startswith("ocr: low") for f in r.flags) or not _amount(r) or not r.cells["date"]
                )
                low = sum(1 for r in st.records if any(f.startswith("ocr: low") for f in r.flags))
                res = (
                    f"{st.family}: {len(st.records)} records, {len(st.records) - aside} with date and amount, "
                    f"{aside} set aside ({low} for low OCR confidence), mean conf {mean_conf(st) or 0:.0f}"
                )
            except StatementImportError as e:
                res = f"refused: {str(e)[:160]}"
            dt, dc = time.perf_counter() - t, cpu() - c0
            n = len(ocr.last_timings)
            if not n:
                continue
            words = sum(x["words"] for x in ocr.last_timings)
            per_page += [dt / n] * n
            per_cpu += [dc / n] * n
            skews = ",".join(f"{x['skew']:g}" for x in ocr.last_timings)
            skews += f", {sum(x['retried'] for x in ocr.last_timings)} retried"
            print(
                f"{path.name}: {n} OCR pages, {words} words, skew {skews}, "
                f"{dt / n:.2f} s/page ({dc / n:.2f} s CPU); {res}"
            )
    for label, vals in (("wall", per_page), ("CPU", per_cpu)):
        if vals:
            q = sorted(vals)
            p95 = q[min(len(q) - 1, int(round(0.95 * (len(q) - 1))))]
            print(
                f"{label}: pages {len(q)}: p50 {statistics.median(q):.2f} s, p95 {p95:.2f} s, max {q[-1]:.2f} s "
                f"per page (target ≤ 3 s)"
            )
    print(f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
