"""Operator page: import a bank statement file (listed only when the deployment allows writes).

URL params: account (account number to prefill), layout (auto | vcb_daily | vcb_thong_ke | vietinbank |
agribank | vbsp | generic), expected_rows (published number of transactions, 0 = not checked), lang.
"""
import pandas as pd
import streamlit as st

from explorer.db.engine import DatabaseError, make_engine
from explorer.ingest import LAYOUTS, StatementImportError, import_statement, parse_mapping
from explorer.params import Param
from explorer.settings import load_settings
from explorer.ui.i18n import money, num, t
from explorer.ui.layout import page, sync_url

LAYOUT_CHOICES = ("auto", *LAYOUTS)
SPEC = {"account": Param("text", ""), "layout": Param("choice", "auto", choices=LAYOUT_CHOICES),
        "expected_rows": Param("int", 0, min=0, max=100_000_000)}
PROBLEMS_SHOWN = 200

params = page("import", SPEC)
settings = load_settings()
if not settings.allow_writes:  # app.py does not list the page then; this guards a direct run
    st.info(t("import.disabled"))
    st.stop()


@st.cache_resource(show_spinner=False)
def writer_engine(url: str):
    return make_engine(url)


st.caption(t("import.intro"))
upload = st.file_uploader(t("import.file"), type=["csv", "txt", "xlsx", "parquet"], key="imp_file")
left, middle, right = st.columns([2, 2, 2])
account = left.text_input(t("import.account"), value=params["account"] or "", max_chars=32,
                          help=t("import.account_help"), key="imp_account")
labels = [t("import.layout_auto") if name == "auto" else name for name in LAYOUT_CHOICES]
layout = LAYOUT_CHOICES[labels.index(middle.selectbox(t("import.layout"), labels, key="imp_layout",
                                                      index=LAYOUT_CHOICES.index(params["layout"])))]
expected_rows = right.number_input(t("import.expected_rows"), min_value=0, max_value=100_000_000, step=1,
                                   value=params["expected_rows"], key="imp_expected")
with st.expander(t("import.more")):
    bank = st.text_input(t("import.bank"), max_chars=32, key="imp_bank")
    holder = st.text_input(t("import.holder"), max_chars=200, key="imp_holder")
    mapping_text = st.text_input(t("import.map"), help=t("import.map_help"), key="imp_map")

sync_url({"account": account.strip(), "layout": layout, "expected_rows": int(expected_rows),
          "lang": params["lang"]}, SPEC)


def show_problems(error: StatementImportError) -> None:
    st.error(t("import.failed", file=error.file, count=num(error.total)))
    table = pd.DataFrame({
        t("import.row"): pd.array([p.row for p in error.problems[:PROBLEMS_SHOWN]], dtype="Int64"),
        t("import.column"): [p.column or "" for p in error.problems[:PROBLEMS_SHOWN]],
        t("import.problem"): [p.message for p in error.problems[:PROBLEMS_SHOWN]],
    })
    st.dataframe(table, hide_index=True, width="stretch")


def show_result(result) -> None:
    st.success(t("import.done", file=result.file, layout=result.layout, added=num(result.added),
                 rows=num(result.rows)))
    if result.added == 0:
        st.info(t("import.already"))
    cols = st.columns(6)
    cols[0].metric(t("import.rows"), num(result.rows))
    cols[1].metric(t("import.added"), num(result.added))
    cols[2].metric(t("import.skipped"), num(result.skipped))
    cols[3].metric(t("import.credit"), money(result.credit_total))
    cols[4].metric(t("import.debit"), money(result.debit_total))
    cols[5].metric(t("import.closing"), money(result.closing_balance))
    st.caption(t("import.provenance", sha=result.sha256))


if st.button(t("import.run"), type="primary", key="imp_run"):
    if upload is None:
        st.warning(t("import.need_file"))
        st.stop()
    if not account.strip():
        st.warning(t("import.need_account"))
        st.stop()
    try:
        column_map = parse_mapping(mapping_text) if mapping_text.strip() else None
    except ValueError as exc:
        st.warning(t("import.bad_map", reason=str(exc)))
        st.stop()
    bar = st.progress(0.0, text=t("import.running", file=upload.name))
    try:
        result = import_statement(
            writer_engine(settings.database_url), upload.getvalue(), upload.name, account=account.strip(),
            bank=bank.strip() or None, holder=holder.strip() or None, layout=None if layout == "auto" else layout,
            column_map=column_map, expected_rows=int(expected_rows) or None,
            progress=lambda stage, done, total: bar.progress(min(done / max(total, 1), 1.0), text=stage))
    except StatementImportError as exc:
        bar.empty()
        show_problems(exc)
    except DatabaseError as exc:
        bar.empty()
        st.error(t("import.db_failed"))
        if not settings.public_mode:
            st.caption(str(exc)[:300])
    else:
        bar.empty()
        if result.added:
            st.cache_data.clear()  # public pages cache query results: show the new lines now
        show_result(result)
