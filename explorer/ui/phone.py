"""The phone (a 390 px screen): key columns without sideways scrolling, filters folded under the results' fold.

Streamlit cannot read the viewport on the server, and a guess from the User-Agent breaks on tablets, rotated
phones and desktop windows made narrow. So the choice is left to the browser: a table that matters on a phone is
sent twice, the full one and a compact one holding only its key columns in fixed widths that fit 358 px (a
390 px screen less the page's padding), and a CSS media query shows exactly one of them. The breakpoint is
Streamlit's own (columns stack below 640 px), so the compact table appears when the layout goes single-column.
The cost is one extra small grid (a page of rows) per table; no URL flag, no state, nothing to get out of sync.

Filters are folded in an expander, closed by default on every screen, whose label says how many are in use:
on a phone the results are on the first screen; on a desktop one click opens them, and the search box (the
filter people use most) stays outside it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from explorer.ui.i18n import num, t

PHONE_MAX_PX = 640  # Streamlit stacks columns below this width: one column, a phone held upright
COMPACT_WIDTH_PX = 350  # the sum of a compact table's column widths: 390 px less 2 × 1 rem padding, less slack


def by_screen(key: str) -> tuple[Any, Any]:
    """(wide, narrow) containers: the first shown on screens wider than PHONE_MAX_PX, the second on phones."""
    st.html(
        f"<style>.st-key-{key}_narrow {{ display: none; }}"
        f"@media (max-width: {PHONE_MAX_PX}px) {{ .st-key-{key}_wide {{ display: none; }}"
        f" .st-key-{key}_narrow {{ display: block; }} }}</style>"
    )
    return st.container(key=f"{key}_wide"), st.container(key=f"{key}_narrow")


def filters(active: int, key: str) -> Any:
    """An expander for a page's filters, closed; its label counts the filters in use (so none hides unseen)."""
    label = t("public.filters_active", n=num(active)) if active else t("public.filters")
    return st.expander(label, expanded=False, key=key)


def compact_css() -> None:
    """Phone-only layout tweaks every public page shares: tighter top padding, so results come sooner."""
    st.html(
        f"<style>@media (max-width: {PHONE_MAX_PX}px) {{"
        " [data-testid='stMainBlockContainer'] { padding-top: 3.2rem; }"
        " [data-testid='stMainBlockContainer'] h1 { font-size: 1.6rem; padding-bottom: .2rem; }"
        "}</style>"
    )
