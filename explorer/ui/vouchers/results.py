"""The results tab: headline figures, design-trap warnings, charts, breakdowns and exports."""

from __future__ import annotations

import streamlit as st

from explorer.ui.i18n import labels, money, num, pct, t
from explorer.ui.vouchers.charts import charts
from explorer.ui.vouchers.labels import FRONT, fmt_metric, label
from explorer.ui.vouchers.tables import labelled_downloads, people_table, province_label
from explorer.vouchers.advice import design_findings
from explorer.vouchers.disclosure import OTHER_GROUP, OTHER_PROVINCE
from explorer.vouchers.report import (
    Report,
    for_people,
    runs_for_people,
    summary_for_people,
)
from explorer.vouchers.scheme import Scheme


def headline(report: Report, scheme: Scheme) -> None:
    # Metrics as wide as their text, wrapping to the next line: fixed columns cut long labels and values
    # ("962,6 ng…", "Coverage (usable vouch…") in Vietnamese and on phones.
    row = st.container(horizontal=True, wrap=True, gap="small")
    for metric in FRONT:
        band = t(
            "vouchers.band_range",
            low=fmt_metric(report, metric, "p05"),
            high=fmt_metric(report, metric, "p95"),
            runs=report.runs,
        )
        name = label(metric)
        if metric == "unspent_at_expiry":
            name = t(f"vouchers.mx_unspent_at_expiry_{scheme.expiry.unspent}")
        row.metric(name, fmt_metric(report, metric), help=band, width="content", border=True)

    def m(metric: str) -> str:
        return money(round(report.value(metric)), report.currency)

    st.caption(
        t(
            "vouchers.money_flow",
            issued=m("issued"),
            redeemed=m("redeemed"),
            unspent=m("unspent"),
            returned=m("returned"),
            lapsed=m("lapsed"),
            horizon=num(scheme.horizon_days),
        )
    )


def warnings_for(scheme: Scheme, report: Report) -> None:
    cur = report.currency
    for finding in design_findings(scheme, report):
        v = finding.values
        last = "_last" if finding.code.startswith("tranche_") and v["first"] == v["count"] else ""
        if finding.code == "tranche_after_expiry":
            key = "vouchers.warn_tranche_after_expiry" + ("_fixed" if v["fixed"] else "") + last
            st.warning(
                t(
                    key,
                    first=v["first"],
                    count=v["count"],
                    opens=num(v["opens"]),
                    expires=num(v["expires"]),
                    share=pct(v["share"]),
                ),
                icon="⚠️",
            )
        elif finding.code == "tranche_after_horizon":
            st.warning(
                t(
                    "vouchers.warn_tranche_after_horizon" + last,
                    first=v["first"],
                    count=v["count"],
                    opens=num(v["opens"]),
                    horizon=num(v["horizon"]),
                ),
                icon="⚠️",
            )
        elif finding.code == "horizon_short":
            st.warning(
                t(
                    "vouchers.warn_horizon_short",
                    unspent=money(round(v["unspent"]), cur),
                    share=pct(v["share"]),
                    horizon=num(v["horizon"]),
                ),
                icon="⚠️",
            )
        elif finding.code == "cap_hit":
            st.warning(
                t(
                    "vouchers.warn_cap_hit",
                    merchants=num(round(v["merchants"])),
                    shops=num(round(v["shops"])),
                    refused=money(round(v["refused"]), cur),
                    share=pct(v["share"]),
                    cap=money(v["cap"], cur),
                ),
                icon="⚠️",
            )
        elif finding.code == "category_limit":
            st.warning(
                t("vouchers.warn_category_limit", refused=money(round(v["refused"]), cur), share=pct(v["share"])),
                icon="⚠️",
            )
        elif finding.code == "lapsed":
            st.warning(
                t("vouchers.warn_lapsed", lapsed=money(round(v["lapsed"]), cur), share=pct(v["share"])), icon="⚠️"
            )


def results(report: Report, province_names: dict[int, str], scheme: Scheme) -> None:
    if report.suppressed:
        st.info(t("vouchers.too_few"))
        return
    headline(report, scheme)
    warnings_for(scheme, report)
    dup = report.duplicates
    st.caption(
        t(
            "vouchers.duplicates_saved" if dup.excluded else "vouchers.duplicates_kept",
            people=num(dup.persons),
            orgs=num(dup.multi_org_persons),
            records=num(dup.extra_records),
            value=money(dup.value, report.currency),
        )
    )
    by_province = for_people(report.by_province, report.currency)
    by_province.insert(1, "province", [province_label(c, province_names) for c in by_province["province_code"]])
    by_group = for_people(report.by_group, report.currency)
    by_group["group"] = by_group["group"].map(labels("vouchers.group_"))
    charts(report, by_province)
    st.subheader(t("vouchers.by_group"))
    st.dataframe(people_table(by_group, report.currency), hide_index=True, width="stretch")
    labelled_downloads(by_group, "vouchers_by_group", t("vouchers.by_group_short"))
    st.subheader(t("vouchers.by_province"))
    st.dataframe(people_table(by_province, report.currency), hide_index=True, width="stretch")
    labelled_downloads(by_province, "vouchers_by_province", t("vouchers.by_province_short"))
    if (report.by_group["group"] == OTHER_GROUP).any() or (report.by_province["province_code"] == OTHER_PROVINCE).any():
        st.caption(t("vouchers.small_folded"))
    st.subheader(t("vouchers.per_run"))
    st.caption(t("vouchers.exports_note", currency=report.currency))
    labelled_downloads(summary_for_people(report), "vouchers_summary", t("vouchers.summary_short"))
    labelled_downloads(runs_for_people(report), "vouchers_runs", t("vouchers.runs_short", runs=report.runs))
