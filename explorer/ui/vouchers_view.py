"""Widgets, charts and sections of the Voucher simulation page (logic lives in explorer.vouchers).

Beneficiaries only ever appear aggregated: reports hold means per province and group, with groups
under 10 people dropped before anything reaches a table, chart or export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st
from babel.numbers import get_currency_precision

from explorer.db.schema import BENEFICIARY_GROUPS, MERCHANT_CATEGORIES
from explorer.export import EXPORT_ROW_CAP, to_csv_bytes, to_parquet_bytes
from explorer.i18n import catalog, translate
from explorer.queries import vouchers as vq
from explorer.ui.data import query
from explorer.ui.i18n import compact_money, day, lang, money, num, pct, t
from explorer.vouchers import codec, currency, funding
from explorer.vouchers.advice import design_findings
from explorer.vouchers.budget import eligible_counts, person_cost, plan
from explorer.vouchers.engine import simulate
from explorer.vouchers.inputs import (
    COUNTS_EXAMPLE,
    MAX_CSV_BYTES,
    MERCHANTS_EXAMPLE,
    parse_counts,
    parse_merchants,
    population_from_counts,
)
from explorer.vouchers.metrics import MIN_GROUP
from explorer.vouchers.population import Population
from explorer.vouchers.presets import DOCUMENTED, SYNTHETIC_GROUP_SIZE, synthetic_for
from explorer.vouchers.report import (
    COUNT_COLUMNS,
    HEADLINE,
    MONEY_COLUMNS,
    Report,
    build_report,
    comparison_curves,
    comparison_for_people,
    comparison_long,
    for_people,
    runs_for_people,
    summary_for_people,
)
from explorer.vouchers.scheme import CURRENCIES, FORM_FIELDS, Scheme, SchemeError
from explorer.vouchers.sweep import MAX_POINTS, OUTCOMES, PARAMETERS, default_values, sweep

FRONT = (
    "coverage",
    "reached_share",
    "claim_rate",
    "redemption_rate",
    "unspent_at_expiry",
    "days_to_first_spend_mean",
    "beyond_travel_share",
    "top10_share",
    "cost_per_beneficiary",
    "cost_per_unit_delivered",
)
MAX_COMPARE = 5
CACHE_REPORTS = 8


def labels(prefix: str):
    """A widget's format_func translating `prefix + value` in the language of *this* run (widgets keep their
    format_func: one reading the language later could label the options in another language)."""
    language = lang()
    return lambda value: translate(language, f"{prefix}{value}")


def metric_labels():
    """A format_func naming metrics in the language of this run (see `labels`)."""
    language = lang()

    def name(metric: str) -> str:
        key = f"vouchers.mx_{metric}"
        return translate(language, key if key in catalog() else f"vouchers.m_{metric}")

    return name


def label(metric: str) -> str:
    """A metric's name on screen: the unambiguous `mx_` wording where one exists (two rows both called
    "Value redeemed" could not be told apart), else the original `m_` one."""
    key = f"vouchers.mx_{metric}"
    return t(key) if key in catalog() else t(f"vouchers.m_{metric}")


def fmt_metric(report: Report, metric: str, column: str = "mean") -> str:
    """A metric as the page shows it (tests compare the page with the engine through this)."""
    value = float(report.summary.loc[metric, column])
    kind = HEADLINE.get(metric, "num")
    if math.isnan(value):
        return "—"
    if kind in ("pct", "money"):
        return pct(value) if kind == "pct" else compact_money(round(value), report.currency)
    return num(round(value, 1 if kind == "days" else 3 if kind == "ratio" else 0))


# --- errors people can read ------------------------------------------------------------------------

MONEY_FIELDS = frozenset(
    {
        "amount",
        "denomination",
        "cap_per_merchant",
        "travel_cost_per_km",
        "setup",
        "onboarding_per_beneficiary",
        "fee_per_transaction",
        "settlement_cost",
        "budget",
    }
)
FIELD_LABELS = {
    "start_date": "f_start",
    "date": "f_expiry_days",
    "days": "f_expiry_days",
    "provinces": "f_provinces",
    "categories": "f_categories",
    "currency": "f_currency",
    "name": "f_name",
    "exclude_duplicates": "f_exclude_duplicates",
}
PATH_PART = re.compile(r"^(\w+)(?:\[(\d+)\])?$")


def human_field(path: str, groups: list[str] | tuple[str, ...] = ()) -> str:
    """'targets[0].amount' → 'Children', 'horizon_days' → 'Days simulated', 'json' → 'The file'."""
    parts = str(path).split(".")
    head = PATH_PART.match(parts[0])
    if head and head.group(1) == "targets":
        index = head.group(2)
        if index is not None and int(index) < len(groups):
            return t(f"vouchers.group_{groups[int(index)]}")
        return t("vouchers.sec_targets")
    if parts[0] in ("json", "scheme"):
        return t(f"vouchers.field_{parts[0]}")
    if len(parts) == 3 and parts[1] == "category_limits":
        key = f"vouchers.cat_{parts[2]}"
        return t("vouchers.limit_label", category=t(key) if key in catalog() else f"“{parts[2]}”")
    last = PATH_PART.match(parts[-1])
    name = last.group(1) if last else parts[-1]
    key = f"vouchers.{FIELD_LABELS.get(name, 'f_' + name)}"
    return t(key) if key in catalog() else f"“{name}”"


def error_text(
    exc: SchemeError, currency: str = "VND", groups: list[str] | tuple[str, ...] = (), field: str | None = None
) -> str:
    """The message a designer reads: the field by its label, limits in major units of the currency."""
    values = dict(exc.values)
    name = PATH_PART.match(str(exc.field).split(".")[-1])
    is_money = bool(name and name.group(1) in MONEY_FIELDS) or ".category_limits." in str(exc.field)
    if exc.code == "budget_too_small":
        values.update(
            budget=money(values["budget"], currency),
            needed=money(values["needed"], currency),
            count=num(values["count"]),
        )
    if exc.code in ("min", "max"):
        for bound in ("min", "max"):
            if isinstance(values.get(bound), (int, float)):
                values[bound] = money(values[bound], currency) if is_money else num(values[bound])
    if exc.code == "too_large":
        values.update(
            size=num(values["size"]) if isinstance(values.get("size"), int) else values.get("size"),
            limit=upload_limit_text(),
        )
    if exc.code == "too_many_vouchers":
        values.update(count=num(values["count"]), limit=num(values["limit"]))
    return t(
        "vouchers.invalid",
        field=field or human_field(exc.field, groups),
        message=t(f"vouchers.err_{exc.code}", **values),
    )


def show_error(
    exc: SchemeError, currency: str = "VND", groups: list[str] | tuple[str, ...] = (), field: str | None = None
) -> None:
    st.error(error_text(exc, currency, groups, field))


def upload_limit_text() -> str:
    return f"{num(codec.MAX_JSON_BYTES // (1024 * 1024))} MB"


# --- scheme in and out -----------------------------------------------------------------------------


def scheme_upload(scheme: Scheme) -> Scheme | None:
    """An upload returns its scheme once per uploaded file; drawn *before* the form, so the form then shows
    the uploaded scheme and the next edit starts from it."""
    upload = st.file_uploader(
        t("vouchers.upload_json_limit", limit=upload_limit_text()),
        type=["json"],
        key="vj_upload",
        max_upload_size=max(1, codec.MAX_JSON_BYTES // (1024 * 1024)),
    )
    if upload is None or st.session_state.get("vj_seen") == upload.file_id:
        return None
    st.session_state["vj_seen"] = upload.file_id
    uploaded, problem = codec.try_parse(upload.getvalue())
    if problem:
        show_error(problem, scheme.currency)
        return None
    st.success(t("vouchers.uploaded", name=uploaded.name))
    return uploaded


def scheme_download(scheme: Scheme) -> None:
    st.download_button(
        t("vouchers.download_json"),
        codec.to_json(scheme).encode("utf-8"),
        f"{scheme.name}.json",
        "application/json",
        key="vj_download",
    )


def version_of(scheme: Scheme) -> str:
    return hashlib.sha1(codec.to_json(scheme).encode()).hexdigest()[:8]


REJECTED = "vouchers_rejected"


def designer(scheme: Scheme, province_names: dict[int, str]) -> Scheme | None:
    """The scheme form; returns the edited scheme when submitted and valid. A rejected edit is remembered in
    the session (REJECTED) with its error, so the page can hide the results of the previous scheme."""
    cur = scheme.currency
    version = version_of(scheme)  # new scheme → fresh widgets
    key = lambda name: f"vd_{name}_{version}"  # noqa: E731
    step = 1.0 if get_currency_precision(cur) else 1000
    data = codec.to_dict(scheme)
    with st.form(f"vd_form_{version}"):
        kinds = {(section, name): kind for section, name, kind in FORM_FIELDS}

        def field_input(col, section: str, name: str) -> None:
            """One plain field of the scheme in `col`, by its kind (share slider, money in major units, number)."""
            part, kind, text = data[section] if section else data, kinds[(section, name)], t(f"vouchers.f_{name}")
            if kind == "share":
                part[name] = col.slider(text, 0.0, 1.0, float(part[name]), 0.01, key=key(name))
            elif kind == "money":
                part[name] = col.number_input(text, value=codec.major(part[name], cur), step=step, key=key(name))
            else:
                number = int(part[name]) if kind == "int" else float(part[name])
                part[name] = col.number_input(text, value=number, step=1 if kind == "int" else 0.5, key=key(name))

        def choice_input(col, section: str, name: str, options: tuple[str, ...]) -> None:
            part = data[section]
            part[name] = col.selectbox(
                t(f"vouchers.f_{name}"),
                options,
                options.index(part[name]),
                format_func=labels(f"vouchers.{name}_"),
                key=key(name),
            )

        def fields(section_names: tuple[tuple[str, str], ...]) -> None:
            cols = st.columns(3)
            for i, (section, name) in enumerate(section_names):
                field_input(cols[i % 3], section, name)

        # 1. Who receives what: amount, per household member, the most members paid for (the household cap).
        box = st.container(border=True)
        with box:
            st.markdown(f"**{t('vouchers.sec_targets')}** — {t('vouchers.amount_help', currency=cur)}")
            current, targets, cols = {tg.group: tg for tg in scheme.targets}, [], st.columns(3)
            for i, group in enumerate(BENEFICIARY_GROUPS):
                old = current.get(group)
                with cols[i % 3]:
                    amount = st.number_input(
                        t(f"vouchers.group_{group}"),
                        value=codec.major(old.amount if old else 0, cur),
                        step=step,
                        key=key(f"amount_{group}"),
                    )
                    per_member = st.checkbox(
                        t("vouchers.per_member"), bool(old and old.per_member), key=key(f"pm_{group}")
                    )
                    max_members = st.number_input(
                        t("vouchers.f_max_members"),
                        1,
                        50,
                        old.max_members if old else 10,
                        key=key(f"mm_{group}"),
                        help=t("vouchers.f_max_members_help"),
                    )
                if amount:
                    targets.append(
                        {"group": group, "amount": amount, "per_member": per_member, "max_members": int(max_members)}
                    )
            data["targets"] = targets
        # 2. The scheme itself.
        with st.container(border=True):
            st.markdown(f"**{t('vouchers.sec_scheme')}**")
            cols = st.columns(4)
            data["name"] = cols[0].text_input(t("vouchers.f_name"), scheme.name, key=key("name"))
            data["currency"] = cols[1].selectbox(
                t("vouchers.f_currency"),
                CURRENCIES,
                CURRENCIES.index(cur),
                key=key("cur"),
                help=t("vouchers.currency_help", rates=rates_text()),
            )
            start = cols[2].date_input(t("vouchers.f_start"), scheme.start_date, key=key("start"))
            data["start_date"] = start.isoformat()
            field_input(cols[3], "", "horizon_days")
            st.caption(t("vouchers.currency_note", currency=cur, rates=rates_text()))
        # 3. Who is eligible: provinces, household sizes, the referral rule, duplicates.
        with st.container(border=True):
            st.markdown(f"**{t('vouchers.sec_eligibility')}**")
            data["eligibility"]["provinces"] = st.multiselect(
                t("vouchers.f_provinces"),
                list(province_names),
                list(scheme.eligibility.provinces),
                format_func=lambda code: province_names.get(code, str(code)),
                key=key("prov"),
                placeholder=t("vouchers.bf_province_placeholder"),
            )
            cols = st.columns(3)
            field_input(cols[0], "eligibility", "household_min")
            field_input(cols[1], "eligibility", "household_max")
            data["exclude_duplicates"] = cols[2].checkbox(
                t("vouchers.f_exclude_duplicates"), scheme.exclude_duplicates, key=key("dup")
            )
            cols = st.columns([1, 2])
            data["eligibility"]["referral_required"] = cols[0].checkbox(
                t("vouchers.f_referral_required"), scheme.eligibility.referral_required, key=key("ref")
            )
            data["eligibility"]["referral_rate"] = cols[1].slider(
                t("vouchers.f_referral_rate"),
                0.0,
                1.0,
                float(scheme.eligibility.referral_rate),
                0.01,
                key=key("refr"),
                help=t("vouchers.f_referral_rate_help"),
            )
        # 4. Tranches and one expiry control: when vouchers expire and how many days that is.
        with st.container(border=True):
            st.markdown(f"**{t('vouchers.sec_tranches')}**")
            cols = st.columns([3, 5, 8, 4])  # the schedule's options are long words
            field_input(cols[0], "tranches", "count")
            field_input(cols[1], "tranches", "denomination")
            choice_input(cols[2], "tranches", "schedule", ("after_previous", "interval"))
            field_input(cols[3], "tranches", "interval_days")
            ex = scheme.expiry
            cols = st.columns(3)
            mode = cols[0].selectbox(
                t("vouchers.f_mode"),
                ("none", "fixed_date", "days_after_claim"),
                ("none", "fixed_date", "days_after_claim").index(ex.mode),
                format_func=labels("vouchers.mode_"),
                key=key("mode"),
            )
            days_now = (ex.date - scheme.start_date).days if ex.mode == "fixed_date" and ex.date else ex.days
            expiry_days = cols[1].number_input(
                t("vouchers.f_expiry_days"),
                1,
                3650,
                int(days_now),
                key=key("exdays"),
                help=t("vouchers.f_expiry_days_help"),
            )
            choice_input(cols[2], "expiry", "unspent", ("return_to_fund", "lapse"))
            st.caption(expiry_text(scheme))
        # 5. Where vouchers can be spent.
        with st.container(border=True):
            st.markdown(f"**{t('vouchers.sec_merchants')}**")
            data["merchants"]["categories"] = st.multiselect(
                t("vouchers.f_categories"),
                list(MERCHANT_CATEGORIES),
                list(scheme.merchants.categories),
                format_func=labels("vouchers.cat_"),
                key=key("cats"),
            )
            field_input(st.columns(3)[0], "merchants", "cap_per_merchant")
            # Forus-style product vouchers: the most one person may spend at a category's shops (0: no limit).
            st.caption(t("vouchers.limits_help", currency=cur))
            limit_cols, limits = st.columns(3), {}
            for i, category in enumerate(MERCHANT_CATEGORIES):
                old_limit = scheme.merchants.category_limits.get(category, 0)
                limits[category] = limit_cols[i % 3].number_input(
                    t("vouchers.limit_label", category=t(f"vouchers.cat_{category}")),
                    value=codec.major(old_limit, cur),
                    step=step,
                    key=key(f"lim_{category}"),
                )
            data["merchants"]["category_limits"] = limits
        # 6. How people behave, in general and per group.
        with st.container(border=True):
            st.markdown(f"**{t('vouchers.sec_behaviour')}**")
            fields(
                tuple(
                    ("behaviour", n)
                    for n in (
                        "claim_probability",
                        "never_spend_share",
                        "claim_delay_days",
                        "first_spend_days",
                        "days_between_spends",
                        "shop_distance_decay_km",
                        "merchant_popularity_spread",
                    )
                )
            )
            st.caption(t("vouchers.by_group_help"))
            group_table = st.data_editor(
                group_behaviour_frame(scheme),
                key=key("bygroup"),
                hide_index=True,
                disabled=["group"],
                width="stretch",
                column_config=group_behaviour_columns(),
            )
        # 7. Verification, travel, costs and the budget.
        with st.container(border=True):
            st.markdown(f"**{t('vouchers.sec_verification')}**")
            fields(tuple(("verification", n) for n in ("face_success", "assisted_share", "assisted_success")))
        with st.container(border=True):
            st.markdown(f"**{t('vouchers.sec_costs')}**")
            fields(
                (
                    ("access", "max_travel_km"),
                    ("access", "travel_cost_per_km"),
                    ("costs", "setup"),
                    ("costs", "onboarding_per_beneficiary"),
                    ("costs", "fee_per_transaction"),
                    ("costs", "settlement_cost"),
                )
            )
            cols = st.columns(3)
            choice_input(cols[0], "costs", "settlement", ("daily", "weekly"))
            budget = cols[1].number_input(
                t("vouchers.f_budget"), value=codec.major(scheme.budget or 0, cur), step=step, key=key("bud")
            )
        data["budget"] = budget or None
        data["expiry"]["mode"] = mode
        if mode == "fixed_date":
            data["expiry"]["date"] = (start + dt.timedelta(days=int(expiry_days))).isoformat()
        else:
            data["expiry"]["date"] = None
            if mode == "days_after_claim":
                data["expiry"]["days"] = int(expiry_days)
        data["behaviour"]["by_group"] = by_group_from(group_table, scheme)
        submitted = st.form_submit_button(t("vouchers.apply"), type="primary")
    if not submitted:
        return None
    # Amounts are read in the currency they are shown in (the scheme's); a new currency converts them at
    # the stated planning rate (200 CNY → 700,000 đ), it never reuses the numbers.
    chosen, data["currency"] = data["currency"], cur
    minor = lambda value: codec.minor(value, cur)  # noqa: E731
    for target in data["targets"]:
        target["amount"] = minor(target["amount"])
    for section, name, kind in FORM_FIELDS:
        if kind == "money":
            data[section][name] = minor(data[section][name])
    data["budget"] = minor(data["budget"]) if data["budget"] else None
    data["merchants"]["category_limits"] = {
        c: (minor(v) if v > 0 else v) for c, v in data["merchants"]["category_limits"].items() if v
    }
    groups = [tg["group"] for tg in data["targets"]]
    try:
        edited = currency.convert(codec.from_dict(data), chosen)
    except SchemeError as exc:
        st.session_state[REJECTED] = {"version": version, "error": exc, "currency": cur, "groups": groups}
        return None
    st.session_state.pop(REJECTED, None)
    if chosen != cur:
        st.session_state["vouchers_converted"] = (cur, chosen)
    return edited


def expiry_text(scheme: Scheme) -> str:
    """The scheme's expiry in words, with its day and date (the one expiry control's meaning)."""
    ex = scheme.expiry
    if ex.mode == "fixed_date" and ex.date:
        return t("vouchers.expiry_now_fixed", date=day(ex.date), days=num((ex.date - scheme.start_date).days))
    if ex.mode == "days_after_claim":
        return t("vouchers.expiry_now_days", days=num(ex.days))
    return t("vouchers.expiry_now_none")


def group_behaviour_frame(scheme: Scheme) -> pd.DataFrame:
    """One row per targeted group: its pace and its preference weight for each merchant category (1: neutral)."""
    rows = []
    for target in scheme.targets:
        rules = scheme.behaviour.by_group.get(target.group)
        row = {"group": target.group, "pace": float(rules.pace) if rules else 1.0}
        for category in MERCHANT_CATEGORIES:
            row[category] = float(rules.categories.get(category, 1.0)) if rules else 1.0
        rows.append(row)
    return pd.DataFrame(rows, columns=["group", "pace", *MERCHANT_CATEGORIES])


def group_behaviour_columns() -> dict:
    config = {
        "group": st.column_config.SelectboxColumn(
            t("vouchers.col_group"),
            options=list(BENEFICIARY_GROUPS),
            format_func=labels("vouchers.group_"),
            disabled=True,
        ),
        "pace": st.column_config.NumberColumn(
            t("vouchers.f_pace"), min_value=0.1, max_value=10.0, step=0.1, help=t("vouchers.f_pace_help")
        ),
    }
    for category in MERCHANT_CATEGORIES:
        config[category] = st.column_config.NumberColumn(
            t(f"vouchers.cat_{category}"), min_value=0.0, max_value=1000.0, step=0.1
        )
    return config


def by_group_from(table: pd.DataFrame, scheme: Scheme) -> dict:
    """The per-group behaviour the table describes, as scheme data: only what differs from neutral (pace 1,
    weight 1) is kept; groups not targeted keep what the scheme had for them."""
    targeted = set(table["group"]) if len(table) else set()
    out = {g: codec.to_dict(rules) for g, rules in scheme.behaviour.by_group.items() if g not in targeted}
    for row in table.to_dict("records"):
        pace = 1.0 if pd.isna(row.get("pace")) else float(row["pace"])
        weights = {c: float(row[c]) for c in MERCHANT_CATEGORIES if not pd.isna(row.get(c)) and float(row[c]) != 1.0}
        if pace != 1.0 or weights:
            out[row["group"]] = {"pace": pace, "categories": weights}
    return out


def rates_text() -> str:
    return " · ".join(f"1 {c} = {money(currency.VND_PER_UNIT[c], 'VND')}" for c in CURRENCIES if c != "VND")


def rejected_for(scheme: Scheme) -> dict | None:
    """The rejected edit of the scheme on screen, if its form still holds one."""
    rejected = st.session_state.get(REJECTED)
    if rejected and rejected["version"] == version_of(scheme):
        return rejected
    st.session_state.pop(REJECTED, None)
    return None


def stale_banner(rejected: dict) -> None:
    show_error(rejected["error"], rejected["currency"], rejected["groups"])
    st.warning(t("vouchers.stale"), icon="⚠️")
    if st.button(t("vouchers.discard_edits"), key="vd_discard"):
        for name in [k for k in st.session_state if str(k).startswith("vd_") and str(k).endswith(rejected["version"])]:
            del st.session_state[name]
        st.session_state.pop(REJECTED, None)
        st.rerun()


# --- population, run, results ----------------------------------------------------------------------


def load_population(scheme: Scheme, source: str, preset: str, seed: int) -> Population:
    if source == "synthetic":
        return synthetic_for(scheme, preset, seed)
    if source == "upload":
        kept = st.session_state[UPLOAD]
        return population_from_counts(
            kept["counts"], kept["merchants"], categories=scheme.merchants.categories, seed=seed
        )
    people = query(
        vq.beneficiaries, groups=tuple(tg.group for tg in scheme.targets), provinces=tuple(scheme.eligibility.provinces)
    )
    if people.attrs.get("capped"):
        st.warning(t("vouchers.capped", limit=num(vq.MAX_BENEFICIARIES)))
    return Population(people, query(vq.merchants, categories=tuple(scheme.merchants.categories)))


def population_key(source: str) -> str:
    """What names a population in caches: an upload by its files' digest."""
    if source == "upload":
        kept = st.session_state.get(UPLOAD)
        return f"upload:{kept['digest'] if kept else ''}"
    return source


