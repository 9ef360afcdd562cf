"""Altair chart builders shared by pages, and `show`, which every public chart goes through so it speaks the
page's language: Vega-Lite's locale (month and weekday names, decimal and group marks, the currency symbol,
from Babel's CLDR data via explorer.fmt) and one date format per language on time axes and tooltips."""

from __future__ import annotations

from typing import Any, TypeAlias

import altair as alt
import pandas as pd
import streamlit as st

from explorer import fmt
from explorer.ui.i18n import lang

# Any top-level chart st.altair_chart draws (Streamlit's AltairChart).
TopChart: TypeAlias = (
    alt.Chart
    | alt.LayerChart
    | alt.FacetChart
    | alt.ConcatChart
    | alt.HConcatChart
    | alt.VConcatChart
    | alt.RepeatChart
)
# What layering (`a + b`, alt.layer) returns: Altair turns layers that share a facet into a facet chart.
Layered: TypeAlias = alt.LayerChart | alt.FacetChart


# Room to the right of the plot: Vega's fit-to-width layout can come out a pixel or two wider than the chart (its
# text measure and the drawn labels differ), which clipped the last axis label ('24.000.000' on the Stats page).
# Top and bottom stay Streamlit's (it fills in the bottom padding when the spec leaves it out).
PADDING = {"left": 5, "right": 10}


def localised(chart: TopChart, currency: str = "VND") -> TopChart:
    """`chart` with the page language's Vega-Lite locale (its d3 number and time locale)."""
    configured = chart.configure(locale=fmt.vega_locale(lang(), currency)).configure_legend(labelLimit=0, titleLimit=0)
    return configured.properties(padding=PADDING)


def show(chart: TopChart, container: Any = None, currency: str = "VND", **kwargs: Any) -> Any:
    """st.altair_chart (full width) with the page language's locale."""
    kwargs.setdefault("width", "stretch")
    return (container or st).altair_chart(localised(chart, currency), **kwargs)


def day_axis(title: str | None) -> alt.Axis:
    """A time axis labelled with whole dates in the page's format (the year always shown)."""
    return alt.Axis(title=title, format=fmt.d3_date(lang()), labelOverlap=True, labelAngle=0)


def day_tip(field: str, title: str) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:T", title=title, format=fmt.d3_date(lang()))


def money_tip(field: str, title: str) -> alt.Tooltip:
    """A money tooltip: digits grouped and the currency symbol placed as the page's language does."""
    return alt.Tooltip(f"{field}:Q", title=title, format="$,.0f")


def count_tip(field: str, title: str) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=title, format=",d")


def daily_bars(frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:T", axis=day_axis(x_title)),
            y=alt.Y(f"{y}:Q", title=y_title),
            tooltip=[day_tip(x, x_title), money_tip(y, y_title)],
        )
        .properties(height=280)
    )
