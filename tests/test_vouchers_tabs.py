"""The voucher page's Merchants, Map, Budget-first, Sensitivity tabs and uploaded inputs, as a designer sees them."""

from __future__ import annotations

import json

import pyarrow as pa
from test_vouchers_designer import open_en, tr
from test_vouchers_page import stated_report

from explorer import fmt
from explorer.vouchers.budget import eligible_counts, person_cost, plan
from explorer.vouchers.inputs import COUNTS_EXAMPLE
from explorer.vouchers.presets import NEW_YEAR, preset_population
from explorer.vouchers.sweep import sweep

TAB = {name: i for i, name in enumerate(("results", "merchants", "map", "budget", "sweep", "compare", "fund"))}


def opened(at, name: str):
    """The page with tab `name` open (the new tabs are drawn only while open)."""
    at.session_state["vouchers_tab"] = tr(f"tab_{name}")
    at = at.run()
    assert not at.exception
    return at


def metrics(tab) -> dict[str, str]:
    return {m.label: m.value for m in tab.metric}


def test_budget_first_shows_exactly_who_half_the_need_serves_and_a_new_budget_replans(app):
    at = opened(open_en(app, runs=1), "budget")
    tab = at.tabs[TAB["budget"]]
    # Serving all 13,550 costs 5,946,000 CNY; the box starts at half: 5,000 children then 2,832 households.
    assert metrics(tab)[tr("bf_served")] == "7,832 of 13,550"
    assert metrics(tab)[tr("bf_share")] == fmt.percent(7_832 / 13_550, "en")
    at.number_input(key=next(n.key for n in at.number_input if n.key.startswith("bf_budget_"))).set_value(1_000_000.0)
    next(b for b in at.button if b.label == tr("bf_apply")).click()
    at = at.run()
    tab = at.tabs[TAB["budget"]]
    counts = eligible_counts(NEW_YEAR, preset_population("new_year_gift", 1).beneficiaries, seed=1)
    expected = plan(
        1_000_000_00,
        counts,
        person_cost(NEW_YEAR),
        setup=NEW_YEAR.costs.setup,
        priority=["child", "low_income_household"],
    )
    # 1,000,000 − 400,000 set-up = 600,000 CNY: 2,727 children at 220 CNY (599,940), 60 CNY left.
    assert expected.people == 2_727 and expected.left == 60_00
    assert metrics(tab)[tr("bf_served")] == "2,727 of 13,550"
    assert metrics(tab)[tr("bf_left")] == fmt.money(60_00, "CNY", "en")
    assert metrics(tab)[tr("bf_spent")] == fmt.money(expected.spent, "CNY", "en")
    groups = tab.dataframe[0].value
    assert groups[tr("bf_col_served")].tolist() == ["2,727", "0"]
    assert groups[tr("bf_col_stop")].tolist() == [tr("bf_stop_budget"), tr("bf_stop_budget")]


def test_merchant_tab_shows_concentration_and_the_largest_shops_of_the_engine(app):
    at = opened(open_en(app, runs=3), "merchants")
    report = stated_report(NEW_YEAR, "new_year_gift", runs=3)
    tab = at.tabs[TAB["merchants"]]
    shown = metrics(tab)
    assert shown[tr("m_hhi")] == fmt.number(round(report.value("hhi")), "en")
    assert shown[tr("m_top10_merchants_share")] == fmt.percent(report.value("top10_merchants_share"), "en")
    used = int((report.by_merchant["receipts"] > 0).sum())
    assert shown[tr("mv_shops")] == f"{used:,} of {len(report.by_merchant):,}"
    table = tab.dataframe[0].value
    assert table[tr("col_merchant_id")].tolist()[:3] == report.by_merchant["merchant_id"][:3].tolist()
    assert len(table) == len(report.by_merchant)


