"""Altair chart builders shared by pages (no data access here)."""
from __future__ import annotations

import altair as alt
import pandas as pd


def daily_bars(frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X(f"{x}:T", title=x_title), y=alt.Y(f"{y}:Q", title=y_title),
                tooltip=[alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{y}:Q", format=",")])
        .properties(height=280)
    )
