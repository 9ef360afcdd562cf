"""The rollups always equal the lines they sum: after a seed (grouped in pandas), after imports (the days they
touch regrouped in SQL), on a database written before rollups existed, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rollup_oracle import assert_rollups_match
from sqlalchemy import inspect, text

from explorer import fmt
from explorer.db import rollups
from explorer.db.engine import make_engine
from explorer.ingest import import_file
from explorer.queries import accounts, overview, stats
from seed.generate import seed_database

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = {"vcb_daily_export.csv": "0019990004321", "vietinbank.csv": "111602391111"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def writable_tiny(request, tiny_db_url, copy_sqlite, tmp_path):
    """A private, writable tiny seed on each backend."""
    if request.param == "sqlite":
        return make_engine(copy_sqlite(tiny_db_url, tmp_path / "tiny.sqlite"))
    engine = make_engine(request.getfixturevalue("pg_database")("rollups"))
    seed_database(engine, "tiny", 1)
    return engine


def _forget_rollups(engine) -> None:
    """Make the database look like one written before rollups existed."""
    with engine.begin() as conn:
        for table in rollups.TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": rollups.META_KEY})


def test_the_seed_writes_rollups_equal_to_its_lines(backend_engine):
    assert_rollups_match(backend_engine)
    assert rollups.built(backend_engine)


def test_imports_keep_the_rollups_equal_to_the_lines(writable_tiny):
    before = overview.totals(writable_tiny)
    for name, account in SAMPLES.items():
        result = import_file(writable_tiny, FIXTURES / name, account=account)
        assert result.added > 0
        assert_rollups_match(writable_tiny)
    again = import_file(writable_tiny, FIXTURES / "vietinbank.csv", account=SAMPLES["vietinbank.csv"])
    assert again.added == 0
    assert_rollups_match(writable_tiny)
    after = overview.totals(writable_tiny)
    with writable_tiny.connect() as conn:
        imported_in = conn.execute(
            text(
                "SELECT COUNT(*), SUM(amount) FROM statement_lines WHERE source_sha256 IS NOT NULL AND direction = 'in'"
            )
        ).one()
    assert after["donations"] - before["donations"] == imported_in[0]
    assert after["raised"] - before["raised"] == imported_in[1]


def test_a_database_without_rollups_gets_them_on_first_write_or_start(writable_tiny):
    _forget_rollups(writable_tiny)
    assert not rollups.built(writable_tiny)
    assert rollups.ensure(writable_tiny) is True  # what the app does when it opens the database
    assert_rollups_match(writable_tiny)
    assert rollups.ensure(writable_tiny) is False
    _forget_rollups(writable_tiny)
    name, account = next(iter(SAMPLES.items()))
    import_file(writable_tiny, FIXTURES / name, account=account)  # an import rebuilds them whole, not just its days
    assert_rollups_match(writable_tiny)
    assert rollups.built(writable_tiny)


def test_the_oracle_sees_a_wrong_rollup(writable_tiny):
    """The comparison above can fail: one line's amount changed behind the rollups' back is noticed."""
    with writable_tiny.begin() as conn:
        conn.execute(
            text("UPDATE statement_lines SET amount = amount + 1 WHERE id = (SELECT MIN(id) FROM statement_lines)")
        )
    with pytest.raises(AssertionError, match="daily"):
        assert_rollups_match(writable_tiny)


def test_an_amount_on_a_bucket_bound_belongs_to_that_bucket():
    lines = pd.DataFrame(
        {
            "posted_at": pd.to_datetime(["2024-09-10 08:00"] * 4),
            "account_id": 1,
            "campaign_id": None,
            "direction": "in",
            "currency": "VND",
            "has_time": True,
            "donor_key": None,
            "id": [1, 2, 3, 4],
            "counterparty": None,
            "amount": [10_000, 10_001, 100_000_000, 100_000_001],
        }
    )
    daily = rollups.from_lines(lines)["daily_totals"].sort_values("amount")
    assert daily.bucket.tolist() == [0, 1, 8, 9]
    assert daily.day.tolist() == ["2024-09-10"] * 4


def test_the_app_adds_and_fills_rollup_tables_a_database_never_had(
    tiny_db_url, copy_sqlite, tmp_path, app, monkeypatch
):
    url = copy_sqlite(tiny_db_url, tmp_path / "before_rollups.sqlite")
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in rollups.TABLES:
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": rollups.META_KEY})
        raised = conn.execute(
            text("SELECT SUM(amount) FROM statement_lines WHERE direction = 'in' AND currency = 'VND'")
        ).scalar_one()
    monkeypatch.setenv("EXPLORER_DATABASE_URL", url)
    at = app.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Đã nhận"] == fmt.compact_money(raised, "VND", "vi")
    assert_rollups_match(engine)


def test_the_oracle_sees_a_wrong_lifetime_total_and_the_raised_figure_reads_it(writable_tiny):
    """The all-time rollup is compared too, and the headline 'raised' is its sum (a wrong row shows there)."""
    before = overview.totals(writable_tiny)["raised"]
    with writable_tiny.begin() as conn:
        conn.execute(
            text(
                "UPDATE lifetime_totals SET amount = amount + 7 WHERE id = (SELECT MIN(id) FROM lifetime_totals "
                "WHERE direction = 'in' AND currency = 'VND')"
            )
        )
    assert overview.totals(writable_tiny)["raised"] == before + 7
    with pytest.raises(AssertionError, match="lifetime"):
        assert_rollups_match(writable_tiny)


@pytest.mark.parametrize("first", ["start", "import"])
def test_a_version_3_database_gains_lifetime_totals_in_place(writable_tiny, first):
    """Version 3 had every rollup but lifetime_totals: the app's start (or an import, before its own lines are
    added) fills that table from the daily rows and nothing is counted twice."""
    from explorer.db.engine import create_schema

    with writable_tiny.begin() as conn:
        conn.execute(text("DROP TABLE lifetime_totals"))
        conn.execute(text("UPDATE meta SET value = '3' WHERE key = :k"), {"k": rollups.META_KEY})
        donor_rows = conn.execute(text("SELECT SUM(lines) FROM donor_totals")).scalar_one()
    create_schema(writable_tiny)
    if first == "start":
        assert rollups.ensure(writable_tiny) is True
    else:
        name, account = next(iter(SAMPLES.items()))
        assert import_file(writable_tiny, FIXTURES / name, account=account).added > 0
    assert rollups.built(writable_tiny)
    assert_rollups_match(writable_tiny)  # lifetime included; summaries not added twice
    with writable_tiny.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM lifetime_totals")).scalar_one() > 0
        if first == "start":
            assert conn.execute(text("SELECT SUM(lines) FROM donor_totals")).scalar_one() == donor_rows


def test_the_oracle_sees_a_wrong_summary(writable_tiny):
    """A printed name changed behind the summaries' back is noticed (the daily rollups cannot see it)."""
    with writable_tiny.begin() as conn:
        conn.execute(
            text(
                "UPDATE statement_lines SET counterparty = counterparty || ' X' "
                "WHERE id = (SELECT MIN(id) FROM statement_lines WHERE counterparty IS NOT NULL)"
            )
        )
    with pytest.raises(AssertionError, match="counterparty_totals"):
        assert_rollups_match(writable_tiny)


