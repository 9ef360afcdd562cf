"""Property: the PDF reader never drops a row. Over generated lists with random memo wraps, page breaks, blank
dates and blank amounts, every printed row comes back as exactly one record, with its amount, in file order, and a
row whose date or amount is missing is still a record (flagged) for the importer to set aside."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_fixtures import Col, Row, Sheet, fmt

from explorer.ingest.pdf import read_pdf

ROW = st.tuples(
    st.integers(1, 4),  # memo lines
    st.booleans(),  # date printed
    st.booleans(),  # amount printed
    st.integers(1, 99_999).map(lambda k: k * 1_000),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=2, max_size=45), landscape=st.booleans())
def test_every_row_is_a_record(rows, landscape):
    rows[0] = (rows[0][0], True, True, rows[0][3])  # the first row anchors the columns
    cols = [
        Col("stt", ["STT"], 61, 27, "C"),
        Col("date", ["Ngày tháng"], 105, 75),
        Col("memo", ["Diễn giải"], 200, 280),
        Col("amt", ["Số tiền"], 490, 75, "R"),
    ]
    s = Sheet(cols, size=10, line_h=12, pad=8, top=50, landscape=landscape)
    s.line("DANH SÁCH CÁC ĐƠN VỊ, CÁ NHÂN ỦNG HỘ NHÂN DÂN", x=115)
    s.line("Tài khoản số: 3761.0.1020401.91999 tại Kho bạc Nhà nước tỉnh Ninh Thuận", x=100)
    s.header()
    for i, (k, has_date, has_amt, amt) in enumerate(rows, 1):
        cells = {"stt": str(i), "memo": [f"Nguoi ung ho so {i}"] + ["ung ho dong bao mien Bac"] * (k - 1)}
        if has_date:
            cells["date"] = f"{1 + i % 28}/09/2024"
        if has_amt:
            cells["amt"] = fmt(amt, ",")
        s.row(Row(cells))
    stmt = read_pdf(s.done(), "list.pdf")
    assert stmt.family == "mttq_list_kho_bac"
    assert [r.cells["seq"] for r in stmt.records] == [str(i) for i in range(1, len(rows) + 1)]
    assert [r.cells["credit"] for r in stmt.records] == [fmt(a, ",") if h else "" for _, _, h, a in rows]
    assert [r.cells["date"] for r in stmt.records] == [
        f"{1 + i % 28}/09/2024" if d else "" for i, (_, d, _, _) in enumerate(rows, 1)
    ]
    for r, (_, has_date, has_amt, _) in zip(stmt.records, rows, strict=False):
        assert (not has_date) == any("no date" in f for f in r.flags)
        assert (not has_amt) == any("no amount" in f for f in r.flags)
    assert Counter(r.cells["credit"] for r in stmt.records if r.cells["credit"]) == Counter(
        fmt(a, ",") for _, _, h, a in rows if h
    )
