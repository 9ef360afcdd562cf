"""The results tab's charts: redemption over time and the Lorenz curve with bands, coverage, costs."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from babel.numbers import get_currency_precision

from explorer.ui.charts import Layered
from explorer.ui.i18n import currency_symbol, money, pct, t
from explorer.ui.vouchers.labels import label
from explorer.vouchers.report import Report


def charts(report: Report, by_province: pd.DataFrame) -> None:
    left, right = st.columns(2)
    left.altair_chart(
        band_chart(report.curve, "day", t("vouchers.axis_day"), t("vouchers.axis_redeemed"), t("vouchers.chart_curve")),
        width="stretch",
    )
    lorenz = band_chart(
        report.lorenz,
        "merchant_share",
        t("vouchers.axis_merchants"),
        t("vouchers.axis_receipts"),
        t("vouchers.chart_lorenz"),
        x_format="%",
    )
    equality = (
        alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]}))
        .mark_line(strokeDash=[4, 4], color="gray")
        .encode(x="x:Q", y="y:Q")
    )
    right.altair_chart(lorenz + equality, width="stretch")
    # Long sentences go in captions (they wrap); chart titles stay short (Vega-Lite cuts or squeezes long ones).
    chart, note = province_chart(by_province)
    left.altair_chart(chart, width="stretch", height=chart.height)
    if note:
        left.caption(note)
    chart = cost_chart(report)
    right.altair_chart(chart, width="stretch", height=chart.height)
    right.caption(cost_title(report))


def cost_frame(report: Report) -> pd.DataFrame:
    """Every cost bar with its label and formatted amount; the total is the sum of all of them."""
    scale = 10 ** get_currency_precision(report.currency)
    costs = report.costs()
    return pd.DataFrame(
        {
            "part": [t(f"vouchers.m_{p}") for p in costs["part"]],
            "amount": costs["amount"] / scale,
            "text": [money(round(v), report.currency) for v in costs["amount"]],
            "payer": [
                t("vouchers.payer_beneficiaries" if p == "travel_cost" else "vouchers.payer_programme")
                for p in costs["part"]
            ],
        }
    )


def cost_title(report: Report) -> str:
    costs = report.costs()
    travel = float(costs.loc[costs["part"] == "travel_cost", "amount"].sum())
    total = float(costs["amount"].sum())
    cur = report.currency
    return t(
        "vouchers.chart_costs_total",
        total=money(round(total), cur),
        programme=money(round(total - travel), cur),
        travel=money(round(travel), cur),
    )


def cost_chart(report: Report) -> Layered:
    frame = cost_frame(report)
    base = alt.Chart(frame).encode(
        y=alt.Y("part:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0, labelOverlap=False)),
        x=alt.X(
            "amount:Q",
            title=currency_symbol(report.currency),  # the sign its bars' amounts carry ('¥400,000.00')
            axis=alt.Axis(format=",.0f"),  # grouped in the page's locale ('4.000.000'); '~s' wrote '4M' in any language
            scale=alt.Scale(domain=[0, max(float(frame["amount"].max()), 1.0) * 2.2]),
        ),
    )  # room for the labels on a phone
    bars_ = base.mark_bar().encode(
        color=alt.Color("payer:N", title=None, legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)),
        tooltip=[alt.Tooltip("part:N"), alt.Tooltip("text:N")],
    )
    text = base.mark_text(align="left", dx=3).encode(text="text:N")
    return (bars_ + text).properties(title=t("vouchers.chart_costs"), height=34 * len(frame) + 160)


PROVINCES_SHOWN = 12


def province_chart(by_province: pd.DataFrame) -> tuple[Layered, str | None]:
    """All provinces when they fit; else the PROVINCES_SHOWN lowest coverage (the ones to act on), every name
    shown, and a note saying so."""
    frame = by_province.sort_values("coverage")
    note = None
    if len(frame) > PROVINCES_SHOWN:
        note = t(
            "vouchers.chart_province_lowest",
            shown=PROVINCES_SHOWN,
            total=len(frame),
            low=pct(frame["coverage"].min()),
            high=pct(frame["coverage"].max()),
        )
        frame = frame.head(PROVINCES_SHOWN)
    frame = frame.assign(text=[pct(v) for v in frame["coverage"]])
    base = alt.Chart(frame).encode(
        y=alt.Y("province:N", sort="x", title=None, axis=alt.Axis(labelLimit=0, labelOverlap=False)),
        x=alt.X("coverage:Q", title=label("coverage"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    )
    chart = base.mark_bar() + base.mark_text(align="left", dx=3).encode(text="text:N")
    return chart.properties(title=t("vouchers.chart_province"), height=26 * len(frame) + 120), note


def band_chart(
    frame: pd.DataFrame, x: str, x_title: str, y_title: str, title: str, x_format: str | None = None
) -> Layered:
    axis = alt.Axis(format=x_format) if x_format else alt.Axis()
    base = alt.Chart(frame).encode(x=alt.X(f"{x}:Q", title=x_title, axis=axis))
    band = base.mark_area(opacity=0.25).encode(y=alt.Y("p05:Q", title=y_title, axis=alt.Axis(format="%")), y2="p95:Q")
    line = base.mark_line().encode(
        y="mean:Q",
        tooltip=[
            alt.Tooltip(f"{x}:Q", format=x_format or ""),
            alt.Tooltip("mean:Q", format=".1%"),
            alt.Tooltip("p05:Q", format=".1%"),
            alt.Tooltip("p95:Q", format=".1%"),
        ],
    )
    return (band + line).properties(title=title, height=280)