def test_summaries_answer_as_the_lines_do(writable_tiny):
    """Top counterparties, top donors and provenance read the summaries; the same figures grouped from the lines."""
    name, account = next(iter(SAMPLES.items()))
    import_file(writable_tiny, FIXTURES / name, account=account)
    with writable_tiny.connect() as conn:
        busiest = (
            conn.execute(
                text("SELECT account_id FROM statement_lines GROUP BY account_id ORDER BY COUNT(*) DESC, account_id")
            )
            .scalars()
            .all()
        )
        imported = conn.execute(
            text("SELECT account_id FROM statement_lines WHERE source_sha256 IS NOT NULL LIMIT 1")
        ).scalar_one()
        for account_id in [busiest[0], busiest[-1], imported]:
            for direction in ("in", "out"):
                want = conn.execute(
                    text(
                        "SELECT s.counterparty, SUM(s.amount), COUNT(*) FROM statement_lines s "
                        "WHERE s.account_id = :a AND s.direction = :d AND s.counterparty IS NOT NULL "
                        "AND s.currency = (SELECT currency FROM accounts WHERE id = :a) "
                        "GROUP BY s.counterparty ORDER BY SUM(s.amount) DESC, MIN(s.id) LIMIT 10"
                    ),
                    {"a": account_id, "d": direction},
                ).all()
                got = accounts.top_counterparties(writable_tiny, account_id, direction)
                assert [tuple(r) for r in got.itertuples(index=False)] == [tuple(r) for r in want]
            sources = accounts.provenance(writable_tiny, account_id)
            assert (
                sources.lines.sum()
                == conn.execute(
                    text("SELECT COUNT(*) FROM statement_lines WHERE account_id = :a"), {"a": account_id}
                ).scalar_one()
            )
        assert sources.source_sha256.notna().any()  # the imported account names its file
        donors = conn.execute(
            text(
                "SELECT s.counterparty, SUM(s.amount), COUNT(*) FROM statement_lines s WHERE s.direction = 'in' "
                "AND s.currency = 'VND' AND s.counterparty IS NOT NULL "
                "GROUP BY s.counterparty ORDER BY SUM(s.amount) DESC, MIN(s.id) LIMIT 20"
            )
        ).all()
    top = stats.top_donors(writable_tiny)
    assert [tuple(r) for r in top.itertuples(index=False)] == [tuple(r) for r in donors] and len(donors) == 20
    first, last = stats.date_bounds(writable_tiny)
    assert stats.top_donors(writable_tiny, first, last).equals(top)  # the whole range reads the summary too
    narrow = stats.top_donors(writable_tiny, last, last)  # one day: grouped from its lines
    assert narrow.amount.sum() <= top.amount.sum() and not narrow.equals(top)


