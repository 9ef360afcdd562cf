"""The Voucher simulation page on the tiny seed: its numbers are the engine's, its URL reproduces it."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from page_specs import open_page
from sqlalchemy import text
from test_vouchers_designer import open_designer

from explorer import fmt
from explorer.i18n import catalog, translate
from explorer.queries import vouchers as vq
from explorer.ui.vouchers.labels import FRONT
from explorer.vouchers import codec
from explorer.vouchers.engine import simulate
from explorer.vouchers.population import Population
from explorer.vouchers.presets import BABY, NEW_YEAR, PRESETS, STORM_RELIEF, synthetic_for
from explorer.vouchers.report import HEADLINE, build_report
from explorer.vouchers.scheme import Target


def engine_report(engine, scheme, runs=10, seed=1):
    """The report of the seeded database's population (the page's `population=db`)."""
    people = vq.beneficiaries(
        engine, groups=tuple(t.group for t in scheme.targets), provinces=tuple(scheme.eligibility.provinces)
    )
    shops = vq.merchants(engine, categories=tuple(scheme.merchants.categories))
    return build_report(simulate(scheme, Population(people, shops), runs=runs, seed=seed))


def stated_report(scheme, preset, runs=10, seed=1):
    """The report of the preset's stated population (the page's default)."""
    return build_report(simulate(scheme, synthetic_for(scheme, preset, seed), runs=runs, seed=seed))


def shown(report, metric, lang="vi"):
    """How the page formats a metric (explorer.fmt with the page's language)."""
    value = report.value(metric)
    kind = HEADLINE[metric]
    if math.isnan(value):
        return "—"
    if kind == "pct":
        return fmt.percent(value, lang)
    if kind == "money":
        return fmt.compact_money(round(value), report.currency, lang)
    return fmt.number(round(value, 1 if kind == "days" else 3 if kind == "ratio" else 0), lang)


def metrics_on(at) -> dict[str, str]:
    """The Results tab's metrics (the other tabs have metrics of their own)."""
    return {m.label: m.value for m in (at.tabs[0].metric if at.tabs else at.metric)}


def page_label(metric, lang="vi", unspent="return_to_fund"):
    if metric == "unspent_at_expiry":
        return translate(lang, f"vouchers.mx_unspent_at_expiry_{unspent}")
    key = f"vouchers.mx_{metric}"
    return translate(lang, key if key in catalog() else f"vouchers.m_{metric}")


def assert_page_equals_engine(at, report, lang="vi"):
    on_page = metrics_on(at)
    for metric in FRONT:
        assert on_page[page_label(metric, lang)] == shown(report, metric, lang), metric


def test_default_page_shows_the_engines_numbers_on_the_presets_stated_population(app):
    at = open_page(app, "vouchers")
    assert_page_equals_engine(at, stated_report(NEW_YEAR, "new_year_gift"))
    assert len(at.tabs[0].metric) == len(FRONT)
    assert at.tabs and not at.error


def test_url_params_reproduce_an_edited_scheme_and_round_trip(app, public_engine):
    edited = dataclasses.replace(BABY, targets=(Target("newborn_family", 300_00),), horizon_days=120)
    token = codec.encode_token(edited, BABY)
    at = open_page(app, "vouchers", preset="baby_vouchers", scheme=token, runs=3, seed=7, lang="en", population="db")
    at.selectbox(key="lang_picker").set_value("en")
    at = open_designer(at)
    assert_page_equals_engine(at, engine_report(public_engine, edited, runs=3, seed=7), lang="en")
    assert at.query_params["preset"] == ["baby_vouchers"] or at.query_params["preset"] == "baby_vouchers"
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params["scheme"] == token and params["runs"] == "3" and params["seed"] == "7"
    assert codec.decode_token(params["scheme"], BABY) == edited
    # The designer shows the scheme from the URL.
    amounts = [n.value for n in at.number_input if n.label == translate("en", "vouchers.group_newborn_family")]
    assert amounts == [300.0]


def apply_designer(at):
    label = translate("vi", "vouchers.apply")
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_submitting_the_designer_puts_the_scheme_in_the_url(app, public_engine):
    at = open_designer(open_page(app, "vouchers", preset="new_year_gift", runs=2, population="db"))
    next(n for n in at.number_input if n.label == translate("vi", "vouchers.group_child")).set_value(250.0)
    at = apply_designer(at)
    assert not at.exception and not at.error
    token = at.query_params["scheme"]
    token = token[-1] if isinstance(token, list) else token
    expected = dataclasses.replace(NEW_YEAR, targets=(Target("child", 250_00), NEW_YEAR.targets[1]))
    assert codec.decode_token(token, NEW_YEAR) == expected
    assert_page_equals_engine(at, engine_report(public_engine, expected, runs=2))


def test_negative_value_in_the_designer_names_the_field_in_words_and_major_units(app):
    at = open_designer(open_page(app, "vouchers", runs=1))
    next(n for n in at.number_input if n.label == translate("vi", "vouchers.group_child")).set_value(-5.0)
    at = apply_designer(at)
    assert not at.exception
    expected = translate(
        "vi",
        "vouchers.invalid",
        field=translate("vi", "vouchers.group_child"),
        message=translate("vi", "vouchers.err_min", min=fmt.money(1, "CNY", "vi")),
    )
    assert [e.value for e in at.error] == [expected]


def test_a_broken_url_scheme_is_named_and_the_preset_still_runs(app, public_engine):
    at = open_page(app, "vouchers", scheme="1notbase64!!", runs=2)
    assert any(translate("vi", "vouchers.field_scheme") in e.value for e in at.error)
    assert_page_equals_engine(at, stated_report(NEW_YEAR, "new_year_gift", runs=2))


def test_groups_under_ten_people_are_never_shown(app, public_engine):
    # Storm relief targets one province's disaster-affected households: the tiny seed has only a few.
    people = vq.beneficiaries(public_engine, groups=("disaster_affected",), provinces=(21,))
    assert 0 < people.person_id.nunique() < 10
    at = open_page(app, "vouchers", preset="storm_relief_vn", runs=1, population="db")
    assert not at.metric
    assert [i.value for i in at.info] == [translate("vi", "vouchers.too_few")]  # not even how many there are
    # The same in every tab that shows people or shops: it says only why.
    for tab in ("merchants", "map", "budget", "sweep"):
        at.session_state["vouchers_tab"] = translate("vi", f"vouchers.tab_{tab}")
        at = at.run()
        assert not at.exception and not at.metric, tab
        assert [i.value for i in at.info] == [translate("vi", "vouchers.too_few")] * 2, tab
        for frame in at.dataframe:
            assert frame.value.empty or "Người thụ hưởng" not in frame.value.columns
    for frame in at.dataframe:
        assert frame.value.empty or "Người thụ hưởng" not in frame.value.columns


def test_breakdowns_hold_no_small_group_and_no_personal_data(app, public_engine):
    at = open_page(app, "vouchers", runs=2, population="db")
    with public_engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT full_name FROM beneficiaries"))}
        phones = {r[0] for r in conn.execute(text("SELECT phone FROM beneficiaries"))}
    count_column = translate("vi", "vouchers.col_beneficiaries")
    assert at.dataframe
    for frame in at.dataframe:
        df = frame.value
        if count_column in df.columns:
            assert (df[count_column] >= 10).all()
        cells = set(df.astype(str).to_numpy().ravel())
        assert not cells & names and not cells & phones


def richest_campaign(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            text("""
            SELECT campaign_id FROM statement_lines WHERE campaign_id IS NOT NULL GROUP BY campaign_id
            ORDER BY SUM(CASE WHEN direction = 'in' THEN amount ELSE -amount END) DESC LIMIT 1""")
        ).scalar_one()


def ledger(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM statement_lines")).one()


@pytest.mark.parametrize("per_household, fits", [(5_000, True), (1_000_000, False)])
def test_fund_from_a_campaign_previews_without_writing(app, public_engine, tiny_engine, per_household, fits):
    campaign = richest_campaign(tiny_engine)
    balance = vq.campaign_balance(public_engine, campaign)
    scheme = dataclasses.replace(
        STORM_RELIEF,
        targets=(Target("disaster_affected", per_household),),
        costs=dataclasses.replace(STORM_RELIEF.costs, setup=1_000_000, onboarding_per_beneficiary=0),
    )
    needed = 4_000 * per_household + 1_000_000  # the synthetic population: 4,000 documented households
    assert (needed <= balance["available"]) == fits
    before = ledger(tiny_engine)
    at = open_page(
        app,
        "vouchers",
        preset="storm_relief_vn",
        scheme=codec.encode_token(scheme, STORM_RELIEF),
        population="synthetic",
        runs=1,
    )
    at.selectbox(key="vf_campaign").set_value(campaign)
    at = at.run()
    assert not at.exception
    shown_metrics = {m.label: m.value for m in at.metric}
    assert shown_metrics[translate("vi", "vouchers.fund_available")] == fmt.money(balance["available"], "VND", "vi")
    previews = [f.value for f in at.dataframe if translate("vi", "vouchers.col_balance") in f.value.columns]
    if fits:
        preview = previews[0]
        amount, balance_col = translate("vi", "vouchers.col_amount"), translate("vi", "vouchers.col_balance")
        assert len(preview) > 2 and preview[balance_col].iloc[-1] == balance["available"] - preview[amount].sum()
        assert preview[balance_col].min() >= 0
        assert translate("vi", "vouchers.fund_one_run", runs=1) in [c.value for c in at.caption]
    else:
        assert not previews and any(translate("vi", "vouchers.fund_available") in e.value for e in at.error)
    assert ledger(tiny_engine) == before  # a preview writes nothing


def test_every_preset_opens(app):
    for name in PRESETS:
        at = open_page(app, "vouchers", preset=name, population="synthetic", runs=1)
        assert at.metric, name


def test_loaders_bring_only_what_the_engine_needs(public_engine):
    people = vq.beneficiaries(public_engine, groups=("child", "elderly"))
    assert list(people.columns) == ["person_id", "org_id", "group", "province_code", "household_size", "lat", "lon"]
    with public_engine.connect() as conn:
        expected = conn.execute(
            text("""SELECT COUNT(*), COUNT(DISTINCT national_id_hash) FROM beneficiaries
                                        WHERE "group" IN ('child', 'elderly')""")
        ).one()
    assert (len(people), people.person_id.nunique()) == tuple(expected)
    assert not people.attrs["capped"] and vq.beneficiaries(public_engine, groups=("child",), limit=5).attrs["capped"]
    in_one = vq.beneficiaries(public_engine, groups=("child",), provinces=(29,))
    assert set(in_one.province_code) == {29} and len(in_one) > 0
    shops = vq.merchants(public_engine, categories=("mother_baby",))
    assert set(shops.category) == {"mother_baby"} and (shops.daily_capacity > 0).all()


def test_switching_currency_converts_every_amount_at_the_stated_rate(app):
    at = open_designer(open_page(app, "vouchers", runs=1))
    next(n for n in at.number_input if n.label == translate("vi", "vouchers.group_child")).set_value(250.0)
    next(s for s in at.selectbox if s.label == translate("vi", "vouchers.f_currency")).set_value("VND")
    at = apply_designer(at)
    assert not at.exception
    token = at.query_params["scheme"]
    scheme = codec.decode_token(token[-1] if isinstance(token, list) else token, NEW_YEAR)
    # 250 CNY and 500 CNY as typed, at 1 CNY = 3,500 đ — never 250 đ.
    assert scheme.currency == "VND" and scheme.targets[0] == Target("child", 875_000)
    assert scheme.targets[1].amount == 1_750_000 and scheme.tranches.denomination == 175_000
    assert scheme.costs.setup == 400_000 * 3_500
    rate = "1,00\xa0CN¥ = 3.500\xa0₫ · 1,00\xa0US$ = 25.000\xa0₫"  # Babel puts a no-break space before ₫
    assert translate("vi", "vouchers.converted", source="CNY", target="VND", rates=rate) in [i.value for i in at.info]
    # The form now shows the converted amounts, in đồng.
    assert next(n for n in at.number_input if n.label == translate("vi", "vouchers.group_child")).value == 875_000


@pytest.mark.parametrize(
    ("lang", "label", "about", "sign"),
    [
        (
            "zh",
            "新春关爱金（儿童 ¥200.00，家庭 ¥500.00）",
            "面向 5,000 名儿童 × ¥200.00 + 8,550 户家庭 × ¥500.00 = ¥5,275,000.00，"
            "可在日用品、学习用品和药店商户使用。",
            "¥",
        ),
        (
            "en",
            "New-Year gift (children CN¥200.00, households CN¥500.00)",
            "Designed for 5,000 children × CN¥200.00 + 8,550 households × CN¥500.00 = CN¥5,275,000.00, "
            "at necessities, school-supply and pharmacy merchants.",
            "CN¥",
        ),
    ],
)
def test_yuan_amounts_are_written_one_way(app, lang, label, about, sign):
    """The New-Year preset wrote its yuan three ways on one screen: '200 元' / '200 CNY' in its name and
    description, '¥5,275,000.00' / 'CN¥5,275,000.00' in the results, 'CNY' under the cost chart."""
    at = open_page(app, "vouchers", lang=lang, runs=1)
    assert at.selectbox(key=f"vp_preset_{lang}").options[0] == label
    captions = [c.value for c in at.caption]
    assert about in captions
    issued = fmt.money(5_275_000_00, "CNY", lang)
    assert issued == f"{sign}5,275,000.00" and any(issued in c and "CNY" not in c for c in captions)
    costs = next(json.loads(c.proto.spec) for c in at.get("vega_lite_chart") if '"part"' in c.proto.spec)
    axes = {layer["encoding"]["x"]["title"] for layer in costs["layer"]}
    assert axes == {sign}  # the cost axis names the sign its bars carry ('¥400,000.00'), not 'CNY'


def test_the_chinese_cost_per_unit_names_no_yuan_for_a_dong_scheme(app):
    """'每交付 1 元的成本' called a dong scheme's cost per đồng delivered a cost per yuan: the label names no
    currency."""
    at = open_page(app, "vouchers", preset="storm_relief_vn", runs=1, population="synthetic", lang="zh")
    labels = list(metrics_on(at))
    assert "每交付 1 单位货币的成本" in labels, labels
    assert not any("元" in label for label in labels), labels
