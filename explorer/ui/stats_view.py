"""Altair charts for the Stats page (no data access here)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from explorer.ui.charts import Layered


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
        # 24 px a bar, whatever the axis below needs: a fixed total (24 px a bar + 40) left a short list 19 px a
        # bar on a phone, and Vega hid every other province's name.
        .properties(height=alt.Step(24))
    )


VIETNAM_LON, VIETNAM_LAT = [102.0, 110.0], [8.3, 23.6]  # degrees: the mainland and near islands
MAP_WIDTH, MAP_HEIGHT = 330, 600  # px: 8° of longitude against 15.3° of latitude, at ~16° N
LABELLED = 10  # provinces named on the map (the most raised)


def province_map(frame: pd.DataFrame, names: dict[str, str], province_title: str) -> Layered:
    """Circles on the provinces' coordinates (no map outline: a geoshape is not needed to see where money
    went), one for money raised and one for money disbursed, area proportional to the amount. Longitude and
    latitude are plain x / y scales over Vietnam's extent (between 8° and 23.5° N a projection changes little). `names`:
    {"raised": …, "disbursed": …} in the page's language, for the legend and the tooltip."""
    # One row per province and measure, each keeping both figures for the tooltip (melt drops value columns
    # that are also id columns).
    long = pd.concat([frame.assign(measure=m, amount=frame[m]) for m in ("raised", "disbursed")], ignore_index=True)
    long["measure"] = long["measure"].map(names)
    long = long[long.amount > 0]
    order = [names["raised"], names["disbursed"]]
    circles = (
        alt.Chart(long)
        .mark_circle(opacity=0.55, stroke="#333", strokeWidth=0.5)
        .encode(
            x=alt.X("lon:Q", scale=alt.Scale(domain=VIETNAM_LON, nice=False), axis=None),
            y=alt.Y("lat:Q", scale=alt.Scale(domain=VIETNAM_LAT, nice=False), axis=None),
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
    )
    # The provinces with the most money named beside their circle, so the map reads without an outline.
    named = frame.nlargest(LABELLED, "raised")
    labels = (
        alt.Chart(named)
        .mark_text(align="left", dx=9, fontSize=11, color="#222")
        .encode(
            x=alt.X("lon:Q", scale=alt.Scale(domain=VIETNAM_LON, nice=False), axis=None),
            y=alt.Y("lat:Q", scale=alt.Scale(domain=VIETNAM_LAT, nice=False), axis=None),
            text="province:N",
        )
    )
    # Fixed size in the country's proportions (8° wide, 15° tall), narrow enough for a phone.
    return (circles + labels).properties(width=MAP_WIDTH, height=MAP_HEIGHT)
