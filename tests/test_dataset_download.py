"""Issue 14 #5: the whole-dataset Parquet of every account is built within the public per-statement time limit,
and the Statements page says so when it cannot be built (no silent failure)."""

from __future__ import annotations

import io
import sqlite3
import time

import pandas as pd
import pyarrow.parquet as pq
from page_specs import open_page
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from explorer.db.engine import make_engine
from explorer.i18n import translate
from explorer.queries import statements


def all_ids(engine, where: str = "1 = 1") -> list[int]:
    with engine.connect() as conn:
        return (
            conn.execute(
                text(
                    f"SELECT s.id FROM statement_lines s JOIN accounts a ON a.id = s.account_id "
                    f"WHERE {where} ORDER BY s.id"
                )
            )
            .scalars()
            .all()
        )


def test_all_accounts_file_outlasts_the_statement_time_limit(tiny_db_url, tiny_engine, monkeypatch):
    """Reading and writing the whole file takes longer than the limit: each chunk is its own short statement,
    so the file is complete (one streaming statement was interrupted once the limit passed)."""
    limit_ms = 300
    public = make_engine(tiny_db_url, readonly=True, timeout_ms=limit_ms)
    write_table = pq.ParquetWriter.write_table

    def slow_write(self, table, *args, **kwargs):  # a slow disk / a big national chunk, in miniature
        time.sleep(0.06)
        return write_table(self, table, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", slow_write)
    monkeypatch.setattr(statements, "DATASET_CHUNK_ROWS", 500)
    started = time.monotonic()
    data, capped = statements.dataset_parquet(public)
    assert time.monotonic() - started > limit_ms / 1000  # the whole file took longer than one statement may
    frame = pd.read_parquet(io.BytesIO(data))
    assert frame["id"].tolist() == all_ids(tiny_engine) and not capped
    assert len(frame) > 10 * 500
    public.dispose()


def test_one_account_file_and_the_cap(tiny_engine, public_engine, monkeypatch):
    data, capped = statements.dataset_parquet(public_engine, "3879")
    assert pd.read_parquet(io.BytesIO(data))["id"].tolist() == all_ids(tiny_engine, "a.number = '3879'")
    assert not capped
    monkeypatch.setattr(statements, "DATASET_CHUNK_ROWS", 40)
    for cap in (100, 120):  # a cap inside a chunk and on a chunk's edge
        monkeypatch.setattr(statements, "DATASET_ROW_CAP", cap)
        data, capped = statements.dataset_parquet(public_engine)
        assert pd.read_parquet(io.BytesIO(data))["id"].tolist() == all_ids(tiny_engine)[:cap] and capped


def test_page_prepares_the_file_on_request(app, tiny_engine):
    at = open_page(app, "statements")
    assert not [b for b in at.get("download_button")]
    at.button(key="stm_dataset_prepare").click().run()
    assert not at.exception and not at.warning
    button = at.get("download_button")[0]
    assert button.proto.label == translate("vi", "statements.dataset_button")
    data, capped = statements.dataset_parquet(tiny_engine)
    assert len(pd.read_parquet(io.BytesIO(data))) == len(all_ids(tiny_engine)) and not capped


def test_page_says_when_the_file_cannot_be_built(app, monkeypatch):
    def cut_off(engine, account=None):
        raise OperationalError("SELECT …", {}, sqlite3.OperationalError("interrupted"))

    monkeypatch.setattr(statements, "dataset_parquet", cut_off)
    at = open_page(app, "statements")
    at.button(key="stm_dataset_prepare").click().run()
    assert [w.value for w in at.warning] == [translate("vi", "common.query_timeout")]
    assert not at.get("download_button")
    assert at.dataframe  # the rest of the page still shows


def test_campaign_filter_and_chunked_file_on_both_backends(backend_url, monkeypatch):
    """The Statements campaign filter and the chunked whole-dataset file, on SQLite and PostgreSQL alike."""
    engine = make_engine(backend_url, readonly=True, timeout_ms=5000)
    with engine.connect() as conn:
        campaign = conn.execute(
            text(
                "SELECT campaign_id FROM statement_lines WHERE campaign_id IS NOT NULL "
                "GROUP BY campaign_id ORDER BY COUNT(*) DESC, campaign_id LIMIT 1"
            )
        ).scalar_one()
        expected = (
            conn.execute(
                text("SELECT id FROM statement_lines WHERE campaign_id = :c ORDER BY posted_at DESC, id DESC"),
                {"c": campaign},
            )
            .scalars()
            .all()
        )
    page, has_more = statements.search_lines(engine, campaign=campaign, page_size=50)
    assert page["id"].tolist() == expected[:50] and has_more == (len(expected) > 50)
    assert statements.export_lines(engine, campaign=campaign)["id"].tolist() == expected
    monkeypatch.setattr(statements, "DATASET_CHUNK_ROWS", 700)
    data, capped = statements.dataset_parquet(engine)
    assert pd.read_parquet(io.BytesIO(data))["id"].tolist() == all_ids(engine) and not capped
    engine.dispose()
