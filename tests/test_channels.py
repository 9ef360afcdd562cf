"""Donation channels: the memo → channel table, the seed's channels, the giving day's matching pool and its rules
(a deliberately broken matching line is found), charity purchases as one source, the channel filter and mix, and
the upgrade of a database written before channels existed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from page_specs import open_page
from sqlalchemy import text

from explorer import checker, fmt
from explorer.db.engine import create_schema, make_engine, schema_is_current
from explorer.db.schema import CHANNELS
from explorer.ingest.channels import infer_channel, purchase_items
from explorer.queries import channels, statements


@pytest.mark.parametrize(
    ("memo", "channel"),
    [
        (
            "MBVCB.6989712433.NGUYEN THI BICH NGOC ung ho.CT tu 0011004 NGUYEN THI BICH NGOC toi 0011002 MTTQ",
            "transfer",
        ),
        ("IBFT NGUYEN VAN AN chuyen tien ung ho dong bao", "transfer"),
        ("/REF:2024091000601224{//} VAL:240910USD200/33B:USD200.00/MID:O A9B8/Rel ref:null/50:TIEN", "transfer"),
        ("Chuyen khoan ung ho bao lu", "transfer"),
        ("MOMO 0912345678 ung ho quy", "ewallet"),
        ("ZALOPAY-240910-ung ho mien Bac", "ewallet"),
        ("Thanh toan qua ShopeePay ung ho; ma GD 123", "unknown"),  # the wallet's name mid-text is not its prefix
        ("SHOPEEPAY 240910 ung ho", "ewallet"),
        ("VIETQR NGUYEN VAN AN ung ho", "vietqr"),
        ("QR - TRAN THI B ung ho tre em", "vietqr"),
        ("POS 123456 VISA ung ho", "card"),
        ("LENH CHUYEN TIEN DINH KY THANG 9 UNG HO QUY", "monthly"),
        ("Standing order 09/2024 donation", "monthly"),
        ("NOP TIEN MAT TAI QUAY UNG HO DONG BAO", "cash_deposit"),
        ("CT tu 1234 CONG TY A DOI UNG GIVING DAY 9/9 CHO GD GD240909002500001", "matching"),
        ("NGUYEN VAN AN ung ho du an 25 NGAY HOI GIVING DAY 9/9", "giving_day"),
        ("CONG TY B CHUYEN TIEN MUA SAM VI CONG DONG THANG 08/2024: 12.345 DON HANG X 500 D", "charity_purchase"),
        ("020097042906838628580033.5345. 139770.Chuyen tien ung ho bao", "unknown"),  # 'chuyen tien' is no proof
        ("020097042345590367111024.6071. 142562.chung tay cung mien Bac", "unknown"),
        ("ung ho dong bao mien Bac", "unknown"),
        ("NGUYEN QUANG POSTMAN ung ho", "unknown"),  # 'POS' only as a word
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_infer_channel_reads_only_what_the_memo_shows(memo, channel):
    assert infer_channel(memo) == channel


@pytest.mark.parametrize(
    ("memo", "expected"),
    [
        ("CONG TY B ... THANG 08/2024: 12.345 DON HANG X 500 D", (12_345, 500)),
        ("1,200 don x 1.000 vnd", (1_200, 1_000)),
        ("30 SP x 2000", (30, 2_000)),
        ("ung ho 500.000", None),
        ("0 DON HANG X 500 D", None),
    ],
)
def test_purchase_items(memo, expected):
    assert purchase_items(memo) == expected


def _one(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_every_seeded_line_has_a_channel_and_memos_never_contradict_it(tiny_engine):
    with tiny_engine.connect() as conn:
        lines = pd.read_sql(text("SELECT direction, channel, description FROM statement_lines"), conn)
    assert set(lines.channel) <= set(CHANNELS) and lines.channel.notna().all()
    said = lines.description.map(infer_channel)
    assert (said.eq("unknown") | said.eq(lines.channel)).all()
    assert set(lines[lines.direction == "out"].channel) == {"transfer"}  # payouts are bank transfers
    assert {"transfer", "vietqr", "ewallet", "giving_day", "matching", "charity_purchase"} <= set(lines.channel)


def test_channel_mix_equals_sql(tiny_engine):
    mix = channels.channel_mix(tiny_engine).set_index("channel")
    with tiny_engine.connect() as conn:
        expected = pd.read_sql(
            text(
                "SELECT channel, COUNT(*) AS lines, SUM(amount) AS amount FROM statement_lines "
                "WHERE direction = 'in' AND currency = 'VND' GROUP BY channel"
            ),
            conn,
        ).set_index("channel")
    assert mix.lines.to_dict() == expected.lines.to_dict() and mix.amount.to_dict() == expected.amount.to_dict()
    assert mix.line_share.sum() == pytest.approx(1) and mix.amount_share.sum() == pytest.approx(1)
    assert list(mix.index) == [c for c in CHANNELS if c in set(mix.index)]


def test_channel_mix_of_a_range_and_scope_equals_the_lines_on_both_backends(backend_engine):
    """Read from the channel rollup, the mix of one account over a week and of one campaign equals the lines'."""
    with backend_engine.connect() as conn:
        account, campaign = conn.execute(
            text(
                "SELECT account_id, campaign_id FROM statement_lines WHERE direction = 'in' AND currency = 'VND'"
                " AND campaign_id IS NOT NULL GROUP BY account_id, campaign_id ORDER BY COUNT(*) DESC LIMIT 1"
            )
        ).one()
        first = conn.execute(
            text("SELECT MIN(posted_at) FROM statement_lines WHERE account_id = :a"), {"a": account}
        ).scalar()
    start = pd.Timestamp(first).date()
    end = start + dt.timedelta(days=6)

    def lines_mix(where: str, params: dict) -> dict:
        with backend_engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT channel, COUNT(*), SUM(amount) FROM statement_lines WHERE direction = 'in'"
                    f" AND currency = 'VND' AND {where} GROUP BY channel"
                ),
                params,
            ).all()
        return {c: (int(n), int(a)) for c, n, a in rows}

    def got(frame) -> dict:
        return {r.channel: (int(r.lines), int(r.amount)) for r in frame.itertuples()}

    week = channels.channel_mix(backend_engine, date_from=start, date_to=end, scope=((account,), None))
    expected = lines_mix(
        "account_id = :a AND posted_at >= :s AND posted_at < :e",
        {
            "a": account,
            "s": pd.Timestamp(start).to_pydatetime(),
            "e": pd.Timestamp(end + dt.timedelta(days=1)).to_pydatetime(),
        },
    )
    assert got(week) == expected and sum(n for n, _ in expected.values()) > 0
    assert got(channels.channel_mix(backend_engine, campaign_id=campaign)) == lines_mix(
        "campaign_id = :c", {"c": campaign}
    )