def run_report(scheme: Scheme, source: str, preset: str, runs: int, seed: int) -> Report | None:
    """The scheme's report (computed with a progress bar, kept per session), or None after an error."""
    key = (codec.to_json(scheme), population_key(source), preset, runs, seed)
    cache = st.session_state.setdefault("vouchers_reports", {})
    if key not in cache:
        population = load_population(scheme, source, preset, seed)
        bar = st.progress(0.0, text=t("vouchers.running", runs=runs))
        try:
            sim = simulate(
                scheme,
                population,
                runs=runs,
                seed=seed,
                progress=lambda done: bar.progress(done, text=t("vouchers.running", runs=runs)),
            )
        except SchemeError as exc:
            show_error(exc, scheme.currency, [tg.group for tg in scheme.targets])
            return None
        finally:
            bar.empty()
        while len(cache) >= CACHE_REPORTS:
            cache.pop(next(iter(cache)))
        cache[key] = build_report(sim)
    return cache[key]


def _group_counts(report: Report) -> dict[str, int]:
    frame = report.by_group
    return {g: int(round(n)) for g, n in zip(frame["group"], frame["beneficiaries"], strict=False)}


def _counts_text(counts: dict[str, int]) -> str:
    return " + ".join(f"{num(n)} {t(f'vouchers.group_{g}').lower()}" for g, n in counts.items())


