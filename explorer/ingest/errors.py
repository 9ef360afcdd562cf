"""The one exception an import raises: every problem found, each with its row and column."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS = 1000  # keep the first thousand; a file broken on every row does not need two million messages


@dataclass(frozen=True)
class Problem:
    row: int | None  # the row as a spreadsheet shows it (see explorer.ingest docstring); None = whole file
    column: str | None  # the column's header as written in the file, or its position for headerless files
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class StatementImportError(Exception):
    """Nothing was written. `.file`, `.row` and `.column` locate the first problem; `.problems` lists them all."""

    def __init__(self, file: str, problems: list[Problem], more: int = 0):
        self.file = file
        self.problems = problems
        self.more = more  # problems found beyond MAX_PROBLEMS
        first = problems[0] if problems else Problem(None, None, "unknown problem")
        self.row, self.column = first.row, first.column
        super().__init__(self.summary())

    @classmethod
    def single(cls, file: str, message: str, row: int | None = None, column: str | None = None):
        return cls(file, [Problem(row, column, message)])

    @property
    def total(self) -> int:
        return len(self.problems) + self.more

    def summary(self, shown: int = 3) -> str:
        """One line: the file, the first few problems and how many more there are."""
        text = "; ".join(str(p) for p in self.problems[:shown])
        rest = self.total - min(shown, len(self.problems))
        if rest > 0:
            text += f" (and {rest:,} more problem{'s' if rest > 1 else ''})"
        return f"{self.file}: {text}"


class ProblemList:
    """Collects problems while a parser keeps going, so one run reports every bad row."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.more = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(row, column, message))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, file: str) -> None:
        if self.items:
            raise StatementImportError(file, self.items, self.more)
