"""How the money came: the channel-mix chart (stats, campaign, presenter), a giving day's matching pool and
charity purchases on a campaign's page."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from explorer.queries import channels
from explorer.ui import charts
from explorer.ui.data import query
from explorer.ui.i18n import day, labels, money, num, pct, t
from explorer.ui.listing import money_column


def mix_chart(mix: pd.DataFrame) -> alt.Chart:
    """Two bars per channel: its share of the gifts and of the money (so a few big transfers and many small
    e-wallet gifts both show)."""
    long = pd.concat(
        [
            pd.DataFrame({"channel": mix.channel, "measure": t("channels.lines_share"), "share": mix.line_share}),
            pd.DataFrame({"channel": mix.channel, "measure": t("channels.amount_share"), "share": mix.amount_share}),
        ],
        ignore_index=True,
    )
    long["label"] = long.channel.map(labels("channels."))
    long["shown"] = long.share.map(pct)
    order = list(mix.channel.map(labels("channels.")))
    measures = [t("channels.lines_share"), t("channels.amount_share")]
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=140)),
            xOffset=alt.XOffset("measure:N", sort=measures),
            y=alt.Y("share:Q", title=t("channels.share"), axis=alt.Axis(format="%")),
            color=alt.Color("measure:N", title=None, sort=measures),
            tooltip=[
                alt.Tooltip("label:N", title=t("channels.channel")),
                alt.Tooltip("measure:N", title=" "),
                alt.Tooltip("shown:N", title=t("channels.share")),
            ],
        )
        .properties(height=260)
    )


def mix(frame: pd.DataFrame, container: Any = None) -> None:
    """The channel mix with its heading and what it counts (nothing when there are no gifts)."""
    box = container or st
    if frame.empty:
        return
    box.subheader(t("channels.mix_title"))
    charts.show(mix_chart(frame), box)
    box.caption(t("channels.mix_caption"))


def mix_line(frame: pd.DataFrame) -> None:
    """The mix as one line of text (the presenter's screen has no room for a chart): money share per channel."""
    if not frame.empty:
        parts = " · ".join(f"{t(f'channels.{r.channel}')} {pct(r.amount_share)}" for r in frame.itertuples())
        st.caption(f"{t('channels.mix_title')}: {parts}")


def campaign_panel(campaign_id: int, currency: str) -> None:
    """On a campaign's page: its channel mix, its giving day's pool (gifts vs matched vs pool left) if it took part
    in one, and merchants' charity purchases as one source each with the items sold."""
    pool = query(channels.pool_of, campaign_id=campaign_id)
    if pool is not None:
        st.subheader(t("channels.pool_title", name=pool["name"]))
        st.caption(
            t(
                "channels.pool_rules",
                sponsor=pool["sponsor"],
                ratio=num(pool["ratio_pct"]),
                day=day(pool["day"]),
                cap_gift=money(pool["cap_per_gift"], pool["currency"]),
                cap_project=money(pool["cap_per_project"], pool["currency"]),
                pool=money(pool["pool_size"], pool["currency"]),
            )
        )
        projects = pool["projects"]
        mine = projects[projects.campaign_id == campaign_id].iloc[0]
        cols = st.columns(3)
        cols[0].metric(t("channels.gifts"), money(int(mine.gifts), currency))
        cols[1].metric(t("channels.matched"), money(int(mine.matched), currency))
        cols[2].metric(t("channels.pool_left"), money(pool["left"], pool["currency"]))
        st.dataframe(
            projects[["title", "gift_lines", "gifts", "matched", "cap_left"]],
            hide_index=True,
            column_config={
                "title": t("channels.project"),
                "gift_lines": t("channels.gift_lines"),
                "gifts": money_column(t("channels.gifts")),
                "matched": money_column(t("channels.matched")),
                "cap_left": money_column(t("channels.cap_left")),
            },
        )
    bought = query(channels.charity_purchases, campaign_id=campaign_id)
    if not bought.empty:
        st.subheader(t("channels.purchases_title"))
        st.dataframe(
            bought[["merchant", "transfers", "items", "per_item", "amount"]],
            hide_index=True,
            column_config={
                "merchant": t("channels.merchant"),
                "transfers": t("channels.transfers"),
                "items": t("channels.items"),
                "per_item": money_column(t("channels.per_item")),
                "amount": money_column(t("channels.amount")),
            },
        )
    mix(query(channels.channel_mix, campaign_id=campaign_id))