def population_note(scheme: Scheme, report: Report, source: str, preset: str) -> None:
    """Who was simulated, in the same terms as the preset's caption: per group, in total, the value issued.
    The seeded database says how it differs from the population the preset is designed for."""
    if report.suppressed:
        return  # under 10 people: not even their number is shown (the page says why nothing is)
    counts = _group_counts(report)
    people, issued = int(round(report.value("registrations"))), money(round(report.value("issued")), report.currency)
    if source == "synthetic":
        st.caption(t("vouchers.pop_synthetic", groups=_counts_text(counts), people=num(people), issued=issued))
        return
    if source == "upload":
        st.caption(t("vouchers.pop_upload", groups=_counts_text(counts), people=num(people), issued=issued))
        return
    stated = stated_counts(scheme, preset)
    st.info(
        t(
            "vouchers.pop_db",
            groups=_counts_text(counts) or "—",
            people=num(people),
            issued=issued,
            stated=_counts_text(stated),
            stated_people=num(sum(stated.values())),
        )
    )


def stated_counts(scheme: Scheme, preset: str) -> dict[str, int]:
    documented = DOCUMENTED.get(preset, {})
    return {tg.group: documented.get(tg.group, SYNTHETIC_GROUP_SIZE) for tg in scheme.targets}


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
    m = lambda metric: money(round(report.value(metric)), report.currency)  # noqa: E731
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


