"""Set-aside rows waiting for a person: list them, and write the line a reviewer reads off the row (or its
scanned image). The corrected line keeps both readings: the file's raw text and the person's values, in its
flags, so the public can see a person typed it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine

from explorer.db.schema import Import, SetAsideRow, StatementLine
from explorer.ingest import store
from explorer.ingest.errors import StatementImportError
from explorer.ingest.identity import line_keys
from explorer.ingest.memo import counterparty_from_memo
from explorer.ingest.normalise import make_line
from explorer.text import MAX_AMOUNT


def pending(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Set-aside rows nobody has resolved yet, oldest import first."""
    where = "r.resolved_line_id IS NULL" + ("" if account_id is None else " AND r.account_id = :a")
    with engine.connect() as conn:
        return pd.read_sql(
            text(f"""
            SELECT r.id, r.account_id, i.file_name, i.currency, r.page, r.row, r.code, r.reason, r.raw_text,
                   r.image IS NOT NULL AS has_image
            FROM set_aside_rows r JOIN imports i ON i.id = r.import_id WHERE {where}
            ORDER BY r.import_id, r.row"""),
            conn,
            params={} if account_id is None else {"a": account_id},
        )


def image_of(engine: Engine, set_aside_id: int) -> bytes | None:
    with engine.connect() as conn:
        return conn.execute(select(SetAsideRow.image).where(SetAsideRow.id == set_aside_id)).scalar()


def resolve(
    engine: Engine, set_aside_id: int, *, day: dt.date, direction: str, amount: int, description: str, person: str
) -> int:
    """Write the line a person read off a set-aside row; returns its id. Refused with a clear reason when the
    values are impossible, the row was resolved already, or the same line is already in the account."""
    person = " ".join(person.split())[:100]
    if direction not in ("in", "out"):
        raise StatementImportError.single("review", "the direction is money in or money out")
    if not 0 < amount <= MAX_AMOUNT:
        raise StatementImportError.single("review", "the amount must be above zero")
    if not person:
        raise StatementImportError.single("review", "say who read the row (a name or initials)")
    with engine.begin() as conn:
        store.begin(conn)
        aside = conn.execute(
            select(
                SetAsideRow.account_id,
                SetAsideRow.import_id,
                SetAsideRow.row,
                SetAsideRow.page,
                SetAsideRow.reason,
                SetAsideRow.raw_text,
                SetAsideRow.resolved_line_id,
                Import.currency,
                Import.sha256,
                Import.layout,
            )
            .join(Import, Import.id == SetAsideRow.import_id)
            .where(SetAsideRow.id == set_aside_id)
        ).first()
        if aside is None:
            raise StatementImportError.single("review", f"there is no set-aside row {set_aside_id}")
        currency, sha, layout = aside.currency, aside.sha256, aside.layout
        if aside.resolved_line_id is not None:
            raise StatementImportError.single("review", f"row {aside.row} was resolved already")
        memo = " ".join(description.split()) or aside.raw_text.replace("\n", " ")[:500]
        flags = (
            f"corrected: typed by {person} from the set-aside row (the file read {aside.raw_text[:200]!r}; "
            f"set aside because {aside.reason[:200]})",
        )
        line = make_line(
            aside.row,
            dt.datetime.combine(day, dt.time()),
            False,
            direction,
            amount,
            None,
            None,
            counterparty_from_memo(memo),
            memo,
            flags,
            aside.page,
        )
        key = line_keys([line], currency)[0]
        if store.present_keys(conn, aside.account_id, [line]) & {key}:
            raise StatementImportError.single(
                "review",
                "the account already holds this line (same day, amount and memo): it was imported from another file",
            )
        store.insert_lines(conn, aside.account_id, [(line, key)], sha, layout, currency, aside.import_id)
        line_id = conn.execute(
            select(StatementLine.id).where(StatementLine.account_id == aside.account_id, StatementLine.line_key == key)
        ).scalar_one()
        conn.execute(
            update(SetAsideRow)
            .where(SetAsideRow.id == set_aside_id)
            .values(resolved_line_id=line_id, resolved_by=person, resolved_at=dt.datetime.now().replace(microsecond=0))
        )
    return line_id
