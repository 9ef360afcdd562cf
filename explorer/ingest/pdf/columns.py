"""Where a page's columns are: amount columns by the right edge of their right-aligned numbers, the date column by
its modal centre, every column's borders from its centred heading; and, when a scanned page sits shifted against
the header it inherits, the one common shift that puts its columns back on those learned on earlier pages.
"""

from __future__ import annotations

import statistics

from explorer.ingest.pdf import tokens
from explorer.ingest.pdf.header import Header
from explorer.ingest.pdf.specs import AMOUNT_ROLES, FamilySpec
from explorer.ingest.pdf.words import TextLine

MAX_PAGE_SHIFT = 36.0  # points (half an inch) a scanned page may sit off the page whose header it inherits


def role_of(key: str) -> str:
    """The role of a header key: the part before any '#' suffix that tells two columns of one role apart."""
    return key.split("#")[0]


def nearest_cell(geo: Header, x: float, roles=None) -> str | None:
    """The header key whose cell holds x, else the nearest (ties go to the nearer centre); only `roles` if given."""
    best = None
    for r, c in geo.roles.items():
        if roles is not None and role_of(r) not in roles:
            continue
        d = 0.0 if c.x0 <= x <= c.x1 else min(abs(x - c.x0), abs(x - c.x1))
        d += abs(x - c.mid) * 0.01
        if best is None or d < best[0]:
            best = (d, r)
    return best[1] if best else None


class ColumnPlacer:
    """Places the columns of each page in turn; remembers the last page's amount columns read without doubt."""

    def __init__(self, spec: FamilySpec):
        self.spec = spec
        self.known_columns: list[tuple[float, str]] = []  # (right edge, role)

    def place(self, geo: Header, data: list[TextLine]) -> dict:
        """Amount columns by the right edge of right-aligned numbers; the date column by its modal centre."""
        spec = self.spec
        num_roles = {r: c for r, c in geo.roles.items() if role_of(r) in AMOUNT_ROLES}
        text_cells = [c for r, c in geo.roles.items() if role_of(r) not in AMOUNT_ROLES]
        xs = sorted(w.x1 for ln in data for w in ln.words if tokens.is_amount(w.text, spec.numbers))
        clusters: list[list[float]] = []
        for x in xs:
            if clusters and x - clusters[-1][-1] <= 3.0:
                clusters[-1].append(x)
            else:
                clusters.append([x])
        amount_cols: list[tuple[float, str]] = []  # (x1, role)
        headings = sorted((c.x0, role_of(r) in AMOUNT_ROLES) for r, c in geo.roles.items())
        for cl in clusters:
            x1 = statistics.median(cl)
            best = None
            for r, c in num_roles.items():
                d = 0.0 if c.x0 - 2 <= x1 <= c.x1 + 2 else min(abs(x1 - c.x0), abs(x1 - c.x1))
                if best is None or d < best[0]:
                    best = (d, r)
            # Right-aligned numbers end at their column's right border, past a centred heading's right edge:
            # between two amount headings they belong to the left one (a scanned VBSP statement's amounts end
            # nearer the balance heading than their own). Next to a text column the distance decides, as above.
            left_of = [(c.x1, r) for r, c in num_roles.items() if c.x1 + 2 < x1]
            if best is not None and best[0] > 0 and left_of:
                edge, role = max(left_of)
                following = [numeric for x0, numeric in headings if x0 > edge]
                if following and following[0] and not any(edge < x0 <= x1 for x0, _ in headings):
                    best = (0.0, role)
            if best is None:
                continue
            dtext = min((abs(x1 - c.mid) for c in text_cells), default=1e9)
            if best[0] < dtext and best[0] < 120:
                amount_cols.append((x1, best[1]))
        amount_cols = self._settle(amount_cols)
        date_cell = geo.roles.get("date")
        dates = [
            w
            for ln in data
            for w in ln.words
            if tokens.DATE.match(tokens.fix_date(w.text)[0])
            and date_cell is not None
            and nearest_cell(geo, (w.x0 + w.x1) / 2) == "date"
        ]
        date_mid = statistics.median((w.x0 + w.x1) / 2 for w in dates) if dates else None
        # column borders from centred headings: each column's left border is the previous one's right border and
        # its heading sits in the middle, so R = 2·centre − L, starting at the table's left edge
        ordered = sorted(geo.roles.items(), key=lambda rc: rc[1].mid)
        left = min([ordered[0][1].x0] + [w.x0 for ln in data for w in ln.words[:1]]) if ordered else 0.0
        borders: list[tuple[float, float, str]] = []
        for r, c in ordered:
            right = 2 * c.mid - left
            if right <= left:
                borders = []
                break
            borders.append((left, right, r))
            left = right
        return {"amount": amount_cols, "date_mid": date_mid, "borders": borders}

    def _settle(self, amount_cols: list[tuple[float, str]]) -> list[tuple[float, str]]:
        """Two number columns given one role means the page sits shifted against the header it inherits (a scanned
        page fed in a few points off). Then the columns learned on earlier pages decide, under one common shift:
        the one that puts every column of this page on a known one. Columns that do not collide are learned."""
        roles = [role for _, role in amount_cols]
        if len(set(roles)) == len(roles):
            if amount_cols:
                self.known_columns = amount_cols
            return amount_cols
        known = self.known_columns
        for dx in sorted({x1 - k for x1, _ in amount_cols for k, _ in known}, key=abs):
            if abs(dx) > MAX_PAGE_SHIFT:
                continue
            placed = [next((role for k, role in known if abs(x1 - dx - k) <= 3.0), None) for x1, _ in amount_cols]
            if None not in placed and len(set(placed)) == len(placed):
                return [(x1, role) for (x1, _), role in zip(amount_cols, placed, strict=True) if role is not None]
        return amount_cols  # no shift explains it: the row keeps its doubled cell, flagged as before
