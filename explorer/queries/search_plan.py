"""The plan a statement search followed, as one object that can say why (`python -m explorer bench --explain`).

A search tries cheap ways first and falls back when one cannot answer: each step is noted with its outcome, and
`answered_by` names the step whose rows the page shows. `searched_rows` is set when the answer is bounded: a
query too short for the trigram index reads only the first SHORT_SCAN_ROWS lines of the view in page order
(the newest, for the default sort), and found fewer hits than a page there; the page says so and asks the user
to refine or narrow, instead of scanning millions of lines (0.7–0.9 s at 1.8 M lines for `"` or `%`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STRATEGIES = {
    "no_text": "no search text: the view's rows in page order",
    "prefix_scan": "the first rows of the view in page order; answers if they hold a page of hits (or all rows)",
    "bounded_short": "query under 3 characters: only the first lines of the view in page order are read",
    "index_walk": "SQLite FTS5 trigram index read in id order (= time order) up to the page's last hit",
    "trigram_ids": "SQLite FTS5: the rarest trigrams' candidates (few) checked exactly, then sorted",
    "instr_scan": "SQLite: too many trigram candidates; exact substring test in page order",
    "pg_walk": "PostgreSQL: a longer scan in page order, when the first scan's hit rate says it is short",
    "pg_trigram_bitmap": "PostgreSQL: pg_trgm GIN bitmap then a top-N sort (the bounded scan found hits sparse)",
    "pg_id_windows": "PostgreSQL: the pg_trgm bitmap ANDed with growing id windows, newest first (ids follow time)",
    "pg_planner": "PostgreSQL: pg_trgm condition, the planner's choice (too many expected hits for a bitmap)",
    "empty_view": "the filters match no account: nothing to read",
}


@dataclass
class SearchPlan:
    term: str
    dialect: str
    sort: str
    steps: list[tuple[str, str]] = field(default_factory=list)
    answered_by: str = ""
    searched_rows: int | None = None  # the answer covers only this many rows of the view (bounded_short)

    def note(self, step: str, outcome: str) -> None:
        self.steps.append((step, outcome))

    def answer(self, step: str, outcome: str = "answered") -> None:
        self.note(step, outcome)
        self.answered_by = step

    def explain(self) -> str:
        head = f"search {self.term!r} on {self.dialect}, sort {self.sort}: {self.answered_by}"
        if self.searched_rows:
            head += f" (bounded: only the first {self.searched_rows:,} lines of the view were searched)"
        body = [
            f"  {i}. {step}: {outcome} — {STRATEGIES.get(step, '')}" for i, (step, outcome) in enumerate(self.steps, 1)
        ]
        return "\n".join([head, *body])
