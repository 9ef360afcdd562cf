"""Small groups cannot be recovered by subtraction: rows under 10 people are folded into one "other" row that
hides at least two rows and at least 10 people, and the rows shown plus "other" add up to the total — in the
engine's breakdowns, in their exports and in the budget plan."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from explorer.vouchers.budget import plan
from explorer.vouchers.disclosure import MIN_GROUP, OTHER_GROUP, OTHER_PROVINCE, fold_small, folded_rows
from explorer.vouchers.engine import simulate
from explorer.vouchers.population import synthetic_population
from explorer.vouchers.presets import NEW_YEAR
from explorer.vouchers.report import build_report, for_people
from explorer.vouchers.scheme import Target


@pytest.mark.parametrize(
    ("counts", "folded"),
    [
        ([50, 40, 30], []),  # nothing small: nothing folded
        ([3, 50, 40], [0, 2]),  # one small row alone would be the total minus the rest: the next smallest joins
        ([3, 8, 50], [0, 1]),  # two small rows, 11 people together: enough
        ([3, 4, 60, 50], [0, 1, 3]),  # 7 people in two rows is still under 10: the smallest shown row joins
        ([2, 40, 40], [0, 2]),  # ties: the later row joins (a fixed order)
        ([4, 30], [0, 1]),  # two rows: both folded, "other" is the total, nothing else is shown
    ],
)
def test_folded_rows_on_known_cases(counts, folded):
    assert list(np.flatnonzero(folded_rows(counts))) == folded


@given(st.lists(st.integers(1, 60), min_size=1, max_size=70))
def test_no_small_row_can_be_derived_from_what_is_shown(counts):
    assume(sum(counts) >= MIN_GROUP)  # under 10 people in all, the report shows nothing (Report.suppressed)
    fold = folded_rows(counts)
    shown, other = np.asarray(counts)[~fold], np.asarray(counts)[fold]
    assert shown.sum() + other.sum() == sum(counts)  # the rows shown and "other" make the total
    assert (shown >= MIN_GROUP).all()  # no small row is shown
    if fold.any():
        # total − shown = "other", which holds two or more rows and 10 or more people: never one small row,
        # and never a sum small enough to point at a person.
        assert len(other) >= 2 and other.sum() >= MIN_GROUP
        assert all(other.sum() - size >= 1 for size in other)


def test_fold_small_keeps_every_total():
    frame = pd.DataFrame({"province_code": [11, 12, 13, 14], "people": [3, 40, 6, 25], "money": [30, 400, 60, 250]})
    out = fold_small(frame, "province_code", "people", ("people", "money"), OTHER_PROVINCE)
    # 3 + 6 = 9 people is under 10: the next smallest (25 people, province 14) joins.
    assert out["province_code"].tolist() == [12, OTHER_PROVINCE]
    assert out["people"].tolist() == [40, 34]
    assert out["money"].tolist() == [400, 340]


def small_and_large():
    """Children in three provinces (one with 6 children, one with 4) and 7 elderly people."""
    people = synthetic_population({"child": 200}, provinces=(29,), seed=2).beneficiaries
    extra = pd.DataFrame(
        {
            "person_id": np.arange(1000, 1017),
            "org_id": 1,
            "group": ["child"] * 10 + ["elderly"] * 7,
            "province_code": [11] * 6 + [12] * 4 + [29] * 7,
            "household_size": 2,
            "lat": [22.4] * 6 + [21.9] * 4 + [21.0] * 7,
            "lon": [103.0] * 6 + [103.3] * 4 + [105.8] * 7,
        }
    )
    base = synthetic_population({"child": 200}, provinces=(29, 11, 12), seed=2)
    return dataclasses.replace(base, beneficiaries=pd.concat([people, extra], ignore_index=True))


def test_the_simulated_breakdowns_hide_small_groups_and_add_up():
    scheme = dataclasses.replace(NEW_YEAR, targets=(Target("child", 200_00), Target("elderly", 100_00)))
    report = build_report(simulate(scheme, small_and_large(), runs=3, seed=4))
    by_group, by_province = report.by_group, report.by_province
    # 210 children, 7 elderly: the elderly alone would be total − children, so both fold into "other".
    assert by_group["group"].tolist() == [OTHER_GROUP]
    assert by_group["beneficiaries"].tolist() == [217]
    # Provinces: 207 in 29 (200 + 7), 6 in 11 and 4 in 12 → 11 and 12 fold together (10 people, two rows).
    assert by_province["province_code"].tolist() == [29, OTHER_PROVINCE]
    assert by_province["beneficiaries"].tolist() == [207, 10]
    for table in (by_group, by_province):
        for column, metric in (("beneficiaries", "registrations"), ("issued", "issued"), ("redeemed", "redeemed")):
            assert table[column].sum() == pytest.approx(report.value(metric), abs=1e-6)
    # The export is the same folded table: no row of it names a province or group under 10 people.
    exported = for_people(by_province, report.currency)
    assert exported["province_code"].tolist() == [29, OTHER_PROVINCE]
    assert (exported["beneficiaries"] >= MIN_GROUP).all()
    assert exported["beneficiaries"].sum() == 217


def test_the_budget_plan_tables_fold_small_provinces_too():
    counts = pd.DataFrame(
        {"group": ["child"] * 4, "province_code": [11, 12, 13, 29], "eligible": [5, 3, 40, 100]},
    )
    result = plan(10**12, counts, {"child": 100_00})
    shown = result.shown_by_province()
    # 5 + 3 = 8 people under 10: the next smallest province (13, 40 people) joins "other".
    assert shown["province_code"].tolist() == [29, OTHER_PROVINCE]
    assert shown["eligible"].tolist() == [100, 48]
    assert shown["served"].sum() == result.people and shown["cost"].sum() == result.by_province()["cost"].sum()
