"""Engines for writers (seed, import) and for the public (read-only, time-limited).

Every dialect difference of connecting lives here and in `search.py`; queries stay portable.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from explorer.db import search
from explorer.db.schema import Base


class DatabaseError(Exception):
    """One clear, human message about the database; raised instead of a driver traceback."""


class QueryTimeout(DatabaseError):
    """A public query ran past the deployment's time limit and was cut off."""


def _sqlite_path(url) -> Path | None:
    if not url.database or url.database == ":memory:":
        return None
    # An SQLite URI ('file:/path?mode=ro&uri=true') names the same file as its plain path.
    return Path(url.database.removeprefix("file:")) if url.query.get("uri") else Path(url.database)


def make_engine(url: str, *, readonly: bool = False, timeout_ms: int | None = None) -> Engine:
    """An engine for `url`. `readonly` gives a connection that cannot write; `timeout_ms` bounds every statement."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"The database URL {url!r} is not a valid URL ({exc}).") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, readonly=readonly, timeout_ms=timeout_ms)
    if parsed.get_backend_name() == "postgresql":
        options = []
        if readonly:
            options.append("-c default_transaction_read_only=on")
        if timeout_ms:
            options.append(f"-c statement_timeout={int(timeout_ms)}")
        connect_args: dict[str, object] = {"connect_timeout": 5}
        if options:
            connect_args["options"] = " ".join(options)
        try:
            return create_engine(parsed, connect_args=connect_args, pool_pre_ping=True, pool_size=10, max_overflow=20)
        except (SQLAlchemyError, ImportError) as exc:
            raise DatabaseError(f"Cannot use the database URL {parsed.render_as_string()}: {exc}") from None
    raise DatabaseError(f"Unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql+psycopg://.")


def _sqlite_engine(parsed, *, readonly: bool, timeout_ms: int | None) -> Engine:
    path = _sqlite_path(parsed)
    if readonly:
        if path is None:
            raise DatabaseError("A read-only connection needs an SQLite file, not an in-memory database.")
        # mode=ro makes the driver refuse every write, whatever the SQL says.
        url = f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"
    else:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"Cannot create the data folder {path.parent}: {exc.strerror}.") from None
        url = parsed
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        if not readonly:
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA synchronous=NORMAL")
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA cache_size=-65536")  # 64 MB page cache per connection

    if timeout_ms:
        _install_sqlite_deadline(engine, timeout_ms)
    return engine


def _install_sqlite_deadline(engine: Engine, timeout_ms: int) -> None:
    """Interrupt any statement that runs longer than `timeout_ms` (SQLite has no statement_timeout)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _arm(conn, cursor, statement, parameters, context, executemany):
        deadline = time.monotonic() + timeout_ms / 1000
        raw = conn.connection.dbapi_connection
        raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 20_000)


def driver_connection(conn: Connection) -> Any:
    """The driver's own connection under `conn` (sqlite3 or psycopg): PRAGMAs, BEGIN IMMEDIATE, a plain cursor's
    executemany and COPY are below what SQLAlchemy wraps."""
    raw = conn.connection.dbapi_connection
    if raw is None:  # only once the connection was invalidated
        raise DatabaseError("the database connection was lost; try again")
    return raw


def is_timeout(exc: BaseException | None) -> bool:
    """True when a driver error means 'cut off by our time limit', however wrapped (SQLAlchemy keeps the
    driver's error in .orig; pandas.read_sql raises its own error from SQLAlchemy's)."""
    while exc is not None:
        orig = getattr(exc, "orig", exc)
        if isinstance(orig, sqlite3.OperationalError) and "interrupted" in str(orig):
            return True
        if type(orig).__name__ == "QueryCanceled" or "canceling statement due to statement timeout" in str(orig):
            return True
        exc = exc.__cause__
    return False


def check_connection(engine: Engine) -> None:
    """Raise DatabaseError with one clear sentence if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = (
            str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            if str(getattr(exc, "orig", exc)).strip()
            else type(exc).__name__
        )
        raise DatabaseError(f"Cannot reach the database at {engine.url.render_as_string()}: {reason}") from None


def create_schema(engine: Engine) -> None:
    """Create every table, index and the dialect's full-text index (idempotent)."""
    check_connection(engine)
    try:
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            _add_missing_columns(conn)
            _add_missing_rollup_indexes(conn)
            search.create_index(conn)
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"Cannot create the schema at {engine.url.render_as_string()}: {getattr(exc, 'orig', exc)}"
        ) from None


def schema_is_current(engine: Engine) -> bool:
    """Every table and every statement_lines column of this version exist (an older database lacks some), and
    the search index is this version's."""
    found = inspect(engine)
    tables = set(found.get_table_names())
    if not set(Base.metadata.tables) <= tables:
        return False
    present = {c["name"] for c in found.get_columns("statement_lines")}
    if not {c.name for c in Base.metadata.tables["statement_lines"].columns} <= present:
        return False
    with engine.connect() as conn:
        return search.index_is_current(conn)  # PostgreSQL: the trigram index on the joined text (search.py)


def _add_missing_columns(conn) -> None:
    """A database written by an earlier version gets the columns added since (all nullable), then their indexes."""
    table = Base.metadata.tables["statement_lines"]
    present = {c["name"] for c in inspect(conn).get_columns("statement_lines")}
    missing = [c for c in table.columns if c.name not in present]
    for column in missing:
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE statement_lines ADD COLUMN {column.name} {kind}"))
    if missing:
        for index in table.indexes:
            index.create(conn, checkfirst=True)


def _add_missing_rollup_indexes(conn) -> None:
    """create_all makes a new table's indexes, not a new index of an existing table: the rollups' indexes added
    since a database was written are made here (the rollups are small; a line index is made with its column)."""
    for name in ("daily_totals", "channel_donations", "hourly_donations"):
        for index in Base.metadata.tables[name].indexes:
            index.create(conn, checkfirst=True)


def reset_schema(engine: Engine) -> None:
    """Drop every table (and the search index) and create them anew: the seed replaces a database whole."""
    check_connection(engine)
    try:
        with engine.connect() as conn:
            raw = driver_connection(conn) if conn.dialect.name == "sqlite" else None
            secure = int(raw.execute("PRAGMA secure_delete").fetchone()[0]) if raw else 0
            if raw:
                # The driver zeroes every freed page (SECURE_DELETE): dropping an 11.7 M-line ledger would write
                # the whole file again, through the write-ahead log. The seed writes its own data over them.
                raw.execute("PRAGMA secure_delete=OFF")
            try:
                with conn.begin():
                    search.drop_index(conn)
                    Base.metadata.drop_all(conn)
            finally:
                if raw:
                    raw.execute(f"PRAGMA secure_delete={secure}")
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"Cannot reset the schema at {engine.url.render_as_string()}: {getattr(exc, 'orig', exc)}"
        ) from None
    create_schema(engine)


def has_data(engine: Engine) -> bool:
    """True when the schema exists and holds statement lines."""
    if "statement_lines" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM statement_lines LIMIT 1")).first() is not None
