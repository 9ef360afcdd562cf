"""One account's page: money in vs out, balance over time, counterparties, campaigns, flags, provenance."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from explorer import fmt
from explorer.queries import accounts, flags, imports
from explorer.ui import campaigns_view, charts, donate, flags_view, province_labels, share
from explorer.ui.data import query
from explorer.ui.i18n import compact_money, day, lang, moment, money, num, t
from explorer.ui.layout import downloads
from explorer.ui.listing import money_column, page_file, statements_link, table

CAMPAIGNS_SHOWN = 100


def in_out_chart(frame: pd.DataFrame) -> alt.Chart:
    """Money in and out per month, side by side."""
    names = {"in": t("accounts.money_in"), "out": t("accounts.money_out")}
    # 'YYYY-MM' from the query, written as the page's language writes a month ('10/2024' in Vietnamese)
    shown = pd.to_datetime(frame.month + "-01").dt.strftime(fmt.d3_month(lang()))
    data = frame.assign(flow=frame.direction.map(names), shown=shown)
    colours = alt.Scale(domain=[names["in"], names["out"]], range=["#2e7d32", "#c62828"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("shown:N", title=t("accounts.month"), axis=alt.Axis(labelAngle=0), sort=list(dict.fromkeys(shown))),
            xOffset=alt.XOffset("flow:N", sort=[names["in"], names["out"]]),
            y=alt.Y("amount:Q", title=t("accounts.amount")),
            color=alt.Color("flow:N", title=None, scale=colours),
            tooltip=[
                alt.Tooltip("shown:N", title=t("accounts.month")),
                alt.Tooltip("flow:N", title=" "),
                charts.money_tip("amount", t("accounts.amount")),
                charts.count_tip("lines", t("accounts.lines")),
            ],
        )
        .properties(height=260)
    )


def balance_chart(frame: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("day:T", axis=charts.day_axis(t("accounts.day"))),
            y=alt.Y("balance:Q", title=t("accounts.balance")),
            tooltip=[charts.day_tip("day", t("accounts.day")), charts.money_tip("balance", t("accounts.balance"))],
        )
        .properties(height=260)
    )


def header(acc: dict[str, Any]) -> None:
    st.subheader(f"{acc['number']} · {acc['bank']} · {acc['holder_name']}")
    kind = t(f"accounts.kind_{acc['org_kind']}") if acc.get("org_kind") else "—"
    st.caption(
        t(
            "accounts.facts",
            organization=acc.get("organization") or "—",
            kind=kind,
            province=province_labels.label(acc.get("province"), acc.get("province_now")) or "—",
            opened=day(acc["opened_on"]),
            currency=acc["currency"],
            verified=t("accounts.verified") if acc["verified"] else t("accounts.unverified"),
        )
    )
    if acc["same_number"] > 1:
        st.caption(t("accounts.same_number", count=acc["same_number"]))


def money_section(acc: dict[str, Any]) -> None:
    totals = query(accounts.money_in_out, account_id=acc["id"])
    cur = acc["currency"]
    cols = st.columns(4)
    cols[0].metric(t("accounts.money_in"), compact_money(totals["received"], cur), help=money(totals["received"], cur))
    cols[1].metric(t("accounts.money_out"), compact_money(totals["paid_out"], cur), help=money(totals["paid_out"], cur))
    cols[2].metric(t("accounts.opening"), money(totals["opening"], cur))
    cols[3].metric(t("accounts.closing"), money(totals["closing"], cur))
    st.caption(t("accounts.lines_in_out", lines_in=num(totals["lines_in"]), lines_out=num(totals["lines_out"])))
    monthly = query(accounts.monthly_in_out, account_id=acc["id"])
    balance = query(accounts.balance_series, account_id=acc["id"])
    left, right = st.columns(2)
    left.markdown(f"**{t('accounts.in_vs_out')}**")
    right.markdown(f"**{t('accounts.balance_over_time')}**")
    if monthly.empty:
        left.info(t("common.no_rows"))
    else:
        charts.show(in_out_chart(monthly), left)
        charts.show(balance_chart(balance), right)
        downloads(monthly, f"account_{acc['number']}_monthly")  # the chart's figures, as data


def counterparties(acc: dict[str, Any]) -> None:
    st.markdown(f"**{t('accounts.top_counterparties')}**")
    st.caption(t("accounts.as_printed"))
    columns = st.columns(2)
    for column, direction in zip(columns, ("in", "out"), strict=False):
        frame = query(accounts.top_counterparties, account_id=acc["id"], direction=direction)
        column.caption(t(f"accounts.top_{direction}"))
        table(
            frame,
            column,
            hide_index=True,
            column_config={
                "counterparty": t("accounts.counterparty"),
                "amount": money_column(t("accounts.amount")),
                "lines": st.column_config.NumberColumn(t("accounts.lines")),
            },
        )


def provenance(acc: dict[str, Any]) -> None:
    """Seeded lines say so; imported ones say which file, how it reconciled, what was set aside and the gaps."""
    st.markdown(f"**{t('accounts.provenance')}**")
    frame = query(accounts.provenance, account_id=acc["id"])
    for row in frame.to_dict("records"):
        if not row["source_sha256"]:
            when = t("accounts.span", first=moment(row["first_at"]), last=moment(row["last_at"]))
            origin = t("accounts.seeded") if acc["simulated"] else t("accounts.entered")
            st.caption(t("accounts.no_file", origin=origin, lines=num(row["lines"]), span=when))
    for row in query(imports.account_imports, account_id=acc["id"]).to_dict("records"):
        mark = {True: "reconciled_yes", False: "reconciled_no", None: "reconciled_none"}[row["reconciled"]]
        st.caption(
            t(
                "accounts.imported_from",
                file=row["file_name"],
                sha=row["sha256"][:12],
                when=moment(row["imported_at"]),
                lines=num(row["lines"]),
                layout=row["layout"],
                reconciled=t(f"accounts.{mark}"),
                aside=num(row["set_aside"]),
                waiting=num(row["waiting"]),
                gaps=num(row["gaps"]),
                ocr=num(row["ocr_lines"]),
            )
        )
    gaps = query(imports.account_gaps, account_id=acc["id"])
    checks = [
        (row["file_name"], c)
        for row in query(imports.account_imports, account_id=acc["id"]).to_dict("records")
        for c in row["checks"]
    ]
    if checks or not gaps.empty:
        with st.expander(t("accounts.import_details")):
            if checks:
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("accounts.check_name"): [
                                f"{'✓' if c['printed'] == c['parsed'] else '✗'} {c['name']} · {f}" for f, c in checks
                            ],
                            t("accounts.printed"): [c["printed"] for _, c in checks],
                            t("accounts.parsed"): [c["parsed"] for _, c in checks],
                        }
                    ),
                    hide_index=True,
                )
            for message in gaps.message:
                st.markdown(f"- {t('accounts.gap')}: {message}")


def detail(number: str) -> None:
    """The account with this number, or a clear 'not found'."""
    acc = query(accounts.by_number, number=number)
    if acc is None:
        st.warning(t("accounts.not_found", number=number))
        return
    header(acc)
    left, right = st.columns([3, 1])
    with left:
        statements_link(t("accounts.open_statement"), account=acc["number"])
    with right:
        share.share_row("acc_detail")
    money_section(acc)  # the money first; the donate block right after it
    donate.donate(acc["number"], acc["bank"], acc["holder_name"], key="acc_donate")
    counterparties(acc)
    # Its campaigns carry their rule status already (one cached ledger pass); the flags reuse it.
    own = campaigns_view.listing(account_id=acc["id"], page_size=CAMPAIGNS_SHOWN)["rows"]
    judged = own.drop(columns=["status"]).rename(columns={"id": "campaign_id", "rule_status": "status"})
    st.markdown(f"**{t('accounts.flags')}**")
    flags_view.show_account_flags(
        flags.flag_rows(judged, query(flags.unexplained_payouts, account_id=acc["id"])),
        acc["currency"],
        query(flags.as_of),
    )
    st.markdown(f"**{t('accounts.its_campaigns')}**")
    picked = campaigns_view.table(own, key="account_campaigns")
    if picked is not None:
        st.switch_page(page_file("campaigns"), query_params={"campaign": str(picked)})
    provenance(acc)
