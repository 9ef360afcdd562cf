"""Scheme errors in words people read: the field's label, limits in major units, the true upload limit."""

from __future__ import annotations

import re

import streamlit as st

from explorer.i18n import catalog
from explorer.ui.i18n import money, num, t
from explorer.vouchers import codec
from explorer.vouchers.scheme import SchemeError

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
