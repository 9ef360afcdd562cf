"""Coverage and merchants by province as points on the provinces' coordinates (no tiles: offline)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from babel.numbers import get_currency_precision

from explorer.ui.i18n import currency_symbol, money, num, pct, t
from explorer.ui.vouchers.tables import column_title
from explorer.vouchers.report import Report


def coverage_map(report: Report, provinces: pd.DataFrame, province_names: dict[int, str]) -> None:
    """Coverage and shops by province as points on the provinces' coordinates (no map tiles: the app runs
    offline). Every province is a faint dot, so the country's outline shows; provinces under 10 people
    are not in the report and stay faint."""
    if report.suppressed or report.by_merchant is None:
        st.info(t("vouchers.too_few"))
        return
    cur = report.currency
    scale = 10 ** get_currency_precision(cur)
    where = provinces[["code", "lat", "lon"]].rename(columns={"code": "province_code"})
    where["province"] = [province_names.get(int(c), str(c)) for c in where["province_code"]]
    people = report.by_province[["province_code", "beneficiaries", "coverage", "redeemed"]].merge(
        where, on="province_code"
    )
    people = people.assign(
        people_text=[num(round(v)) for v in people["beneficiaries"]], coverage_text=[pct(v) for v in people["coverage"]]
    )
    shops = (
        report.by_merchant.groupby("province_code")
        .agg(shops=("merchant_id", "size"), receipts=("receipts", "sum"))
        .reset_index()
    )
    shops = shops.merge(where, on="province_code")
    shops = shops.assign(
        receipts_major=shops["receipts"] / scale,
        shops_text=[num(v) for v in shops["shops"]],
        receipts_text=[money(round(v), cur) for v in shops["receipts"]],
    )
    projection = alt.Projection(type="mercator")
    outline = (
        alt.Chart(where)
        .mark_circle(size=14, color="#d0d0d0")
        .encode(
            longitude="lon:Q", latitude="lat:Q", tooltip=[alt.Tooltip("province:N", title=column_title("province"))]
        )
    )
    coverage_layer = (
        alt.Chart(people)
        .mark_circle(opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size(
                "beneficiaries:Q",
                title=column_title("beneficiaries"),
                scale=alt.Scale(range=[30, 900]),
                legend=alt.Legend(orient="bottom", format="~s", columns=2, labelLimit=0),
            ),
            color=alt.Color(
                "coverage:Q",
                title=column_title("coverage"),
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                legend=alt.Legend(orient="bottom", format="%"),
            ),
            tooltip=[
                alt.Tooltip("province:N", title=column_title("province")),
                alt.Tooltip("people_text:N", title=column_title("beneficiaries")),
                alt.Tooltip("coverage_text:N", title=column_title("coverage")),
            ],
        )
    )
    shop_layer = (
        alt.Chart(shops)
        .mark_circle(opacity=0.7, color="#1f77b4", stroke="white", strokeWidth=0.5)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size(
                "receipts_major:Q",
                title=t("vouchers.map_receipts", currency=currency_symbol(cur)),
                scale=alt.Scale(range=[30, 900]),
                legend=alt.Legend(orient="bottom", format="~s", columns=2, labelLimit=0),
            ),
            tooltip=[
                alt.Tooltip("province:N", title=column_title("province")),
                alt.Tooltip("shops_text:N", title=t("vouchers.col_shops")),
                alt.Tooltip("receipts_text:N", title=column_title("receipts")),
            ],
        )
    )
    left, right = st.columns(2)
    size = {"height": 520, "projection": projection}
    left.altair_chart((outline + coverage_layer).properties(title=t("vouchers.map_coverage"), **size), width="stretch")
    right.altair_chart((outline + shop_layer).properties(title=t("vouchers.map_shops"), **size), width="stretch")
    lowest = people.sort_values("coverage").head(3)
    st.caption(
        t(
            "vouchers.map_note",
            provinces=num(len(people)),
            total=num(len(where)),
            lowest=", ".join(f"{p} ({pct(c)})" for p, c in zip(lowest["province"], lowest["coverage"], strict=False)),
        )
    )
