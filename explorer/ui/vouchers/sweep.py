"""Sensitivity sweep: one parameter over a range, common-seed runs per point, outcomes with bands."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from babel.numbers import get_currency_precision

from explorer.ui.i18n import compact_money, currency_symbol, labels, num, pct, t
from explorer.ui.vouchers.errors import error_text
from explorer.ui.vouchers.labels import label, metric_labels
from explorer.ui.vouchers.tables import labelled_downloads
from explorer.vouchers import codec
from explorer.vouchers.population import Population
from explorer.vouchers.scheme import Scheme
from explorer.vouchers.sweep import MAX_POINTS, OUTCOMES, PARAMETERS, default_values, sweep

SWEEPS = "vouchers_sweeps"


SWEEP_OUTCOME = {
    "tranches": "redemption_rate",
    "expiry_days": "redemption_rate",
    "claim_rate": "coverage",
    "merchant_density": "top10_merchants_share",
    "travel_km": "coverage",
    "cap": "redemption_rate",
}


def _sweep_input(kind: str, value: float, cur: str):
    """A parameter value as typed: shares in %, money in major units, the rest as they are."""
    if kind == "share":
        return round(value * 100, 1)
    if kind == "money":
        return codec.major(int(value), cur)
    return value


def _sweep_value(kind: str, typed: float, cur: str) -> float:
    if kind == "share":
        return round(typed / 100, 4)
    if kind == "money":
        return codec.minor(typed, cur)
    return int(round(typed)) if kind in ("count", "days") else float(typed)


def sweep_label(parameter: str, value: float, cur: str) -> str:
    kind = PARAMETERS[parameter]
    if kind == "share":
        return pct(value, 0)
    if kind == "money":
        return compact_money(round(value), cur)
    return num(value)


def sensitivity(scheme: Scheme, population: Population, key: tuple, runs: int, seed: int) -> None:
    """Vary one parameter over a range and watch an outcome, with the 5–95 % band of K runs at each point."""
    cur = scheme.currency
    parameter = st.selectbox(
        t("vouchers.sw_parameter"), list(PARAMETERS), format_func=labels("vouchers.sw_p_"), key="sw_parameter"
    )
    kind = PARAMETERS[parameter]
    defaults = default_values(scheme, parameter)
    cols = st.columns(4)
    whole = kind in ("count", "days", "km")
    step = {"share": 5.0, "money": 100.0 if get_currency_precision(cur) else 100_000.0}.get(kind, 1)
    first, last = (_sweep_input(kind, defaults[0], cur), _sweep_input(kind, defaults[-1], cur))
    if whole:
        first, last = int(first), int(last)
    else:
        first, last, step = float(first), float(last), float(step)
    unit = t(f"vouchers.sw_unit_{kind}", currency=currency_symbol(cur))
    low = cols[0].number_input(t("vouchers.sw_from", unit=unit), value=first, step=step, key=f"sw_from_{parameter}")
    high = cols[1].number_input(t("vouchers.sw_to", unit=unit), value=last, step=step, key=f"sw_to_{parameter}")
    points = cols[2].number_input(t("vouchers.sw_points"), 2, MAX_POINTS, 6, key="sw_points")
    k = cols[3].number_input(t("vouchers.sw_runs"), 1, 50, min(runs, 20), key="sw_runs")
    raw = [
        _sweep_value(kind, v, cur)
        for v in (pd.Series(range(int(points))) * (high - low) / max(int(points) - 1, 1) + low)
    ]
    values = list(dict.fromkeys(raw))  # whole-number parameters can repeat on a short range
    # Each parameter opens on the outcome it moves (tranches do not change who holds a usable voucher).
    outcomes: list[str] = list(OUTCOMES)
    outcome = st.selectbox(
        t("vouchers.sw_outcome"),
        outcomes,
        outcomes.index(SWEEP_OUTCOME[parameter]),
        format_func=metric_labels(),
        key=f"sw_outcome_{parameter}",
    )
    sweep_key = (key, parameter, tuple(values), int(k), seed)
    store = st.session_state.setdefault(SWEEPS, {})
    if st.button(t("vouchers.sw_run", points=len(values), runs=int(k)), type="primary", key="sw_go"):
        bar = st.progress(0.0, text=t("vouchers.sw_running"))

        def on_progress(done: float) -> None:
            bar.progress(done, text=t("vouchers.sw_running"))

        try:
            store.clear()
            store[sweep_key] = sweep(
                scheme,
                population,
                parameter,
                values,
                runs=int(k),
                seed=seed,
                progress=on_progress,
            )
        finally:
            bar.empty()
    result = store.get(sweep_key)
    if result is None:
        st.caption(t("vouchers.sw_hint"))
        return
    st.caption(
        t("vouchers.sw_timing", points=num(len(values)), runs=num(result.runs), seconds=num(round(result.seconds, 2)))
    )
    for value, exc in result.refused.items():
        st.warning(
            t(
                "vouchers.sw_refused",
                value=sweep_label(parameter, value, cur),
                reason=error_text(exc, cur, [tg.group for tg in scheme.targets]),
            ),
            icon="⚠️",
        )
    frame = result.table[result.table["metric"] == outcome].copy()
    if frame.empty:
        return
    percent = outcome != "cost_per_unit_delivered"
    frame["x"] = (
        frame["value"] * (100 if kind == "share" else 1) / (10 ** get_currency_precision(cur) if kind == "money" else 1)
    )
    frame["text"] = [
        t(
            "vouchers.cell_band",
            mean=(pct(m) if percent else num(round(m, 3))),
            low=(pct(a) if percent else num(round(a, 3))),
            high=(pct(b) if percent else num(round(b, 3))),
        )
        for m, a, b in zip(frame["mean"], frame["p05"], frame["p95"], strict=False)
    ]
    frame["label"] = [sweep_label(parameter, v, cur) for v in frame["value"]]
    x_title = t(f"vouchers.sw_p_{parameter}") + ("" if kind == "count" else f" ({unit})")
    y_axis = alt.Axis(format="%") if percent else alt.Axis()
    x_axis = alt.Axis(format="d", values=sorted(frame["x"].unique().tolist())) if whole else alt.Axis()
    base = alt.Chart(frame).encode(x=alt.X("x:Q", title=x_title, axis=x_axis))
    # The y axis fits the values (not from 0), so a band a point wide still shows; the table has the numbers.
    chart = base.mark_area(opacity=0.25).encode(
        y=alt.Y("p05:Q", title=label(outcome), axis=y_axis, scale=alt.Scale(zero=False, padding=12)), y2="p95:Q"
    ) + base.mark_line(point=True).encode(
        y="mean:Q", tooltip=[alt.Tooltip("label:N", title=x_title), alt.Tooltip("text:N", title=label(outcome))]
    )
    st.altair_chart(chart.properties(title=t("vouchers.sw_chart"), height=300), width="stretch")
    st.caption(t("vouchers.sw_note", runs=num(result.runs)))
    table = pd.DataFrame({x_title: frame["label"], label(outcome): frame["text"]})
    st.dataframe(table, hide_index=True, width="stretch")
    export = result.table.assign(parameter=parameter, currency=cur)
    labelled_downloads(export, "vouchers_sweep", t("vouchers.sw_short"))
