"""Campaign tables and one campaign's page: money vs target, rule status, workflow timeline, donations, lines."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from explorer.fmt import d3_date
from explorer.queries import accounts, campaigns, disbursements, flags
from explorer.ui import channel_view, charts, disbursements_view, donate, flags_view, phone, province_labels, share
from explorer.ui.data import query
from explorer.ui.i18n import compact_money, labels, lang, money, num, pct, t
from explorer.ui.layout import downloads
from explorer.ui.listing import date_column, datetime_column, money_column, page_file, page_url, statements_link
from explorer.ui.listing import table as show_table

TIMELINE = (
    "needs_assessed_on",
    "target_set_on",
    "beneficiaries_listed_on",
    "plan_approved_on",
    "announced_on",
    "threshold_on",
    "due_on",
    "first_report_on",
)
DISBURSEMENTS_SHOWN = 100


def listing(rule: str | None = None, **filters: Any) -> dict[str, Any]:
    """A page of campaigns with money and rule status. The ledger pass behind the money is one cached
    query for all campaigns, so browsing, filtering by rule and exporting never repeat it."""
    standing = query(flags.campaign_flags)
    ids = flags.ids_with_status(standing, rule) if rule else None
    result = query(campaigns.listing, **filters, ids=ids)
    return {**result, "rows": campaigns.with_money(result["rows"], standing)}


def labelled(rows: pd.DataFrame) -> pd.DataFrame:
    """Codes shown as words in the current language (category, status, rule status)."""
    out = rows.copy()
    out["category"] = out.category.map(labels("campaigns.cat_"))
    out["status"] = out.status.map(labels("campaigns.status_"))
    out["rule_status"] = out.rule_status.map(flags_view.status_label)
    out["province"] = province_labels.labelled(out)
    return out


def table(rows: pd.DataFrame, key: str) -> int | None:
    """The campaigns table; returns the id of a row the user selected (None when none)."""
    if rows.empty:
        st.info(t("common.no_rows"))
        return None
    # What the public came for first (money and the rule), then who / what / where, then the workflow dates.
    # Money received and its progress before the target: after it, the progress started at 1,180 px of a 1,280 px
    # screen and was cut at the grid's edge.
    shown = labelled(rows)[
        [
            "id",
            "title",
            "rule_status",
            "received",
            "progress",
            "target",
            "disbursed",
            "disbursed_share",
            "status",
            "organization",
            "category",
            "province",
            "start_on",
            "end_on",
            *TIMELINE,
        ]
    ]

    def money_col(key):
        return money_column(t(f"campaigns.{key}"))

    def date_col(key):
        return date_column(t(f"campaigns.{key}"))

    config = {
        "id": st.column_config.NumberColumn("#"),
        # Fixed: sized to its longest title, the column pushed the money received out of a 1280 px screen.
        "title": st.column_config.TextColumn(t("campaigns.campaign"), width=260),
        "organization": t("campaigns.organization"),
        "category": t("campaigns.category"),
        "province": t("campaigns.province"),
        "status": t("campaigns.status"),
        "target": money_col("target"),
        "received": money_col("received"),
        "progress": st.column_config.ProgressColumn(
            t("campaigns.progress"), format="percent", min_value=0.0, max_value=1.0
        ),
        "disbursed": money_col("disbursed"),
        "disbursed_share": st.column_config.NumberColumn(t("campaigns.disbursed_share"), format="percent"),
        "rule_status": t("campaigns.rule_status"),
        **{k: date_col(k) for k in ("start_on", "end_on", *TIMELINE)},
    }
    wide, narrow = phone.by_screen(key)
    event = wide.dataframe(
        shown, hide_index=True, key=key, on_select="rerun", selection_mode="single-row", column_config=config
    )
    # The phone's copy (ui.phone): the title (a link that opens the campaign), money raised and progress.
    phone_rows = [
        phone.cell(r["title"], href=page_url("campaigns", campaign=int(r["id"])))
        + phone.cell(money(int(r["received"]), r["currency"]), "num")
        + (
            f'<td class="num">{pct(r["progress"])}{phone.bar(r["progress"])}</td>'
            if pd.notna(r["progress"])  # no target: no progress
            else f'<td class="num">—{phone.bar(0.0)}</td>'
        )
        for r in rows.to_dict("records")
    ]
    headers = [(t("campaigns.campaign"), "46%"), (t("campaigns.received"), "32%"), (t("campaigns.progress"), "22%")]
    phone.html_table(narrow, headers, phone_rows, f"{key}_phone")
    st.caption(t("campaigns.select_hint"))
    picked = event.selection.rows if event is not None else []
    return int(rows.iloc[picked[0]].id) if picked else None


def timeline_chart(row: Mapping[Hashable, Any]) -> charts.Layered:
    """The workflow steps on a time axis: preparation, the 30 % day, the report deadline and the report."""
    steps = pd.DataFrame(
        [
            {"step": t(f"campaigns.{k}"), "day": pd.Timestamp(row[k]), "order": i}
            for i, k in enumerate(TIMELINE)
            if row.get(k)
        ]
    )
    base = alt.Chart(steps).encode(
        x=alt.X("day:T", axis=charts.day_axis(None)),
        y=alt.Y("step:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=260)),
    )
    return (
        base.mark_point(filled=True, size=90)
        + base.mark_text(align="left", dx=8).encode(text=alt.Text("day:T", format=d3_date(lang())))
    ).properties(height=30 * max(len(steps), 1) + 20)


def detail(campaign_id: int) -> None:
    found = query(campaigns.detail, campaign_id=campaign_id)
    if found is None:
        st.warning(t("campaigns.not_found", id=campaign_id))
        return
    row = campaigns.with_money(pd.DataFrame([found]), query(flags.campaign_flags)).iloc[0].to_dict()
    cur = row["currency"]
    st.subheader(row["title"])
    st.caption(
        t(
            "campaigns.facts",
            organization=row["organization"],
            account=row["account_number"],
            bank=row["account_bank"],
            province=province_labels.label(row["province"], row.get("province_now")) or "—",
            category=t(f"campaigns.cat_{row['category']}"),
            status=t(f"campaigns.status_{row['status']}"),
        )
    )
    left, right = st.columns([3, 1])
    left.page_link(
        page_file("accounts"),
        label=t("campaigns.open_account", account=row["account_number"]),
        icon="🏦",
        query_params={"account": row["account_number"]},
    )
    with right:
        share.share_row("cmp_detail")
    cols = st.columns(5)
    cols[0].metric(t("campaigns.target"), compact_money(row["target"], cur), help=money(row["target"], cur))
    cols[1].metric(
        t("campaigns.received"),
        compact_money(row["received"], cur),
        pct(row["progress"]) if row["target"] else None,
        delta_color="off",
        delta_arrow="off",
        help=money(row["received"], cur),
    )
    cols[2].metric(
        t("campaigns.disbursed"),
        compact_money(row["disbursed"], cur),
        pct(row["disbursed_share"]) if row["received"] else None,
        delta_color="off",
        delta_arrow="off",
        help=money(row["disbursed"], cur),
    )
    cols[3].metric(t("campaigns.donors"), num(row["donors"]), help=t("campaigns.donors_help"))
    cols[4].metric(t("campaigns.donations"), num(row["donations"]))
    st.caption(t("campaigns.pledged_apart", pledged=money(row["pledged"], cur)))
    holder = query(accounts.by_number, number=row["account_number"])
    donate.donate(
        row["account_number"],
        row["account_bank"],
        holder["holder_name"] if holder is not None and holder["bank"] == row["account_bank"] else row["organization"],
        campaign_id=campaign_id,
        key="cmp_donate",
    )
    flags_view.show_campaign_status(row, query(flags.as_of))
    st.markdown(f"**{t('campaigns.timeline')}**")
    charts.show(timeline_chart(row))
    st.markdown(f"**{t('campaigns.daily')}**")
    daily = query(campaigns.daily_donations, campaign_id=campaign_id)
    if daily.empty:
        st.info(t("common.no_rows"))
    else:
        charts.show(charts.daily_bars(daily, "day", "amount", t("campaigns.day"), t("campaigns.amount")), currency=cur)
        downloads(daily, f"campaign_{campaign_id}_daily")  # the chart's figures, as data
    channel_view.campaign_panel(campaign_id, cur)
    st.markdown(f"**{t('campaigns.its_disbursements')}**")
    disbursements_view.table(
        query(disbursements.listing, campaign_id=campaign_id, page_size=DISBURSEMENTS_SHOWN)["rows"],
        with_campaign=False,
    )
    st.markdown(f"**{t('campaigns.its_lines')}**")
    lines = query(campaigns.lines, campaign_id=campaign_id)["rows"]
    lines = lines.assign(direction=lines.direction.map(labels("campaigns.direction_")))
    show_table(
        lines,
        hide_index=True,
        column_config={
            "id": "#",
            "posted_at": datetime_column(t("campaigns.posted_at")),
            "direction": t("campaigns.direction"),
            "amount": money_column(t("campaigns.amount")),
            "currency": t("campaigns.currency"),
            "counterparty": t("campaigns.counterparty"),
            "description": t("campaigns.description"),
            "reference": t("campaigns.reference"),
        },
    )
    statements_link(t("campaigns.all_lines"), campaign=campaign_id)
