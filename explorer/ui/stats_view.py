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
