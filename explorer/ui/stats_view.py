"""Altair charts for the Stats page (no data access here)."""

from __future__ import annotations

import altair as alt
import pandas as pd


def ordered_bars(frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str, order: list) -> alt.Chart:
    """Vertical bars in a fixed category order (amount buckets, hours), with the share in the tooltip."""
    tooltip = [alt.Tooltip(f"{x}:N", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=",d")]
    if "share" in frame:
        tooltip.append(alt.Tooltip("share:Q", title="%", format=".1%"))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", sort=order, title=x_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{y}:Q", title=y_title),
            tooltip=tooltip,
        )
        .properties(height=260)
    )


def ranked_bars(frame: pd.DataFrame, label: str, value: str, value_title: str, lines_title: str = "#") -> alt.Chart:
    """Horizontal bars, biggest first (provinces), one readable row per bar."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort="-x", title=None),
            x=alt.X(f"{value}:Q", title=value_title),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=" "),
                alt.Tooltip(f"{value}:Q", title=value_title, format="$,.0f"),
                alt.Tooltip("lines:Q", title=lines_title, format=",d"),
            ],
        )
        .properties(height=24 * len(frame) + 40)
    )


def province_map(frame: pd.DataFrame, names: dict[str, str], province_title: str) -> alt.Chart:
    """Circles on the provinces' coordinates (no map outline: a geoshape is not needed to see where money
    went), one for money raised and one for money disbursed, area proportional to the amount. `names`:
    {"raised": …, "disbursed": …} in the page's language, for the legend and the tooltip."""
    long = frame.melt(
        id_vars=["province", "lat", "lon", "raised", "disbursed"],
        value_vars=["raised", "disbursed"],
        var_name="measure",
        value_name="amount",
    )
    long["measure"] = long["measure"].map(names)
    long = long[long.amount > 0]
    order = [names["raised"], names["disbursed"]]
    return (
        alt.Chart(long)
        .mark_circle(opacity=0.55, stroke="#333", strokeWidth=0.5)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size("amount:Q", scale=alt.Scale(range=[30, 2200]), legend=None),
            color=alt.Color(
                "measure:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=["#2e7d32", "#e65100"]),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("amount:Q", sort="descending"),  # small circles drawn on top of big ones
            tooltip=[
                alt.Tooltip("province:N", title=province_title),
                alt.Tooltip("raised:Q", title=names["raised"], format="$,.0f"),
                alt.Tooltip("disbursed:Q", title=names["disbursed"], format="$,.0f"),
            ],
        )
        .project(type="mercator")
        .properties(height=560)
    )