def charts(report: Report, by_province: pd.DataFrame) -> None:
    left, right = st.columns(2)
    left.altair_chart(
        band_chart(report.curve, "day", t("vouchers.axis_day"), t("vouchers.axis_redeemed"), t("vouchers.chart_curve")),
        width="stretch",
    )
    lorenz = band_chart(
        report.lorenz,
        "merchant_share",
        t("vouchers.axis_merchants"),
        t("vouchers.axis_receipts"),
        t("vouchers.chart_lorenz"),
        x_format="%",
    )
    equality = (
        alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]}))
        .mark_line(strokeDash=[4, 4], color="gray")
        .encode(x="x:Q", y="y:Q")
    )
    right.altair_chart(lorenz + equality, width="stretch")
    # Long sentences go in captions (they wrap); chart titles stay short (Vega-Lite cuts or squeezes long ones).
    chart, note = province_chart(by_province)
    left.altair_chart(chart, width="stretch", height=chart.height)
    if note:
        left.caption(note)
    chart = cost_chart(report)
    right.altair_chart(chart, width="stretch", height=chart.height)
    right.caption(cost_title(report))


def cost_frame(report: Report) -> pd.DataFrame:
    """Every cost bar with its label and formatted amount; the total is the sum of all of them."""
    scale = 10 ** get_currency_precision(report.currency)
    costs = report.costs()
    return pd.DataFrame(
        {
            "part": [t(f"vouchers.m_{p}") for p in costs["part"]],
            "amount": costs["amount"] / scale,
            "text": [money(round(v), report.currency) for v in costs["amount"]],
            "payer": [
                t("vouchers.payer_beneficiaries" if p == "travel_cost" else "vouchers.payer_programme")
                for p in costs["part"]
            ],
        }
    )


def cost_title(report: Report) -> str:
    costs = report.costs()
    travel = float(costs.loc[costs["part"] == "travel_cost", "amount"].sum())
    total = float(costs["amount"].sum())
    cur = report.currency
    return t(
        "vouchers.chart_costs_total",
        total=money(round(total), cur),
        programme=money(round(total - travel), cur),
        travel=money(round(travel), cur),
    )


def cost_chart(report: Report) -> alt.LayerChart:
    frame = cost_frame(report)
    base = alt.Chart(frame).encode(
        y=alt.Y("part:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0, labelOverlap=False)),
        x=alt.X(
            "amount:Q",
            title=report.currency,
            axis=alt.Axis(format="~s"),
            scale=alt.Scale(domain=[0, max(float(frame["amount"].max()), 1.0) * 2.2]),
        ),
    )  # room for the labels on a phone
    bars_ = base.mark_bar().encode(
        color=alt.Color("payer:N", title=None, legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)),
        tooltip=[alt.Tooltip("part:N"), alt.Tooltip("text:N")],
    )
    text = base.mark_text(align="left", dx=3).encode(text="text:N")
    return (bars_ + text).properties(title=t("vouchers.chart_costs"), height=34 * len(frame) + 160)


PROVINCES_SHOWN = 12


