"""Operator page: import a bank statement file (listed only when the deployment allows writes).

URL params: account (account number to prefill), layout (auto | vcb_daily | vcb_thong_ke | vietinbank |
agribank | vbsp | generic), expected_rows (published number of transactions, 0 = not checked), lang.
"""

import hashlib
import json

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explorer import urls
from explorer.db.engine import DatabaseError, create_schema, make_engine
from explorer.ingest import StatementImportError, parse_mapping, read_statement, review, store, write_statement
from explorer.ingest.importer import Progress, Statement
from explorer.ingest.policy import DEFAULT_MAX_SET_ASIDE, Policy
from explorer.ingest.report import flag_codes, report
from explorer.settings import load_settings
from explorer.ui.i18n import day, moment, money, num, t
from explorer.ui.layout import literal, page, sync_url
from explorer.ui.listing import money_column

LAYOUT_CHOICES = urls.LAYOUT_CHOICES
SPEC = urls.SPECS["import_statements"]
PROBLEMS_SHOWN = 200

params = page("import", SPEC)
settings = load_settings()
if not settings.allow_writes:  # app.py does not list the page then; this guards a direct run
    st.info(t("import.disabled"))
    st.stop()


@st.cache_resource(show_spinner=False)
def writer_engine(url: str):
    engine = make_engine(url)
    create_schema(engine)  # an older database gets the import tables and columns added since
    return engine


st.caption(t("import.intro"))
upload = st.file_uploader(t("import.file"), type=["csv", "tsv", "txt", "xlsx", "parquet", "pdf"], key="imp_file")
left, middle, right = st.columns([2, 2, 2])
account = left.text_input(
    t("import.account"), value=params["account"] or "", max_chars=32, help=t("import.account_help"), key="imp_account"
)
labels = [t("import.layout_auto") if name == "auto" else name for name in LAYOUT_CHOICES]
layout = LAYOUT_CHOICES[
    labels.index(
        middle.selectbox(t("import.layout"), labels, key="imp_layout", index=LAYOUT_CHOICES.index(params["layout"]))
    )
]
expected_rows = right.number_input(
    t("import.expected_rows"),
    min_value=0,
    max_value=100_000_000,
    step=1,
    value=params["expected_rows"],
    key="imp_expected",
)
with st.expander(t("import.more")):
    bank = st.text_input(t("import.bank"), max_chars=32, key="imp_bank")
    holder = st.text_input(t("import.holder"), max_chars=200, key="imp_holder")
    currency = st.text_input(t("import.currency"), max_chars=3, key="imp_currency")
    mapping_text = st.text_input(t("import.map"), help=t("import.map_help"), key="imp_map")
    share = st.number_input(
        t("import.max_set_aside"),
        min_value=0.0,
        max_value=100.0,
        step=0.1,
        value=DEFAULT_MAX_SET_ASIDE * 100,
        key="imp_share",
    )
    strict = st.checkbox(t("import.strict"), key="imp_strict")

sync_url(
    {"account": account.strip(), "layout": layout, "expected_rows": int(expected_rows), "lang": params["lang"]}, SPEC
)


