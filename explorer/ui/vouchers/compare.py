"""Named scenarios compared side by side: identity includes runs and seed, removable, shareable in one
URL; a table and charts with 5–95 % bands and differences against a chosen baseline."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from explorer.ui.i18n import t
from explorer.ui.vouchers.labels import fmt_value, label
from explorer.ui.vouchers.run import population_key, run_report
from explorer.ui.vouchers.tables import escape_markdown, labelled_downloads
from explorer.vouchers import codec
from explorer.vouchers.report import (
    HEADLINE,
    Report,
    comparison_curves,
    comparison_for_people,
    comparison_long,
)
from explorer.vouchers.scheme import Scheme

MAX_COMPARE = 5


SCENARIOS = "vouchers_scenarios"


@dataclass
class Scenario:
    name: str
    identity: tuple  # (scheme JSON, population, preset, runs, seed): what makes two results the same
    report: Report
    population: str
    preset: str = ""
    token: str = ""  # the scheme as a URL token against its preset
    runs: int = 0
    seed: int = 0


def scenarios_token() -> str:
    """The comparison as one URL parameter (names, presets, schemes, populations, runs and seeds)."""
    return codec.encode_scenarios(
        [
            {
                "name": s.name,
                "preset": s.preset,
                "scheme": s.token,
                "population": s.population,
                "runs": s.runs,
                "seed": s.seed,
            }
            for s in st.session_state.get(SCENARIOS, [])
        ]
    )


def load_scenarios(token: str, presets: dict[str, Scheme]) -> None:
    """Rebuild a shared comparison from its URL token, once per token and only into an empty comparison."""
    if not token or st.session_state.get(SCENARIOS) or st.session_state.get("vc_loaded") == token:
        return
    st.session_state["vc_loaded"] = token
    rows, refused = codec.decode_scenarios(token, presets)
    saved = st.session_state.setdefault(SCENARIOS, [])
    for row in rows:
        report = run_report(row["parsed"], row["population"], row["preset"], row["runs"], row["seed"])
        if report is None:
            refused += 1
            continue
        add_scenario(
            saved,
            Scenario(
                row["name"],
                scenario_identity(row["parsed"], row["population"], row["preset"], row["runs"], row["seed"]),
                report,
                row["population"],
                row["preset"],
                row["scheme"],
                row["runs"],
                row["seed"],
            ),
        )
    if refused:
        st.info(t("vouchers.compare_link_refused", count=refused))


def scenario_identity(scheme: Scheme, source: str, preset: str, runs: int, seed: int) -> tuple:
    return (codec.to_json(scheme), population_key(source), preset, runs, seed)


def default_name(scheme: Scheme, source: str, runs: int, seed: int) -> str:
    return t(
        "vouchers.scenario_default",
        name=scheme.name,
        population=t(f"vouchers.population_short_{source}"),
        runs=runs,
        seed=seed,
    )


def add_scenario(saved: list[Scenario], new: Scenario) -> tuple[str, dict]:
    """Adds `new` unless the same scenario (same scheme, population, runs and seed) or the same name is
    already there — nothing is ever replaced silently. Returns (message key, values)."""
    same = next((s for s in saved if s.identity == new.identity), None)
    if same is not None:
        return "vouchers.scenario_exists", {"name": same.name}
    if any(s.name == new.name for s in saved):
        return "vouchers.scenario_name_taken", {"name": new.name}
    if len(saved) >= MAX_COMPARE:
        return "vouchers.compare_full", {"most": MAX_COMPARE}
    saved.append(new)
    return "vouchers.scenario_added", {"name": new.name}


def label_width(texts: list[str]) -> int:
    """Pixels a column needs for the longest of `texts` at the table's font (wide CJK characters count
    double), within what a phone can still show beside a value."""
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) for text in texts), default=0)
    return max(120, min(340, 8 * longest + 32))


def compare(scheme: Scheme, report: Report, source: str, preset: str, runs: int, seed: int, token: str = "") -> None:
    saved: list[Scenario] = st.session_state.setdefault(SCENARIOS, [])
    identity = scenario_identity(scheme, source, preset, runs, seed)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.text_input(
        t("vouchers.scenario_name"),
        default_name(scheme, source, runs, seed),
        key=f"vc_name_{hashlib.sha1(repr(identity).encode()).hexdigest()[:8]}",
        max_chars=60,
    )
    if right.button(t("vouchers.compare_add"), key="vc_add", disabled=report.suppressed, width="stretch"):
        message, values = add_scenario(
            saved,
            Scenario(
                name.strip() or default_name(scheme, source, runs, seed),
                identity,
                report,
                source,
                preset,
                token,
                runs,
                seed,
            ),
        )
        (st.success if message == "vouchers.scenario_added" else st.warning)(t(message, **values))
    if not saved:
        st.caption(t("vouchers.compare_hint", most=MAX_COMPARE))
        return
    for i, scenario in enumerate(list(saved)):
        a, b = st.columns([5, 1], vertical_alignment="center")
        a.markdown(
            f"**{i + 1}.** {escape_markdown(scenario.name)} — "
            + t(
                "vouchers.scenario_meta",
                runs=scenario.report.runs,
                seed=scenario.report.seed,
                population=t(f"vouchers.population_short_{scenario.population}"),
            )
        )
        if b.button(t("vouchers.scenario_remove"), key=f"vc_rm_{i}", width="stretch"):
            saved.remove(scenario)
            st.rerun()
    if st.button(t("vouchers.compare_clear"), key="vc_clear"):
        saved.clear()
        st.rerun()
    reports = {s.name: s.report for s in saved if not s.report.suppressed}
    names = list(reports)
    baseline = st.selectbox(t("vouchers.baseline"), names, key="vc_baseline")
    table = comparison_long(reports, baseline)
    cells = {}
    for scenario_name in names:
        rows = table[table["scenario"] == scenario_name]
        cur = reports[scenario_name].currency
        cells[scenario_name] = [
            t(
                "vouchers.cell_band",
                mean=fmt_value(r["metric"], r["mean"], cur),
                low=fmt_value(r["metric"], r["p05"], cur),
                high=fmt_value(r["metric"], r["p95"], cur),
            )
            + (
                ""
                if scenario_name == baseline
                else "  " + t("vouchers.cell_diff", diff=fmt_value(r["metric"], r["difference"], cur, signed=True))
            )
            for r in rows.to_dict("records")
        ]
    st.caption(t("vouchers.compare_note", baseline=baseline))
    names_shown = [label(m) for m in HEADLINE]
    st.dataframe(
        pd.DataFrame(cells, index=names_shown),
        width="stretch",
        # The metric names are the row labels: as wide as the longest one in this language, so none is cut
        # ("Still on vouchers at the end" was, at Streamlit's default index width).
        column_config={"_index": st.column_config.TextColumn(width=label_width(names_shown))},
    )
    # Legend entries start with the scenario's number: on a phone a long name is cut, the number still tells
    # the lines apart.
    curves = comparison_curves({f"{i + 1} · {name}": r for i, (name, r) in enumerate(reports.items())})
    base = alt.Chart(curves).encode(
        x=alt.X("day:Q", title=t("vouchers.axis_day")),
        color=alt.Color(
            "scheme:N",
            title=None,
            scale=alt.Scale(scheme="category10"),
            legend=alt.Legend(orient="bottom", columns=1, labelLimit=0),
        ),
    )
    chart = base.mark_area(opacity=0.15).encode(
        y=alt.Y("p05:Q", title=t("vouchers.axis_redeemed"), axis=alt.Axis(format="%")), y2="p95:Q"
    ) + base.mark_line().encode(y="mean:Q")
    st.altair_chart(chart.properties(title=t("vouchers.chart_curve"), height=300), width="stretch")
    labelled_downloads(comparison_for_people(table), "vouchers_comparison", t("vouchers.comparison_short"))
    st.caption(t("vouchers.compare_share"))