def province_chart(by_province: pd.DataFrame) -> tuple[alt.LayerChart, str | None]:
    """All provinces when they fit; else the PROVINCES_SHOWN lowest coverage (the ones to act on), every name
    shown, and a note saying so."""
    frame = by_province.sort_values("coverage")
    note = None
    if len(frame) > PROVINCES_SHOWN:
        note = t(
            "vouchers.chart_province_lowest",
            shown=PROVINCES_SHOWN,
            total=len(frame),
            low=pct(frame["coverage"].min()),
            high=pct(frame["coverage"].max()),
        )
        frame = frame.head(PROVINCES_SHOWN)
    frame = frame.assign(text=[pct(v) for v in frame["coverage"]])
    base = alt.Chart(frame).encode(
        y=alt.Y("province:N", sort="x", title=None, axis=alt.Axis(labelLimit=0, labelOverlap=False)),
        x=alt.X("coverage:Q", title=label("coverage"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    )
    chart = base.mark_bar() + base.mark_text(align="left", dx=3).encode(text="text:N")
    return chart.properties(title=t("vouchers.chart_province"), height=26 * len(frame) + 120), note


def band_chart(
    frame: pd.DataFrame, x: str, x_title: str, y_title: str, title: str, x_format: str | None = None
) -> alt.LayerChart:
    axis = alt.Axis(format=x_format) if x_format else alt.Axis()
    base = alt.Chart(frame).encode(x=alt.X(f"{x}:Q", title=x_title, axis=axis))
    band = base.mark_area(opacity=0.25).encode(y=alt.Y("p05:Q", title=y_title, axis=alt.Axis(format="%")), y2="p95:Q")
    line = base.mark_line().encode(
        y="mean:Q",
        tooltip=[
            alt.Tooltip(f"{x}:Q", format=x_format or ""),
            alt.Tooltip("mean:Q", format=".1%"),
            alt.Tooltip("p05:Q", format=".1%"),
            alt.Tooltip("p95:Q", format=".1%"),
        ],
    )
    return (band + line).properties(title=title, height=280)


def _column(name: str) -> str:
    return t(f"vouchers.col_{name}")


RATE_COLUMNS = ("claim_rate", "coverage", "reached_share", "redemption_rate")


def people_table(frame: pd.DataFrame, currency: str):
    """A breakdown for the screen: numbers stay numbers (columns sort right) but read in the page's language —
    thousands separators, whole people, the language's decimal mark, money with its currency."""
    shown = frame.drop(
        columns=[
            c
            for c in ("currency", "province_code")
            if c in frame.columns and ("province" in frame.columns or c == "currency")
        ]
    )
    scale = 10 ** get_currency_precision(currency)
    formats = {}
    for column in shown.columns:
        if column in MONEY_COLUMNS:
            formats[column] = lambda v: "—" if pd.isna(v) else money(round(v * scale), currency)
        elif column in COUNT_COLUMNS:
            formats[column] = lambda v: "—" if pd.isna(v) else num(int(round(v)))
        elif column in RATE_COLUMNS:
            formats[column] = lambda v: "—" if pd.isna(v) else pct(v)
        elif column == "cost_per_unit_delivered":
            formats[column] = lambda v: "—" if pd.isna(v) else num(round(v, 3))
        elif column == "days_to_first_spend":
            formats[column] = lambda v: "—" if pd.isna(v) else num(round(v, 1))
    return shown.rename(columns=_column).style.format({_column(c): f for c, f in formats.items()})


def labelled_downloads(frame: pd.DataFrame, name: str, what: str) -> None:
    """CSV and Parquet of one table, each button saying what it holds."""
    left, right = st.columns(2)
    left.download_button(
        t("vouchers.dl_csv", what=what), to_csv_bytes(frame), f"{name}.csv", "text/csv", key=f"dl_csv_{name}"
    )
    right.download_button(
        t("vouchers.dl_parquet", what=what),
        to_parquet_bytes(frame),
        f"{name}.parquet",
        "application/octet-stream",
        key=f"dl_pq_{name}",
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
    by_province.insert(1, "province", by_province["province_code"].map(province_names))
    by_group = for_people(report.by_group, report.currency)
    by_group["group"] = by_group["group"].map(lambda g: t(f"vouchers.group_{g}"))
    charts(report, by_province)
    st.subheader(t("vouchers.by_group"))
    st.dataframe(people_table(by_group, report.currency), hide_index=True, width="stretch")
    labelled_downloads(by_group, "vouchers_by_group", t("vouchers.by_group_short"))
    st.subheader(t("vouchers.by_province"))
    st.dataframe(people_table(by_province, report.currency), hide_index=True, width="stretch")
    labelled_downloads(by_province, "vouchers_by_province", t("vouchers.by_province_short"))
    st.subheader(t("vouchers.per_run"))
    st.caption(t("vouchers.exports_note", currency=report.currency))
    labelled_downloads(summary_for_people(report), "vouchers_summary", t("vouchers.summary_short"))
    labelled_downloads(runs_for_people(report), "vouchers_runs", t("vouchers.runs_short", runs=report.runs))


# --- compare and fund ------------------------------------------------------------------------------

SCENARIOS = "vouchers_scenarios"


@dataclass
class Scenario:
    name: str
    identity: tuple  # (scheme JSON, population, preset, runs, seed): what makes two results the same
    report: Report
    population: str
    preset: str = ""
    token: str = ""  # the scheme as a URL token against its preset
    runs: int = 0
    seed: int = 0


def scenarios_token() -> str:
    """The comparison as one URL parameter (names, presets, schemes, populations, runs and seeds)."""
    return codec.encode_scenarios(
        [
            {
                "name": s.name,
                "preset": s.preset,
                "scheme": s.token,
                "population": s.population,
                "runs": s.runs,
                "seed": s.seed,
            }
            for s in st.session_state.get(SCENARIOS, [])
        ]
    )


def load_scenarios(token: str, presets: dict[str, Scheme]) -> None:
    """Rebuild a shared comparison from its URL token, once per token and only into an empty comparison."""
    if not token or st.session_state.get(SCENARIOS) or st.session_state.get("vc_loaded") == token:
        return
    st.session_state["vc_loaded"] = token
    rows, refused = codec.decode_scenarios(token, presets)
    saved = st.session_state.setdefault(SCENARIOS, [])
    for row in rows:
        report = run_report(row["parsed"], row["population"], row["preset"], row["runs"], row["seed"])
        if report is None:
            refused += 1
            continue
        add_scenario(
            saved,
            Scenario(
                row["name"],
                scenario_identity(row["parsed"], row["population"], row["preset"], row["runs"], row["seed"]),
                report,
                row["population"],
                row["preset"],
                row["scheme"],
                row["runs"],
                row["seed"],
            ),
        )
    if refused:
        st.info(t("vouchers.compare_link_refused", count=refused))


def scenario_identity(scheme: Scheme, source: str, preset: str, runs: int, seed: int) -> tuple:
    return (codec.to_json(scheme), population_key(source), preset, runs, seed)


def default_name(scheme: Scheme, source: str, runs: int, seed: int) -> str:
    return t(
        "vouchers.scenario_default",
        name=scheme.name,
        population=t(f"vouchers.population_short_{source}"),
        runs=runs,
        seed=seed,
    )


def add_scenario(saved: list[Scenario], new: Scenario) -> tuple[str, dict]:
    """Adds `new` unless the same scenario (same scheme, population, runs and seed) or the same name is
    already there — nothing is ever replaced silently. Returns (message key, values)."""
    same = next((s for s in saved if s.identity == new.identity), None)
    if same is not None:
        return "vouchers.scenario_exists", {"name": same.name}
    if any(s.name == new.name for s in saved):
        return "vouchers.scenario_name_taken", {"name": new.name}
    if len(saved) >= MAX_COMPARE:
        return "vouchers.compare_full", {"most": MAX_COMPARE}
    saved.append(new)
    return "vouchers.scenario_added", {"name": new.name}


def fmt_value(metric: str, value: float, currency: str, signed: bool = False) -> str:
    kind = HEADLINE.get(metric, "num")
    if math.isnan(value):
        return "—"
    sign = "+" if signed and value > 0 else ""
    if kind == "pct":
        return sign + pct(value)
    if kind == "money":
        return sign + compact_money(round(value), currency)
    return sign + num(round(value, 1 if kind == "days" else 3 if kind == "ratio" else 0))


def compare(scheme: Scheme, report: Report, source: str, preset: str, runs: int, seed: int, token: str = "") -> None:
    saved: list[Scenario] = st.session_state.setdefault(SCENARIOS, [])
    identity = scenario_identity(scheme, source, preset, runs, seed)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.text_input(
        t("vouchers.scenario_name"),
        default_name(scheme, source, runs, seed),
        key=f"vc_name_{hashlib.sha1(repr(identity).encode()).hexdigest()[:8]}",
        max_chars=60,
    )
    if right.button(t("vouchers.compare_add"), key="vc_add", disabled=report.suppressed, width="stretch"):
        message, values = add_scenario(
            saved,
            Scenario(
                name.strip() or default_name(scheme, source, runs, seed),
                identity,
                report,
                source,
                preset,
                token,
                runs,
                seed,
            ),
        )
        (st.success if message == "vouchers.scenario_added" else st.warning)(t(message, **values))
    if not saved:
        st.caption(t("vouchers.compare_hint", most=MAX_COMPARE))
        return
    for i, scenario in enumerate(list(saved)):
        a, b = st.columns([5, 1], vertical_alignment="center")
        a.markdown(
            f"**{i + 1}.** {escape_markdown(scenario.name)} — "
            + t(
                "vouchers.scenario_meta",
                runs=scenario.report.runs,
                seed=scenario.report.seed,
                population=t(f"vouchers.population_short_{scenario.population}"),
            )
        )
        if b.button(t("vouchers.scenario_remove"), key=f"vc_rm_{i}", width="stretch"):
            saved.remove(scenario)
            st.rerun()
    if st.button(t("vouchers.compare_clear"), key="vc_clear"):
        saved.clear()
        st.rerun()
    reports = {s.name: s.report for s in saved if not s.report.suppressed}
    names = list(reports)
    baseline = st.selectbox(t("vouchers.baseline"), names, key="vc_baseline")
    table = comparison_long(reports, baseline)
    cells = {}
    for scenario_name in names:
        rows = table[table["scenario"] == scenario_name].set_index("metric")
        cur = reports[scenario_name].currency
        cells[scenario_name] = [
            t(
                "vouchers.cell_band",
                mean=fmt_value(m, r["mean"], cur),
                low=fmt_value(m, r["p05"], cur),
                high=fmt_value(m, r["p95"], cur),
            )
            + (
                ""
                if scenario_name == baseline
                else "  " + t("vouchers.cell_diff", diff=fmt_value(m, r["difference"], cur, signed=True))
            )
            for m, r in rows.iterrows()
        ]
    st.caption(t("vouchers.compare_note", baseline=baseline))
    st.dataframe(pd.DataFrame(cells, index=[label(m) for m in HEADLINE]), width="stretch")
    # Legend entries start with the scenario's number: on a phone a long name is cut, the number still tells
    # the lines apart.
    curves = comparison_curves({f"{i + 1} · {name}": r for i, (name, r) in enumerate(reports.items())})
    base = alt.Chart(curves).encode(
        x=alt.X("day:Q", title=t("vouchers.axis_day")),
        color=alt.Color(
            "scheme:N",
            title=None,
            scale=alt.Scale(scheme="category10"),
            legend=alt.Legend(orient="bottom", columns=1, labelLimit=0),
        ),
    )
    chart = base.mark_area(opacity=0.15).encode(
        y=alt.Y("p05:Q", title=t("vouchers.axis_redeemed"), axis=alt.Axis(format="%")), y2="p95:Q"
    ) + base.mark_line().encode(y="mean:Q")
    st.altair_chart(chart.properties(title=t("vouchers.chart_curve"), height=300), width="stretch")
    labelled_downloads(comparison_for_people(table), "vouchers_comparison", t("vouchers.comparison_short"))
    st.caption(t("vouchers.compare_share"))


def fund(scheme: Scheme, report: Report, source: str) -> None:
    campaigns = query(vq.funding_campaigns, currency=scheme.currency)
    if campaigns.empty:
        st.info(t("vouchers.fund_none", currency=scheme.currency))
        return
    provinces = query(vq.provinces)
    province_names = dict(zip(provinces["code"], provinces["name_vi"], strict=False))
    # Titles repeat across years: the label carries the account, the start year and what is left to spend.
    titles = {
        row.id: t(
            "vouchers.fund_option",
            account=row.account_number,
            title=row.title,
            year=str(pd.Timestamp(row.start_on).year),
            available=money(row.available, scheme.currency),
        )
        for row in campaigns.itertuples()
    }
    chosen = st.selectbox(
        t("vouchers.fund_pick"),
        list(titles),
        index=None,
        format_func=titles.get,
        key="vf_campaign",
        placeholder=t("vouchers.fund_placeholder"),
    )
    if chosen is None:
        return
    balance = query(vq.campaign_balance, campaign_id=int(chosen))
    picked = campaigns.set_index("id").loc[chosen]
    problems = funding.purpose_problems(
        scheme, picked["category"], None if pd.isna(picked["province_code"]) else int(picked["province_code"])
    )
    if "groups" in problems:
        st.warning(
            t(
                "vouchers.fund_purpose_groups",
                category=t(f"vouchers.fund_category_{picked['category']}"),
                groups=", ".join(t(f"vouchers.group_{g}") for g in problems["groups"]),
            ),
            icon="⚠️",
        )
    if "province" in problems:
        st.warning(
            t(
                "vouchers.fund_purpose_province",
                province=province_names.get(problems["province"], "?"),
                provinces=", ".join(province_names.get(p, str(p)) for p in scheme.eligibility.provinces),
            ),
            icon="⚠️",
        )
    cols = st.columns(3)
    for col, name in zip(cols, ("received", "disbursed", "available"), strict=False):
        col.metric(t(f"vouchers.fund_{name}"), money(balance[name], scheme.currency))
    registrations = int(report.value("registrations"))
    try:
        funding.check_budget(scheme, int(report.value("issued")), registrations, balance["available"])
    except SchemeError as exc:
        show_error(exc, scheme.currency, field=t("vouchers.fund_available"))
        return
    names = (
        query(vq.merchants, categories=tuple(scheme.merchants.categories)).set_index("merchant_id")["name"]
        if source == "db"
        else None
    )  # synthetic shops have no names
    preview = funding.statement_preview(scheme, report.settlements, registrations, balance["available"], names)
    totals = funding.preview_totals(preview, balance["available"])
    st.caption(t("vouchers.fund_one_run", runs=report.runs))
    st.caption(
        t(
            "vouchers.fund_preview_note",
            lines=num(totals["lines"]),
            paid=money(totals["paid_out"], scheme.currency),
            closing=money(totals["closing_balance"], scheme.currency),
        )
    )
    st.dataframe(preview.head(500).rename(columns=_column), hide_index=True, width="stretch")
    labelled_downloads(preview.head(EXPORT_ROW_CAP), "vouchers_funding_preview", t("vouchers.preview_short"))


def escape_markdown(text: str) -> str:
    """A user's scenario name as plain text in markdown (no links, emphasis or images)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


# --- merchants and map -----------------------------------------------------------------------------

TOP_MERCHANTS = 10


def merchant_names(source: str, scheme: Scheme) -> dict[int, str]:
    """Shop names from the database (shops are businesses); synthetic and uploaded shops have none."""
    if source != "db":
        return {}
    shops = query(vq.merchants, categories=tuple(scheme.merchants.categories))
    return dict(zip(shops["merchant_id"], shops["name"], strict=False))


def merchant_frame(report: Report, province_names: dict[int, str], names: dict[int, str]) -> pd.DataFrame:
    """The per-merchant table as people read it: a label, the category and province in words, money in
    major units with the currency, whole transactions."""
    scale = 10 ** get_currency_precision(report.currency)
    shops = report.by_merchant
    out = pd.DataFrame(
        {
            "merchant_id": shops["merchant_id"],
            "merchant": [names.get(int(m)) or t("vouchers.shop_label", id=int(m)) for m in shops["merchant_id"]],
            "category": [t(f"vouchers.cat_{c}") for c in shops["category"]],
            "province": shops["province_code"].map(lambda c: province_names.get(int(c), str(c))),
            "receipts": (shops["receipts"] / scale).round(2),
            "receipts_p05": (shops["receipts_p05"] / scale).round(2),
            "receipts_p95": (shops["receipts_p95"] / scale).round(2),
            "share": shops["share"].round(4),
            "transactions": shops["transactions"].round().astype("int64"),
            "refused": (shops["refused"] / scale).round(2),
            "cap_hit_runs": shops["cap_hit_runs"].round(4),
        }
    )
    out["currency"] = report.currency
    return out


def merchant_view(report: Report, scheme: Scheme, province_names: dict[int, str], source: str) -> None:
    """Where the money goes: receipts by category and by shop, how concentrated they are, and the cap."""
    if report.suppressed or report.by_merchant is None:
        st.info(t("vouchers.too_few"))
        return
    cur = report.currency
    shops = report.by_merchant
    row = st.container(horizontal=True, wrap=True, gap="small")
    used = int((shops["receipts"] > 0).sum())
    row.metric(
        t("vouchers.mv_shops"),
        t("vouchers.mv_shops_value", used=num(used), total=num(len(shops))),
        width="content",
        border=True,
    )
    row.metric(
        t("vouchers.m_top10_merchants_share"),
        fmt_value("top10_share", report.value("top10_merchants_share"), cur),
        help=t(
            "vouchers.band_range",
            low=pct(report.summary.loc["top10_merchants_share", "p05"]),
            high=pct(report.summary.loc["top10_merchants_share", "p95"]),
            runs=report.runs,
        ),
        width="content",
        border=True,
    )
    row.metric(
        t("vouchers.m_hhi"), num(round(report.value("hhi"))), help=t("vouchers.hhi_help"), width="content", border=True
    )
    row.metric(t("vouchers.m_top10_share"), pct(report.value("top10_share")), width="content", border=True)
    if scheme.merchants.cap_per_merchant:
        row.metric(t("vouchers.mv_cap_shops"), num(round(report.value("cap_merchants"))), width="content", border=True)
        row.metric(
            t("vouchers.mv_cap_refused"),
            compact_money(round(report.value("cap_refused")), cur),
            width="content",
            border=True,
        )
        st.caption(t("vouchers.mv_cap_note", cap=money(scheme.merchants.cap_per_merchant, cur)))
    if scheme.merchants.category_limits:
        st.caption(
            t(
                "vouchers.mv_limits",
                limits=" · ".join(
                    f"{t(f'vouchers.cat_{c}')}: {money(v, cur)}" for c, v in scheme.merchants.category_limits.items()
                ),
                refused=money(round(report.value("category_limit_refused")), cur),
            )
        )
    level = "high" if report.value("hhi") > 2500 else "moderate" if report.value("hhi") >= 1500 else "low"
    st.caption(t("vouchers.mv_hhi_reading", hhi=num(round(report.value("hhi"))), level=t(f"vouchers.hhi_{level}")))
    scale = 10 ** get_currency_precision(cur)
    cats = report.by_category.assign(
        label=lambda f: [t(f"vouchers.cat_{c}") for c in f["category"]],
        amount=lambda f: f["receipts"] / scale,
        text=lambda f: [f"{money(round(v), cur)} · {pct(s)}" for v, s in zip(f["receipts"], f["share"], strict=False)],
    )
    left, right = st.columns(2)
    left.altair_chart(_hbar(cats, "label", "amount", "text", t("vouchers.chart_categories"), cur), width="stretch")
    names = merchant_names(source, scheme)
    table = merchant_frame(report, province_names, names)
    top = table.head(TOP_MERCHANTS).assign(
        text=lambda f: [
            f"{money(round(v * scale), cur)} · {pct(s)}" for v, s in zip(f["receipts"], f["share"], strict=False)
        ]
    )
    right.altair_chart(
        _hbar(
            top,
            "merchant",
            "receipts",
            "text",
            t("vouchers.chart_top_merchants", n=TOP_MERCHANTS),
            cur,
            band=("receipts_p05", "receipts_p95"),
        ),
        width="stretch",
    )
    right.caption(t("vouchers.top_merchants_note", runs=report.runs))
    st.subheader(t("vouchers.mv_table"))
    shown = table.drop(columns=["currency"])
    formats = {
        c: (lambda v: money(round(v * scale), cur)) for c in ("receipts", "receipts_p05", "receipts_p95", "refused")
    }
    formats.update(share=pct, cap_hit_runs=pct, transactions=num, merchant_id=lambda v: str(v))
    st.dataframe(
        shown.head(500).rename(columns=_column).style.format({_column(c): f for c, f in formats.items()}),
        hide_index=True,
        width="stretch",
    )
    labelled_downloads(table, "vouchers_merchants", t("vouchers.merchants_short"))


def _hbar(
    frame: pd.DataFrame, y: str, x: str, text: str, title: str, currency_code: str, band: tuple[str, str] | None = None
) -> alt.LayerChart:
    """Horizontal bars with their amount written beside them (room for it on a phone), every label shown."""
    top = max(float(frame[band[1] if band else x].max()) if len(frame) else 1.0, 1.0)
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{y}:N", sort=None, title=None, axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        x=alt.X(f"{x}:Q", title=currency_code, axis=alt.Axis(format="~s"), scale=alt.Scale(domain=[0, top * 2.2])),
    )
    layers = base.mark_bar() + base.mark_text(align="left", dx=3).encode(
        x=alt.X(f"{band[1] if band else x}:Q"), text=f"{text}:N"
    )
    if band:
        layers = (
            base.mark_bar()
            + base.mark_rule(color="black").encode(x=f"{band[0]}:Q", x2=f"{band[1]}:Q")
            + base.mark_text(align="left", dx=3).encode(x=alt.X(f"{band[1]}:Q"), text=f"{text}:N")
        )
    return layers.properties(title=title, height=34 * len(frame) + 90)


def coverage_map(report: Report, provinces: pd.DataFrame, province_names: dict[int, str]) -> None:
    """Coverage and shops by province as points on the provinces' coordinates (no map tiles: the app runs
    offline). Every province is a faint dot, so the country's outline shows; provinces under 10 people
    are not in the report and stay faint."""
    if report.suppressed:
        st.info(t("vouchers.too_few"))
        return
    cur = report.currency
    scale = 10 ** get_currency_precision(cur)
    where = provinces[["code", "lat", "lon"]].rename(columns={"code": "province_code"})
    where["province"] = where["province_code"].map(lambda c: province_names.get(int(c), str(c)))
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
        .encode(longitude="lon:Q", latitude="lat:Q", tooltip=[alt.Tooltip("province:N", title=_column("province"))])
    )
    coverage_layer = (
        alt.Chart(people)
        .mark_circle(opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size(
                "beneficiaries:Q",
                title=_column("beneficiaries"),
                scale=alt.Scale(range=[30, 900]),
                legend=alt.Legend(orient="bottom", format="~s", columns=2, labelLimit=0),
            ),
            color=alt.Color(
                "coverage:Q",
                title=_column("coverage"),
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                legend=alt.Legend(orient="bottom", format="%"),
            ),
            tooltip=[
                alt.Tooltip("province:N", title=_column("province")),
                alt.Tooltip("people_text:N", title=_column("beneficiaries")),
                alt.Tooltip("coverage_text:N", title=_column("coverage")),
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
                title=t("vouchers.map_receipts", currency=cur),
                scale=alt.Scale(range=[30, 900]),
                legend=alt.Legend(orient="bottom", format="~s", columns=2, labelLimit=0),
            ),
            tooltip=[
                alt.Tooltip("province:N", title=_column("province")),
                alt.Tooltip("shops_text:N", title=t("vouchers.col_shops")),
                alt.Tooltip("receipts_text:N", title=_column("receipts")),
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


# --- budget first ----------------------------------------------------------------------------------


def budget_first(scheme: Scheme, population: Population, province_names: dict[int, str], seed: int) -> None:
    """Given a budget, who the scheme can serve: groups in the chosen priority order, with caps per group and
    per province. Pure arithmetic on the eligible counts (no simulation), exact to the person and the unit."""
    cur = scheme.currency
    counts = eligible_counts(scheme, population.beneficiaries, seed)
    per = person_cost(scheme)
    if int(counts["eligible"].sum()) < MIN_GROUP:
        st.info(t("vouchers.too_few"))  # under 10 people: not even their number
        return
    need = scheme.costs.setup + sum(
        per[g] * n for g, n in counts.groupby("group")["eligible"].sum().items() if g in per
    )
    step = 1.0 if get_currency_precision(cur) else 1000
    groups = [tg.group for tg in scheme.targets]
    by_province = counts.groupby("province_code")["eligible"].sum()
    listed = [int(c) for c, n in by_province.items() if n >= MIN_GROUP]  # smaller provinces are not listed
    version = version_of(scheme)
    st.caption(
        t(
            "vouchers.bf_explain",
            setup=money(scheme.costs.setup, cur),
            costs=" · ".join(f"{t(f'vouchers.group_{g}')}: {money(c, cur)}" for g, c in per.items()),
            need=money(need, cur),
        )
    )
    with st.form(f"bf_form_{version}"):
        budget_major = st.number_input(
            t("vouchers.bf_budget", currency=cur),
            value=codec.major(scheme.budget or need // 2, cur),
            min_value=0.0 if step == 1.0 else 0,
            step=step,
            key=f"bf_budget_{version}",
        )
        priority = st.multiselect(
            t("vouchers.bf_priority"),
            groups,
            groups,
            format_func=labels("vouchers.group_"),
            key=f"bf_priority_{version}",
            help=t("vouchers.bf_priority_help"),
        )
        cols = st.columns(min(3, len(groups)))
        group_caps = {}
        for i, group in enumerate(groups):
            cap = cols[i % len(cols)].number_input(
                t("vouchers.bf_group_cap", group=t(f"vouchers.group_{group}")),
                min_value=0,
                value=0,
                step=10,
                key=f"bf_gcap_{group}_{version}",
            )
            if cap:
                group_caps[group] = int(cap)
        c1, c2 = st.columns([2, 1])
        capped = c1.multiselect(
            t("vouchers.bf_province_pick"),
            listed,
            [],
            format_func=lambda code: province_names.get(code, str(code)),
            placeholder=t("vouchers.bf_province_placeholder"),
            key=f"bf_prov_{version}",
        )
        province_cap = c2.number_input(
            t("vouchers.bf_province_cap"), min_value=0, value=0, step=10, key=f"bf_pcap_{version}"
        )
        st.form_submit_button(t("vouchers.bf_apply"), type="primary")
    budget = codec.minor(budget_major, cur)
    province_caps = {code: int(province_cap) for code in (capped or listed)} if province_cap else {}
    started = dt.datetime.now()
    result = plan(
        budget,
        counts,
        per,
        setup=scheme.costs.setup,
        priority=priority,
        group_caps=group_caps,
        province_caps=province_caps,
    )
    seconds = (dt.datetime.now() - started).total_seconds()
    row = st.container(horizontal=True, wrap=True, gap="small")
    row.metric(
        t("vouchers.bf_served"),
        t("vouchers.bf_served_value", served=num(result.people), eligible=num(result.eligible)),
        width="content",
        border=True,
    )
    row.metric(
        t("vouchers.bf_share"),
        pct(result.people / result.eligible if result.eligible else 0.0),
        width="content",
        border=True,
    )
    row.metric(t("vouchers.bf_spent"), money(result.spent, cur), width="content", border=True)
    row.metric(t("vouchers.bf_left"), money(result.left, cur), width="content", border=True)
    if budget < scheme.costs.setup:
        st.warning(t("vouchers.bf_below_setup", setup=money(scheme.costs.setup, cur)), icon="⚠️")
    st.caption(t("vouchers.bf_timing", ms=num(round(seconds * 1000, 1))))
    scale = 10 ** get_currency_precision(cur)
    groups_table = result.by_group()
    groups_table = groups_table[groups_table["eligible"] >= MIN_GROUP]
    shown = pd.DataFrame(
        {
            _column("group"): [t(f"vouchers.group_{g}") for g in groups_table["group"]],
            t("vouchers.bf_col_eligible"): [num(v) for v in groups_table["eligible"]],
            t("vouchers.bf_col_served"): [num(v) for v in groups_table["served"]],
            t("vouchers.bf_col_share"): [
                pct(s / e) for s, e in zip(groups_table["served"], groups_table["eligible"], strict=False)
            ],
            t("vouchers.bf_col_per_person"): [money(per[g], cur) for g in groups_table["group"]],
            _column("cost"): [money(v, cur) for v in groups_table["cost"]],
            t("vouchers.bf_col_stop"): [
                t(f"vouchers.bf_stop_{result.stop.get(g) or 'none'}") for g in groups_table["group"]
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    provinces_table = result.by_province()
    hidden = int((provinces_table["eligible"] < MIN_GROUP).sum())
    provinces_table = provinces_table[provinces_table["eligible"] >= MIN_GROUP]
    export = provinces_table.assign(
        province=provinces_table["province_code"].map(lambda c: province_names.get(int(c), str(c))),
        cost=provinces_table["cost"] / scale,
        currency=cur,
    )
    st.subheader(t("vouchers.bf_by_province"))
    st.dataframe(
        pd.DataFrame(
            {
                _column("province"): export["province"],
                t("vouchers.bf_col_eligible"): [num(v) for v in export["eligible"]],
                t("vouchers.bf_col_served"): [num(v) for v in export["served"]],
                t("vouchers.bf_col_share"): [
                    pct(s / e) for s, e in zip(export["served"], export["eligible"], strict=False)
                ],
                _column("cost"): [money(round(v * scale), cur) for v in export["cost"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if hidden:
        st.caption(t("vouchers.bf_hidden", count=num(hidden)))
    labelled_downloads(
        export[["province_code", "province", "eligible", "served", "cost", "currency"]],
        "vouchers_budget_plan",
        t("vouchers.bf_short"),
    )


# --- sensitivity sweep -----------------------------------------------------------------------------

SWEEPS = "vouchers_sweeps"
SWEEP_OUTCOME = {
    "tranches": "redemption_rate",
    "expiry_days": "redemption_rate",
    "claim_rate": "coverage",
    "merchant_density": "top10_merchants_share",
    "travel_km": "coverage",
    "cap": "redemption_rate",
}


def _sweep_input(kind: str, value: float, cur: str):
    """A parameter value as typed: shares in %, money in major units, the rest as they are."""
    if kind == "share":
        return round(value * 100, 1)
    if kind == "money":
        return codec.major(int(value), cur)
    return value


def _sweep_value(kind: str, typed: float, cur: str) -> float:
    if kind == "share":
        return round(typed / 100, 4)
    if kind == "money":
        return codec.minor(typed, cur)
    return int(round(typed)) if kind in ("count", "days") else float(typed)


def sweep_label(parameter: str, value: float, cur: str) -> str:
    kind = PARAMETERS[parameter]
    if kind == "share":
        return pct(value, 0)
    if kind == "money":
        return compact_money(round(value), cur)
    return num(value)


def sensitivity(scheme: Scheme, population: Population, key: tuple, runs: int, seed: int) -> None:
    """Vary one parameter over a range and watch an outcome, with the 5–95 % band of K runs at each point."""
    cur = scheme.currency
    parameter = st.selectbox(
        t("vouchers.sw_parameter"), list(PARAMETERS), format_func=labels("vouchers.sw_p_"), key="sw_parameter"
    )
    kind = PARAMETERS[parameter]
    defaults = default_values(scheme, parameter)
    cols = st.columns(4)
    whole = kind in ("count", "days", "km")
    step = {"share": 5.0, "money": 100.0 if get_currency_precision(cur) else 100_000.0}.get(kind, 1)
    first, last = (_sweep_input(kind, defaults[0], cur), _sweep_input(kind, defaults[-1], cur))
    if whole:
        first, last = int(first), int(last)
    else:
        first, last, step = float(first), float(last), float(step)
    unit = t(f"vouchers.sw_unit_{kind}", currency=cur)
    low = cols[0].number_input(t("vouchers.sw_from", unit=unit), value=first, step=step, key=f"sw_from_{parameter}")
    high = cols[1].number_input(t("vouchers.sw_to", unit=unit), value=last, step=step, key=f"sw_to_{parameter}")
    points = cols[2].number_input(t("vouchers.sw_points"), 2, MAX_POINTS, 6, key="sw_points")
    k = cols[3].number_input(t("vouchers.sw_runs"), 1, 50, min(runs, 20), key="sw_runs")
    raw = [
        _sweep_value(kind, v, cur)
        for v in (pd.Series(range(int(points))) * (high - low) / max(int(points) - 1, 1) + low)
    ]
    values = list(dict.fromkeys(raw))  # whole-number parameters can repeat on a short range
    # Each parameter opens on the outcome it moves (tranches do not change who holds a usable voucher).
    outcome = st.selectbox(
        t("vouchers.sw_outcome"),
        list(OUTCOMES),
        list(OUTCOMES).index(SWEEP_OUTCOME[parameter]),
        format_func=metric_labels(),
        key=f"sw_outcome_{parameter}",
    )
    sweep_key = (key, parameter, tuple(values), int(k), seed)
    store = st.session_state.setdefault(SWEEPS, {})
    if st.button(t("vouchers.sw_run", points=len(values), runs=int(k)), type="primary", key="sw_go"):
        bar = st.progress(0.0, text=t("vouchers.sw_running"))
        try:
            store.clear()
            store[sweep_key] = sweep(
                scheme,
                population,
                parameter,
                values,
                runs=int(k),
                seed=seed,
                progress=lambda done: bar.progress(done, text=t("vouchers.sw_running")),
            )
        finally:
            bar.empty()
    result = store.get(sweep_key)
    if result is None:
        st.caption(t("vouchers.sw_hint"))
        return
    st.caption(
        t("vouchers.sw_timing", points=num(len(values)), runs=num(result.runs), seconds=num(round(result.seconds, 2)))
    )
    for value, exc in result.refused.items():
        st.warning(
            t(
                "vouchers.sw_refused",
                value=sweep_label(parameter, value, cur),
                reason=error_text(exc, cur, [tg.group for tg in scheme.targets]),
            ),
            icon="⚠️",
        )
    frame = result.table[result.table["metric"] == outcome].copy()
    if frame.empty:
        return
    percent = outcome != "cost_per_unit_delivered"
    frame["x"] = (
        frame["value"] * (100 if kind == "share" else 1) / (10 ** get_currency_precision(cur) if kind == "money" else 1)
    )
    frame["text"] = [
        t(
            "vouchers.cell_band",
            mean=(pct(m) if percent else num(round(m, 3))),
            low=(pct(a) if percent else num(round(a, 3))),
            high=(pct(b) if percent else num(round(b, 3))),
        )
        for m, a, b in zip(frame["mean"], frame["p05"], frame["p95"], strict=False)
    ]
    frame["label"] = [sweep_label(parameter, v, cur) for v in frame["value"]]
    x_title = t(f"vouchers.sw_p_{parameter}") + ("" if kind == "count" else f" ({unit})")
    y_axis = alt.Axis(format="%") if percent else alt.Axis()
    x_axis = alt.Axis(format="d", values=sorted(frame["x"].unique().tolist())) if whole else alt.Axis()
    base = alt.Chart(frame).encode(x=alt.X("x:Q", title=x_title, axis=x_axis))
    # The y axis fits the values (not from 0), so a band a point wide still shows; the table has the numbers.
    chart = base.mark_area(opacity=0.25).encode(
        y=alt.Y("p05:Q", title=label(outcome), axis=y_axis, scale=alt.Scale(zero=False, padding=12)), y2="p95:Q"
    ) + base.mark_line(point=True).encode(
        y="mean:Q", tooltip=[alt.Tooltip("label:N", title=x_title), alt.Tooltip("text:N", title=label(outcome))]
    )
    st.altair_chart(chart.properties(title=t("vouchers.sw_chart"), height=300), width="stretch")
    st.caption(t("vouchers.sw_note", runs=num(result.runs)))
    table = pd.DataFrame({x_title: frame["label"], label(outcome): frame["text"]})
    st.dataframe(table, hide_index=True, width="stretch")
    export = result.table.assign(parameter=parameter, currency=cur)
    labelled_downloads(export, "vouchers_sweep", t("vouchers.sw_short"))


# --- real inputs -----------------------------------------------------------------------------------

UPLOAD = "vouchers_upload"


def input_error_text(error) -> str:
    """One uploaded-file problem in words: row, column, reason."""
    values = {k: (num(v) if isinstance(v, int) else v) for k, v in error.values.items()}
    code = "unknown_province" if error.column == "province_code" and error.code == "unknown_value" else error.code
    reason = t(f"vouchers.in_{code}", **values)
    if error.row and error.column:
        return t("vouchers.in_at_row", row=num(error.row), column=error.column, reason=reason)
    if error.column:
        return t("vouchers.in_at_column", column=error.column, reason=reason)
    return reason


def _show_problems(what: str, parsed) -> None:
    lines = "\n".join(f"- {input_error_text(e)}" for e in parsed.errors)
    more = ("\n\n" + t("vouchers.in_more", count=num(parsed.more_errors))) if parsed.more_errors else ""
    st.error(t("vouchers.in_problems", what=what) + "\n\n" + lines + more)


def upload_inputs() -> dict | None:
    """Counts per group × province (needed) and a merchant list (optional), parsed and checked; the valid
    ones are kept in the session. Only aggregates are read: no names, ids or contacts."""
    st.caption(t("vouchers.in_explain"))
    left, right = st.columns(2)
    limit = f"{num(MAX_CSV_BYTES // (1024 * 1024))} MB"
    counts_file = left.file_uploader(
        t("vouchers.in_counts", limit=limit), type=["csv"], key="vi_counts", max_upload_size=1
    )
    left.download_button(
        t("vouchers.in_example", what=t("vouchers.in_counts_short")),
        COUNTS_EXAMPLE.encode("utf-8"),
        "voucher_counts_example.csv",
        "text/csv",
        key="vi_counts_example",
    )
    shops_file = right.file_uploader(
        t("vouchers.in_merchants", limit=limit), type=["csv"], key="vi_merchants", max_upload_size=1
    )
    right.download_button(
        t("vouchers.in_example", what=t("vouchers.in_merchants_short")),
        MERCHANTS_EXAMPLE.encode("utf-8"),
        "voucher_merchants_example.csv",
        "text/csv",
        key="vi_merchants_example",
    )
    if counts_file is None:
        st.session_state.pop(UPLOAD, None)
        st.info(t("vouchers.in_needed"))
        return None
    counts_bytes = counts_file.getvalue()
    shops_bytes = shops_file.getvalue() if shops_file is not None else b""
    digest = hashlib.sha1(counts_bytes + b"\0" + shops_bytes).hexdigest()[:12]
    kept = st.session_state.get(UPLOAD)
    if kept and kept["digest"] == digest:
        return kept
    st.session_state.pop(UPLOAD, None)
    counts = parse_counts(counts_bytes)
    shops = parse_merchants(shops_bytes) if shops_bytes else None
    ok = True
    if counts.errors:
        _show_problems(counts_file.name, counts)
        ok = False
    if shops is not None and shops.errors:
        _show_problems(shops_file.name, shops)
        ok = False
    if not ok:
        return None
    for parsed, name in ((counts, counts_file.name), (shops, shops_file.name if shops_file else "")):
        if parsed is not None and parsed.ignored:
            st.caption(t("vouchers.in_ignored", file=name, columns=", ".join(parsed.ignored)))
    kept = {"digest": digest, "counts": counts.frame, "merchants": shops.frame if shops is not None else None}
    st.session_state[UPLOAD] = kept
    return kept


def uploaded_note(kept: dict) -> None:
    counts = kept["counts"]
    per_group = counts.groupby("group")["count"].sum()
    shown = {g: int(n) for g, n in per_group.items() if n >= MIN_GROUP}
    shops = kept["merchants"]
    st.caption(
        t(
            "vouchers.in_summary",
            groups=_counts_text(shown) or "—",
            provinces=num(counts["province_code"].nunique()),
            shops=(
                t("vouchers.in_shops_listed", count=num(len(shops)))
                if shops is not None
                else t("vouchers.in_shops_synthetic")
            ),
        )
    )
