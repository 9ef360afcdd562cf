"""The `stress` scale: ten million lines over several years, for benchmarks.

Generating ten million realistic lines from scratch takes far longer than the five minutes we allow, so one
national-sized year is built once and replayed STRESS_YEARS times (the first year written from Python, the
others copied in SQL), each copy shifted by 52 weeks (weekdays and the daily cycle stay true). Copies get their
own campaign, line and disbursement ids, year-tagged bank references, and running balances that continue from
year to year; memo texts keep the dates of the year they were built for, which is the one visible seam. Donor
keys repeat across years: returning donors, as in life.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection, Engine

from explorer.db import rollups, search
from explorer.db.sql import shift_days
from seed.generate import LINE_COLUMNS, Progress, Tick, build, write
from seed.scales import STRESS_YEARS

SHIFT = dt.timedelta(weeks=52)
CAMPAIGN_DATES = [
    "start_on",
    "end_on",
    "needs_assessed_on",
    "target_set_on",
    "beneficiaries_listed_on",
    "plan_approved_on",
    "announced_on",
    "first_report_on",
]


def _shift_dates(column: pd.Series, k: int) -> pd.Series:
    return column.map(lambda d: None if d is None or d != d else d + k * SHIFT)


def yearly_openings(lines: pd.DataFrame, accounts: pd.DataFrame, years: int) -> tuple[pd.Series, pd.Series]:
    """(net change per account over the built year, opening balance that keeps every replayed year ≥ 0)."""
    signed = np.where(lines.direction == "in", lines.amount, -lines.amount)
    net = pd.Series(signed).groupby(lines.account_id.to_numpy()).sum()
    opening = accounts.set_index("id").opening_balance
    net = net.reindex(opening.index, fill_value=0)
    extra = (-(years - 1) * net).clip(lower=0)
    return net, opening + extra


def campaign_copy(camp: pd.DataFrame, k: int, years: int) -> pd.DataFrame:
    out = camp.copy()
    out["id"] = camp.id + k * len(camp)
    for column in CAMPAIGN_DATES:
        out[column] = _shift_dates(camp[column], k)
    year = (camp.start_on.map(lambda d: d.year) + k).astype(str)
    out["title"] = camp.title.str.replace(r"\(\d{4}\)$", "", regex=True) + "(" + year + ")"
    out["title_folded"] = camp.title_folded.str.replace(r"\(\d{4}\)$", "", regex=True) + "(" + year + ")"
    if k < years - 1:
        out["status"] = "closed"  # only the last year is still running
    return out


def line_copy(lines: pd.DataFrame, k: int, n_campaigns: int, net: pd.Series, lift: pd.Series) -> pd.DataFrame:
    """Year k of the lines as a frame (the written year 0, and the reference for replay_sql in tests)."""
    out = lines.copy()
    out["id"] = lines.id + k * len(lines)
    out["posted_at"] = lines.posted_at + k * SHIFT
    out["campaign_id"] = lines.campaign_id + k * n_campaigns
    out["balance"] = lines.balance + lines.account_id.map(lift).to_numpy() + k * lines.account_id.map(net).to_numpy()
    if k:
        out["reference"] = lines.reference.where(lines.reference.isna(), lines.reference + f"/{k}")
    return out


YEARLY = "stress_yearly"  # a temporary table: each account's net change over the built year


def create_yearly(conn: Connection, net: pd.Series) -> None:
    """The temporary table replay_sql reads each account's yearly net change from, keyed by account."""
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {YEARLY} (account_id INTEGER PRIMARY KEY, net BIGINT NOT NULL)")
    rows = ", ".join(f"({int(account)}, {int(value)})" for account, value in net.items())
    conn.exec_driver_sql(f"INSERT INTO {YEARLY} (account_id, net) VALUES {rows}")


