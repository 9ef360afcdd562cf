"""The ledger checker: seeded data is clean except for the planted breaches; corruption is reported precisely."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import text

from explorer.checker import findings, main, planted, summarize
from explorer.db.engine import make_engine
from seed.generate import seed_database


def test_seeded_ledger_is_clean_except_the_planted_breaches(backend_url, capsys):
    engine = make_engine(backend_url)
    report = summarize(findings(engine), planted(engine))
    counts = {name: entry["count"] for name, entry in report["checks"].items()}
    expected_rules = {rule for rule, _ in planted(engine)}
    for name in (
        "balance_breaks",
        "disbursements_without_debit",
        "debits_without_explanation",
        "duplicate_references",
        "outside_account_life",
        "stale_rollups",
        "stale_summaries",
    ):
        assert counts[name] == 0, name
    found = {
        (rule, c)
        for rule in ("late_report", "missing_report", "over_disbursed")
        for c in report["checks"][rule].get("planted", [])
    }
    assert found == planted(engine) and expected_rules == {"late_report", "missing_report", "over_disbursed"}
    assert report["unexpected"] == 0
    assert main(["--db", backend_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unexpected"] == 0


@pytest.fixture()
def corrupted_url(tiny_db_url, tmp_path):
    """A copy of the tiny seed with one of each kind of damage; returns (url, what was done)."""
    path = tmp_path / "corrupt.sqlite"
    shutil.copy(tiny_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with engine.begin() as conn:

        def q(sql, **p):
            return conn.execute(text(sql), p)

        # 1. an incoming amount altered after the fact → its balance no longer follows
        broken = q(
            "SELECT id FROM statement_lines WHERE direction='in' AND balance IS NOT NULL ORDER BY id LIMIT 1 OFFSET 500"
        ).scalar_one()
        q("UPDATE statement_lines SET amount = amount + 1000 WHERE id = :i", i=broken)
        # 2. a disbursement unlinked from the line that paid it → both sides reported
        d_id, line_id = q("SELECT id, statement_line_id FROM disbursements ORDER BY id LIMIT 1").one()
        q("UPDATE disbursements SET statement_line_id = NULL WHERE id = :i", i=d_id)
        # 3. two lines of one account sharing a bank reference
        a, b = (
            q(
                "SELECT id FROM statement_lines WHERE account_id = (SELECT account_id FROM statement_lines "
                "WHERE id = :i) AND direction = 'in' ORDER BY id LIMIT 2",
                i=broken,
            )
            .scalars()
            .all()
        )
        q(
            "UPDATE statement_lines SET reference = (SELECT reference FROM statement_lines WHERE id = :a)"
            " WHERE id = :b",
            a=a,
            b=b,
        )
        # 4. a line dated before its account was opened
        early = q("SELECT id FROM statement_lines ORDER BY id DESC LIMIT 1").scalar_one()
        days = q("SELECT date(posted_at) FROM statement_lines WHERE id IN (:b, :e)", b=broken, e=early).scalars().all()
        q("UPDATE statement_lines SET posted_at = '1999-01-01 10:00:00' WHERE id = :i", i=early)
    return url, {
        "broken": broken,
        "disbursement": d_id,
        "debit": line_id,
        "dup": (a, b),
        "early": early,
        "stale_days": {*days, "1999-01-01"},
    }


def test_corrupted_copy_fails_with_a_precise_report(corrupted_url, capsys):
    url, damage = corrupted_url
    engine = make_engine(url)
    found = findings(engine)
    assert found["balance_breaks"].line_id.tolist()[0] == damage["broken"]
    assert found["disbursements_without_debit"].disbursement_id.tolist() == [damage["disbursement"]]
    assert found["debits_without_explanation"].line_id.tolist() == [damage["debit"]]
    assert len(found["duplicate_references"]) == 1
    assert found["outside_account_life"].line_id.tolist() == [damage["early"]]
    # The edits bypassed the writers: the altered amount's day and the moved line's old and new days are stale.
    stale = found["stale_rollups"]
    dated, lifetime = stale[stale.rollup != "lifetime_totals"], stale[stale.rollup == "lifetime_totals"]
    assert {str(d)[:10] for d in dated.day} == set(damage["stale_days"])
    # All time, only the altered amount shows (a moved day changes no lifetime sum): 1,000 more on its account.
    with engine.connect() as conn:
        account = conn.execute(text("SELECT account_id FROM statement_lines WHERE id = :i"), {"i": damage["broken"]})
        assert set(lifetime.account_id) == {account.scalar()}
    assert (lifetime.ledger_amount.fillna(0) - lifetime.rollup_amount.fillna(0)).sum() == 1000
    moved = stale[stale.day.astype(str) == "1999-01-01"].set_index("rollup")
    # the seed's last line is an incoming VND gift: its day total and its channel's day are both missing
    assert moved.ledger_lines.to_dict() == {"daily_totals": 1, "channel_donations": 1}
    assert moved.rollup_lines.isna().all()
    assert main(["--db", url]) == 1
    out = capsys.readouterr().out
    assert "FOUND" in out and "balance_breaks" in out and "unexpected finding" in out


def test_checker_on_unreachable_database_says_so(capsys):
    assert main(["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def writable_url(request, tiny_db_url, copy_sqlite, tmp_path) -> str:
    """A tiny seed the test may damage: a copy of the shared SQLite one, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return copy_sqlite(tiny_db_url, tmp_path / "summaries.sqlite")
    url = request.getfixturevalue("pg_database")("summaries")
    seed_database(make_engine(url), "tiny", 1)
    return url


