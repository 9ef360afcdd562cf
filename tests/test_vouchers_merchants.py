"""Merchant view: receipts per shop and category, concentration (top-10 share, HHI) and cap hits, exactly."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from explorer.vouchers.engine import simulate
from explorer.vouchers.population import Population
from explorer.vouchers.report import build_report
from explorer.vouchers.scheme import (
    Behaviour,
    Expiry,
    MerchantRules,
    Scheme,
    Target,
    Verification,
)


def two_towns() -> Population:
    """30 people at shop 1, 10 people at shop 2 (some 150 km away), a pharmacy 300 km from both."""
    n1, n2 = 30, 10
    people = pd.DataFrame(
        {
            "person_id": np.arange(n1 + n2),
            "org_id": 1,
            "group": "child",
            "province_code": [1] * n1 + [2] * n2,
            "household_size": 2,
            "lat": [21.0] * n1 + [22.35] * n2,
            "lon": [105.8] * (n1 + n2),
        }
    )
    shops = pd.DataFrame(
        {
            "merchant_id": [11, 12, 13],
            "category": ["groceries", "groceries", "pharmacy_clinic"],
            "province_code": [1, 2, 3],
            "lat": [21.0, 22.35, 18.3],
            "lon": [105.8, 105.8, 105.8],
            "daily_capacity": [1000, 1000, 1000],
        }
    )
    return Population(people, shops)


SURE = Scheme(
    currency="VND",
    horizon_days=30,
    targets=(Target("child", 100_000),),
    expiry=Expiry(mode="none"),
    merchants=MerchantRules(categories=("groceries", "pharmacy_clinic")),
    verification=Verification(face_success=1.0),
    behaviour=Behaviour(
        claim_probability=1.0,
        never_spend_share=0.0,
        claim_delay_days=0,
        first_spend_days=0,
        days_between_spends=0,
        shop_distance_decay_km=0.1,
        merchant_popularity_spread=0.0,
    ),
)


def test_receipts_by_merchant_and_category_and_concentration_without_a_cap():
    report = build_report(simulate(SURE, two_towns(), runs=3, seed=2))
    shops = report.by_merchant.set_index("merchant_id")
    assert shops["receipts"].to_dict() == {11: 3_000_000, 12: 1_000_000, 13: 0}
    assert shops["transactions"].to_dict() == {11: 30, 12: 10, 13: 0}
    assert list(report.by_merchant["merchant_id"]) == [11, 12, 13]  # the largest takings first
    assert shops.loc[11, "share"] == pytest.approx(0.75)
    assert report.value("hhi") == pytest.approx(75**2 + 25**2)  # 6,250
    assert report.value("top10_merchants_share") == pytest.approx(1.0)
    assert shops["refused"].sum() == 0 and shops["cap_hit_runs"].sum() == 0
    cats = report.by_category.set_index("category")
    assert cats.loc["groceries", ["merchants", "merchants_used", "receipts"]].tolist() == [2, 2, 4_000_000]
    assert cats.loc["pharmacy_clinic", ["merchants", "merchants_used", "receipts"]].tolist() == [1, 0, 0]
    assert cats.loc["groceries", "share"] == pytest.approx(1.0)


def test_a_merchant_cap_shows_which_shop_refused_how_much_in_every_run():
    capped = dataclasses.replace(SURE, merchants=dataclasses.replace(SURE.merchants, cap_per_merchant=2_500_000))
    report = build_report(simulate(capped, two_towns(), runs=3, seed=2))
    shops = report.by_merchant.set_index("merchant_id")
    assert shops["receipts"].to_dict() == {11: 2_500_000, 12: 1_000_000, 13: 0}
    assert shops["refused"].to_dict() == {11: 500_000, 12: 0, 13: 0}
    assert shops["cap_hit_runs"].to_dict() == {11: 1.0, 12: 0.0, 13: 0.0}
    assert report.value("cap_refused") == 500_000 and report.value("cap_merchants") == 1
    assert report.value("hhi") == pytest.approx((2.5 / 3.5 * 100) ** 2 + (1 / 3.5 * 100) ** 2)  # 5,918.4
    assert report.by_category.set_index("category").loc["groceries", "cap_hit_merchants"] == 1


def grocer_and_pharmacy() -> Population:
    """30 people at a grocer, 10 people at a pharmacy 150 km away."""
    population = two_towns()
    shops = population.merchants.copy()
    shops.loc[shops["merchant_id"] == 12, "category"] = "pharmacy_clinic"
    return Population(population.beneficiaries, shops)


def test_a_category_limit_stops_each_person_at_it_like_a_product_voucher():
    from explorer.vouchers.scheme import Tranches

    # 100,000 đ in four 25,000 đ vouchers; at pharmacies a person may spend at most 60,000 đ: two vouchers
    # (50,000), since a third would pass the limit.
    limited = dataclasses.replace(
        SURE,
        tranches=Tranches(count=4),
        merchants=dataclasses.replace(SURE.merchants, category_limits={"pharmacy_clinic": 60_000}),
    )
    report = build_report(simulate(limited, grocer_and_pharmacy(), runs=2, seed=2))
    shops = report.by_merchant.set_index("merchant_id")
    assert shops["receipts"].to_dict() == {11: 3_000_000, 12: 500_000, 13: 0}
    assert report.value("category_limit_refused") == 10 * 50_000
    assert report.value("redeemed") == 3_500_000 and report.value("issued") == 4_000_000
    cats = report.by_category.set_index("category")
    assert cats.loc["pharmacy_clinic", "receipts"] == 500_000


def test_category_limits_round_trip_convert_and_are_checked():
    from explorer.vouchers import codec, currency
    from explorer.vouchers.presets import NEW_YEAR
    from explorer.vouchers.scheme import SchemeError, validate

    scheme = dataclasses.replace(
        NEW_YEAR, merchants=dataclasses.replace(NEW_YEAR.merchants, category_limits={"pharmacy_clinic": 80_00})
    )
    assert codec.from_json(codec.to_json(scheme)) == scheme
    assert codec.decode_token(codec.encode_token(scheme, NEW_YEAR), NEW_YEAR) == scheme
    assert currency.convert(scheme, "VND").merchants.category_limits == {"pharmacy_clinic": 280_000}
    with pytest.raises(SchemeError) as bad:
        validate(
            dataclasses.replace(scheme, merchants=dataclasses.replace(scheme.merchants, category_limits={"bakery": 5}))
        )
    assert bad.value.field == "merchants.category_limits.bakery" and bad.value.code == "choice"


def test_a_category_limit_set_in_the_designer_reaches_the_url_and_the_merchant_tab(app):
    from test_vouchers_designer import apply, number_input, open_en, token, tr

    from explorer import fmt
    from explorer.vouchers import codec
    from explorer.vouchers.presets import NEW_YEAR

    at = open_en(app, designer=True, runs=1)
    number_input(at, tr("limit_label", category=tr("cat_pharmacy_clinic"))).set_value(80.0)
    at = apply(at)
    assert not at.exception and not at.error
    scheme = codec.decode_token(token(at), NEW_YEAR)
    assert scheme.merchants.category_limits == {"pharmacy_clinic": 80_00}
    at.session_state["vouchers_tab"] = tr("tab_merchants")  # drawn only while open
    at = at.run()
    merchants_tab = at.tabs[1]
    assert any(
        c.value.startswith(
            tr("mv_limits", limits=f"{tr('cat_pharmacy_clinic')}: {fmt.money(80_00, 'CNY', 'en')}", refused="")[:60]
        )
        for c in merchants_tab.caption
    )


def test_a_category_limit_below_one_is_named_in_words(app):
    from test_vouchers_designer import apply, number_input, open_en, tr

    from explorer import fmt

    at = open_en(app, designer=True, runs=1)
    number_input(at, tr("limit_label", category=tr("cat_groceries"))).set_value(-3.0)
    at = apply(at)
    field = tr("limit_label", category=tr("cat_groceries"))
    assert [e.value for e in at.error] == [
        tr("invalid", field=field, message=tr("err_min", min=fmt.money(1, "CNY", "en")))
    ]
