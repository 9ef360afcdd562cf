"""A voucher scheme: who is eligible, how much, in which tranches, where and for how long (DESIGN §6).

Frozen dataclasses, all money in integer minor units of `Scheme.currency` (VND has none, CNY two:
200 CNY = 20000). Every constraint a single field carries sits in that field's metadata (`_range`,
`_choices`), so the JSON codec checks it while parsing and names the field; rules that tie fields
together live in `validate`. Problems raise SchemeError(field, code, **values): the code selects a
translated message in the UI, `str()` gives the English one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from explorer.db.schema import BENEFICIARY_GROUPS, MERCHANT_CATEGORIES

MAX_VOUCHERS_PER_BENEFICIARY = 200  # keeps one run's transaction arrays bounded (memory, speed)
MAX_AMOUNT = 10**15  # sums stay exact in float64 bincounts (< 2**53)
CURRENCIES = ("VND", "CNY", "USD")

MESSAGES = {
    "json": "is not valid JSON ({detail})",
    "too_large": "is too large ({size} bytes, at most {limit})",
    "type": "must be {expected}",
    "required": "is required",
    "unknown_field": "is not a field of a voucher scheme",
    "min": "must be at least {min}",
    "max": "must be at most {max}",
    "choice": "must be one of: {choices}",
    "no_groups": "choose at least one beneficiary group to target",
    "duplicate_group": "lists the group {group} twice",
    "after_start": "must be after the start date ({start})",
    "household_range": "the smallest household size is larger than the largest",
    "too_many_vouchers": "would give {count} vouchers to one beneficiary (at most {limit}): use a larger denomination",
    "no_categories": "choose at least one merchant category",
    "no_eligible": "no beneficiary in the data matches the eligibility rules",
    "no_merchants": "no merchant of the allowed categories exists in the data",
    "budget_too_small": "{budget} is less than the {needed} the scheme needs for {count} beneficiaries "
    "(vouchers, set-up and onboarding)",
}


class SchemeError(ValueError):
    """A scheme that cannot run, naming the field at fault (`targets[0].amount`, `expiry.date`, `budget`)."""

    def __init__(self, field_name: str, code: str, **values: object):
        self.field = field_name
        self.code = code
        self.values = values
        template = MESSAGES.get(code, code)
        try:
            text = template.format(**values)
        except (KeyError, IndexError, ValueError):
            text = template
        super().__init__(f"{field_name}: {text}")


def _range(default, lo=None, hi=None):
    return field(default=default, metadata={"min": lo, "max": hi})


def _choices(default, *options):
    return field(default=default, metadata={"choices": options})


@dataclass(frozen=True)
class Target:
    """One beneficiary group and what each member of it receives."""

    group: str = _choices("child", *BENEFICIARY_GROUPS)
    amount: int = _range(0, 1, MAX_AMOUNT)  # per beneficiary, or per household member
    per_member: bool = False
    max_members: int = _range(10, 1, 50)  # cap on members paid for when per_member


@dataclass(frozen=True)
class Eligibility:
    provinces: tuple[int, ...] = ()  # empty: every province
    household_min: int = _range(1, 1, 50)
    household_max: int = _range(50, 1, 50)
    referral_required: bool = False
    referral_rate: float = _range(1.0, 0.0, 1.0)  # share holding a referral when the data has no flag


@dataclass(frozen=True)
class Tranches:
    count: int = _range(1, 1, 24)
    denomination: int = _range(0, 0, MAX_AMOUNT)  # 0: one voucher per tranche
    schedule: str = _choices("after_previous", "after_previous", "interval")
    interval_days: int = _range(30, 1, 365)  # tranche k opens k × interval days after the claim


@dataclass(frozen=True)
class Expiry:
    mode: str = _choices("days_after_claim", "none", "fixed_date", "days_after_claim")
    date: dt.date | None = None  # for fixed_date
    days: int = _range(60, 1, 730)  # for days_after_claim
    unspent: str = _choices("return_to_fund", "return_to_fund", "lapse")


@dataclass(frozen=True)
class MerchantRules:
    categories: tuple[str, ...] = ("groceries",)
    cap_per_merchant: int = _range(0, 0, MAX_AMOUNT)  # most value one merchant may take in; 0: no cap
    # Forus-style product vouchers: the most one beneficiary may spend at shops of a category (minor units);
    # a category not listed has no limit of its own.
    category_limits: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Verification:
    face_success: float = _range(0.95, 0.0, 1.0)  # face / ID check passes at the first try
    assisted_share: float = _range(0.5, 0.0, 1.0)  # of those failing, share helped by staff
    assisted_success: float = _range(0.9, 0.0, 1.0)


@dataclass(frozen=True)
class GroupBehaviour:
    pace: float = _range(1.0, 0.1, 10.0)  # multiplies every delay: 2 = twice as slow
    categories: dict[str, float] = field(default_factory=dict)  # preference weight per merchant category


@dataclass(frozen=True)
class Behaviour:
    claim_probability: float = _range(0.95, 0.0, 1.0)
    claim_delay_days: float = _range(3.0, 0.0, 365.0)  # mean days from start to claim
    first_spend_days: float = _range(4.0, 0.0, 365.0)  # mean days from claim to first spend
    days_between_spends: float = _range(6.0, 0.0, 365.0)  # mean days between two vouchers
    never_spend_share: float = _range(0.05, 0.0, 1.0)
    shop_distance_decay_km: float = _range(5.0, 0.1, 1000.0)  # preference falls by e every this many km
    merchant_popularity_spread: float = _range(1.0, 0.0, 5.0)  # σ of a lognormal merchant appeal
    by_group: dict[str, GroupBehaviour] = field(default_factory=dict)


@dataclass(frozen=True)
class Access:
    max_travel_km: float = _range(0.0, 0.0, 5000.0)  # 0: no limit; else beyond it nobody can spend
    travel_cost_per_km: int = _range(0, 0, MAX_AMOUNT)


@dataclass(frozen=True)
class Costs:
    setup: int = _range(0, 0, MAX_AMOUNT)
    onboarding_per_beneficiary: int = _range(0, 0, MAX_AMOUNT)
    fee_per_transaction: int = _range(0, 0, MAX_AMOUNT)
    settlement_cost: int = _range(0, 0, MAX_AMOUNT)  # per payout to one merchant
    settlement: str = _choices("daily", "daily", "weekly")


@dataclass(frozen=True)
class Scheme:
    name: str = "scheme"
    currency: str = _choices("VND", *CURRENCIES)
    start_date: dt.date = dt.date(2025, 1, 1)
    horizon_days: int = _range(90, 1, 730)  # days simulated from the start
    targets: tuple[Target, ...] = ()
    eligibility: Eligibility = field(default_factory=Eligibility)
    tranches: Tranches = field(default_factory=Tranches)
    expiry: Expiry = field(default_factory=Expiry)
    merchants: MerchantRules = field(default_factory=MerchantRules)
    verification: Verification = field(default_factory=Verification)
    behaviour: Behaviour = field(default_factory=Behaviour)
    access: Access = field(default_factory=Access)
    costs: Costs = field(default_factory=Costs)
    exclude_duplicates: bool = True
    budget: int | None = None  # None: exactly what the scheme issues


# What the page's scheme designer edits as plain inputs: (section or "" for the top level, field, kind);
# the choices list their options. (Targets, dates, provinces and categories have widgets of their own.)
FORM_FIELDS = (
    ("", "horizon_days", "int"),
    ("eligibility", "household_min", "int"),
    ("eligibility", "household_max", "int"),
    ("tranches", "count", "int"),
    ("tranches", "denomination", "money"),
    ("tranches", "interval_days", "int"),
    ("expiry", "days", "int"),
    ("merchants", "cap_per_merchant", "money"),
    ("access", "max_travel_km", "float"),
    ("access", "travel_cost_per_km", "money"),
    ("verification", "face_success", "share"),
    ("verification", "assisted_share", "share"),
    ("verification", "assisted_success", "share"),
    ("behaviour", "claim_probability", "share"),
    ("behaviour", "never_spend_share", "share"),
    ("behaviour", "claim_delay_days", "float"),
    ("behaviour", "first_spend_days", "float"),
    ("behaviour", "days_between_spends", "float"),
    ("behaviour", "shop_distance_decay_km", "float"),
    ("behaviour", "merchant_popularity_spread", "float"),
    ("costs", "setup", "money"),
    ("costs", "onboarding_per_beneficiary", "money"),
    ("costs", "fee_per_transaction", "money"),
    ("costs", "settlement_cost", "money"),
)
FORM_CHOICES = (
    ("tranches", "schedule", ("after_previous", "interval")),
    ("expiry", "mode", ("none", "fixed_date", "days_after_claim")),
    ("expiry", "unspent", ("return_to_fund", "lapse")),
    ("costs", "settlement", ("daily", "weekly")),
)


def validate(scheme: Scheme) -> Scheme:
    """Rules that tie fields together; single-field ranges are checked by the codec. Returns the scheme."""
    if not scheme.targets:
        raise SchemeError("targets", "no_groups")
    seen: set[str] = set()
    for i, target in enumerate(scheme.targets):
        if target.group in seen:
            raise SchemeError(f"targets[{i}].group", "duplicate_group", group=target.group)
        seen.add(target.group)
        if not 1 <= target.amount <= MAX_AMOUNT:
            raise SchemeError(f"targets[{i}].amount", "min" if target.amount < 1 else "max", min=1, max=MAX_AMOUNT)
        members = target.max_members if target.per_member else 1
        per_tranche = -(-target.amount * members // scheme.tranches.count)
        denomination = scheme.tranches.denomination
        count = scheme.tranches.count * (-(-per_tranche // denomination) if denomination else 1)
        if count > MAX_VOUCHERS_PER_BENEFICIARY:
            raise SchemeError(
                "tranches.denomination", "too_many_vouchers", count=count, limit=MAX_VOUCHERS_PER_BENEFICIARY
            )
    elig = scheme.eligibility
    if elig.household_min > elig.household_max:
        raise SchemeError("eligibility.household_min", "household_range")
    if scheme.expiry.mode == "fixed_date":
        if scheme.expiry.date is None:
            raise SchemeError("expiry.date", "required")
        if scheme.expiry.date <= scheme.start_date:
            raise SchemeError("expiry.date", "after_start", start=scheme.start_date.isoformat())
    if not scheme.merchants.categories:
        raise SchemeError("merchants.categories", "no_categories")
    for i, category in enumerate(scheme.merchants.categories):
        if category not in MERCHANT_CATEGORIES:
            raise SchemeError(f"merchants.categories[{i}]", "choice", choices=", ".join(MERCHANT_CATEGORIES))
    for category, limit in scheme.merchants.category_limits.items():
        where = f"merchants.category_limits.{category}"
        if category not in MERCHANT_CATEGORIES:
            raise SchemeError(where, "choice", choices=", ".join(MERCHANT_CATEGORIES))
        if not isinstance(limit, int) or not 1 <= limit <= MAX_AMOUNT:
            raise SchemeError(where, "min" if not isinstance(limit, int) or limit < 1 else "max", min=1, max=MAX_AMOUNT)
    for group, behaviour in scheme.behaviour.by_group.items():
        if group not in BENEFICIARY_GROUPS:
            raise SchemeError(f"behaviour.by_group.{group}", "choice", choices=", ".join(BENEFICIARY_GROUPS))
        for category, weight in behaviour.categories.items():
            where = f"behaviour.by_group.{group}.categories.{category}"
            if category not in MERCHANT_CATEGORIES:
                raise SchemeError(where, "choice", choices=", ".join(MERCHANT_CATEGORIES))
            if not 0 <= weight <= 1000:
                raise SchemeError(where, "min" if weight < 0 else "max", min=0, max=1000)
    if scheme.budget is not None and scheme.budget < 0:
        raise SchemeError("budget", "min", min=0)
    return scheme


def expiry_day(scheme: Scheme) -> int | None:
    """Days after the start on which a fixed expiry falls (vouchers are usable on earlier days only)."""
    if scheme.expiry.mode != "fixed_date" or scheme.expiry.date is None:
        return None
    return (scheme.expiry.date - scheme.start_date).days