def test_a_summary_row_out_of_step_with_the_lines_is_reported(writable_url, capsys):
    """One row of each summary altered (and one deleted) behind the writers: the checker names each, with the
    values the lines give and the values stored, and exits 1; nothing else is reported."""
    engine = make_engine(writable_url)
    with engine.begin() as conn:

        def q(sql, **p):
            return conn.execute(text(sql), p)

        donor, lines, amount, first = q(
            "SELECT counterparty, lines, amount, first_id FROM donor_totals ORDER BY amount DESC, counterparty LIMIT 1"
        ).one()
        q("UPDATE donor_totals SET amount = amount + 1 WHERE counterparty = :d", d=donor)
        gone = q(
            "SELECT account_id, direction, currency, counterparty, lines, amount, first_id FROM counterparty_totals "
            "ORDER BY lines DESC, counterparty LIMIT 1"
        ).one()
        q(
            "DELETE FROM counterparty_totals WHERE account_id = :a AND direction = :d AND currency = :c "
            "AND counterparty = :n",
            a=gone[0],
            d=gone[1],
            c=gone[2],
            n=gone[3],
        )
        campaign, received = q(
            "SELECT campaign_id, received FROM campaign_receipts WHERE threshold_on IS NOT NULL "
            "ORDER BY campaign_id LIMIT 1"
        ).one()
        q("UPDATE campaign_receipts SET threshold_on = NULL WHERE campaign_id = :c", c=campaign)
        account = q("SELECT MIN(account_id) FROM account_sources").scalar_one()
        q("UPDATE account_sources SET lines = lines - 1 WHERE account_id = :a", a=account)
    found = findings(engine)["stale_summaries"]
    rows = {(r.summary, r.key): (r.ledger, r.stored) for r in found.itertuples()}
    assert len(found) == 4 and len(rows) == 4
    assert rows[("donor_totals", donor)] == (f"{lines} | {amount} | {first}", f"{lines} | {amount + 1} | {first}")
    key = f"{gone[0]} | {gone[1]} | {gone[2]} | {gone[3]}"
    assert rows[("counterparty_totals", key)] == (f"{gone[4]} | {gone[5]} | {gone[6]}", None)
    ledger, stored = rows[("campaign_receipts", str(campaign))]
    assert ledger.startswith(f"{received} | 20") and stored == f"{received} | -"
    ledger, stored = rows[("account_sources", f"{account} |  | ")]
    assert int(ledger.split(" | ")[0]) == int(stored.split(" | ")[0]) + 1
    assert main(["--db", writable_url]) == 1
    out = capsys.readouterr().out
    assert "FOUND" in out and "stale_summaries" in out and "4 unexpected finding(s)" in out


def test_a_channel_changed_behind_the_writers_is_a_stale_channel_rollup(tiny_db_url, copy_sqlite, tmp_path):
    url = copy_sqlite(tiny_db_url, tmp_path / "channel.sqlite")
    engine = make_engine(url)
    with engine.begin() as conn:
        line, day, old = conn.execute(
            text(
                "SELECT id, date(posted_at), channel FROM statement_lines WHERE direction = 'in' AND currency = 'VND'"
                " AND channel = 'vietqr' ORDER BY id LIMIT 1"
            )
        ).one()
        conn.execute(text("UPDATE statement_lines SET channel = 'card' WHERE id = :i"), {"i": line})
    stale = findings(engine)["stale_rollups"]
    assert set(stale.rollup) == {"channel_donations"}  # the day totals do not split by channel: still equal
    assert {str(d)[:10] for d in stale.day} == {day} and set(stale.channel) == {old, "card"}
    by_channel = stale.set_index("channel").fillna(0)
    assert by_channel.loc["card", "ledger_lines"] - by_channel.loc["card", "rollup_lines"] == 1  # one more card gift
    assert by_channel.loc[old, "rollup_lines"] - by_channel.loc[old, "ledger_lines"] == 1  # one fewer by VietQR