def _pool_campaigns(engine) -> list[int]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT campaign_id FROM matching_projects ORDER BY campaign_id"))]


def test_giving_day_gifts_matched_and_pool_left_equal_the_lines(tiny_engine):
    projects = _pool_campaigns(tiny_engine)
    assert len(projects) == 3
    pool = channels.pool_of(tiny_engine, projects[0])
    assert pool["day"] == dt.date(2024, 9, 9) and pool["ratio_pct"] == 100
    for row in pool["projects"].itertuples():
        sums = dict(
            (
                k,
                _one(
                    tiny_engine,
                    f"SELECT COALESCE(SUM(amount), 0) FROM statement_lines WHERE campaign_id = :c AND channel = '{k}'",
                    c=row.campaign_id,
                ),
            )
            for k in ("giving_day", "matching")
        )
        assert (row.gifts, row.matched) == (sums["giving_day"], sums["matching"]) and row.gifts > row.matched > 0
        assert row.matched <= pool["cap_per_project"]
    matched = _one(tiny_engine, "SELECT SUM(amount) FROM statement_lines WHERE channel = 'matching'")
    assert pool["matched"] == matched <= pool["pool_size"] and pool["left"] == pool["pool_size"] - matched
    assert channels.pool_of(tiny_engine, 1) is None


def test_the_seeded_matching_keeps_its_rules(tiny_engine):
    assert channels.matching_breaches(tiny_engine).empty


@pytest.fixture()
def broken(tiny_db_url, copy_sqlite, tmp_path):
    """A copy of the tiny seed with three matching lines that break the pool's rules."""
    url = copy_sqlite(tiny_db_url, tmp_path / "broken.sqlite")
    engine = make_engine(url)
    project = _pool_campaigns(engine)[0]
    with engine.begin() as conn:
        gift = conn.execute(
            text(
                "SELECT account_id, reference, amount, posted_at FROM statement_lines WHERE campaign_id = :c "
                "AND channel = 'giving_day' ORDER BY id LIMIT 1"
            ),
            {"c": project},
        ).one()
        cap = conn.execute(text("SELECT cap_per_gift FROM matching_pools")).scalar_one()
        rows = [
            (gift.amount * 5, f"CT tu 1 X DOI UNG GIVING DAY 9/9 CHO GD {gift.reference}"),  # over ratio and cap
            (1_000, "CT tu 1 X DOI UNG GIVING DAY 9/9 CHO GD NO-SUCH-GIFT"),  # matches no gift
            (cap * 1_000, f"CT tu 1 X DOI UNG GIVING DAY 9/9 CHO GD {gift.reference}"),  # and over the project cap
        ]
        for amount, memo in rows:
            conn.execute(
                text(
                    "INSERT INTO statement_lines (account_id, posted_at, has_time, direction, amount, currency, "
                    "description, search_text, campaign_id, channel) VALUES (:a, :p, 1, 'in', :m, 'VND', :d, "
                    "lower(:d), :c, 'matching')"
                ),
                {"a": gift.account_id, "p": gift.posted_at, "m": amount, "d": memo, "c": project},
            )
    return url, project, gift.amount, cap


