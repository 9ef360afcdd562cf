"""Where an account's lines came from: its imports (file, fingerprint, layout, reconciliation, set-aside rows,
gaps), for the provenance line of the account page."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine


def account_imports(engine: Engine, account_id: int) -> pd.DataFrame:
    """One row per import into the account, newest first, with the lines it holds today."""
    with engine.connect() as conn:
        frame = pd.read_sql(
            text("""
            SELECT i.id, i.file_name, i.sha256, i.layout, i.currency, i.rows, i.added, i.already_present,
                   i.set_aside, i.flagged, i.gaps, i.reconciled, i.checks, i.imported_at,
                   (SELECT count(*) FROM statement_lines s WHERE s.import_id = i.id) AS lines,
                   (SELECT count(*) FROM statement_lines s WHERE s.import_id = i.id AND s.flags LIKE '%ocr%')
                     AS ocr_lines,
                   (SELECT count(*) FROM set_aside_rows r WHERE r.import_id = i.id AND r.resolved_line_id IS NULL)
                     AS waiting
            FROM imports i WHERE i.account_id = :a ORDER BY i.id DESC"""),
            conn,
            params={"a": account_id},
        )
    frame["checks"] = [json.loads(c) if c else [] for c in frame["checks"]]
    frame["imported_at"] = pd.to_datetime(frame["imported_at"])
    frame["reconciled"] = [None if pd.isna(r) else bool(r) for r in frame["reconciled"]]
    return frame


def account_gaps(engine: Engine, account_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            text("""
            SELECT i.file_name, g.after_row, g.before_row, g.unexplained, g.currency, g.message
            FROM balance_gaps g JOIN imports i ON i.id = g.import_id
            WHERE g.account_id = :a ORDER BY g.import_id, g.before_row"""),
            conn,
            params={"a": account_id},
        )


def data_mix(engine: Engine) -> dict[str, int]:
    """How many accounts hold simulated and how many hold imported (real) data: the site-wide label says which."""
    with engine.connect() as conn:
        simulated, real = conn.execute(
            text(
                "SELECT COALESCE(SUM(CASE WHEN simulated THEN 1 ELSE 0 END), 0), "
                "COALESCE(SUM(CASE WHEN simulated THEN 0 ELSE 1 END), 0) FROM accounts"
            )
        ).one()
    return {"simulated": int(simulated), "imported": int(real)}


def line_sources(engine: Engine, ids: tuple[int, ...]) -> pd.DataFrame:
    """Where each of these lines was read: file, page (PDFs) and row, for the imported ones among them."""
    if not ids:
        return pd.DataFrame(columns=["id", "file_name", "source_page", "source_row"])
    marks = ", ".join(f":i{k}" for k in range(len(ids)))
    with engine.connect() as conn:
        return pd.read_sql(
            text(f"""
            SELECT s.id, i.file_name, s.source_page, s.source_row FROM statement_lines s
            JOIN imports i ON i.id = s.import_id WHERE s.id IN ({marks})"""),
            conn,
            params={f"i{k}": int(v) for k, v in enumerate(ids)},
        )
