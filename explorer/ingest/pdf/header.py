"""Find a family's table header on a page: normalised, partial heading matching with a score."""

from __future__ import annotations

import re
from dataclasses import dataclass

from explorer.ingest.pdf import tokens
from explorer.ingest.pdf.specs import FamilySpec
from explorer.ingest.pdf.words import TextLine, Word
from explorer.text import fold

_PUNCT = re.compile(r"[/():,.;\[\]]+")


def norm(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


@dataclass
class Cell:
    x0: float
    x1: float
    text: str  # normalised heading text

    @property
    def mid(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Header:
    score: float
    lines: list[int]  # positions (0-based) of the header lines in the page's line list
    roles: dict[str, Cell]  # role (may carry '#n' for a second text column of the same role) -> cell
    cells: list[Cell]
    matched: list[str]

    @property
    def bottom_line(self) -> int:
        return self.lines[-1]


def _cells_of(lines: list[TextLine]) -> list[Cell]:
    groups: list[list[Word]] = []
    for ln in lines:
        gap = max(4.0, ln.height * 0.55)
        cur: list[Word] = []
        for w in ln.words:
            if cur and w.x0 - cur[-1].x1 > gap:
                groups.append(cur)
                cur = []
            cur.append(w)
        if cur:
            groups.append(cur)
    # merge groups of different lines that overlap horizontally (a heading broken over two lines)
    boxes = [[min(w.x0 for w in g), max(w.x1 for w in g), g] for g in groups]
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if min(a[1], b[1]) - max(a[0], b[0]) > 0:
                    boxes[i] = [min(a[0], b[0]), max(a[1], b[1]), a[2] + b[2]]
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return sorted((Cell(b[0], b[1], norm(" ".join(w.text for w in b[2]))) for b in boxes), key=lambda c: c.x0)


def _has_data(ln: TextLine) -> bool:
    return any(tokens.DATE.match(w.text) or tokens.AMOUNT.match(w.text) for w in ln.words)


def match(spec: FamilySpec, cells: list[Cell]) -> tuple[float, dict[str, Cell], list[str]]:
    cand = []
    for role, aliases in spec.columns.items():
        for ci, c in enumerate(cells):
            padded = f" {c.text} "
            best = max((len(a) for a in (norm(x) for x in aliases) if a and f" {a} " in padded), default=0)
            if best:
                cand.append((best + (50 if norm(aliases[0]) == c.text else 0), role, ci))
    cand.sort(reverse=True)
    roles: dict[str, Cell] = {}
    used: set[int] = set()
    explained = 0
    for _strength, role, ci in cand:
        if role in roles or ci in used:
            continue
        roles[role] = cells[ci]
        used.add(ci)
        padded, bare = f" {cells[ci].text} ", cells[ci].text.replace(" ", "")
        found = {a for a in (norm(x) for x in spec.columns[role]) if a and f" {a} " in padded}
        # aliases inside another found alias ('co' in 'ghi co') are not counted twice
        found = {a for a in found if not any(a != b and f" {a} " in f" {b} " for b in found)}
        explained += min(len(bare), sum(len(a.replace(" ", "")) for a in found))
    junk = sum(len(c.text.replace(" ", "")) for c in cells) - explained
    req = sum(1 for r in spec.required if r in roles) / len(spec.required)
    fit = len(roles) / max(len(cells), len(spec.columns))
    score = 0.6 * req + 0.4 * fit
    if req < 1:
        score *= 0.5
    return score - min(junk, 1000) * 1e-6, roles, sorted(roles, key=lambda r: roles[r].x0)


def find_header(spec: FamilySpec, lines: list[TextLine], limit: int | None = None) -> Header | None:
    """The best header block (1–3 lines without dates or amounts) on a page."""
    best: Header | None = None
    n = len(lines) if limit is None else min(limit, len(lines))
    for i in range(n):
        ln = lines[i]
        if _has_data(ln) or len(ln.words) < 2:
            continue
        block = [i]
        for j in range(i + 1, min(i + 3, len(lines))):
            prev, nxt = lines[block[-1]], lines[j]
            if nxt.top - prev.bottom > max(prev.height, 4.0) * 0.6 or _has_data(nxt):
                break
            block.append(j)
        for k in range(len(block), 0, -1):
            cells = _cells_of([lines[b] for b in block[:k]])
            if len(cells) < 2:
                continue
            score, roles, matched = match(spec, cells)
            # equal scores: the block with less text no heading explains (a title line above is not header)
            if best is None or score > best.score + 1e-9:
                best = Header(score, block[:k], roles, cells, matched)
    return best
