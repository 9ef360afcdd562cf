"""The Statements page shows what SQL says, keeps its whole state in the URL and exports safely."""

from __future__ import annotations

import pytest
from page_specs import open_page
from sqlalchemy import text

from explorer import fmt
from explorer.db.engine import make_engine
from explorer.export import to_csv_bytes
from explorer.queries import statements

ID, AMOUNT, TIME = "Mã dòng", "Số tiền", "Thời gian"


def sql_ids(engine, where: str = "1 = 1", order: str = "s.posted_at DESC, s.id DESC", **params) -> list[int]:
    """The oracle: plain SQL over the tiny seed (LIKE on the folded text)."""
    with engine.connect() as conn:
        return [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT s.id FROM statement_lines s JOIN accounts a ON a.id = s.account_id"
                    f" WHERE {where} ORDER BY {order}"
                ),
                params,
            )
        ]


def shown(at) -> list[int]:
    return at.dataframe[0].value[ID].tolist() if at.dataframe else []


def test_deep_link_reproduces_the_view(app, tiny_engine):
    at = open_page(app, "statements", account="3879", q="Nguyễn Văn", dir="in", sort="largest")
    assert not at.exception
    expected = sql_ids(
        tiny_engine,
        "a.number = '3879' AND s.direction = 'in' AND s.search_text LIKE '%nguyen van%'",
        "s.amount DESC, s.id DESC",
    )
    assert shown(at) == expected[:50] and len(expected) > 10
    table = at.dataframe[0].value
    with tiny_engine.connect() as conn:
        amounts = dict(
            conn.execute(
                text("SELECT id, amount FROM statement_lines WHERE id IN (SELECT value FROM json_each(:ids))"),
                {"ids": str(expected[:50])},
            ).all()
        )
    assert table[AMOUNT].tolist() == [amounts[i] for i in table[ID]]  # numbers, so the column sorts by value
    assert at.selectbox(key="stm_account_vi").value == "3879"
    assert at.text_input(key="stm_q_vi").value == "Nguyễn Văn"
    assert at.selectbox(key="stm_sort_vi").value == "largest" and at.radio(key="stm_dir_vi").value == "in"
    assert dict(at.query_params) == {"account": "3879", "q": "Nguyễn Văn", "dir": "in", "sort": "largest"}


def test_paging_and_filters_round_trip_through_the_url(app, tiny_engine):
    at = open_page(app, "statements", q="ung ho")
    everything = sql_ids(tiny_engine, "s.search_text LIKE '%ung ho%'")
    assert shown(at) == everything[:50]
    at.button(key="stm_next").click().run()
    assert shown(at) == everything[50:100] and at.query_params["page"] == "2"
    assert any("Dòng 51–100" in c.value for c in at.caption)
    at.button(key="stm_prev").click().run()
    assert shown(at) == everything[:50] and "page" not in at.query_params
    at.button(key="stm_next").click().run()
    at.text_input(key="stm_min_vi").input("0,5tr").run()  # a new filter starts again at page 1
    rich = sql_ids(tiny_engine, "s.search_text LIKE '%ung ho%' AND s.amount >= 500000 AND s.currency = 'VND'")
    assert shown(at) == rich[:50] and "page" not in at.query_params
    assert at.query_params["min"] == "500000" and at.query_params["q"] == "ung ho"


def test_deep_link_to_a_later_page(app, tiny_engine):
    at = open_page(app, "statements", account="3879", sort="oldest", page="3")
    expected = sql_ids(tiny_engine, "a.number = '3879'", "s.posted_at ASC, s.id ASC")
    assert shown(at) == expected[100:150]
    assert not at.button(key="stm_prev").disabled and not at.button(key="stm_next").disabled


def test_bad_params_are_ignored_with_a_notice(app, tiny_engine):
    at = open_page(
        app, "statements", page="abc", sort="evil()", min="lots", to="2024-13-45", dir="sideways", account="0000"
    )
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    for name in ("page", "sort", "min", "to", "dir"):
        assert name in notices
    assert "0000" in notices  # an unknown account is named and the view shows all accounts
    assert shown(at) == sql_ids(tiny_engine)[:50]
    assert at.selectbox(key="stm_account_vi").value == ""


def test_unreadable_typed_amount_is_ignored_with_a_warning(app, tiny_engine):
    at = open_page(app, "statements")
    at.text_input(key="stm_max_vi").input("năm trăm").run()
    assert any("năm trăm" in w.value for w in at.warning)
    assert shown(at) == sql_ids(tiny_engine)[:50] and "max" not in at.query_params


def test_empty_result_says_so(app):
    at = open_page(app, "statements", q="zzqxq-không-có")
    assert not at.dataframe and any("Không có dữ liệu" in i.value for i in at.info)
    assert at.button(key="stm_next").disabled and at.button(key="stm_prev").disabled


