"""A person resolves set-aside rows: the line they type is written once, keeps both readings, and the row
leaves the review queue."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from explorer.ingest import StatementImportError, import_statement, parse_mapping, review
from explorer.ingest.policy import Policy

MAPPING = parse_mapping("date=Ngay,credit=Co,description=Noi dung")
DATA = (
    b"Ngay,Co,Noi dung\n10/09/2024,100.000,NGUYEN VAN AN ung ho\n,250.000,smudged date\n"
    b"11/09/2024,5O0.000,smudged amount\n"
)


@pytest.fixture()
def imported(empty_engine):
    result = import_statement(
        empty_engine,
        DATA,
        "smudged.csv",
        account="1234",
        bank="MB",
        column_map=MAPPING,
        policy=Policy(max_set_aside=1.0),
    )
    assert (result.added, result.set_aside) == (1, 2)
    return empty_engine


def test_pending_rows_are_listed_with_their_reason(imported):
    rows = review.pending(imported)
    assert rows[["row", "code"]].values.tolist() == [[3, "no_date"], [4, "no_amount"]]
    assert rows.raw_text.tolist() == ["250.000 | smudged date", "11/09/2024 | 5O0.000 | smudged amount"]


def test_a_resolved_row_becomes_one_flagged_line_and_leaves_the_queue(imported):
    first = review.pending(imported).iloc[0]
    line_id = review.resolve(
        imported,
        int(first.id),
        day=dt.date(2024, 9, 10),
        direction="in",
        amount=250_000,
        description="smudged date",
        person="  Lan  ",
    )
    with imported.connect() as conn:
        line = conn.execute(
            text("SELECT amount, direction, posted_at, flags FROM statement_lines WHERE id = :i"), {"i": line_id}
        ).one()
        total = conn.execute(text("SELECT sum(amount) FROM statement_lines")).scalar_one()
        daily = conn.execute(text("SELECT sum(amount) FROM daily_totals")).scalar_one()
    assert (line.amount, line.direction, str(line.posted_at)[:10]) == (250_000, "in", "2024-09-10")
    assert "typed by Lan" in line.flags and "'250.000 | smudged date'" in line.flags
    assert total == daily == 350_000  # the ledger writer kept the rollups true
    assert review.pending(imported).row.tolist() == [4]
    with pytest.raises(StatementImportError, match="resolved already"):
        review.resolve(
            imported,
            int(first.id),
            day=dt.date(2024, 9, 10),
            direction="in",
            amount=250_000,
            description="",
            person="Lan",
        )


def test_a_line_already_present_is_not_written_twice(imported):
    second = review.pending(imported).iloc[1]
    with pytest.raises(StatementImportError, match="already holds this line"):
        review.resolve(
            imported,
            int(second.id),
            day=dt.date(2024, 9, 10),
            direction="in",
            amount=100_000,
            description="NGUYEN VAN AN ung ho",
            person="Lan",
        )
    with pytest.raises(StatementImportError, match="above zero"):
        review.resolve(
            imported, int(second.id), day=dt.date(2024, 9, 11), direction="in", amount=0, description="", person="Lan"
        )
