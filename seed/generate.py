"""Build the whole seeded world as DataFrames (pure, deterministic for a seed), then write it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection, Engine

from explorer.db import ledger as ledger_writer
from explorer.db import rollups
from explorer.db.bulk import bulk_load, insert_frame, rollback_journal, seed_pragmas, sync_sequences
from explorer.db.engine import reset_schema
from seed import giving, ledger, orgs, registry
from seed.campaigns import plan
from seed.disburse import debit_lines, plan_disbursements
from seed.people import NameBook
from seed.scales import SCALES

Progress = Callable[[float, str], None]
Tick = Callable[[int], None]  # rows just written, for the progress bar
LINE_COLUMNS = [
    "id",
    "account_id",
    "posted_at",
    "has_time",
    "direction",
    "amount",
    "currency",
    "balance",
    "reference",
    "counterparty",
    "description",
    "search_text",
    "campaign_id",
    "donor_key",
    "channel",
]
CAMPAIGN_COLUMNS = [
    "id",
    "account_id",
    "org_id",
    "title",
    "title_folded",
    "category",
    "province_code",
    "currency",
    "target",
    "pledged",
    "status",
    "start_on",
    "end_on",
    "needs_assessed_on",
    "target_set_on",
    "beneficiaries_listed_on",
    "plan_approved_on",
    "announced_on",
    "first_report_on",
]


def _workflow_dates(rng: np.random.Generator, camp: pd.DataFrame) -> None:
    """needs → target & timeline → beneficiary records → disbursement plan → communication (= start)."""
    gaps = rng.integers(1, 8, (len(camp), 4))
    start = pd.to_datetime(camp.start_on)
    announced = start
    plan_on = announced - pd.to_timedelta(gaps[:, 3], "D")
    listed = plan_on - pd.to_timedelta(gaps[:, 2], "D")
    target_on = listed - pd.to_timedelta(gaps[:, 1], "D")
    needs = target_on - pd.to_timedelta(gaps[:, 0] + 5, "D")
    for name, series in (
        ("needs_assessed_on", needs),
        ("target_set_on", target_on),
        ("beneficiaries_listed_on", listed),
        ("plan_approved_on", plan_on),
        ("announced_on", announced),
    ):
        camp[name] = series.dt.date


def build(scale_name: str, seed: int, progress: Progress = lambda f, s: None) -> dict[str, pd.DataFrame]:
    scale = SCALES[scale_name]
    rng = np.random.default_rng(seed)
    names = NameBook(seed)
    prov = orgs.provinces()
    org = orgs.organizations(rng, names, prov, scale.extra_orgs)
    acc = orgs.accounts(rng, org, scale.start)
    camp = plan(rng, scale, org, acc, prov)
    _workflow_dates(rng, camp)
    shapes = ledger.plant_shapes(camp) if scale.shapes else {}
    progress(0.05, "campaigns")
    lines = ledger.campaign_donations(rng, scale, camp, shapes)
    progress(0.15, "donations")
    lines = ledger.name_donors(rng, names, lines)
    lines = ledger.write_memos(rng, lines, acc)
    lines["channel"] = giving.donation_channels(seed, lines, camp, org)
    progress(0.35, "memos")
    received = {cid: (g.posted_at.to_numpy(), g.amount.to_numpy()) for cid, g in lines.groupby("campaign_id")}
    disb, planted = plan_disbursements(rng, camp, received, scale.end)
    debits = debit_lines(rng, disb, camp, prov)
    usd = ledger.foreign_currency(rng, acc, names, scale)
    debits["channel"] = "transfer"
    usd["channel"] = "transfer"
    # The giving day and the charity purchases: appended, from their own generators (the rest stays as it was).
    extra = giving.extras(seed, scale, org, acc, len(camp) + 1, len(disb) + 1, names)
    if len(extra.disbursements):
        more = debit_lines(np.random.default_rng([seed, 98]), extra.disbursements, extra.campaigns, prov)
        extra_lines = pd.concat([extra.lines, more.assign(channel="transfer")], ignore_index=True)
        camp = pd.concat([camp[CAMPAIGN_COLUMNS], extra.campaigns[CAMPAIGN_COLUMNS]], ignore_index=True)
        disb = pd.concat([disb, extra.disbursements[disb.columns]], ignore_index=True)
    else:
        extra_lines = extra.lines
    everything = pd.concat([lines.drop(columns=["donor", "category"]), debits, usd, extra_lines], ignore_index=True)
    everything = ledger.with_balances(everything, acc)
    disb["statement_line_id"] = disb.id.map(
        everything.dropna(subset=["disbursement_id"]).set_index("disbursement_id").id
    )
    progress(0.45, "balances")
    return {
        "provinces": prov,
        "organizations": org,
        "accounts": acc,
        "campaigns": camp[CAMPAIGN_COLUMNS],
        "matching_pools": extra.pools,
        "matching_projects": extra.projects,
        "statement_lines": everything[LINE_COLUMNS],
        "disbursements": disb,
        "beneficiaries": registry.beneficiaries(rng, names, prov, org, scale.beneficiaries_per_province),
        "merchants": registry.merchants(rng, names, prov, scale.merchants_per_province),
        "planted": planted,
    }


def write(
    engine: Engine,
    frames: dict[str, pd.DataFrame],
    meta: dict[str, str],
    progress: Progress = lambda f, s: None,
    more_lines: Callable[[Connection, Tick], None] | None = None,
    more_line_count: int = 0,
    more_lines_follow_time: bool = False,
    search_index: Callable[[Connection], None] | None = None,
) -> None:
    """Write every table in one transaction, the line indexes and the full-text index built once at the end.

    `more_lines(conn, tick)` may add `more_line_count` statement lines in SQL right after the given ones
    (the stress scale's replayed years); frames named after the rollup tables then give their rows, which
    are otherwise computed from the statement_lines frame, and `more_lines_follow_time` says whether the added
    lines keep ids in time order (the fact is taken from the frames, not re-read: 36 s at 11.7 M lines).
    `search_index(conn)` puts the search index in place instead of rebuilding it (explorer.db.bulk.bulk_load);
    the engine's pooled connections are closed afterwards, none keeping the index's old layout in memory.
    """
    reset_schema(engine)
    order = [
        "provinces",
        "organizations",
        "accounts",
        "campaigns",
        "matching_pools",
        "matching_projects",
        "statement_lines",
        "disbursements",
        "beneficiaries",
        "merchants",
    ]
    total = max(sum(len(frames[t]) for t in order) + more_line_count, 1)
    done = 0
    with engine.connect() as conn, rollback_journal(conn), seed_pragmas(conn), conn.begin():
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        with bulk_load(conn, "statement_lines", search_index):
            for table in order:

                def tick(n: int, table=table) -> None:
                    nonlocal done
                    done += n
                    progress(0.45 + 0.4 * done / total, table)

                insert_frame(conn, table, frames[table], tick)
                if table == "statement_lines" and more_lines:
                    more_lines(conn, tick)
            progress(0.86, "indexes")
        progress(0.93, "totals")
        given = {table: frames[table] for table in rollups.TABLES if table in frames}
        lines = frames["statement_lines"]
        ledger_writer.finish_seed(
            conn,
            given or rollups.from_lines(lines),
            bool(lines.id.is_monotonic_increasing and lines.posted_at.is_monotonic_increasing)
            and (more_lines is None or more_lines_follow_time),
        )
        # provinces are keyed by plate code, matching projects by (pool, campaign)
        sync_sequences(conn, [t for t in order if t not in ("provinces", "matching_projects")])
        insert_frame(conn, "meta", pd.DataFrame({"key": list(meta), "value": list(meta.values())}))
    if search_index is not None:
        engine.dispose()
    if engine.dialect.name == "postgresql":
        # Planner statistics now, not when autovacuum next looks; and VACUUM sets the hint bits and the visibility
        # map: otherwise the first visitors' reads write them (a first search at 11.7 M lines wrote 56 k pages,
        # 4.9 s) and the rollups' covering indexes cannot be read without the table. 9 s at 11.7 M lines.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    progress(1.0, "done")


def seed_database(engine: Engine, scale: str = "demo", seed: int = 1, progress: Progress = lambda f, s: None) -> dict:
    """Build and write; returns row counts and timings."""
    if scale == "stress":
        from seed.stress import seed_stress  # years of data by replaying one built year: see seed/stress.py

        return seed_stress(engine, seed, progress)
    started = time.perf_counter()
    frames = build(scale, seed, progress)
    built = time.perf_counter()
    planted = frames.pop("planted")
    meta = {"scale": scale, "seed": str(seed), "planted_breaches": json.dumps(planted.to_dict("records"))}
    write(engine, frames, meta, progress)
    return {
        "scale": scale,
        "seed": seed,
        "rows": {k: len(v) for k, v in frames.items()},
        "build_s": round(built - started, 1),
        "write_s": round(time.perf_counter() - built, 1),
    }