def replay_sql(conn: Connection, k: int, n_lines: int, n_campaigns: int) -> str:
    """INSERT … SELECT writing year k from year 0 (ids 1..n_lines) in the database: what line_copy(k) gives,
    ~5× faster than sending the rows from Python. Every value is an integer formatted here, none user-given.
    Each account's yearly net change comes from the temporary table made by create_yearly.

    CROSS JOIN makes SQLite read year 0 in id order and look each account up by its key: a plain JOIN on a
    VALUES list looped over the accounts, read each one's lines through an index in account order and sorted
    the whole year back into id order in a temporary b-tree (505 s for five replays at 11.7 M lines, loaded
    machine). PostgreSQL plans CROSS JOIN … WHERE like any join."""
    return f"""
        INSERT INTO statement_lines ({", ".join(LINE_COLUMNS)})
        SELECT s.id + {k * n_lines}, s.account_id, {shift_days(conn, "s.posted_at", k * SHIFT.days)}, s.has_time,
               s.direction, s.amount, s.currency, s.balance + {k} * y.net,
               CASE WHEN s.reference IS NULL THEN NULL ELSE s.reference || '/{k}' END, s.counterparty,
               s.description, s.search_text, s.campaign_id + {k * n_campaigns}, s.donor_key, s.channel
        FROM statement_lines s CROSS JOIN {YEARLY} y
        WHERE y.account_id = s.account_id AND s.id <= {n_lines} ORDER BY s.id"""


def rollup_copies(lines: pd.DataFrame, years: int, n_campaigns: int) -> dict[str, pd.DataFrame]:
    """The rollups of every replayed year, from year 0's lines: a replay moves days and campaign ids only."""
    base = rollups.from_lines(lines)

    def shifted(frame: pd.DataFrame, k: int) -> pd.DataFrame:
        days = (pd.to_datetime(frame.day) + k * SHIFT).dt.strftime("%Y-%m-%d")
        return frame.assign(
            day=days, **({"campaign_id": frame.campaign_id + k * n_campaigns} if "campaign_id" in frame else {})
        )

    hourly = pd.concat([shifted(base["hourly_donations"], k) for k in range(years)])
    daily = pd.concat([shifted(base["daily_totals"], k) for k in range(years)], ignore_index=True)
    # Every year repeats year 0's names and sources: their sums grow by `years`; the first line stays year 0's.
    counted = {
        table: base[table].assign(
            lines=base[table].lines * years,
            **({"amount": base[table].amount * years} if table != "account_sources" else {}),
        )
        for table in ("counterparty_totals", "donor_totals", "account_sources")
    }
    counted["account_sources"]["last_at"] = pd.to_datetime(counted["account_sources"].last_at) + (years - 1) * SHIFT
    return {
        **counted,
        "daily_totals": daily,
        "lifetime_totals": rollups.lifetime_of(daily),
        "channel_donations": pd.concat(
            [shifted(base["channel_donations"], k) for k in range(years)], ignore_index=True
        ),
        # Years 52 weeks apart can share a day at their seam: one row per (day, hour).
        "hourly_donations": hourly.groupby(["day", "hour"], as_index=False)[["lines", "amount"]].sum(),
        "donors": base["donors"],
    }


class SearchIndexBuild:
    """SQLite: the search index of every year, built in a second process (explorer.db.search.build_index_file)
    from year 0's ids and texts while this one writes the lines and builds their other indexes; `adopt` waits
    for it and puts it in place (the seed's search_index hook). PostgreSQL builds its trigram index itself."""

    def __init__(self, ids: pd.Series, texts: pd.Series, years: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="stress-search-"))
        self.path = str(self.folder / "search.sqlite")
        n_lines = len(ids)

        def fill(db: sqlite3.Connection) -> None:  # runs in the child, which shares this frame's memory
            rows = zip(ids.tolist(), texts.tolist(), strict=True)
            db.executemany("INSERT INTO statement_lines (id, search_text) VALUES (?, ?)", rows)
            for k in range(1, years):  # the ids replay_sql gives year k; texts are year 0's
                db.execute(
                    f"INSERT INTO statement_lines (id, search_text) SELECT id + {k * n_lines}, search_text "
                    f"FROM statement_lines WHERE id <= {n_lines} ORDER BY id"
                )

        # fork: the child reads the built year where it lies; nothing is pickled or sent.
        self.process = multiprocessing.get_context("fork").Process(
            target=search.build_index_file, args=(self.path, fill), daemon=True
        )
        self.process.start()

    def adopt(self, conn: Connection) -> None:
        self.process.join()
        if self.process.exitcode != 0:
            raise RuntimeError(f"building the search index in a second process failed (exit {self.process.exitcode})")
        search.adopt_index_file(conn, self.path)

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        shutil.rmtree(self.folder, ignore_errors=True)


