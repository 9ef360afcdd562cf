"""Widgets, charts and sections of the Voucher simulation page (logic lives in explorer.vouchers).

Beneficiaries only ever appear aggregated: reports hold means per province and group, with groups
under 10 people dropped before anything reaches a table, chart or export.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math

import altair as alt
import pandas as pd
import streamlit as st
from babel.numbers import get_currency_precision

from explorer.db.schema import BENEFICIARY_GROUPS, MERCHANT_CATEGORIES
from explorer.export import EXPORT_ROW_CAP
from explorer.queries import vouchers as vq
from explorer.ui.data import query
from explorer.ui.i18n import compact_money, money, num, pct, t
from explorer.ui.layout import downloads
from explorer.vouchers import codec, funding
from explorer.vouchers.engine import simulate
from explorer.vouchers.population import Population
from explorer.vouchers.presets import synthetic_for
from explorer.vouchers.report import HEADLINE, Report, build_report, comparison, comparison_curves, for_people
from explorer.vouchers.scheme import CURRENCIES, FORM_CHOICES, FORM_FIELDS, Scheme, SchemeError

FRONT = ("coverage", "reached_share", "claim_rate", "redemption_rate", "unspent_at_expiry",
         "days_to_first_spend_mean", "beyond_travel_share", "top10_share", "cost_per_beneficiary",
         "cost_per_unit_delivered")
MAX_COMPARE = 4
CACHE_REPORTS = 8


def fmt_metric(report: Report, metric: str, column: str = "mean") -> str:
    """A metric as the page shows it (tests compare the page with the engine through this)."""
    value = float(report.summary.loc[metric, column])
    kind = HEADLINE.get(metric, "num")
    if math.isnan(value):
        return "—"
    if kind in ("pct", "money"):
        return pct(value) if kind == "pct" else compact_money(round(value), report.currency)
    return num(round(value, 1 if kind == "days" else 3 if kind == "ratio" else 0))


def show_error(exc: SchemeError, currency: str = "VND") -> None:
    values = dict(exc.values)
    if exc.code == "budget_too_small":
        values.update(budget=money(values["budget"], currency), needed=money(values["needed"], currency),
                      count=num(values["count"]))
    st.error(t("vouchers.invalid", field=exc.field, message=t(f"vouchers.err_{exc.code}", **values)))


# --- scheme in and out -----------------------------------------------------------------------------

def scheme_files(scheme: Scheme) -> Scheme | None:
    """JSON download of the scheme, and an upload that returns a new scheme once per uploaded file."""
    left, right = st.columns(2)
    left.download_button(t("vouchers.download_json"), codec.to_json(scheme).encode("utf-8"),
                         f"{scheme.name}.json", "application/json", key="vj_download")
    upload = right.file_uploader(t("vouchers.upload_json"), type=["json"], key="vj_upload")
    if upload is None or st.session_state.get("vj_seen") == upload.file_id:
        return None
    st.session_state["vj_seen"] = upload.file_id
    uploaded, problem = codec.try_parse(upload.getvalue())
    if problem:
        show_error(problem)
    return uploaded


def designer(scheme: Scheme, province_names: dict[int, str]) -> Scheme | None:
    """The scheme form; returns the edited scheme when submitted and valid (errors are shown)."""
    cur = scheme.currency
    version = hashlib.sha1(codec.to_json(scheme).encode()).hexdigest()[:8]  # new scheme → fresh widgets
    key = lambda name: f"vd_{name}_{version}"  # noqa: E731
    step = 1.0 if get_currency_precision(cur) else 1000
    data = codec.to_dict(scheme)
    with st.form(f"vd_form_{version}"):
        st.markdown(f"**{t('vouchers.sec_targets')}** — {t('vouchers.amount_help', currency=cur)}")
        current, targets, cols = {tg.group: tg for tg in scheme.targets}, [], st.columns(3)
        for i, group in enumerate(BENEFICIARY_GROUPS):
            old = current.get(group)
            with cols[i % 3]:
                amount = st.number_input(t(f"vouchers.group_{group}"), value=codec.major(old.amount if old else 0, cur),
                                         step=step, key=key(f"amount_{group}"))
                per_member = st.checkbox(t("vouchers.per_member"), bool(old and old.per_member), key=key(f"pm_{group}"))
            if amount:
                targets.append({"group": group, "amount": amount, "per_member": per_member,
                                "max_members": old.max_members if old else 10})
        data["targets"] = targets
        st.markdown(f"**{t('vouchers.sec_rules')}**")
        cols = st.columns(4)
        data["name"] = cols[0].text_input(t("vouchers.f_name"), scheme.name, key=key("name"))
        data["currency"] = cols[1].selectbox(t("vouchers.f_currency"), CURRENCIES, CURRENCIES.index(cur), key=key("cur"))
        data["start_date"] = cols[2].date_input(t("vouchers.f_start"), scheme.start_date, key=key("start")).isoformat()
        expiry_date = scheme.expiry.date or scheme.start_date + dt.timedelta(days=60)
        data["expiry"]["date"] = cols[3].date_input(t("vouchers.f_date"), expiry_date, key=key("exd")).isoformat()
        data["eligibility"]["provinces"] = cols[0].multiselect(
            t("vouchers.f_provinces"), list(province_names), list(scheme.eligibility.provinces),
            format_func=lambda code: province_names.get(code, str(code)), key=key("prov"))
        data["merchants"]["categories"] = cols[1].multiselect(
            t("vouchers.f_categories"), list(MERCHANT_CATEGORIES), list(scheme.merchants.categories),
            format_func=lambda v: t(f"vouchers.cat_{v}"), key=key("cats"))
        data["exclude_duplicates"] = cols[2].checkbox(t("vouchers.f_exclude_duplicates"), scheme.exclude_duplicates,
                                                      key=key("dup"))
        for i, (section, name, options) in enumerate(FORM_CHOICES):
            part = data[section]
            part[name] = cols[(i + 3) % 4].selectbox(t(f"vouchers.f_{name}"), options, options.index(part[name]),
                                                     format_func=lambda v, n=name: t(f"vouchers.{n}_{v}"), key=key(name))
        for i, (section, name, kind) in enumerate(FORM_FIELDS):
            part, col, label = data[section] if section else data, cols[(i + 3) % 4], t(f"vouchers.f_{name}")
            if kind == "share":
                part[name] = col.slider(label, 0.0, 1.0, float(part[name]), 0.01, key=key(name))
            elif kind == "money":
                part[name] = col.number_input(label, value=codec.major(part[name], cur), step=step, key=key(name))
            else:
                number = int(part[name]) if kind == "int" else float(part[name])
                part[name] = col.number_input(label, value=number, step=1 if kind == "int" else 0.5, key=key(name))
        budget = cols[2].number_input(t("vouchers.f_budget"), value=codec.major(scheme.budget or 0, cur), step=step, key=key("bud"))
        data["budget"] = budget or None
        if data["expiry"]["mode"] != "fixed_date":
            data["expiry"]["date"] = None
        submitted = st.form_submit_button(t("vouchers.apply"), type="primary")
    if not submitted:
        return None
    # Amounts are read in the currency chosen in the form (typing 200 and picking VND means 200 đ).
    minor = lambda value: codec.minor(value, data["currency"])  # noqa: E731
    for target in data["targets"]:
        target["amount"] = minor(target["amount"])
    for section, name, kind in FORM_FIELDS:
        if kind == "money":
            data[section][name] = minor(data[section][name])
    data["budget"] = minor(data["budget"]) if data["budget"] else None
    try:
        return codec.from_dict(data)
    except SchemeError as exc:
        show_error(exc, cur)
        return None


# --- population, run, results ----------------------------------------------------------------------

def load_population(scheme: Scheme, source: str, preset: str, seed: int) -> Population:
    if source == "synthetic":
        return synthetic_for(scheme, preset, seed)
    people = query(vq.beneficiaries, groups=tuple(tg.group for tg in scheme.targets),
                   provinces=tuple(scheme.eligibility.provinces))
    if people.attrs.get("capped"):
        st.warning(t("vouchers.capped", limit=num(vq.MAX_BENEFICIARIES)))
    return Population(people, query(vq.merchants, categories=tuple(scheme.merchants.categories)))


def run_report(scheme: Scheme, source: str, preset: str, runs: int, seed: int) -> Report | None:
    """The scheme's report (computed with a progress bar, kept per session), or None after an error."""
    key = (codec.to_json(scheme), source, preset, runs, seed)
    cache = st.session_state.setdefault("vouchers_reports", {})
    if key not in cache:
        population = load_population(scheme, source, preset, seed)
        bar = st.progress(0.0, text=t("vouchers.running", runs=runs))
        try:
            sim = simulate(scheme, population, runs=runs, seed=seed,
                           progress=lambda done: bar.progress(done, text=t("vouchers.running", runs=runs)))
        except SchemeError as exc:
            show_error(exc, scheme.currency)
            return None
        finally:
            bar.empty()
        while len(cache) >= CACHE_REPORTS:
            cache.pop(next(iter(cache)))
        cache[key] = build_report(sim)
    return cache[key]