def test_the_oracle_sees_a_stale_campaign_receipt(writable_tiny):
    """A campaign whose target changed behind the summaries' back has a threshold day that no longer holds."""
    with writable_tiny.begin() as conn:
        conn.execute(
            text(
                "UPDATE campaigns SET target = target * 1000 "
                "WHERE id = (SELECT campaign_id FROM campaign_receipts WHERE threshold_on IS NOT NULL LIMIT 1)"
            )
        )
    with pytest.raises(AssertionError, match="campaign_receipts"):
        assert_rollups_match(writable_tiny)


def test_an_older_database_gets_the_rollup_indexes_added_since_and_stats_use_them(writable_tiny):
    """A database from before the whole-ledger indexes (and the channel rollup) is upgraded like the app's first
    run does it; then the whole ledger's buckets and channel mix read those indexes and equal the lines."""
    from explorer.db.engine import create_schema
    from explorer.queries import channels

    with writable_tiny.begin() as conn:
        conn.execute(text("DROP INDEX ix_daily_buckets"))
        conn.execute(text("DROP TABLE channel_donations"))
        conn.execute(text("UPDATE meta SET value = '2' WHERE key = :k"), {"k": rollups.META_KEY})
    create_schema(writable_tiny)
    assert rollups.ensure(writable_tiny)  # version 2: rebuilt once
    names = {
        name
        for table in ("daily_totals", "channel_donations")
        for name in (i["name"] for i in inspect(writable_tiny).get_indexes(table))
    }
    assert {"ix_daily_buckets", "ix_channel_mix"} <= names
    assert_rollups_match(writable_tiny)
    if writable_tiny.dialect.name == "sqlite":  # the plan reads the new indexes (PostgreSQL picks by its statistics)
        with writable_tiny.connect() as conn:
            plan = " ".join(
                str(r[-1])
                for sql in (
                    "SELECT bucket, SUM(lines) FROM daily_totals t WHERE t.direction = 'in' AND t.currency = 'VND'"
                    " GROUP BY t.bucket",
                    "SELECT channel, SUM(lines) FROM channel_donations t WHERE 1 = 1 GROUP BY t.channel",
                )
                for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
            )
        assert "ix_daily_buckets" in plan and "ix_channel_mix" in plan
        with writable_tiny.connect() as conn:  # and only there: the daily series keeps its day-ordered index
            daily_plan = " ".join(
                str(r[-1])
                for r in conn.execute(
                    text(
                        "EXPLAIN QUERY PLAN SELECT day, SUM(lines) FROM daily_totals t"
                        " WHERE t.direction = 'in' AND t.currency = 'VND' GROUP BY t.day"
                    )
                )
            )
        assert "ix_daily_buckets" not in daily_plan and "TEMP B-TREE" not in daily_plan, daily_plan
    with writable_tiny.connect() as conn:
        expected = dict(
            conn.execute(
                text(
                    "SELECT channel, COUNT(*) FROM statement_lines WHERE direction = 'in' AND currency = 'VND'"
                    " GROUP BY channel"
                )
            ).all()
        )
    mix = channels.channel_mix(writable_tiny)
    assert dict(zip(mix.channel, mix.lines, strict=True)) == expected
