"""What every page shares: URL parameters in and out, the simulated-data label, notices, exports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from explorer.export import EXPORT_ROW_CAP, to_csv_bytes, to_parquet_bytes
from explorer.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from explorer.params import REASONS, Param, parse_params, to_query
from explorer.queries import imports
from explorer.ui import phone
from explorer.ui.data import query
from explorer.ui.i18n import num, t

# Headline numbers (st.metric) scale with the window and wrap at a space rather than end in "…": a cut figure
# reads as a different number. Pages with bigger type (Presenter) set their own size on top of this.
_METRIC_CSS = """<style>
[data-testid="stMetricValue"] { font-size: clamp(1.5rem, 2.3vw, 2.25rem); }
[data-testid="stMetricValue"] > div { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def page(namespace: str, spec: Mapping[str, Param]) -> dict[str, Any]:
    """Title, the simulated-data label and the page's URL parameters (bad ones dropped with a notice)."""
    st.html(_METRIC_CSS)
    phone.compact_css()
    raw = st.query_params.to_dict()
    if "lang" not in raw and st.session_state.get("lang"):
        raw["lang"] = st.session_state["lang"]  # sidebar links drop ?lang: keep the visitor's language
    lang = raw.get("lang", DEFAULT_LANGUAGE)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    values, notices = parse_params(raw, spec, {code: translate(lang, f"common.url_{code}") for code in REASONS})
    st.session_state["lang"] = values["lang"]
    st.title(t(f"{namespace}.title"))
    mix = query(imports.data_mix)  # the label says what is on this site: simulated, imported, or both
    if mix["simulated"]:
        st.caption("🧪 " + t("common.mixed_label" if mix["imported"] else "common.simulated_label"))
    if notices:  # they quote the URL: shown as one code span, so a link cannot put markdown on the page
        st.info(t("common.ignored_params", params=literal("; ".join(notices[:5]))))
    return values


def literal(user_text: object) -> str:
    """User text (from a URL or a box) as one inline code span, so markdown in it never renders as a link,
    image or emphasis; a backtick inside cannot close the span."""
    return "`" + str(user_text).replace("`", "ˋ") + "`"


def sync_url(values: Mapping[str, Any], spec: Mapping[str, Param]) -> None:
    """Write the view's state back to the URL so the link reproduces it."""
    wanted = to_query(values, spec)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its column codes as headers in the page's language (columns.json), for the CSV people open
    in a spreadsheet; a code without words, or whose words another column already took, keeps its code."""
    names: dict[str, str] = {}
    for column in map(str, frame.columns):
        key = f"columns.{column}"
        words = t(key)
        names[column] = column if words == key or words in names.values() else words
    return frame.rename(columns=names)


def downloads_on_request(
    name: str, build: Callable[[], tuple[pd.DataFrame, bool]], *, key: str = "", label: str = ""
) -> None:
    """A toggle that prepares the list's CSV and Parquet downloads when asked: `build()` gives (rows, capped).
    Reading up to EXPORT_ROW_CAP rows and writing them into two files on every run cost more than the rest of
    the page (campaigns and disbursements at national scale), for a download few visitors want."""
    cap = t("common.export_cap", cap=num(EXPORT_ROW_CAP))
    if st.toggle(label or t("common.export_toggle"), key=key or f"{name}_export", help=cap):
        frame, capped = build()
        downloads(frame, name, capped=capped)


def downloads(frame: pd.DataFrame, name: str, *, capped: bool = False) -> None:
    """CSV and Parquet buttons for `frame` (already limited to EXPORT_ROW_CAP rows by the query). The CSV's
    headers are in the page's language; the Parquet file keeps the column codes, for programs."""
    left, right, note = st.columns([1, 1, 3])
    left.download_button(
        t("common.download_csv"), to_csv_bytes(headed(frame)), f"{name}.csv", "text/csv", key=f"dl_csv_{name}"
    )
    right.download_button(
        t("common.download_parquet"),
        to_parquet_bytes(frame),
        f"{name}.parquet",
        "application/octet-stream",
        key=f"dl_pq_{name}",
    )
    note.caption(
        t("common.export_cap", cap=num(EXPORT_ROW_CAP)) if capped else t("common.export_rows", rows=num(len(frame)))
    )
