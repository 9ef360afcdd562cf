"""Changing a scheme's currency: every amount is converted at a stated planning rate, never reused as is.

A designer who switches a 200 CNY gift to VND means 700,000 đ, not 200 đ. The rates below are planning
rates (round figures close to 2025 market rates), shown on the page next to the currency choice; they
are not market quotes. Amounts stay integers in the target currency's minor units (round half up).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from babel.numbers import get_currency_precision

from explorer.vouchers.scheme import Scheme, validate

VND_PER_UNIT = {"VND": 1, "CNY": 3_500, "USD": 25_000}  # planning rates, dong per one major unit


def rate(source: str, target: str) -> Fraction:
    """Major units of `target` per one major unit of `source`."""
    return Fraction(VND_PER_UNIT[source], VND_PER_UNIT[target])


def convert_amount(amount: int, source: str, target: str) -> int:
    """Minor units of `source` → minor units of `target` at the planning rate."""
    if source == target:
        return int(amount)
    exact = (
        Fraction(int(amount), 10 ** get_currency_precision(source))
        * rate(source, target)
        * 10 ** get_currency_precision(target)
    )
    return int(exact + Fraction(1, 2)) if exact >= 0 else -int(-exact + Fraction(1, 2))


def convert(scheme: Scheme, target: str) -> Scheme:
    """The same scheme in `target`, every money field converted (targets, denomination, cap, travel cost,
    costs, budget); the result is validated again."""
    source = scheme.currency
    if source == target:
        return scheme

    def c(amount: int) -> int:
        return convert_amount(amount, source, target)

    rep = dataclasses.replace
    return validate(
        rep(
            scheme,
            currency=target,
            targets=tuple(rep(t, amount=max(1, c(t.amount))) for t in scheme.targets),
            tranches=rep(scheme.tranches, denomination=c(scheme.tranches.denomination)),
            merchants=rep(
                scheme.merchants,
                cap_per_merchant=c(scheme.merchants.cap_per_merchant),
                category_limits={k: max(1, c(v)) for k, v in scheme.merchants.category_limits.items()},
            ),
            access=rep(scheme.access, travel_cost_per_km=c(scheme.access.travel_cost_per_km)),
            costs=rep(
                scheme.costs,
                setup=c(scheme.costs.setup),
                onboarding_per_beneficiary=c(scheme.costs.onboarding_per_beneficiary),
                fee_per_transaction=c(scheme.costs.fee_per_transaction),
                settlement_cost=c(scheme.costs.settlement_cost),
            ),
            budget=None if scheme.budget is None else c(scheme.budget),
        )
    )
