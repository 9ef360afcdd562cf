"""Record assembly shared by every family: header geometry → typed tokens → anchors → records.

Per page: the header block gives the columns (by heading); the data gives the exact extents of typed columns
(date anchors by their modal x-centre, amount columns by the right edge x1 of right-aligned numbers). Every
amount, STT and memo line is then given to an anchor: the nearest by vertical centre when rows are centred
('nearest'), or the last one above when rows are top-aligned ('above'). Totals rows, page footers, repeated
headers and title lines are recognised and counted, never turned into records; a value no anchor can take
becomes a dateless record, never a silent drop.
"""

from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass, field

from explorer.ingest.pdf import tokens
from explorer.ingest.pdf.columns import ColumnPlacer, nearest_cell, role_of
from explorer.ingest.pdf.header import Cell, Header, find_header, norm
from explorer.ingest.pdf.specs import FamilySpec
from explorer.ingest.pdf.words import TextLine, Word
from explorer.text import fold

TOTAL_LABELS = {"tong", "tong cong", "tong so", "total", "grand total", "tong cong phat sinh", "tong phat sinh"}
SUBTOTAL_LABELS = {
    "cong trang",
    "cong",
    "phat sinh",
    "cong phat sinh",
    "sub total",
    "subtotal",
    "luy ke",
    "cong luy ke",
    "so du",
    "cong chuyen trang",
    "chuyen trang",
}
_FOOTER = re.compile(r"(\bwebsite\b|www\.|\bnguoi in\b|\bthoi gian in\b|\bpage \d+\s*(/|of)|\btrang \d+\s*(/|tren))")
_PAGE_NO = re.compile(r"^(trang|page)?\s*\d{1,4}\s*((/|of|tren)\s*\d{1,4})?$")


@dataclass
class RawRecord:
    page: int
    anchor_mid: float
    anchor_line: int
    values: dict[str, list[tuple[float, str, int]]] = field(default_factory=dict)  # role -> [(distance, text)]
    text: dict[str, list[tuple[float, int, float, str]]] = field(
        default_factory=dict
    )  # role -> [(column, line, x, word)]
    lines: dict[int, TextLine] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


@dataclass
class PageResult:
    records: list[RawRecord]
    title_lines: list[TextLine]
    other_lines: list[TextLine]  # skipped lines whose text may hold printed figures
    skipped: list[tuple[int, str]]
    totals: list[tuple[str, str]]  # (role, amount text) from a totals row


HEADERLESS_SCORE = 0.75  # header score given to a list whose columns were inferred from its rows


