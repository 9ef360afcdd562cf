"""The scheme designer: every field of the scheme in sections, read back into a Scheme when submitted.

Amounts are typed in major units of the scheme's currency; a new currency converts them at the stated
planning rate. A rejected edit is remembered (stale.REJECTED) so the page can hide the old results."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from explorer.ui.i18n import t
from explorer.ui.vouchers import form_sections as section
from explorer.ui.vouchers.form_fields import FormState
from explorer.ui.vouchers.form_parts import by_group_from
from explorer.ui.vouchers.stale import REJECTED
from explorer.vouchers import codec, currency
from explorer.vouchers.scheme import FORM_FIELDS, Scheme, SchemeError


def designer(scheme: Scheme, province_names: dict[int, str]) -> Scheme | None:
    """The scheme form; returns the edited scheme when submitted and valid. A rejected edit is remembered in
    the session (REJECTED) with its error, so the page can hide the results of the previous scheme."""
    f = FormState(scheme)
    with st.form(f"vd_form_{f.version}"):
        with st.container(border=True):
            section.targets(f)
        with st.container(border=True):
            start = section.basics(f)
        with st.container(border=True):
            section.eligibility(f, province_names)
        with st.container(border=True):
            mode, expiry_days = section.tranches_and_expiry(f)
        with st.container(border=True):
            section.merchants(f)
        with st.container(border=True):
            group_table = section.behaviour(f)
        with st.container(border=True):
            section.verification(f)
        with st.container(border=True):
            budget = section.costs(f)
        data = f.data
        data["budget"] = budget or None
        data["expiry"]["mode"] = mode
        if mode == "fixed_date":
            data["expiry"]["date"] = (start + dt.timedelta(days=expiry_days)).isoformat()
        else:
            data["expiry"]["date"] = None
            if mode == "days_after_claim":
                data["expiry"]["days"] = expiry_days
        data["behaviour"]["by_group"] = by_group_from(group_table, scheme)
        submitted = st.form_submit_button(t("vouchers.apply"), type="primary")
    if not submitted:
        return None
    return _accept(f, scheme.currency)


def _accept(f: FormState, cur: str) -> Scheme | None:
    """The submitted form as a Scheme, or None (remembered as rejected) when it cannot run."""
    data = f.data
    # Amounts are read in the currency they are shown in (the scheme's); a new currency converts them at
    # the stated planning rate (200 CNY → 700,000 đ), it never reuses the numbers.
    chosen, data["currency"] = data["currency"], cur

    def minor(value: float) -> int:
        return codec.minor(value, cur)

    for target in data["targets"]:
        target["amount"] = minor(target["amount"])
    for part, name, kind in FORM_FIELDS:
        if kind == "money":
            data[part][name] = minor(data[part][name])
    data["budget"] = minor(data["budget"]) if data["budget"] else None
    data["merchants"]["category_limits"] = {
        c: (minor(v) if v > 0 else v) for c, v in data["merchants"]["category_limits"].items() if v
    }
    groups = [tg["group"] for tg in data["targets"]]
    try:
        edited = currency.convert(codec.from_dict(data), chosen)
    except SchemeError as exc:
        st.session_state[REJECTED] = {"version": f.version, "error": exc, "currency": cur, "groups": groups}
        return None
    st.session_state.pop(REJECTED, None)
    if chosen != cur:
        st.session_state["vouchers_converted"] = (cur, chosen)
    return edited