def headline(report: Report) -> None:
    cols = st.columns(5)
    for i, metric in enumerate(FRONT):
        band = t("vouchers.band_range", low=fmt_metric(report, metric, "p05"), high=fmt_metric(report, metric, "p95"),
                 runs=report.runs)
        cols[i % 5].metric(t(f"vouchers.m_{metric}"), fmt_metric(report, metric), help=band)


def charts(report: Report, by_province: pd.DataFrame) -> None:
    left, right = st.columns(2)
    left.altair_chart(band_chart(report.curve, "day", t("vouchers.axis_day"), t("vouchers.axis_redeemed"),
                                 t("vouchers.chart_curve")), width="stretch")
    lorenz = band_chart(report.lorenz, "merchant_share", t("vouchers.axis_merchants"), t("vouchers.axis_receipts"),
                        t("vouchers.chart_lorenz"))
    equality = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(strokeDash=[4, 4], color="gray") \
        .encode(x="x:Q", y="y:Q")
    right.altair_chart(lorenz + equality, width="stretch")
    left.altair_chart(bars(by_province, "province", "coverage", t("vouchers.m_coverage"), t("vouchers.chart_province"),
                           "%"), width="stretch")
    costs = for_people(report.costs(), report.currency).assign(part=lambda f: f["part"].map(lambda p: t(f"vouchers.m_{p}")))
    right.altair_chart(bars(costs, "part", "amount", report.currency, t("vouchers.chart_costs"), ",.0f"),
                       width="stretch")