def test_export_of_the_view(app, tiny_engine):
    at = open_page(app, "statements", account="3879", dir="in")
    assert len(at.download_button) == 0  # no export until one is asked for (the whole dataset is prepared on request)
    at.toggle(key="stm_export").set_value(True).run()
    assert len(at.download_button) == 2
    count = len(sql_ids(tiny_engine, "a.number = '3879' AND s.direction = 'in'"))
    assert any(
        c.value == f"{fmt.number(count, 'vi')} dòng khớp với bộ lọc." for c in at.caption
    )  # layout.downloads' wording


@pytest.fixture()
def formula_db(tiny_db_url, copy_sqlite, tmp_path) -> str:
    """A copy of the tiny seed with a memo a spreadsheet would run as a formula."""
    path = tmp_path / "formula.sqlite"
    copy_sqlite(tiny_db_url, path)
    writer = make_engine(f"sqlite:///{path}")
    with writer.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO statement_lines (id, account_id, posted_at, has_time, direction, amount, currency,"
                " reference, counterparty, description, search_text)"
                " SELECT max(id) + 1, 68, '2024-12-30 10:00:00', 1, 'in', 50000, 'VND', '-1+1', '@SUM(A1)',"
                " '=cmd|'' /C calc''!A0', '@sum(a1) =cmd|'' /c calc''!a0' FROM statement_lines"
            )
        )
    writer.dispose()
    return f"sqlite:///{path}"


def test_csv_export_neutralizes_formulas(formula_db, app, monkeypatch):
    engine = make_engine(formula_db, readonly=True)
    frame = statements.export_lines(engine, q="=cmd")
    assert frame["description"].tolist() == ["=cmd|' /C calc'!A0"]
    csv = to_csv_bytes(frame).decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in csv and "'@SUM(A1)" in csv and "'-1+1" in csv
    assert not any(cell.startswith(("=", "@", "-", "+")) for row in csv.splitlines() for cell in row.split(","))
    monkeypatch.setenv("EXPLORER_DATABASE_URL", formula_db)
    at = open_page(app, "statements", q="=cmd")
    assert at.dataframe[0].value["Nội dung"].tolist() == ["=cmd|' /C calc'!A0"]  # shown as printed, never run


def test_every_change_of_a_filter_applies_and_lands_in_the_url(app, tiny_engine):
    """Change the direction twice and the sort twice: each change shows its lines and is the URL (a widget seeded from
    a URL that moves with it used to drop every second change)."""
    at = open_page(app, "statements", account="3879")
    for direction, sort in (("in", "largest"), ("out", "oldest"), ("all", "largest")):
        at.radio(key="stm_dir_vi").set_value(direction).run()
        at.selectbox(key="stm_sort_vi").set_value(sort).run()
        where = "a.number = '3879'" + ("" if direction == "all" else f" AND s.direction = '{direction}'")
        order = {"largest": "s.amount DESC, s.id DESC", "oldest": "s.posted_at ASC, s.id ASC"}[sort]
        assert shown(at) == sql_ids(tiny_engine, where, order)[:50]
        assert at.query_params.get("dir") == (None if direction == "all" else direction)
        assert at.query_params["sort"] == sort and at.query_params["account"] == "3879"


def test_switching_language_mid_task_keeps_filters_and_page(app, tiny_engine):
    at = open_page(app, "statements", q="ung ho")
    at.radio(key="stm_dir_vi").set_value("in").run()
    at.button(key="stm_next").click().run()
    expected = sql_ids(tiny_engine, "s.search_text LIKE '%ung ho%' AND s.direction = 'in'")
    assert shown(at) == expected[50:100]
    at.selectbox(key="lang_picker").set_value("en").run()
    assert not at.exception
    assert at.radio(key="stm_dir_en").value == "in" and at.text_input(key="stm_q_en").value == "ung ho"
    assert at.dataframe[0].value["Line #"].tolist() == expected[50:100]
    assert at.query_params["page"] == "2" and at.query_params["lang"] == "en"
    at.text_input(key="stm_q_en").input("").run()  # a filter changed in the new language starts at page 1
    at.radio(key="stm_dir_en").set_value("out").run()
    assert at.dataframe[0].value["Line #"].tolist() == sql_ids(tiny_engine, "s.direction = 'out'")[:50]
    assert dict(at.query_params) == {"dir": "out", "lang": "en"}


def test_a_date_outside_the_next_accounts_days_is_dropped_with_a_notice(app, tiny_engine):
    with tiny_engine.connect() as conn:
        spans = conn.execute(
            text(
                "SELECT a.number, min(date(s.posted_at)), max(date(s.posted_at)) FROM statement_lines s"
                " JOIN accounts a ON a.id = s.account_id GROUP BY a.number ORDER BY a.number"
            )
        ).all()
    # two accounts whose days do not overlap: the first's last day is before the second's first
    early, late = next((x, y) for x in spans for y in spans if x[2] < y[1])
    at = open_page(app, "statements", account=early[0], to=early[2])
    assert at.query_params["to"] == early[2]
    at.selectbox(key="stm_account_vi").set_value(late[0]).run()
    assert not at.exception
    assert any(": to: " in i.value for i in at.info) and "to" not in at.query_params
    assert shown(at) == sql_ids(tiny_engine, f"a.number = '{late[0]}'")[:50]