def test_the_checker_flags_matching_that_breaks_its_rules(broken, capsys):
    url, project, gift, cap = broken
    found = channels.matching_breaches(make_engine(url))
    assert set(found.campaign_id) == {project}
    rules = found.groupby("rule").size().to_dict()
    assert rules == {"over_gift": 2, "no_gift": 1, "over_project_cap": 1, "over_pool": 1}
    assert found[found.rule == "over_gift"].allowed.tolist() == [min(gift, cap)] * 2
    assert checker.main(["--db", url]) == 1
    assert "matching_rules" in capsys.readouterr().out


def test_charity_purchases_are_one_source_with_their_item_count(tiny_engine):
    bought = channels.charity_purchases(tiny_engine)
    assert len(bought) == 1
    row = bought.iloc[0]
    with tiny_engine.connect() as conn:
        transfers, amount = conn.execute(
            text("SELECT COUNT(*), SUM(amount) FROM statement_lines WHERE channel = 'charity_purchase'")
        ).one()
    assert (row.transfers, row.amount, row.per_item) == (transfers, amount, 500)
    assert row["items"] * row.per_item == amount  # every transfer is its items × the amount per item


def test_statements_filter_and_export_by_channel(tiny_engine):
    for channel in ("matching", "charity_purchase", "cash_deposit"):
        expected = _one(tiny_engine, "SELECT COUNT(*) FROM statement_lines WHERE channel = :c", c=channel)
        page, _ = statements.search_lines(tiny_engine, channel=channel, page_size=500)
        assert len(page) == expected > 0
        export = statements.export_lines(tiny_engine, channel=channel)
        assert sorted(export.id) == sorted(page.id)
    page, _ = statements.search_lines(tiny_engine, channel="unknown")
    assert page.empty  # the seed knows every line's channel


def test_a_database_from_before_channels_is_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE statement_lines DROP COLUMN channel"))
        conn.execute(text("DROP TABLE matching_projects"))
    assert not schema_is_current(engine)
    create_schema(engine)
    assert schema_is_current(engine)
    assert channels.channel_mix(engine).empty and channels.matching_breaches(engine).empty


def test_import_infers_the_channel_and_reports_it(tmp_path, capsys):
    from explorer.ingest.cli import main

    rows = [
        ("01/09/2024", "500.000", "MBVCB.1234567890.NGUYEN VAN A ung ho"),
        ("01/09/2024", "200.000", "MOMO 0912345678 ung ho quy"),
        ("02/09/2024", "100.000", "ung ho dong bao"),
        ("02/09/2024", "50.000", "VIETQR TRAN THI B ung ho"),
    ]
    path = tmp_path / "memo_channels.csv"  # the Vietcombank daily export's columns
    path.write_text(
        "PageId,TNXDate,DocNo,Debit,Credit,Balance,TransactionDetails\n"
        + "".join(f'1,{d},5296.{i:05d},,"{a}",,{m}\n' for i, (d, a, m) in enumerate(rows)),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'import.sqlite'}"
    code = main([str(path), "--account", "123456789", "--db", url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "channels from the memo: 3 of 4 lines (1 transfer, 1 ewallet, 1 vietqr)" in out
    with make_engine(url).connect() as conn:
        got = dict(conn.execute(text("SELECT amount, channel FROM statement_lines")).all())
    assert got == {500_000: "transfer", 200_000: "ewallet", 100_000: "unknown", 50_000: "vietqr"}


def test_campaign_page_shows_the_giving_day_pool(app, tiny_engine):
    project = _pool_campaigns(tiny_engine)[1]
    pool = channels.pool_of(tiny_engine, project)
    mine = pool["projects"].set_index("campaign_id").loc[project]
    at = open_page(app, "campaigns", campaign=str(project), lang="en")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Gifts on the day"] == fmt.money(int(mine.gifts), "VND", "en")
    assert metrics["Matched"] == fmt.money(int(mine.matched), "VND", "en")
    assert metrics["Pool left"] == fmt.money(pool["left"], "VND", "en")