def test_map_draws_provinces_at_their_coordinates_with_mercator_and_no_tiles(app):
    at = opened(open_en(app, runs=1), "map")
    report = stated_report(NEW_YEAR, "new_year_gift", runs=1)
    specs = [json.loads(c.proto.spec) for c in at.tabs[TAB["map"]].get("vega_lite_chart")]
    assert len(specs) == 2 and all(s["projection"]["type"] == "mercator" for s in specs)
    text = json.dumps(specs)
    assert "tile" not in text and "http" not in text.replace("https://vega.github.io/schema", "")
    layers = [layer for s in specs for layer in s["layer"]]
    assert all(layer["encoding"]["longitude"]["field"] == "lon" for layer in layers)
    assert len(report.by_province) == 63  # every province has 10 or more of the stated 13,550
    frames = [
        pa.ipc.open_stream(d.data.data).read_pandas()
        for c in at.tabs[TAB["map"]].get("vega_lite_chart")
        for d in c.proto.datasets
    ]
    covered = next(f for f in frames if "coverage" in f.columns)
    assert len(covered) == 63
    assert (
        covered.set_index("province_code")["coverage"].round(6).to_dict()
        == report.by_province.set_index("province_code")["coverage"].round(6).to_dict()
    )


def test_a_sweep_run_on_the_page_shows_the_engines_bands_and_its_time(app):
    at = opened(open_en(app, runs=2), "sweep")
    next(b for b in at.button if b.key == "sw_go").click()
    at = at.run()
    assert not at.exception
    tab = at.tabs[TAB["sweep"]]
    expected = sweep(NEW_YEAR, preset_population("new_year_gift", 1), "tranches", [1, 2, 3, 4, 5, 6], runs=2, seed=1)
    # Tranches open on the share of value redeemed (they do not change who holds a usable voucher).
    coverage = expected.table[expected.table["metric"] == "redemption_rate"]
    table = tab.dataframe[0].value
    assert table.iloc[:, 1].tolist() == [
        tr("cell_band", mean=fmt.percent(m, "en"), low=fmt.percent(a, "en"), high=fmt.percent(b, "en"))
        for m, a, b in zip(coverage["mean"], coverage["p05"], coverage["p95"], strict=False)
    ]
    assert any(c.value.startswith("6 points × 2 runs in ") for c in tab.caption)


def test_uploaded_counts_run_the_scheme_on_exactly_those_people_and_bad_rows_are_named(app):
    at = open_en(app, runs=1, population="upload")
    assert tr("in_needed") in [i.value for i in at.info] and not at.tabs
    at.file_uploader(key="vi_counts").set_value(
        ("counts.csv", b"group,province_code,count\nkids,21,5\nchild,99x,3\n", "text/csv")
    )
    at = at.run()
    (error,) = [e.value for e in at.error]
    assert (
        tr(
            "in_at_row",
            row="2",
            column="group",
            reason=tr(
                "in_unknown_value",
                value="kids",
                choices="child, elderly, low_income_household, newborn_family, disabled, disaster_affected",
            ),
        )
        in error
    )
    assert tr("in_at_row", row="3", column="province_code", reason=tr("in_not_integer", value="99x")) in error
    at.file_uploader(key="vi_counts").set_value(("counts.csv", COUNTS_EXAMPLE.encode(), "text/csv"))
    at = at.run()
    assert not at.error and at.tabs
    at = opened(at, "budget")
    # The New-Year gift targets children and low-income households: the example's 4,200 children are eligible.
    assert metrics(at.tabs[TAB["budget"]])[tr("bf_served")].endswith("of 4,200")
    assert any(
        c.value.startswith(tr("pop_upload", groups="4,200 children", people="4,200", issued="")[:40])
        for c in at.caption
    )


def test_the_new_tabs_cost_nothing_until_opened(app):
    at = open_en(app, runs=1)
    assert at.session_state["vouchers_tab"] == tr("tab_results")
    for name in ("merchants", "map", "budget", "sweep"):
        tab = at.tabs[TAB[name]]
        assert not tab.metric and not tab.dataframe and not tab.get("vega_lite_chart") and not tab.button, name
