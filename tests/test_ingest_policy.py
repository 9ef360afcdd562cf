"""The set-aside policy: how many unreadable rows a file may have and still go through."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from explorer.db.engine import create_schema, make_engine
from explorer.ingest import StatementImportError, import_statement
from explorer.ingest.policy import DEFAULT_POLICY, Policy

FIXTURES = Path(__file__).parent / "fixtures"
VCB = "0019990004321"


@pytest.mark.parametrize(
    ("set_aside", "rows", "refused"),
    [
        (0, 10, False),
        (1, 150, False),  # a short list with one dateless row: 0.5 % would allow 0.75 rows
        (2, 150, True),
        (1, 2, False),
        (1, 1, True),  # nothing read at all
        (3, 3, True),
        (5, 1_000, False),  # 0.5 % of 1,000
        (6, 1_000, True),
        (100, 20_000, False),
        (101, 20_000, True),
    ],
)
def test_default_policy(set_aside, rows, refused):
    assert (DEFAULT_POLICY.refuses(set_aside, rows) is not None) is refused


def test_the_refusal_says_how_many_and_how_to_accept():
    assert DEFAULT_POLICY.refuses(2, 150) == (
        "2 of 150 rows cannot be read (1.3%), more than the 0.5% allowed: the wrong layout, or a damaged file?"
        " (--max-set-aside to accept)"
    )
    assert DEFAULT_POLICY.refuses(4, 4) == "none of the 4 row(s) can be read: the wrong layout, or a damaged file?"


def test_strict_accepts_none_and_a_wider_share_accepts_more():
    assert Policy(strict=True).refuses(1, 150) == "1 row(s) cannot be read and strict mode accepts none"
    assert Policy(max_set_aside=0.02).refuses(3, 150) is None
    assert Policy(max_set_aside=1.0).refuses(3, 3) is not None  # even the widest share needs one readable row


def _short_export(rows: int) -> list[str]:
    """The first `rows` transactions of the synthetic VCB daily export (header kept)."""
    text_lines = (FIXTURES / "vcb_daily_export.csv").read_text(encoding="utf-8-sig").split("\n")
    return text_lines[: rows + 1]


def _amount(line: str) -> int:
    return int(line.split(",")[4].replace(".", "") or 0)


def test_a_short_list_with_one_dateless_row_goes_through_with_the_row_set_aside(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'policy.sqlite'}")
    create_schema(engine)
    rows = _short_export(150)
    dateless = rows[40]
    rows[40] = dateless.replace("01/09/2024", "", 1).replace("02/09/2024", "", 1)
    assert rows[40] != dateless
    result = import_statement(engine, "\n".join(rows).encode(), "short.csv", account=VCB)
    assert (result.rows, result.added, result.set_aside) == (150, 149, 1)
    assert result.credit_total == sum(_amount(r) for i, r in enumerate(rows[1:], start=1) if i != 40)
    with engine.connect() as conn:
        row, code = conn.execute(text("SELECT row, reason FROM set_aside_rows")).one()
    assert row == 41 and "date" in code  # the file's row (header = 1) and why


def test_a_short_file_cut_in_its_last_row_is_refused(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'policy.sqlite'}")
    create_schema(engine)
    rows = _short_export(150)
    rows[-1] = rows[-1].split(",", 3)[0] + "," + rows[-1].split(",")[1] + ",5100.20819,,"
    with pytest.raises(StatementImportError, match=r"row 151: the file ends inside this row \(5 of 7 fields"):
        import_statement(engine, "\n".join(rows).encode(), "cut.csv", account=VCB)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM statement_lines")).scalar() == 0