def synthetic_header(spec: FamilySpec, lines: list[TextLine]) -> tuple[Header, int] | None:
    """A donor list printed without its header row: rows 'STT date … amount' give the columns.

    Returns the inferred header and the index of the first table line (lines above it are prose/title)."""
    if not spec.headerless:
        return None
    rows = []
    for i, ln in enumerate(lines):
        ws = [p for w in ln.words for p in tokens.split_glued(w)]
        if len(ws) >= 3 and tokens.INT.match(ws[0].text) and tokens.DATE.match(tokens.fix_date(ws[1].text)[0]):
            amts = [w for w in ws[2:] if tokens.is_amount(w.text, spec.numbers)]
            if amts:
                rows.append((i, ws[0], ws[1], amts[-1]))
    if len(rows) < 2:
        return None
    x1s = sorted(r[3].x1 for r in rows)
    x1 = x1s[len(x1s) // 2]
    rows = [r for r in rows if abs(r[3].x1 - x1) <= 3]
    if len(rows) < 2:
        return None
    seq = Cell(min(r[1].x0 for r in rows), max(r[1].x1 for r in rows), "stt")
    date = Cell(min(r[2].x0 for r in rows), max(r[2].x1 for r in rows), "ngay")
    amount = Cell(min(r[3].x0 for r in rows), x1, "so tien")
    text_role = "counterparty" if "counterparty" in spec.columns else "description"
    name = Cell(date.x1 + 5, amount.x0 - 5, "ten")
    roles = {"seq": seq, "date": date, text_role: name, "amount": amount}
    first = rows[0][0]
    start = first
    while start > 0:  # memo lines of the first (centred) row sit above it; prose reaches into the STT column
        prev = lines[start - 1]
        if lines[start].top - prev.bottom > prev.height * 1.5 or any(w.x0 < date.x1 for w in prev.words):
            break
        start -= 1
    head = Header(HEADERLESS_SCORE, [], roles, [seq, date, name, amount], list(roles))
    return head, start


class Assembler:
    def __init__(self, spec: FamilySpec):
        self.spec = spec
        self.geometry: Header | None = None
        self.last: RawRecord | None = None
        self.header_seen = False
        self.in_trailer = False
        self.columns = ColumnPlacer(spec)

    # ---- one page -------------------------------------------------------------------------------------------
    def page(self, pno: int, lines: list[TextLine]) -> PageResult:
        spec = self.spec
        res = PageResult([], [], [], [], [])
        head = find_header(spec, lines)
        start = 0
        if head is not None and head.score >= 0.55 and all(r in head.roles for r in spec.required):
            first = not self.header_seen
            for i in range(head.lines[0]):
                (res.title_lines if first else res.other_lines).append(lines[i])
                res.skipped.append((pno, ("title line: " if first else "page header: ") + _short(lines[i].text)))
            for i in head.lines:
                res.skipped.append(
                    (pno, ("table header: " if first else "repeated table header: ") + _short(lines[i].text))
                )
            self.geometry = head
            self.header_seen = True
            self.in_trailer = False
            start = head.bottom_line + 1
        elif self.geometry is None and (syn := synthetic_header(spec, lines)) is not None:
            head, start = syn
            for i in range(start):
                res.title_lines.append(lines[i])
                res.skipped.append((pno, "title line: " + _short(lines[i].text)))
            res.skipped.append((pno, "no table header: columns inferred from the rows (STT, date, name, amount)"))
            self.geometry = head
            self.header_seen = True
        elif self.geometry is None:
            for ln in lines:
                res.title_lines.append(ln)
            return res
        geo = self.geometry
        data = lines[start:]
        cut = self._cut(data)
        cols = self.columns.place(geo, cut)
        self._collect(pno, cut, geo, cols, res)
        return res

    # ---- words → cells ---------------------------------------------------------------------------------------
    def _cut(self, data: list[TextLine]) -> list[TextLine]:
        out = []
        for ln in data:
            ws: list[Word] = []
            for w in ln.words:
                ws.extend(tokens.split_glued(w))
            out.append(TextLine(ws, ln.top, ln.bottom, ln.index))
        return out

    def _amount_role(self, cols, w: Word) -> str | None:
        for x1, role in cols["amount"]:
            if abs(w.x1 - x1) <= 3.0:
                return role
        return None

    def _is_date_anchor(self, cols, w: Word) -> bool:
        t = tokens.fix_date(w.text)[0]
        if not tokens.DATE.match(t) or cols["date_mid"] is None:
            return False
        mid = (w.x0 + w.x1) / 2
        return abs(mid - cols["date_mid"]) <= (w.x1 - w.x0) * 0.25 + 3.0

    def _is_paired_date(self, geo: Header, words: list[Word], i: int) -> bool:
        """A date in the date column whose x moved: accepted when an STT precedes it or a time follows it."""
        w = words[i]
        if not tokens.DATE.match(tokens.fix_date(w.text)[0]) or nearest_cell(geo, (w.x0 + w.x1) / 2) != "date":
            return False
        before = words[i - 1].text if i > 0 else ""
        after = words[i + 1].text if i + 1 < len(words) else ""
        return bool(("seq" in geo.roles and tokens.INT.match(before) and i == 1) or tokens.TIME.match(after))

    # ---- lines → records ---------------------------------------------------------------------------------------
    def _collect(self, pno: int, data: list[TextLine], geo: Header, cols, res: PageResult) -> None:
        spec = self.spec
        seq_cell = geo.roles.get("seq")
        kinds: list[list[tuple[str, Word]]] = []
        for ln in data:
            kl = []
            for wi, w in enumerate(ln.words):
                t = w.text
                if (
                    self._is_date_anchor(cols, w)
                    or self._is_paired_date(geo, ln.words, wi)
                    or (w.glued and tokens.DATE.match(tokens.fix_date(t)[0]))
                ):
                    kl.append(("anchor", w))
                elif (role := self._amount_role(cols, w)) is not None and (
                    tokens.is_amount(t, spec.numbers) or tokens.PLAIN.match(t) or tokens.INT.match(t)
                ):
                    kl.append(("amt:" + role, w))
                elif (
                    tokens.DATE.match(tokens.fix_date(t)[0])
                    and nearest_cell(geo, (w.x0 + w.x1) / 2, ("value_date",))
                    and "value_date" in geo.roles
                    and nearest_cell(geo, (w.x0 + w.x1) / 2) == "value_date"
                ):
                    kl.append(("value_date", w))
                elif tokens.TIME.match(t) and nearest_cell(geo, (w.x0 + w.x1) / 2) in ("date", "time", "seq"):
                    kl.append(("time", w))
                elif seq_cell is not None and tokens.INT.match(t) and nearest_cell(geo, (w.x0 + w.x1) / 2) == "seq":
                    kl.append(("seq", w))
                else:
                    kl.append(("text", w))
            kinds.append(kl)
        anchors_x = [w for kl in kinds for k, w in kl if k in ("anchor", "seq", "time")]
        ext = (min(w.x0 for w in anchors_x), max(w.x1 for w in anchors_x)) if anchors_x else None

        # classify lines: total / subtotal / footer / foreign / data
        status: list[str] = []
        for ln, kl in zip(data, kinds, strict=False):
            words_text = [w.text for k, w in kl if k == "text" and not tokens.AMOUNT.match(w.text)]
            label = norm(" ".join(words_text)).rstrip(":").strip()
            nums = [w for k, w in kl if k.startswith("amt:") or tokens.AMOUNT.match(w.text)]
            has_anchor = any(k == "anchor" for k, _ in kl)
            if not has_anchor and label in TOTAL_LABELS:
                status.append("total")
            elif not has_anchor and label in SUBTOTAL_LABELS and (nums or label != "cong"):
                status.append("subtotal")
            elif not has_anchor and _FOOTER.search(norm_slash(ln.text)):
                status.append("footer")
            elif not has_anchor and _PAGE_NO.match(norm(ln.text)) and not nums and not any(k == "seq" for k, _ in kl):
                status.append("footer")
            elif (
                not has_anchor
                and ext is not None
                and any(k == "text" and w.x0 < ext[1] - 1 and (w.x1 > ext[0] + 1 or w.x1 < ext[0]) for k, w in kl)
            ):
                status.append("foreign")
            else:
                status.append("data")
        # a line of numbers only next to a totals label is the totals row's figures
        for i, (ln, kl) in enumerate(zip(data, kinds, strict=False)):
            if (
                status[i] == "data"
                and kl
                and any(k.startswith("amt:") for k, _ in kl)
                and all(k.startswith("amt:") or tokens.INT.match(w.text) or tokens.AMOUNT.match(w.text) for k, w in kl)
            ):
                for j in (i - 1, i + 1):
                    if 0 <= j < len(data) and status[j] == "total" and abs(data[j].mid - ln.mid) <= ln.height * 1.6:
                        status[i] = "total"
        # after a totals row, the rest of the page is not table (signatures, notes)
        seen_total = False
        for i in range(len(status)):
            if seen_total and status[i] == "data" and not any(k == "anchor" for k, _ in kinds[i]):
                status[i] = "after"
            if status[i] == "total":
                seen_total = True

        anchors: list[RawRecord] = []
        for i, (ln, kl) in enumerate(zip(data, kinds, strict=False)):
            if status[i] != "data":
                continue
            for k, w in kl:
                if k == "anchor":
                    rec = RawRecord(pno, w.mid, ln.index)
                    text, flag = tokens.fix_date(w.text)
                    rec.values["date"] = [(0.0, text, ln.index)]
                    if flag:
                        rec.flags.append(flag)
                    anchors.append(rec)
        # an STT with no date near it is a record of its own (its date could not be read)
        h = statistics.median([ln.height for ln in data]) if data else 10.0
        for i, (ln, kl) in enumerate(zip(data, kinds, strict=False)):
            if status[i] != "data":
                continue
            for k, w in kl:
                if k == "seq" and not any(abs(a.anchor_mid - w.mid) <= 1.6 * h for a in anchors):
                    rec = RawRecord(pno, w.mid, ln.index)
                    rec.flags.append(f"no date could be read for STT {w.text}")
                    anchors.append(rec)
        anchors.sort(key=lambda a: a.anchor_mid)

        mids_sorted = [a.anchor_mid for a in anchors]

        def owner(mid: float) -> RawRecord | None:
            if spec.assign == "above":
                k = bisect.bisect_right(mids_sorted, mid + h * 0.5)
                if k:
                    return anchors[k - 1]
                return self.last if (self.last is not None and not self.in_trailer) else None
            if not anchors:
                return None
            k = bisect.bisect_left(mids_sorted, mid)
            near = [anchors[j] for j in (k - 1, k) if 0 <= j < len(anchors)]
            return min(near, key=lambda a: abs(a.anchor_mid - mid))

        data_mids = sorted(ln.mid for i, ln in enumerate(data) if status[i] == "data")
        a_mids = [a.anchor_mid for a in anchors]

        def line_owner(ln: TextLine) -> RawRecord | None:
            """Centred rows: a memo line between two anchors goes to the side of the widest gap between lines."""
            if spec.assign == "above" or not anchors:
                return owner(ln.mid)
            k = bisect.bisect_right(a_mids, ln.mid)
            if k == 0 or k == len(anchors):
                return owner(ln.mid)
            a, b = anchors[k - 1], anchors[k]
            mids = data_mids[
                bisect.bisect_left(data_mids, a.anchor_mid - 1) : bisect.bisect_right(data_mids, b.anchor_mid + 1)
            ]
            gaps = [(mids[k + 1] - mids[k], k) for k in range(len(mids) - 1)]
            if not gaps:
                return owner(ln.mid)
            g, k = max(gaps, key=lambda t: (round(t[0], 1), -t[1]))
            return a if ln.mid <= mids[k] + 0.01 else b

        for i, (ln, kl) in enumerate(zip(data, kinds, strict=False)):
            st = status[i]
            if st == "total":
                for k, w in kl:
                    if k.startswith("amt:"):
                        res.totals.append((role_of(k[4:]), w.text))
                res.skipped.append((pno, "totals row: " + _short(ln.text)))
                res.other_lines.append(ln)
                continue
            if st in ("subtotal", "footer", "foreign", "after"):
                what = {
                    "subtotal": "sub-total row",
                    "footer": "page footer",
                    "foreign": "not a table row",
                    "after": "below the totals row",
                }[st]
                res.skipped.append((pno, f"{what}: " + _short(ln.text)))
                res.other_lines.append(ln)
                if spec.assign == "above" and not any(a.anchor_mid > ln.mid for a in anchors):
                    # a top-aligned row cannot continue past a line that is not part of the table: the rest of
                    # the page below its last row is footer
                    self.in_trailer = True
                continue
            is_anchor_line = any(k == "anchor" for k, _ in kl)
            if spec.assign == "above" and is_anchor_line:
                self.in_trailer = False
            if spec.assign == "above" and self.in_trailer and not is_anchor_line:
                res.skipped.append((pno, "page footer: " + _short(ln.text)))
                res.other_lines.append(ln)
                continue
            own_line = line_owner(ln)
            if own_line is None:
                res.skipped.append((pno, "outside the table rows: " + _short(ln.text)))
                res.other_lines.append(ln)
                continue
            if spec.assign == "nearest" and abs(own_line.anchor_mid - ln.mid) > 6 * h:
                res.skipped.append((pno, "far from any row: " + _short(ln.text)))
                res.other_lines.append(ln)
                continue
            run_role = self._run_roles(geo, ln, kl, cols["borders"])
            for wi, (k, w) in enumerate(kl):
                if k == "anchor":
                    own = next(a for a in anchors if a.anchor_mid == w.mid and a.page == pno)
                    own.lines[ln.index] = ln
                    continue
                typed = k.startswith("amt:") or k in ("seq", "time", "value_date")
                own = (owner(w.mid) or own_line) if typed else own_line
                if typed:
                    role = k[4:] if k.startswith("amt:") else k
                    own.values.setdefault(role, []).append((abs(own.anchor_mid - w.mid), w.text, ln.index))
                    if w.note:
                        own.flags.append(w.note)
                else:
                    key = run_role[wi]
                    rank = geo.roles[key].mid if key in geo.roles else 0.0
                    own.text.setdefault(role_of(key), []).append((rank, ln.index, w.x0, w.text))
                own.lines[ln.index] = ln
            own_line.lines[ln.index] = ln
        for a in anchors:
            a.anchor_line = min(a.lines) if a.lines else a.anchor_line
        res.records.extend(anchors)
        if anchors:
            self.last = anchors[-1]

    def _run_roles(self, geo: Header, ln: TextLine, kl, borders) -> dict[int, str]:
        """Text words in runs (split at typed words and at wide gaps); a run goes to the text column whose heading it
        overlaps most, else the nearest heading: a left-aligned memo under a centred heading stays in its column."""
        gap = max(5.0, ln.height * 0.6)
        runs: list[list[int]] = []
        prev = None
        for i, (k, w) in enumerate(kl):
            if k != "text":
                prev = None
                continue
            if prev is None or w.x0 - kl[prev][1].x1 > gap:
                runs.append([i])
            else:
                runs[-1].append(i)
            prev = i
        out: dict[int, str] = {}
        cells = [(r, c) for r, c in geo.roles.items() if role_of(r) in ("description", "counterparty", "reference")]
        for run in runs:
            x0, x1 = kl[run[0]][1].x0, kl[run[-1]][1].x1
            role = "description"
            if cells:
                best = max(
                    cells,
                    key=lambda rc: (max(0.0, min(x1, rc[1].x1) - max(x0, rc[1].x0)), -abs((x0 + x1) / 2 - rc[1].mid)),
                )
                role = best[0]
                if min(x1, best[1].x1) - max(x0, best[1].x0) <= 0:  # under no heading: the column it starts in
                    inside = [r for lo, hi, r in borders if lo - 1 <= x0 < hi]
                    if inside and role_of(inside[0]) in ("description", "counterparty", "reference"):
                        role = inside[0]
            for i in run:
                out[i] = role
        return out


def norm_slash(text: str) -> str:
    return " ".join(fold(text).split())


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