def show_problems(error: StatementImportError) -> None:
    st.error(t("import.failed", file=error.file, count=num(error.total)))
    table = pd.DataFrame(
        {
            t("import.row"): pd.array([p.row for p in error.problems[:PROBLEMS_SHOWN]], dtype="Int64"),
            t("import.column"): [p.column or "" for p in error.problems[:PROBLEMS_SHOWN]],
            t("import.problem"): [p.message for p in error.problems[:PROBLEMS_SHOWN]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def check_label(name: str) -> str:
    """A reconciliation check's name in the page's language (the report and the database keep it in English)."""
    label = t(f"import.check.{name}")
    return name if label == f"import.check.{name}" else label


def show_statement(statement: Statement) -> None:
    """The dry run: what matched and why, the first lines, and everything the import would set aside or flag."""
    parsed, unit = statement.parsed, statement.currency
    st.success(t("import.checked", file=statement.file, layout=statement.layout.name))
    st.caption(t("import.why", why=literal(parsed.why)))  # the matcher's own words, quoted as they are
    reconciled = {
        True: t("import.reconciled_yes"),
        False: t("import.reconciled_no"),
        None: t("import.reconciled_none"),
    }[statement.reconciled]
    figures = [
        (t("import.rows"), num(statement.rows)),
        (t("import.lines"), num(len(parsed.lines))),
        (t("import.set_aside"), num(len(parsed.set_aside))),
        (t("import.flagged"), num(statement.flagged)),
        (t("import.gaps"), num(len(statement.gaps))),
        (t("import.reconciled"), reconciled),
        (t("import.credit"), money(statement.credit_total, unit)),
        (t("import.debit"), money(statement.debit_total, unit)),
    ]
    for row in (figures[:4], figures[4:]):
        for column, (label, value) in zip(st.columns(4), row, strict=False):
            column.metric(label, value)
    first = parsed.lines[:20]
    st.subheader(t("import.first_lines"))
    st.dataframe(
        pd.DataFrame(
            {
                t("import.row"): [line.row for line in first],
                t("import.date"): [moment(line.posted_at) if line.has_time else day(line.posted_at) for line in first],
                t("import.direction"): [t(f"import.{line.direction}") for line in first],
                t("import.amount"): [line.amount for line in first],
                t("import.memo"): [line.description for line in first],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={t("import.amount"): money_column(t("import.amount"))},
    )
    if statement.checks:
        st.subheader(t("import.checks"))
        st.dataframe(
            pd.DataFrame(
                {
                    t("import.check_name"): [check_label(c.name) for c in statement.checks],
                    t("import.printed"): [c.printed for c in statement.checks],
                    t("import.parsed"): [c.parsed for c in statement.checks],
                    t("import.ok"): ["✓" if c.ok else "✗" for c in statement.checks],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                t("import.printed"): money_column(t("import.printed")),
                t("import.parsed"): money_column(t("import.parsed")),
            },
        )
    if parsed.set_aside:
        st.subheader(t("import.aside_rows"))
        st.dataframe(
            pd.DataFrame(
                {
                    t("import.row"): [a.row for a in parsed.set_aside[:PROBLEMS_SHOWN]],
                    t("import.page"): pd.array([a.page for a in parsed.set_aside[:PROBLEMS_SHOWN]], dtype="Int64"),
                    t("import.code"): [a.code for a in parsed.set_aside[:PROBLEMS_SHOWN]],
                    t("import.problem"): [a.reason for a in parsed.set_aside[:PROBLEMS_SHOWN]],
                    t("import.raw"): [a.raw for a in parsed.set_aside[:PROBLEMS_SHOWN]],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if statement.gaps:
        st.subheader(t("import.gap_list"))
        for gap in statement.gaps[:PROBLEMS_SHOWN]:
            st.markdown(f"- {gap.message('đ' if unit == 'VND' else unit)}")
    codes = flag_codes(statement)
    if codes:
        st.subheader(t("import.flag_list"))
        st.dataframe(
            pd.DataFrame({t("import.code"): list(codes), t("import.count"): list(codes.values())}), hide_index=True
        )
    for note in statement.notes:
        st.caption(note)


def options_key(data: bytes) -> str:
    """What the dry run depends on: the file and every option (a change means: check again)."""
    chosen = (
        account.strip(),
        layout,
        int(expected_rows),
        currency.strip().upper(),
        mapping_text.strip(),
        float(share),
        bool(strict),
        bank.strip(),
    )
    return hashlib.sha256(data + repr(chosen).encode()).hexdigest()


def shown_on(bar: DeltaGenerator) -> Progress:
    """An import's progress (stage, done, total) drawn on a progress bar."""

    def step(stage: str, done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=stage)

    return step


def check(data: bytes, name: str) -> None:
    try:
        column_map = parse_mapping(mapping_text) if mapping_text.strip() else None
    except ValueError as exc:
        st.warning(t("import.bad_map", reason=str(exc)))
        st.stop()
    bar = st.progress(0.0, text=t("import.checking", file=name))
    try:
        engine = writer_engine(settings.database_url)
        chosen_currency = currency.strip().upper() or store.account_currency(
            engine, account.strip(), bank.strip() or None
        )
        statement = read_statement(
            data,
            name,
            account=account.strip(),
            layout=None if layout == "auto" else layout,
            column_map=column_map,
            expected_rows=int(expected_rows) or None,
            currency=chosen_currency,
            policy=Policy(float(share) / 100, bool(strict)),
            progress=shown_on(bar),
        )
    except StatementImportError as exc:
        bar.empty()
        st.session_state.pop("imp_checked", None)
        show_problems(exc)
        return
    bar.empty()
    st.session_state["imp_checked"] = (options_key(data), statement)


if upload is not None and account.strip():
    data = upload.getvalue()
    if st.button(t("import.check"), key="imp_check"):
        check(data, upload.name)
    checked = st.session_state.get("imp_checked")
    if checked and checked[0] != options_key(data):
        st.info(t("import.stale"))
    elif checked:
        statement: Statement = checked[1]
        show_statement(statement)
        if st.button(t("import.run"), type="primary", key="imp_run"):
            bar = st.progress(0.0, text=t("import.running", file=statement.file))
            try:
                result = write_statement(
                    writer_engine(settings.database_url),
                    statement,
                    account=account.strip(),
                    bank=bank.strip() or None,
                    holder=holder.strip() or None,
                    progress=shown_on(bar),
                )
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
                st.session_state.pop("imp_checked", None)
                if result.added:
                    st.cache_data.clear()  # public pages cache query results: show the new lines now
                st.success(
                    t(
                        "import.done",
                        file=result.file,
                        layout=result.layout,
                        added=num(result.added),
                        present=num(result.already_present),
                        aside=num(result.set_aside),
                    )
                )
                if result.added == 0:
                    st.info(t("import.already"))
                st.caption(t("import.provenance", sha=result.sha256))
                st.download_button(
                    t("import.download_report"),
                    json.dumps(report(statement, result), ensure_ascii=False, indent=1),
                    f"import-report-{result.sha256[:12]}.json",
                    "application/json",
                    key="imp_report",
                )
elif st.button(t("import.check"), key="imp_check_empty"):
    st.warning(t("import.need_file") if upload is None else t("import.need_account"))


def review_section() -> None:
    """Set-aside rows a person can read and write as lines (the line keeps the file's reading and their name)."""
    st.divider()
    st.subheader(t("import.review"))
    engine = writer_engine(settings.database_url)
    waiting = review.pending(engine)
    if waiting.empty:
        st.caption(t("import.review_none"))
        return
    st.caption(t("import.review_intro"))
    labels = {
        int(set_aside_id): t(
            "import.review_label",
            file=file_name,
            page=page_no if pd.notna(page_no) else "—",
            row=row_no,
            reason=reason,
        )
        for set_aside_id, file_name, page_no, row_no, reason in zip(
            waiting.id, waiting.file_name, waiting.page, waiting.row, waiting.reason, strict=True
        )
    }
    chosen = st.selectbox(t("import.review_pick"), list(labels), format_func=labels.__getitem__, key="rev_pick")
    row = waiting.loc[waiting.id == chosen].iloc[0]
    st.code(row.raw_text, language=None)
    image = review.image_of(engine, chosen) if row.has_image else None
    if image is not None:
        st.image(image)
    with st.form("rev_form"):
        left, middle, right = st.columns(3)
        day = left.date_input(t("import.review_day"), value=None, format="DD/MM/YYYY", key="rev_day")
        directions = {t("import.in"): "in", t("import.out"): "out"}
        direction = directions[middle.selectbox(t("import.review_direction"), list(directions), key="rev_direction")]
        amount = right.number_input(t("import.review_amount"), min_value=0, step=1, key="rev_amount")
        memo = st.text_input(t("import.review_memo"), key="rev_memo")
        person = st.text_input(t("import.review_person"), max_chars=100, key="rev_person")
        if st.form_submit_button(t("import.review_save")):
            try:
                if day is None:
                    raise StatementImportError.single("review", t("import.review_day"))
                review.resolve(
                    engine, chosen, day=day, direction=direction, amount=int(amount), description=memo, person=person
                )
            except StatementImportError as exc:
                st.warning(t("import.review_refused", reason=exc.problems[0].message))
            else:
                st.cache_data.clear()
                st.success(t("import.review_done", row=row.row, file=row.file_name))


review_section()
