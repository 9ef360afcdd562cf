"""Budget-first planning: exact people served for a budget, with priorities and caps."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.vouchers.budget import eligible_counts, person_cost, plan
from explorer.vouchers.presets import NEW_YEAR, preset_population

COUNTS = pd.DataFrame(
    {
        "group": ["child", "child", "low_income_household", "low_income_household"],
        "province_code": [1, 2, 1, 2],
        "eligible": [60, 40, 30, 70],
    }
)
SETUP = 400_000_00  # the New-Year gift's set-up, minor units (fen)


def test_person_cost_is_the_voucher_value_plus_onboarding():
    assert person_cost(NEW_YEAR) == {"child": 220_00, "low_income_household": 520_00}


def test_children_first_serve_every_child_then_the_households_the_rest_pays_for():
    budget = SETUP + 100 * 220_00 + 50 * 520_00  # 44,800,000 fen = 448,000 CNY
    p = plan(budget, COUNTS, person_cost(NEW_YEAR), setup=SETUP, priority=["child", "low_income_household"])
    assert p.people == 150 and p.eligible == 200
    assert p.by_group().set_index("group")["served"].to_dict() == {"child": 100, "low_income_household": 50}
    # 50 households over provinces with 30 and 70 eligible: 15 and 35, in proportion.
    assert p.served.set_index(["group", "province_code"])["served"].to_dict() == {
        ("child", 1): 60,
        ("child", 2): 40,
        ("low_income_household", 1): 15,
        ("low_income_household", 2): 35,
    }
    assert p.spent == budget and p.left == 0
    assert p.stop == {"child": "", "low_income_household": "budget"}


def test_households_first_leave_the_children_out_when_the_rest_cannot_pay_one_child():
    budget = SETUP + 100 * 220_00 + 50 * 520_00
    p = plan(budget, COUNTS, person_cost(NEW_YEAR), setup=SETUP, priority=["low_income_household"])
    # 4,800,000 fen pays 92 households (4,784,000); the 16,000 left is less than one child (22,000).
    assert p.by_group().set_index("group")["served"].to_dict() == {"low_income_household": 92, "child": 0}
    # 92 × 30/100 = 27.6 and 92 × 70/100 = 64.4: the larger remainder gets the 92nd household.
    assert p.served.set_index(["group", "province_code"])["served"].to_dict()[("low_income_household", 1)] == 28
    assert p.served.set_index(["group", "province_code"])["served"].to_dict()[("low_income_household", 2)] == 64
    assert p.spent == SETUP + 92 * 520_00 and p.left == 16_000
    assert p.stop == {"low_income_household": "budget", "child": "budget"}


def test_group_and_province_caps_bind_before_a_large_budget():
    p = plan(
        10**12,
        COUNTS,
        person_cost(NEW_YEAR),
        setup=SETUP,
        priority=["child"],
        group_caps={"child": 50},
        province_caps={1: 50},
    )
    cells = p.served.set_index(["group", "province_code"])["served"].to_dict()
    # 50 children in proportion 60:40 → 30 and 20; province 1 then has room for 20 households only.
    assert cells == {
        ("child", 1): 30,
        ("child", 2): 20,
        ("low_income_household", 1): 20,
        ("low_income_household", 2): 70,
    }
    assert p.people == 140
    assert p.spent == SETUP + 50 * 220_00 + 90 * 520_00
    assert p.stop == {"child": "group_cap", "low_income_household": "province_cap"}
    assert p.by_province().set_index("province_code")["served"].to_dict() == {1: 50, 2: 90}


def test_a_budget_below_the_setup_serves_nobody_and_spends_nothing():
    p = plan(SETUP - 1, COUNTS, person_cost(NEW_YEAR), setup=SETUP)
    assert p.people == 0 and p.spent == 0 and p.left == SETUP - 1


def test_the_new_year_gift_stated_population_and_half_its_need():
    counts = eligible_counts(NEW_YEAR, preset_population("new_year_gift", 1).beneficiaries, seed=1)
    assert counts.groupby("group")["eligible"].sum().to_dict() == {"child": 5_000, "low_income_household": 8_550}
    need = SETUP + 5_000 * 220_00 + 8_550 * 520_00  # 5,946,000 CNY: everyone
    assert plan(need, counts, person_cost(NEW_YEAR), setup=SETUP).people == 13_550
    assert need == 5_946_000_00
    half = plan(need // 2, counts, person_cost(NEW_YEAR), setup=SETUP, priority=["child"])
    # 2,973,000 CNY − 400,000 set-up: 5,000 children (1,100,000) then 1,473,000 // 520 = 2,832 households.
    assert half.by_group().set_index("group")["served"].to_dict() == {"child": 5_000, "low_income_household": 2_832}
    assert half.left == need // 2 - SETUP - 5_000 * 220_00 - 2_832 * 520_00


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["child", "elderly"]), st.integers(1, 5), st.integers(0, 50)), min_size=1, max_size=10
    ),
    st.integers(0, 200_000),
    st.integers(1, 5_000),
    st.integers(1, 5_000),
    st.dictionaries(st.integers(1, 5), st.integers(0, 60)),
    st.dictionaries(st.sampled_from(["child", "elderly"]), st.integers(0, 80)),
)
def test_a_plan_never_overspends_or_passes_a_cap_and_stops_only_when_it_must(rows, budget, c1, c2, pcaps, gcaps):
    counts = pd.DataFrame(rows, columns=["group", "province_code", "eligible"])
    per = {"child": c1, "elderly": c2}
    p = plan(budget, counts, per, setup=0, priority=["elderly"], group_caps=gcaps, province_caps=pcaps)
    cells = counts.groupby(["group", "province_code"])["eligible"].sum()
    served = p.served.set_index(["group", "province_code"])
    assert (served["served"] <= served["eligible"]).all() and (served["served"] >= 0).all()
    assert p.spent == sum(per[g] * n for g, n in p.by_group().set_index("group")["served"].items())
    assert 0 <= p.spent <= budget and p.left == budget - p.spent
    for code, cap in pcaps.items():
        assert p.by_province().set_index("province_code")["served"].get(code, 0) <= cap
    for group, cap in gcaps.items():
        assert p.by_group().set_index("group")["served"].get(group, 0) <= cap
    assert int(cells.sum()) == p.eligible
    # The first group stops only at a cap, its eligible people or when one more does not fit the budget.
    first = p.by_group().set_index("group")
    if "elderly" in first.index and p.stop["elderly"] == "budget":
        assert budget - first.loc["elderly", "served"] * per["elderly"] < per["elderly"]
