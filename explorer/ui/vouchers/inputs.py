"""Real inputs: counts per group × province and a merchant list uploaded as CSV, checked cell by cell."""

from __future__ import annotations

import hashlib

import streamlit as st

from explorer.ui.i18n import num, t
from explorer.ui.vouchers.labels import counts_text
from explorer.vouchers.disclosure import MIN_GROUP
from explorer.vouchers.inputs import (
    COUNTS_EXAMPLE,
    MAX_CSV_BYTES,
    MERCHANTS_EXAMPLE,
    parse_counts,
    parse_merchants,
)

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
    shops_name = shops_file.name if shops_file is not None else ""
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
        _show_problems(shops_name, shops)
        ok = False
    if not ok:
        return None
    for parsed, name in ((counts, counts_file.name), (shops, shops_name)):
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
            groups=counts_text(shown) or "—",
            provinces=num(counts["province_code"].nunique()),
            shops=(
                t("vouchers.in_shops_listed", count=num(len(shops)))
                if shops is not None
                else t("vouchers.in_shops_synthetic")
            ),
        )
    )
