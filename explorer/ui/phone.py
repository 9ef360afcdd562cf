"""The phone (a 390 px screen): key columns without sideways scrolling, filters folded under the results' fold.

Streamlit cannot read the viewport on the server, and a guess from the User-Agent breaks on tablets, rotated
phones and desktop windows made narrow. So the choice is left to the browser: a table that matters on a phone is
sent twice, the full one and a compact one holding only its key columns in fixed widths that fit 358 px (a
390 px screen less the page's padding), and a CSS media query shows exactly one of them. The breakpoint is
Streamlit's own (columns stack below 640 px), so the compact table appears when the layout goes single-column.
The cost is one extra small grid (a page of rows) per table; no URL flag, no state, nothing to get out of sync.

Where the key columns are text to read (a statement line's amount, sender and memo; a campaign's money and
progress) the phone's copy is a plain HTML table instead of a grid: it wraps long memos instead of cutting them,
never scrolls sideways, and its cells are real page elements (a test measures where they are drawn).

Filters are folded in an expander, closed by default on every screen, whose label says how many are in use:
on a phone the results are on the first screen; on a desktop one click opens them, and the search box (the
filter people use most) stays outside it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
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


_TABLE_CSS = f"""<style>
.ph-table {{ width: 100%; table-layout: fixed; border-collapse: collapse; font-size: .88rem; line-height: 1.3; }}
.ph-table th {{ text-align: left; font-weight: 600; color: #555; border-bottom: 2px solid #ccc;
               padding: .3rem .25rem; }}
.ph-table td {{ border-bottom: 1px solid #e3e3e3; padding: .35rem .25rem; vertical-align: top;
               overflow-wrap: anywhere; }}
.ph-table .num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
.ph-table .in {{ color: #1b5e20; }} .ph-table .out {{ color: #b71c1c; }}
.ph-table small {{ display: block; color: #666; font-size: .75rem; white-space: normal; }}
.ph-bar {{ height: .35rem; background: #eee; border-radius: .2rem; margin-top: .2rem; }}
.ph-bar > div {{ height: 100%; background: #c62828; border-radius: .2rem; max-width: 100%; }}
.ph-bar.met {{ background: #2e7d32; }} .ph-bar.met > div {{ background: #2e7d32; }}
@media (min-width: {PHONE_MAX_PX + 1}px) {{ .ph-table {{ display: none; }} }}
</style>"""


def cell(text: object, css: str = "", note: object = "", href: str = "") -> str:
    """One table cell: `text` escaped (a link when `href` is given), with an optional small note below it."""
    body = html.escape(str(text))
    if href:
        body = f'<a href="{html.escape(href, quote=True)}" target="_self">{body}</a>'
    if note:
        body += f"<small>{html.escape(str(note))}</small>"
    return f'<td class="{css}">{body}</td>'


def bar(ratio: float) -> str:
    """A small progress bar (HTML) for a ratio (1.0 = 100 %). A target met or passed draws the whole bar green:
    134 % was a full red bar, the alarm colour, indistinguishable from 100 % and read as an overflow."""
    value = max(0.0, float(ratio))
    return (
        f'<div class="ph-bar{" met" if value >= 1 else ""}" role="progressbar" aria-valuemin="0" '
        f'aria-valuemax="100" aria-valuenow="{value * 100:.1f}"><div style="width: {min(value, 1.0) * 100:.1f}%">'
        "</div></div>"
    )


def html_table(container: Any, headers: Sequence[tuple[str, str]], rows: Sequence[str], key: str) -> None:
    """A phone table: headers as (label, width as a CSS length), rows already made of cell() strings."""
    head = "".join(f'<th style="width: {width}">{html.escape(label)}</th>' for label, width in headers)
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    container.html(f'{_TABLE_CSS}<table class="ph-table" id="{key}"><thead><tr>{head}</tr></thead>{body}</table>')
