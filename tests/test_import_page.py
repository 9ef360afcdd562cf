"""The operator Import page (AppTest): off unless writes are allowed; imports an upload exactly once;
shows every problem of a bad file and writes nothing; URL parameters prefill the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from explorer.db.engine import create_schema, make_engine

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "explorer" / "pages" / "import_statements.py")
FIXTURES = Path(__file__).parent / "fixtures"
AGRI = "8300333385555"


@pytest.fixture()
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'page.sqlite'}"
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    monkeypatch.setenv("EXPLORER_DATABASE_URL", url)
    monkeypatch.setenv("EXPLORER_ALLOW_WRITES", "1")
    monkeypatch.setenv("EXPLORER_PUBLIC_MODE", "0")
    return url


def line_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM statement_lines")).scalar_one()
    finally:
        engine.dispose()


def page(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def upload_and_run(at: AppTest, name: str, account: str) -> AppTest:
    at.file_uploader(key="imp_file").set_value((name, (FIXTURES / name).read_bytes(), "text/csv"))
    at.text_input(key="imp_account").set_value(account)
    at.run()
    at = at.button(key="imp_check").click().run()  # the dry run first
    if at.error:
        return at
    return at.button(key="imp_run").click().run()


def test_page_is_off_without_writes(db_url, monkeypatch):
    monkeypatch.setenv("EXPLORER_ALLOW_WRITES", "0")
    at = page(lang="en")
    assert not at.exception
    assert at.title[0].value == "Import a bank statement"
    assert "allow_writes" in at.info[0].value
    assert not at.get("file_uploader")


def test_upload_imports_once(db_url):
    at = page(lang="en")
    assert not at.exception
    at.file_uploader(key="imp_file").set_value(
        ("agribank_no_header.csv", (FIXTURES / "agribank_no_header.csv").read_bytes(), "text/csv")
    )
    at.text_input(key="imp_account").set_value(AGRI)
    at = at.run().button(key="imp_check").click().run()
    assert not at.exception and line_count(db_url) == 0  # the dry run writes nothing
    assert at.success[0].value.startswith("Read agribank_no_header.csv: layout agribank. Nothing written yet")
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Transactions"], metrics["Lines read"], metrics["Set aside"], metrics["Balance gaps"]) == (
        "250",
        "250",
        "0",
        "0",
    )
    first = at.dataframe[0].value
    assert len(first) == 20 and first.iloc[0]["Amount"] == 300_000 and first.iloc[0]["Row"] == 1
    at = at.button(key="imp_run").click().run()
    assert not at.exception
    assert "250 lines added, 0 already present, 0 set aside" in at.success[-1].value
    assert line_count(db_url) == 250
    at = at.button(key="imp_check").click().run().button(key="imp_run").click().run()  # the same file again
    assert "0 lines added, 250 already present" in at.success[-1].value and at.info
    assert line_count(db_url) == 250


def test_bad_file_lists_problems_and_writes_nothing(db_url):
    at = page(lang="en")
    at = upload_and_run(at, "vbsp_sheet.xlsx", "1234567")
    assert not at.exception
    assert "Nothing was imported from vbsp_sheet.xlsx" in at.error[0].value
    problems = at.dataframe[0].value
    assert problems.iloc[0]["Row"] == 3 and "statement of account 1000009990001234" in problems.iloc[0]["Problem"]
    assert line_count(db_url) == 0


def test_run_without_a_file_asks_for_one(db_url):
    at = page(lang="vi")
    at = at.button(key="imp_check_empty").click().run()
    assert not at.exception
    assert at.warning[0].value == "Hãy chọn một tệp sao kê."


def test_url_parameters_prefill_the_form(db_url):
    at = page(account="1000009990001234", layout="vbsp", expected_rows="200", lang="zh", junk="1")
    assert not at.exception
    assert at.text_input(key="imp_account").value == "1000009990001234"
    assert at.selectbox(key="imp_layout").value == "vbsp"
    assert at.number_input(key="imp_expected").value == 200
    assert at.title[0].value == "导入银行明细"
    assert any("junk" in info.value for info in at.info)
    at.file_uploader(key="imp_file").set_value(
        ("vbsp_sheet.xlsx", (FIXTURES / "vbsp_sheet.xlsx").read_bytes(), "application/octet-stream")
    )
    at = at.run().button(key="imp_check").click().run().button(key="imp_run").click().run()
    assert not at.exception and at.success
    assert line_count(db_url) == 200


def test_a_person_resolves_a_set_aside_row_on_the_page(db_url):
    import datetime as dt

    from explorer.ingest import import_statement, parse_mapping
    from explorer.ingest.policy import Policy

    import_statement(
        make_engine(db_url),
        b"Ngay,Co,Noi dung\n10/09/2024,100.000,ung ho\n,250.000,smudged date\n",
        "smudged.csv",
        account="1234",
        bank="MB",
        policy=Policy(max_set_aside=1.0),
        column_map=parse_mapping("date=Ngay,credit=Co,description=Noi dung"),
    )
    at = page(lang="en")
    assert at.code[0].value == "250.000 | smudged date"
    at.date_input(key="rev_day").set_value(dt.date(2024, 9, 10))
    at.number_input(key="rev_amount").set_value(250_000)
    at.text_input(key="rev_person").set_value("Lan")
    at = at.button[-1].click().run()  # the form's submit button
    assert not at.exception
    assert "Wrote row 3 of smudged.csv" in at.success[-1].value
    assert line_count(db_url) == 2
    assert at.run().caption[-1].value == "No rows are waiting."  # the queue, read again