def band_chart(frame: pd.DataFrame, x: str, x_title: str, y_title: str, title: str) -> alt.LayerChart:
    base = alt.Chart(frame).encode(x=alt.X(f"{x}:Q", title=x_title))
    band = base.mark_area(opacity=0.25).encode(y=alt.Y("p05:Q", title=y_title, axis=alt.Axis(format="%")), y2="p95:Q")
    line = base.mark_line().encode(y="mean:Q", tooltip=[alt.Tooltip(f"{x}:Q"), alt.Tooltip("mean:Q", format=".1%"),
                                                        alt.Tooltip("p05:Q", format=".1%"), alt.Tooltip("p95:Q", format=".1%")])
    return (band + line).properties(title=title, height=280)


def bars(frame: pd.DataFrame, label: str, value: str, value_title: str, title: str, fmt: str) -> alt.Chart:
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)), x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=fmt)),
        tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", format=fmt)],
    ).properties(title=title, height=max(200, 12 * len(frame)))


def _column(name: str) -> str:
    return t(f"vouchers.col_{name}")


def results(report: Report, province_names: dict[int, str]) -> None:
    if report.suppressed:
        st.info(t("vouchers.too_few"))
        return
    headline(report)
    dup = report.duplicates
    st.caption(t("vouchers.duplicates_saved" if dup.excluded else "vouchers.duplicates_kept", people=num(dup.persons),
                 orgs=num(dup.multi_org_persons), records=num(dup.extra_records), value=money(dup.value, report.currency)))
    by_province = for_people(report.by_province, report.currency)
    by_province.insert(1, "province", by_province["province_code"].map(province_names))
    by_group = for_people(report.by_group, report.currency)
    by_group["group"] = by_group["group"].map(lambda g: t(f"vouchers.group_{g}"))
    charts(report, by_province)
    st.subheader(t("vouchers.by_group"))
    st.dataframe(by_group.rename(columns=_column), hide_index=True, width="stretch")
    downloads(by_group, "vouchers_by_group")
    st.subheader(t("vouchers.by_province"))
    st.dataframe(by_province.rename(columns=_column), hide_index=True, width="stretch")
    downloads(by_province, "vouchers_by_province")
    st.subheader(t("vouchers.per_run"))
    downloads(report.summary.reset_index(names="metric"), "vouchers_summary")
    downloads(report.per_run, "vouchers_runs")


