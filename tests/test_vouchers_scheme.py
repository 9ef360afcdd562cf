"""Voucher schemes in and out: JSON and URL tokens round-trip, and bad input is refused by field name."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.i18n import LANGUAGES, catalog
from explorer.vouchers import codec
from explorer.vouchers.engine import simulate
from explorer.vouchers.presets import BABY, NEW_YEAR, PRESETS, STORM_RELIEF, preset_population
from explorer.vouchers.report import COST_PARTS, HEADLINE
from explorer.vouchers.scheme import MESSAGES, Expiry, Scheme, SchemeError, Target, Tranches


def preset_dict(name: str = "new_year_gift") -> dict:
    return codec.to_dict(PRESETS[name])


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_round_trip_through_json(name):
    scheme = PRESETS[name]
    assert codec.from_json(codec.to_json(scheme)) == scheme


def test_token_round_trips_an_edited_scheme_and_is_empty_for_the_preset():
    edited = dataclasses.replace(
        BABY,
        targets=(Target("newborn_family", 300_00),),
        tranches=Tranches(count=3, denomination=100_00),
        horizon_days=120,
    )
    token = codec.encode_token(edited, BABY)
    assert token and len(token) < 400 and token.isascii()
    assert codec.decode_token(token, BABY) == edited
    assert codec.encode_token(BABY, BABY) == ""
    assert codec.decode_token("", BABY) == BABY
    assert codec.overrides(edited, BABY).keys() == {
        "targets",
        "tranches.count",
        "tranches.denomination",
        "horizon_days",
    }


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"targets": [{"group": "child", "amount": -200}]}, "targets[0].amount", "min"),
        ({"targets": [{"group": "child", "amount": 0}]}, "targets[0].amount", "min"),
        ({"targets": []}, "targets", "no_groups"),
        ({"targets": [{"group": "pirates", "amount": 100}]}, "targets[0].group", "choice"),
        (
            {"targets": [{"group": "child", "amount": 1}, {"group": "child", "amount": 2}]},
            "targets[1].group",
            "duplicate_group",
        ),
        ({"expiry": {"mode": "fixed_date", "date": "2025-01-01"}}, "expiry.date", "after_start"),
        ({"expiry": {"mode": "fixed_date", "date": "2024-12-31"}}, "expiry.date", "after_start"),
        ({"expiry": {"mode": "fixed_date", "date": None}}, "expiry.date", "required"),
        ({"expiry": {"days": -3}}, "expiry.days", "min"),
        ({"tranches": {"count": 0}}, "tranches.count", "min"),
        ({"tranches": {"count": "4"}}, "tranches.count", "type"),
        ({"tranches": {"count": True}}, "tranches.count", "type"),
        ({"tranches": {"denomination": 1}}, "tranches.denomination", "too_many_vouchers"),
        ({"behaviour": {"claim_probability": 1.5}}, "behaviour.claim_probability", "max"),
        ({"behaviour": {"claim_probability": float("nan")}}, "behaviour.claim_probability", "type"),
        ({"eligibility": {"household_min": 5, "household_max": 2}}, "eligibility.household_min", "household_range"),
        ({"merchants": {"categories": []}}, "merchants.categories", "no_categories"),
        ({"merchants": {"categories": ["casino"]}}, "merchants.categories[0]", "choice"),
        ({"budget": -1}, "budget", "min"),
        ({"start_date": "yesterday"}, "start_date", "type"),
        ({"currency": "BTC"}, "currency", "choice"),
        ({"surprise": 1}, "surprise", "unknown_field"),
        ({"costs": {"setup": -5}}, "costs.setup", "min"),
        (
            {"behaviour": {"by_group": {"child": {"categories": {"groceries": -1}}}}},
            "behaviour.by_group.child.categories.groceries",
            "min",
        ),
    ],
)
def test_bad_scheme_is_refused_naming_the_field(change, field, code):
    data = preset_dict()
    data["start_date"] = "2025-01-01"
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    with pytest.raises(SchemeError) as caught:
        codec.from_json(json.dumps(data))
    assert (caught.value.field, caught.value.code) == (field, code)
    assert str(caught.value).startswith(f"{field}: ")


def test_budget_too_small_names_the_budget_with_both_amounts():
    needed = 500_000_00 + BABY.costs.setup + 2_500 * BABY.costs.onboarding_per_beneficiary  # value + upfront costs
    scheme = dataclasses.replace(BABY, budget=needed - 1)
    with pytest.raises(SchemeError) as caught:
        simulate(scheme, preset_population(BABY.name, 1), runs=1)
    err = caught.value
    assert (err.field, err.code) == ("budget", "budget_too_small")
    assert err.values == {"budget": needed - 1, "needed": needed, "count": 2_500}
    assert simulate(dataclasses.replace(BABY, budget=needed), preset_population(BABY.name, 1), runs=1)


def test_no_eligible_beneficiary_and_no_merchant_are_clear_errors():
    population = preset_population(BABY.name, 1)
    nobody = dataclasses.replace(BABY, targets=(Target("elderly", 100),))
    with pytest.raises(SchemeError) as caught:
        simulate(nobody, population, runs=1)
    assert caught.value.field == "eligibility" and caught.value.code == "no_eligible"
    no_shops = dataclasses.replace(BABY, merchants=dataclasses.replace(BABY.merchants, categories=("services",)))
    with pytest.raises(SchemeError) as caught:
        simulate(no_shops, population, runs=1)
    assert caught.value.field == "merchants.categories"


MALFORMED = [
    b"",
    b"{",
    b"[]",
    b"null",
    b"42",
    b'"scheme"',
    b"\xff\xfe\x00garbage",
    b"{" * 50_000,
    b"[" * 5_000 + b"]" * 5_000,
    b'{"targets": [{"group": "child", "amount": 1e999}]}',
    b'{"targets": "child"}',
    b'{"targets": [null]}',
    b'{"eligibility": []}',
    b'{"behaviour": {"by_group": {"child": 3}}}',
    b'{"start_date": 20250101}',
    b'{"name": {"a": 1}}',
    b'\xef\xbb\xbf{"targets": []}',
    json.dumps({"x" * 100: 1}).encode(),
    b"NaN",
    b'{"budget": NaN}',
    b" " * (codec.MAX_JSON_BYTES + 1),
]


@pytest.mark.parametrize("payload", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_upload_never_raises_and_says_what_is_wrong(payload):
    scheme, problem = codec.try_parse(payload)
    assert scheme is None
    assert isinstance(problem, SchemeError) and problem.field and problem.code in MESSAGES


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
            max_leaves=20,
        ).map(json.dumps),
    )
)
def test_fuzzed_uploads_never_raise(payload):
    scheme, problem = codec.try_parse(payload)
    assert (scheme is None) != (problem is None)


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "1",
        "1!!!!",
        "2abc",
        "1" + "A" * 5000,
        "1" + base64.urlsafe_b64encode(zlib.compress(b"[1,2]")).decode(),
        "1" + base64.urlsafe_b64encode(zlib.compress(b'{"tranches.count": -1}')).decode(),
        "1" + base64.urlsafe_b64encode(zlib.compress(b'{"nope.x": 1}')).decode(),
        "1" + base64.urlsafe_b64encode(zlib.compress(b"0" * 10_000_000)).decode(),
    ],
)
def test_bad_url_tokens_fall_back_to_the_preset_with_a_reason(token):
    scheme, problem = codec.decode_or_base(token, NEW_YEAR)
    assert scheme == NEW_YEAR
    assert isinstance(problem, SchemeError)


def test_token_changes_are_validated_like_json():
    bad = "1" + base64.urlsafe_b64encode(zlib.compress(b'{"tranches.count": -1}')).decode()
    with pytest.raises(SchemeError) as caught:
        codec.decode_token(bad, NEW_YEAR)
    assert caught.value.field == "tranches.count"


def test_expiry_before_start_and_money_units():
    scheme = dataclasses.replace(STORM_RELIEF, expiry=Expiry(mode="fixed_date", date=dt.date(2024, 9, 1)))
    with pytest.raises(SchemeError) as caught:
        codec.from_dict(codec.to_dict(scheme))
    assert caught.value.field == "expiry.date"
    assert codec.major(200_00, "CNY") == 200.0 and codec.minor(200.0, "CNY") == 20_000
    assert codec.major(2_000_000, "VND") == 2_000_000 and codec.minor(2_000_000, "VND") == 2_000_000
    assert isinstance(Scheme(), Scheme)


def test_every_error_code_and_metric_has_a_text_in_every_language():
    texts = catalog()
    keys = (
        [f"vouchers.err_{code}" for code in MESSAGES]
        + [f"vouchers.m_{m}" for m in (*HEADLINE, *COST_PARTS)]
        + [f"vouchers.preset_{name}" for name in PRESETS]
        + [f"vouchers.preset_{name}_about" for name in PRESETS]
    )
    for key in keys:
        assert key in texts and all(texts[key].get(lang) for lang in LANGUAGES), key
