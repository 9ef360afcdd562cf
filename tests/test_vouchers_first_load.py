"""The voucher page's first load and the comparison table's row labels.

A report on a preset's synthetic population is the same for everyone (seeded population and runs), so it is
computed once per server and a fresh visitor gets it without a simulation; the comparison's metric names
get a column as wide as the longest of them, so none is cut ("Still on vouchers at the end" was)."""

from __future__ import annotations

import json

from page_specs import open_page
from streamlit.testing.v1 import AppTest
from test_vouchers_designer import open_en

from explorer.ui.vouchers import run
from explorer.ui.vouchers.compare import label_width
from explorer.vouchers.report import HEADLINE


def count_simulations(monkeypatch) -> list[int]:
    """The seeds of the simulations the page runs from now on."""
    calls, real = [], run.simulate

    def counted(*args, **kwargs):
        calls.append(kwargs["seed"])
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "simulate", counted)
    return calls


def fresh(app) -> AppTest:
    """Another session of the same app: a new visitor."""
    return AppTest.from_file(app._script_path, default_timeout=60)


def test_a_second_visitor_gets_the_presets_report_without_a_simulation(app, monkeypatch):
    calls = count_simulations(monkeypatch)
    seed = 918_273  # a seed no other test uses: the shared cache starts without it
    first = open_page(app, "vouchers", runs="2", seed=str(seed))
    second = open_page(fresh(app), "vouchers", runs="2", seed=str(seed))
    assert calls == [seed]  # one simulation for two sessions
    shown = [[(m.label, m.value) for m in at.metric] for at in (first, second)]
    assert shown[0] and shown[0] == shown[1]


def test_another_seed_is_another_report(app, monkeypatch):
    calls = count_simulations(monkeypatch)
    open_page(app, "vouchers", runs="1", seed="918274")
    open_page(fresh(app), "vouchers", runs="1", seed="918275")
    assert calls == [918274, 918275]


def test_the_comparisons_row_labels_are_as_wide_as_the_longest_name(app):
    at = open_en(app, runs=1)
    at = at.button(key="vc_add").click().run()
    at = at.number_input(key="vp_seed_en").set_value(3).run()
    at = at.button(key="vc_add").click().run()
    table = next(d for d in at.dataframe if len(d.value.index) == len(HEADLINE))
    names = list(table.value.index)
    config = json.loads(table.proto.columns)
    width = config["_index"]["width"]
    assert width == label_width(names)
    longest = max(names, key=len)
    assert width >= 8 * len(longest), (longest, width)  # about 7 px a character at the table's font


def test_label_width_counts_wide_characters_twice():
    assert label_width(["Still on vouchers at the end"]) == 8 * 28 + 32
    assert label_width(["已兑换比例"]) == 120  # 10 narrow widths: the minimum
    assert label_width(["出行超过五十公里的受益人所占的份额比例"]) == 8 * 38 + 32
    assert label_width(["x" * 200]) == 340  # a phone must still see a value beside it