# --- compare and fund ------------------------------------------------------------------------------

def compare(label: str, report: Report) -> None:
    saved: dict[str, Report] = st.session_state.setdefault("vouchers_compare", {})
    left, right = st.columns(2)
    if left.button(t("vouchers.compare_add"), key="vc_add", disabled=len(saved) >= MAX_COMPARE or report.suppressed):
        saved[label] = report
    if right.button(t("vouchers.compare_clear"), key="vc_clear"):
        saved.clear()
    if not saved:
        st.caption(t("vouchers.compare_hint", most=MAX_COMPARE))
        return
    shown = {**saved, **({} if label in saved or report.suppressed else {label: report})}
    table = comparison(shown)
    st.dataframe(pd.DataFrame({name: [fmt_metric(shown[name], m) for m in table.index] for name in shown},
                              index=[t(f"vouchers.m_{m}") for m in table.index]), width="stretch")
    curves = comparison_curves(shown)
    st.altair_chart(alt.Chart(curves).mark_line().encode(
        x=alt.X("day:Q", title=t("vouchers.axis_day")), y=alt.Y("mean:Q", title=t("vouchers.axis_redeemed"),
                                                              axis=alt.Axis(format="%")), color="scheme:N"),
        width="stretch")
    downloads(table.reset_index(names="metric"), "vouchers_comparison")


def fund(scheme: Scheme, report: Report, source: str) -> None:
    campaigns = query(vq.funding_campaigns, currency=scheme.currency)
    if campaigns.empty:
        st.info(t("vouchers.fund_none", currency=scheme.currency))
        return
    titles = dict(zip(campaigns["id"], campaigns["account_number"] + " · " + campaigns["title"]))
    chosen = st.selectbox(t("vouchers.fund_pick"), list(titles), index=None, format_func=titles.get, key="vf_campaign",
                          placeholder=t("vouchers.fund_placeholder"))
    if chosen is None:
        return
    balance = query(vq.campaign_balance, campaign_id=int(chosen))
    cols = st.columns(3)
    for col, name in zip(cols, ("received", "disbursed", "available")):
        col.metric(t(f"vouchers.fund_{name}"), money(balance[name], scheme.currency))
    registrations = int(report.value("registrations"))
    try:
        funding.check_budget(scheme, int(report.value("issued")), registrations, balance["available"])
    except SchemeError as exc:
        show_error(exc, scheme.currency)
        return
    names = (query(vq.merchants, categories=tuple(scheme.merchants.categories)).set_index("merchant_id")["name"]
             if source == "db" else None)  # synthetic shops have no names
    preview = funding.statement_preview(scheme, report.settlements, registrations, balance["available"], names)
    totals = funding.preview_totals(preview, balance["available"])
    st.caption(t("vouchers.fund_preview_note", lines=num(totals["lines"]), paid=money(totals["paid_out"], scheme.currency),
                 closing=money(totals["closing_balance"], scheme.currency)))
    st.dataframe(preview.head(500).rename(columns=_column), hide_index=True, width="stretch")
    downloads(preview.head(EXPORT_ROW_CAP), "vouchers_funding_preview", capped=len(preview) > EXPORT_ROW_CAP)
