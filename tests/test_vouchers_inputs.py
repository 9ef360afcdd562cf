"""Uploaded counts and merchant lists: exact populations from valid files, row/column/reason for bad ones."""

from __future__ import annotations

import dataclasses

import numpy as np

from explorer.vouchers.engine import simulate
from explorer.vouchers.inputs import (
    COUNTS_EXAMPLE,
    MAX_CSV_BYTES,
    MERCHANTS_EXAMPLE,
    parse_counts,
    parse_merchants,
    population_from_counts,
)
from explorer.vouchers.presets import STORM_RELIEF
from explorer.vouchers.report import build_report
from explorer.vouchers.scheme import Eligibility, Target


def test_the_example_counts_become_exactly_that_many_people_per_group_and_province():
    parsed = parse_counts(COUNTS_EXAMPLE.encode())
    assert not parsed.errors
    assert parsed.frame.values.tolist() == [["child", 21, 1200], ["elderly", 21, 800], ["child", 29, 3000]]
    people = population_from_counts(parsed.frame, seed=1).beneficiaries
    assert people.groupby(["group", "province_code"]).size().to_dict() == {
        ("child", 21): 1200,
        ("child", 29): 3000,
        ("elderly", 21): 800,
    }
    assert set(people.columns) == {"person_id", "org_id", "group", "province_code", "household_size", "lat", "lon"}


def test_a_simulation_on_uploaded_counts_and_shops_issues_exactly_their_value():
    counts = parse_counts(COUNTS_EXAMPLE.encode()).frame
    shops = parse_merchants(MERCHANTS_EXAMPLE.encode()).frame
    scheme = dataclasses.replace(
        STORM_RELIEF,
        eligibility=Eligibility(),
        targets=(Target("child", 500_000), Target("elderly", 300_000)),
        merchants=dataclasses.replace(STORM_RELIEF.merchants, categories=("groceries", "pharmacy_clinic")),
    )
    report = build_report(simulate(scheme, population_from_counts(counts, shops, seed=1), runs=2, seed=1))
    assert report.value("eligible_people") == 5_000
    assert report.value("issued") == 4_200 * 500_000 + 800 * 300_000  # 2,340,000,000 đ
    assert sorted(report.by_merchant["merchant_id"]) == [1, 2, 3]


def test_merchants_without_coordinates_sit_near_their_province_and_default_capacity():
    shops = parse_merchants(b"category,province_code\ngroceries,21\nservices,29\n").frame
    assert shops["merchant_id"].tolist() == [1, 2] and shops["daily_capacity"].tolist() == [100, 100]
    placed = population_from_counts(parse_counts(COUNTS_EXAMPLE.encode()).frame, shops, seed=1).merchants
    assert np.abs(placed["lat"].to_numpy() - [21.72, 21.03]).max() < 1.5


def test_bad_count_rows_name_the_row_column_and_reason():
    data = (
        b"group,province_code,count\n"
        b"child,21,10\n"
        b"kids,21,5\n"  # row 3: unknown group
        b"child,999,5\n"  # row 4: unknown province
        b"elderly,21,-3\n"  # row 5: negative
        b"elderly,21,2.5\n"  # row 6: not whole
        b"child,21,7\n"
    )  # row 7: same cell as row 2
    parsed = parse_counts(data)
    assert parsed.frame is None
    assert [(e.row, e.column, e.code) for e in parsed.errors] == [
        (3, "group", "unknown_value"),
        (4, "province_code", "unknown_value"),
        (5, "count", "negative"),
        (6, "count", "not_integer"),
        (7, "group", "duplicate"),
    ]
    assert str(parsed.errors[0]).startswith("row 3, group: “kids” is not one of: child, elderly")
    assert str(parsed.errors[4]) == "row 7, group: the same child × 21 appears on row 2"


def test_whole_file_problems():
    assert [e.code for e in parse_counts(b"group,count\nchild,4\n").errors] == ["missing_column"]
    assert parse_counts(b"group,count\nchild,4\n").errors[0].column == "province_code"
    assert [e.code for e in parse_counts(b"group,province_code,count\n").errors] == ["empty"]
    assert [e.code for e in parse_counts(b"group,province_code,count\nchild,21,0\n").errors] == ["no_people"]
    assert [e.code for e in parse_counts(b"\xff\xfe").errors] == ["encoding"]
    assert [e.code for e in parse_counts(b"x" * (MAX_CSV_BYTES + 1)).errors] == ["too_large"]
    many = "group,province_code,count\n" + "nobody,21,1\n" * 30
    parsed = parse_counts(many.encode())
    assert len(parsed.errors) == 20 and parsed.more_errors == 10


def test_bad_merchant_rows_name_the_row_column_and_reason():
    data = (
        b"merchant_id,category,province_code,lat,lon,daily_capacity,owner_phone\n"
        b"1,groceries,21,21.7,104.9,150,x\n"
        b"1,groceries,21,21.7,104.9,150,x\n"  # row 3: duplicate id
        b"2,bakery,21,,,,x\n"  # row 4: unknown category
        b"3,groceries,21,21.7,,,x\n"  # row 5: lat without lon
        b"4,groceries,21,51.5,-0.1,,x\n"  # row 6: London
        b"5,groceries,21,,,0,x\n"
    )  # row 7: capacity 0
    parsed = parse_merchants(data)
    assert [(e.row, e.column, e.code) for e in parsed.errors] == [
        (3, "merchant_id", "duplicate"),
        (4, "category", "unknown_value"),
        (5, "lon", "lat_lon_pair"),
        (6, "lat", "range"),
        (6, "lon", "range"),
        (7, "daily_capacity", "range"),
    ]
    assert parsed.ignored == ("owner_phone",)  # never read, never shown
