"""Provenance per view: the simulated label only where simulated data is, and an imported account says which
file its lines came from, whether it reconciled, what was set aside and where its balance has gaps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from page_specs import open_page
from streamlit.testing.v1 import AppTest

from explorer.db.engine import make_engine
from explorer.i18n import translate
from explorer.ingest import import_statement, parse_mapping
from explorer.ingest.policy import Policy

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")

MAPPING = parse_mapping("date=Ngay,credit=Co,debit=No,balance=So du,description=Noi dung")
CREDITS_ONLY = (
    "Ngay,Co,No,So du,Noi dung\n10/09/2024,100.000,,1.100.000,a\n11/09/2024,300.000,,600.000,b\n"
    ",50.000,,650.000,smudged\nTổng cộng,400.000,,,\n"
).encode()


def imported_into(url: str) -> None:
    import_statement(
        make_engine(url),
        CREDITS_ONLY,
        "relief.csv",
        account="1234567",
        bank="MB",
        holder="QUY MAU",
        column_map=MAPPING,
        policy=Policy(max_set_aside=1.0),
    )


@pytest.fixture()
def real_only(empty_db_url, monkeypatch):
    imported_into(empty_db_url)
    monkeypatch.setenv("EXPLORER_DATABASE_URL", empty_db_url)
    monkeypatch.setenv("EXPLORER_PUBLIC_MODE", "0")
    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture()
def mixed(tiny_db_url, tmp_path, monkeypatch):
    copy = tmp_path / "mixed.sqlite"
    shutil.copy(tiny_db_url.removeprefix("sqlite:///"), copy)
    imported_into(f"sqlite:///{copy}")
    monkeypatch.setenv("EXPLORER_DATABASE_URL", f"sqlite:///{copy}")
    monkeypatch.setenv("EXPLORER_PUBLIC_MODE", "0")
    return AppTest.from_file(APP, default_timeout=60)


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_an_imported_account_says_where_its_lines_came_from(real_only):
    at = open_page(real_only, "accounts", account="1234567", lang="en")
    text = " ".join(captions(at))
    assert translate("en", "common.simulated_label") not in text and translate("en", "common.mixed_label") not in text
    line = next(c for c in captions(at) if c.startswith("Imported from relief.csv"))
    assert "lines: 2, layout generic, reconciled ✓; set aside: 1 (1 waiting for a person)" in line
    assert "gaps in the balance: 1; read by OCR: 0" in line
    details = at.dataframe[-1].value
    assert details.values.tolist() == [["✓ totals row (credit) · relief.csv", 400_000, 400_000]]
    gap = translate("en", "accounts.gap")
    assert [m.value for m in at.markdown if m.value.startswith(f"- {gap}")] == [
        f"- {gap}: between row 2 and row 3 the balance falls by 800,000 đ more than the published lines explain — "
        "lines left out of the statement?"
    ]


def test_a_site_with_both_says_so(mixed):
    at = open_page(mixed, "overview", lang="en")
    assert translate("en", "common.mixed_label") in " ".join(captions(at))
    assert translate("en", "common.simulated_label") not in " ".join(captions(at))


def test_an_imported_line_says_which_file_and_row_it_was_read_from(real_only):
    at = open_page(real_only, "statements", account="1234567", lang="en")
    table = at.dataframe[0].value
    source = translate("en", "statements.col_source")
    assert sorted(table[source]) == ["relief.csv · row 2", "relief.csv · row 3"]


def test_seeded_lines_have_no_source_column(mixed):
    at = open_page(mixed, "statements", q="ung ho", lang="en")  # seeded memos only: the imported ones say a, b
    assert translate("en", "statements.col_source") not in at.dataframe[0].value.columns