def seed_stress(
    engine: Engine,
    seed: int,
    progress: Progress = lambda f, s: None,
    year: str = "stress_year",
    years: int = STRESS_YEARS,
) -> dict:
    """Build one `year` scale and write it `years` times (year 0 from Python, the others replayed in SQL)."""
    started = time.perf_counter()
    frames = build(year, seed, lambda f, s: progress(f * 0.5, s))
    planted = frames.pop("planted")
    lines, camp, disb, acc = (
        frames["statement_lines"],
        frames["campaigns"],
        frames["disbursements"],
        frames["accounts"],
    )
    assert lines.id.min() == 1 and lines.id.max() == len(lines)  # replay_sql selects year 0 by id
    net, opening = yearly_openings(lines, acc, years)
    lift = opening - acc.set_index("id").opening_balance
    frames["accounts"] = acc.assign(opening_balance=acc.id.map(opening).to_numpy())
    frames["campaigns"] = pd.concat([campaign_copy(camp, k, years) for k in range(years)], ignore_index=True)
    disb_copies = []
    for k in range(years):
        d = disb.copy()
        d["id"], d["campaign_id"] = disb.id + k * len(disb), disb.campaign_id + k * len(camp)
        d["statement_line_id"] = disb.statement_line_id + k * len(lines)
        d["disbursed_on"] = _shift_dates(disb.disbursed_on, k)
        disb_copies.append(d)
    frames["disbursements"] = pd.concat(disb_copies, ignore_index=True)
    frames["statement_lines"] = line_copy(lines, 0, len(camp), net, lift)
    frames.update(rollup_copies(lines, years, len(camp)))

    n_lines, n_campaigns = len(lines), len(camp)
    follow_time = bool(lines.posted_at.max() - lines.posted_at.min() < SHIFT)

    def replay(conn: Connection, tick: Tick) -> None:
        create_yearly(conn, net)
        for k in range(1, years):
            conn.exec_driver_sql(replay_sql(conn, k, n_lines, n_campaigns))
            tick(n_lines)
        conn.exec_driver_sql(f"DROP TABLE {YEARLY}")

    planted_all = [
        {"campaign_id": int(p.campaign_id) + k * len(camp), "rule": p.rule}
        for k in range(years)
        for p in planted.itertuples()
    ]
    year0 = frames["statement_lines"]
    side = SearchIndexBuild(year0.id, year0.search_text, years) if engine.dialect.name == "sqlite" else None
    del lines, year0  # the built year's frame (1 GB at stress scale): only its copy in frames is written
    built = time.perf_counter()
    meta = {"scale": "stress", "seed": str(seed), "planted_breaches": json.dumps(planted_all)}
    try:
        # Year k is year 0 moved by k × 52 weeks and given higher ids: ids keep following time if a year is shorter.
        write(
            engine,
            frames,
            meta,
            progress,
            more_lines=replay,
            more_line_count=n_lines * (years - 1),
            more_lines_follow_time=follow_time,
            search_index=side.adopt if side else None,
        )
    finally:
        if side:
            side.close()
    rows = {name: len(f) for name, f in frames.items()} | {"statement_lines": n_lines * years}
    return {
        "scale": "stress",
        "seed": seed,
        "rows": rows,
        "build_s": round(built - started, 1),
        "write_s": round(time.perf_counter() - built, 1),
    }
