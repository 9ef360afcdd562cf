"""The ledger's tables as SQLAlchemy 2 typed models (docs/ARCHITECTURE.md: what every writer keeps true).

Amounts are integers in the minor unit of their explicit `currency` as ISO 4217 defines it (VND has no
decimals, so 1 = 1 đồng; USD and CNY have two, so 1 = one cent / one fen). Text people search carries a
folded twin (see explorer.text.fold).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


ORG_KINDS = (
    "red_cross_chapter",
    "fatherland_front",
    "foundation",
    "individual",
    "hospital",
    "school",
    "media",
    "religious",
    "company",
)
CAMPAIGN_CATEGORIES = ("disaster_relief", "medical", "education", "housing", "children", "elderly", "community")
CAMPAIGN_STATUSES = ("planned", "active", "closed")
DISBURSEMENT_CATEGORIES = ("cash", "goods", "vouchers", "services", "construction")
BENEFICIARY_GROUPS = ("child", "elderly", "low_income_household", "newborn_family", "disabled", "disaster_affected")
MERCHANT_CATEGORIES = ("groceries", "mother_baby", "school_supplies", "pharmacy_clinic", "services")
# How a line's money came (DESIGN §3): set by the seed, inferred from the memo on import where the bank text shows
# it (explorer/ingest/channels.py), 'unknown' otherwise — never guessed.
CHANNELS = (
    "transfer",
    "vietqr",
    "card",
    "ewallet",
    "giving_day",
    "matching",
    "charity_purchase",
    "monthly",
    "cash_deposit",
    "unknown",
)


class Province(Base):
    __tablename__ = "provinces"
    code: Mapped[int] = mapped_column(Integer, primary_key=True)  # first licence-plate code: Hà Nội 29
    plate_codes: Mapped[str] = mapped_column(String(64))
    name_vi: Mapped[str] = mapped_column(String(64))
    name_ascii: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(32))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    province_code: Mapped[int | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("bank", "number", name="uq_account_bank_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), index=True)
    bank: Mapped[str] = mapped_column(String(32))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_folded: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    province_code: Mapped[int | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    opening_balance: Mapped[int] = mapped_column(BigInteger, default=0)  # before its first statement line
    simulated: Mapped[bool] = mapped_column(Boolean, default=True)  # seeded, not a real bank's data


class Campaign(Base):
    """A fundraising campaign and its Red Cross workflow dates (needs → … → report)."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    title_folded: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(32), index=True)
    province_code: Mapped[int | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    target: Mapped[int] = mapped_column(BigInteger)
    pledged: Mapped[int] = mapped_column(BigInteger, default=0)  # promised, not yet received: kept apart
    status: Mapped[str] = mapped_column(String(16), index=True)
    start_on: Mapped[dt.date] = mapped_column(Date, index=True)
    end_on: Mapped[dt.date] = mapped_column(Date)
    needs_assessed_on: Mapped[dt.date | None] = mapped_column(Date)
    target_set_on: Mapped[dt.date | None] = mapped_column(Date)
    beneficiaries_listed_on: Mapped[dt.date | None] = mapped_column(Date)
    plan_approved_on: Mapped[dt.date | None] = mapped_column(Date)
    announced_on: Mapped[dt.date | None] = mapped_column(Date)
    first_report_on: Mapped[dt.date | None] = mapped_column(Date)  # first public disbursement report


class StatementLine(Base):
    __tablename__ = "statement_lines"
    __table_args__ = (
        Index("ix_lines_account_time", "account_id", "posted_at"),
        Index("ix_lines_campaign_time", "campaign_id", "posted_at"),
        Index("ix_lines_time", "posted_at"),
        Index("ix_lines_amount", "amount"),
        # Re-importing a file finds its rows already present: idempotence at the database level.
        UniqueConstraint("account_id", "source_sha256", "source_row", name="uq_line_source"),
        # The same line in another file (re-export, overlap, CSV and PDF) is one line (explorer.ingest.identity).
        # Partial: seeded lines have no key, and millions of NULL entries would only slow the seed down.
        Index(
            "uq_line_identity",
            "account_id",
            "line_key",
            unique=True,
            sqlite_where=text("line_key IS NOT NULL"),
            postgresql_where=text("line_key IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    has_time: Mapped[bool] = mapped_column(Boolean, default=True)  # False: the bank gave a date only
    direction: Mapped[str] = mapped_column(String(3))  # 'in' | 'out'
    amount: Mapped[int] = mapped_column(BigInteger)  # > 0, minor units of currency
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    balance: Mapped[int | None] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(64), index=True)
    counterparty: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)  # fold(counterparty + description)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    donor_key: Mapped[str | None] = mapped_column(String(64))  # folded sender identity, for donor counts
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    source_row: Mapped[int | None] = mapped_column(Integer)
    source_layout: Mapped[str | None] = mapped_column(String(32))
    source_page: Mapped[int | None] = mapped_column(Integer)  # PDF page of the record
    import_id: Mapped[int | None] = mapped_column(Integer)  # the import that wrote it (imports.id)
    line_key: Mapped[int | None] = mapped_column(BigInteger)  # content identity of an imported line
    flags: Mapped[str | None] = mapped_column(Text)  # doubtful but readable: 'zero_amount: …' lines
    channel: Mapped[str | None] = mapped_column(String(16))  # CHANNELS; NULL (a database from before) = unknown


class MatchingPool(Base):
    """A giving day's matching money: a sponsor adds `ratio_pct` % of each gift on `day` to the projects, up to
    a cap per gift and per project, until the pool is spent. Its matching lines carry channel 'matching' and
    the matched gift's reference in their memo (the checker holds them to these rules)."""

    __tablename__ = "matching_pools"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sponsor_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    ratio_pct: Mapped[int] = mapped_column(Integer)  # 100: one đồng matched per đồng given
    cap_per_gift: Mapped[int] = mapped_column(BigInteger)
    cap_per_project: Mapped[int] = mapped_column(BigInteger)
    pool_size: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="VND")


class MatchingProject(Base):
    """A campaign taking part in a matching pool's giving day."""

    __tablename__ = "matching_projects"
    pool_id: Mapped[int] = mapped_column(ForeignKey("matching_pools.id"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True, index=True)


class Import(Base):
    """One statement file imported into one account: what was read, written, set aside, and whether it reconciles."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    layout: Mapped[str] = mapped_column(String(32))
    why: Mapped[str] = mapped_column(Text, default="")  # why the layout was chosen
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    rows: Mapped[int] = mapped_column(Integer)  # transaction rows in the file
    added: Mapped[int] = mapped_column(Integer)
    already_present: Mapped[int] = mapped_column(Integer)
    set_aside: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[int] = mapped_column(Integer)
    gaps: Mapped[int] = mapped_column(Integer)
    reconciled: Mapped[bool | None] = mapped_column(Boolean)  # None: the file prints nothing to check against
    checks: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{name, printed, parsed}]
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SetAsideRow(Base):
    """A row of an imported file that could not be read: kept for review, never a statement line."""

    __tablename__ = "set_aside_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    page: Mapped[int | None] = mapped_column(Integer)
    row: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str] = mapped_column(Text)
    image: Mapped[bytes | None] = mapped_column(LargeBinary)  # PNG crop of a scanned row, for the reviewer
    resolved_line_id: Mapped[int | None] = mapped_column(Integer)  # the line a person wrote from it
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class BalanceGap(Base):
    """Where an imported statement's running balance moves by money no published line explains."""

    __tablename__ = "balance_gaps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    after_row: Mapped[int | None] = mapped_column(Integer)
    before_row: Mapped[int] = mapped_column(Integer)
    unexplained: Mapped[int] = mapped_column(BigInteger)  # minor units; > 0 money in not listed
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    message: Mapped[str] = mapped_column(Text)


class Disbursement(Base):
    __tablename__ = "disbursements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    disbursed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    category: Mapped[str] = mapped_column(String(32), index=True)
    recipient_group: Mapped[str] = mapped_column(String(32), index=True)
    province_code: Mapped[int | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    statement_line_id: Mapped[int | None] = mapped_column(ForeignKey("statement_lines.id"), index=True)
    report_text: Mapped[str] = mapped_column(Text, default="")


class Beneficiary(Base):
    """Private: never shown unmasked on a public page or export."""

    __tablename__ = "beneficiaries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)  # who registered them
    group: Mapped[str] = mapped_column(String(32), index=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), index=True)
    district: Mapped[str] = mapped_column(String(64))
    household_size: Mapped[int] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    national_id_hash: Mapped[str] = mapped_column(String(64), index=True)  # duplicates across orgs
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))


class Merchant(Base):
    __tablename__ = "merchants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), index=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    daily_capacity: Mapped[int] = mapped_column(Integer)  # redemptions (transactions) per day


class Meta(Base):
    """Key/value facts about the database: seed scale and seed number, schema version."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# The rollups and summaries of the lines live in their own module; importing it here puts their tables on
# Base.metadata wherever the schema is used (create_all, the checks). It needs Base, defined above.
from explorer.db import rollup_tables  # noqa: E402, F401
