"""Word-level helpers of the PDF reader: glued-cell cutting, amounts with cents, date typos, header matching."""

from __future__ import annotations

from decimal import Decimal

import pytest

from explorer.ingest.pdf import FAMILIES
from explorer.ingest.pdf.header import Cell, match
from explorer.ingest.pdf.tokens import fix_date, is_amount, split_glued, to_decimal
from explorer.ingest.pdf.words import Word, group_lines


def w(text, x0=0.0, top=0.0):
    return Word(text, x0, x0 + 5 * len(text), top, top + 10)


@pytest.mark.parametrize(
    "text,parts",
    [
        ("500.000,00giup", ["500.000,00", "giup"]),
        ("200.000VO", ["200.000", "VO"]),
        ("TAI2,000,000", ["TAI", "2,000,000"]),
        ("418/9/2024", ["4", "18/9/2024"]),
        ("1218/9/2024", ["12", "18/9/2024"]),
        ("10:21:100401001446xxx", ["10:21:10", "0401001446xxx"]),
        ("27/09/2024", ["27/09/2024"]),
        ("MB(343040)(UH", ["MB(343040)(UH"]),
        ("58,171,709,961", ["58,171,709,961"]),
        ("5200.000,00", ["5", "200.000,00"]),
        ("200.000,001", ["200.000,00", "1"]),
        ("1.200.000,00", ["1.200.000,00"]),
    ],
)
def test_split_glued(text, parts):
    assert [p.text for p in split_glued(w(text))] == parts


@pytest.mark.parametrize(
    "text,value",
    [
        ("500.000,00", Decimal("500000")),
        ("1,000,000", Decimal("1000000")),
        ("1.468,48", Decimal("1468.48")),
        ("200,00", Decimal("200")),
        ("10.918,40", Decimal("10918.40")),
        ("487.900", Decimal("487900")),
        ("58,171,509,961", Decimal("58171509961")),
        ("abc", None),
        ("", None),
    ],
)
def test_to_decimal(text, value):
    assert to_decimal(text) == value


def test_amount_formats():
    assert is_amount("500.000,00", "dot") and not is_amount("500.000,00", "comma")
    assert is_amount("1,000,000", "comma") and is_amount("15.390.000", "any")
    assert not is_amount("4708853") and not is_amount("17/09/2024")


def test_date_typo():
    assert fix_date("24/9/202024") == ("24/9/2024", "date printed as '24/9/202024': read as '24/9/2024'")
    assert fix_date("13/9/2024") == ("13/9/2024", None)


def test_split_glyph_run_joined_on_a_line():
    lines = group_lines(
        [
            Word("1", 533.27, 538.12, 271.3, 281.0),
            Word("00.000.000", 538.22, 582.26, 271.3, 281.0),
            Word("27/09/2024", 20, 65, 271.3, 281.0),
        ]
    )
    assert [x.text for x in lines[0].words] == ["27/09/2024", "100.000.000"]


def test_diacritics_do_not_split_a_line():
    # 'Nguyễn' has a taller box (stacked marks) but the same bottom
    lines = group_lines(
        [
            Word("Trường", 200, 243, 545.8, 558.6),
            Word("Nguyễn", 285, 330, 543.4, 558.6),
            Word("6", 96, 103, 553.9, 566.6),
        ]
    )
    assert [ln.text for ln in lines] == ["Trường Nguyễn", "6"]


def test_bilingual_heading_match_with_units_and_broken_lines():
    cells = [
        Cell(30, 60, "stt"),
        Cell(70, 170, "thoi gian chuyen khoan"),
        Cell(180, 240, "so tai khoan cua nguoi chuyen"),
        Cell(250, 290, "so tien ghi no vnd"),
        Cell(294, 345, "so tien ghi co vnd"),
        Cell(410, 450, "noi dung chi tiet"),
    ]
    score, roles, matched = match(FAMILIES["bidv_thong_ke"], cells)
    assert score > 0.99 and roles["credit"].x0 == 294 and roles["debit"].x0 == 250
    # 'Ref. no' does not make the reference column a debit ('no') column
    cells = [
        Cell(36, 56, "ngay date"),
        Cell(124, 155, "ghi chu remark"),
        Cell(240, 251, "no dr"),
        Cell(314, 325, "co cr"),
        Cell(394, 420, "so du balance"),
        Cell(487, 543, "so tham chieu ref no"),
    ]
    score, roles, _ = match(FAMILIES["agribank_so_phu"], cells)
    assert score > 0.99 and roles["debit"].x0 == 240 and roles["reference"].x0 == 487
