"""The rollups and summaries of the statement lines as typed models: tables only the ledger writer fills
(explorer.db.rollups, explorer.db.summaries), inside the transaction that adds the lines. They are registered on
explorer.db.schema's Base, which imports this module."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from explorer.db.schema import Base


class DailyTotal(Base):
    """Statement lines counted and summed per day, account, campaign, direction, currency and amount bucket.

    A rollup of statement_lines, written only with them (explorer.db.rollups, inside the writer's transaction)
    so whole-ledger totals read thousands of rows instead of millions of lines.
    """

    __tablename__ = "daily_totals"
    # Covering indexes, one per way in (by day, by account, by campaign): every rollup query reads one index
    # only, in the order it groups by, never the table (7× faster per campaign at 11.7 M lines).
    __table_args__ = (
        Index("ix_daily_day", "day", "direction", "currency", "account_id", "campaign_id", "bucket", "lines", "amount"),
        Index("ix_daily_account_day", "account_id", "currency", "day", "direction", "lines", "amount"),
        Index("ix_daily_campaign_day", "campaign_id", "direction", "currency", "day", "bucket", "lines", "amount"),
        # The whole ledger's amount buckets (Stats' first view) in index order, no sort (276 → 88 ms CPU at 11.7 M
        # lines). Bucket first, not direction and currency: with those first SQLite took this index for every
        # incoming-VND query grouped by day or province and sorted 0.9 M rows (daily 106 → 1,129 ms).
        Index("ix_daily_buckets", "bucket", "direction", "currency", "lines", "amount"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(3))
    currency: Mapped[str] = mapped_column(String(3))
    bucket: Mapped[int] = mapped_column(SmallInteger)  # position in rollups.AMOUNT_BUCKETS
    lines: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)


class LifetimeTotal(Base):
    """daily_totals without the day: every line of all time counted and summed per account, campaign, direction,
    currency and amount bucket (a rollup of the rollup). Figures with no date range (money raised, each campaign's
    receipts by gift size for the flow chart) read ~100 k rows here instead of ~0.9 M daily rows at 11.7 M lines."""

    __tablename__ = "lifetime_totals"
    __table_args__ = (
        Index("ix_lifetime_scope", "direction", "currency", "campaign_id", "bucket", "lines", "amount"),
        Index("ix_lifetime_account", "account_id"),  # an import recomputes the accounts it touched
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(3))
    currency: Mapped[str] = mapped_column(String(3))
    bucket: Mapped[int] = mapped_column(SmallInteger)
    lines: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)


class ChannelDonation(Base):
    """Incoming VND lines counted and summed per day, account, campaign and channel (a rollup): the channel mix of
    any range or scope without reading the lines (4 s at 1.9 M lines)."""

    __tablename__ = "channel_donations"
    __table_args__ = (
        Index("ix_channel_day", "day", "channel", "account_id", "campaign_id", "lines", "amount"),
        Index("ix_channel_account_day", "account_id", "day", "channel", "lines", "amount"),
        Index("ix_channel_campaign_day", "campaign_id", "day", "channel", "lines", "amount"),
        Index("ix_channel_mix", "channel", "lines", "amount"),  # the whole ledger's mix in index order (244 → 53 ms)
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))  # 'unknown' for a line written before channels existed
    lines: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)


class HourlyDonation(Base):
    """Incoming VND lines that carry a time, counted and summed per day and hour of day (a rollup)."""

    __tablename__ = "hourly_donations"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    lines: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)


class Donor(Base):
    """Every sender key seen on an incoming line (a rollup: its row count is the number of distinct donors)."""

    __tablename__ = "donors"
    donor_key: Mapped[str] = mapped_column(String(64), primary_key=True)


# --- Summaries of the lines kept by the one ledger writer (explorer.db.summaries): the account page, the
# statistics page and the flags read these instead of grouping millions of lines on every cache miss.


class CounterpartyTotal(Base):
    """Lines summed per account, direction, currency and printed counterparty (top counterparties of an account)."""

    __tablename__ = "counterparty_totals"
    __table_args__ = (Index("ix_counterparty_rank", "account_id", "direction", "currency", "amount"),)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    counterparty: Mapped[str] = mapped_column(String(200), primary_key=True)
    lines: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    first_id: Mapped[int] = mapped_column(BigInteger)  # the earliest line: breaks ties as MIN(id) did


class DonorTotal(Base):
    """Incoming VND lines summed per printed counterparty over the whole ledger (the statistics' top donors)."""

    __tablename__ = "donor_totals"
    __table_args__ = (Index("ix_donor_totals_rank", "amount"),)
    counterparty: Mapped[str] = mapped_column(String(200), primary_key=True)
    lines: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    first_id: Mapped[int] = mapped_column(BigInteger)


class AccountSource(Base):
    """Lines per account and source file (layout '' and sha '' for seeded or entered lines): provenance."""

    __tablename__ = "account_sources"
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_layout: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    lines: Mapped[int] = mapped_column(BigInteger)
    first_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CampaignReceipt(Base):
    """Per campaign: incoming money in its own currency and the first day cumulative receipts reached the
    rule's threshold share of its target (the reporting rule's inputs; explorer.db.summaries)."""

    __tablename__ = "campaign_receipts"
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received: Mapped[int] = mapped_column(BigInteger)
    threshold_on: Mapped[dt.date | None] = mapped_column(Date)
