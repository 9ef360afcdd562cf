"""Fault tolerance: the database going away mid-session, and an import killed half-way.

Database unavailable: the app runs on a database, the database disappears (SQLite: the file and its WAL are
moved away and the public engine's pooled connections dropped, as after a restart; PostgreSQL: the server
behind a TCP proxy goes away, the same URL and engine throughout), caches are cleared, and every page must
show the friendly "cannot reach the database" message — no traceback, no empty database created in its
place — then work again, with the same rows, once the database is back.

Killed import: `python -m explorer import <60,000-line file> --db <copy of the tiny seed>` is SIGKILLed while
it parses, while it writes (the bulk path: triggers dropped, rows half inserted) and after every row and the
rebuilt index are in but before the commit; every table, index and trigger (SQLite: the FTS shadow tables
too) hashes exactly as before, the file passes its integrity checks, and a later import works.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import pty
import select
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from contextlib import suppress
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import text
from sqlalchemy.engine import make_url

from explorer.db.engine import make_engine
from explorer.i18n import translate
from explorer.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "explorer" / "pages"
APP = str(ROOT / "streamlit_app.py")
FIXTURES = Path(__file__).parent / "fixtures"
PUBLIC_PAGES = [
    "overview",
    "accounts",
    "campaigns",
    "statements",
    "verify",
    "disbursements",
    "stats",
    "vouchers",
    "presenter",
]
UNAVAILABLE = translate("vi", "common.db_unavailable")
BIG_ROWS = 60_000
ACCOUNT, BANK = "111602391111", "VietinBank"


# --- the database goes away ---------------------------------------------------------------------------------


@pytest.fixture()
def app_on(monkeypatch):
    """An AppTest factory for a database URL (public mode: the generic messages the public sees)."""
    from streamlit.testing.v1 import AppTest

    def make(url: str):
        monkeypatch.setenv("EXPLORER_DATABASE_URL", url)
        monkeypatch.setenv("EXPLORER_PUBLIC_MODE", "1")
        return AppTest.from_file(APP, default_timeout=120)

    yield make
    st.cache_data.clear()


def visit(at, page: str, **params):
    at.switch_page(str(PAGES / f"{page}.py"))
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def statement_ids(at) -> list:
    assert at.dataframe, "no statement table"
    return at.dataframe[0].value.iloc[:, 0].tolist()


def assert_friendly(at, page: str) -> None:
    assert not at.exception, f"{page}: {at.exception[0].value}"
    assert [e.value for e in at.error] == [UNAVAILABLE], (page, [w.value for w in (*at.warning, *at.info)])
    assert not at.dataframe and not at.metric, f"{page} showed data without a database"
    for element in (*at.markdown, *at.caption, *at.info, *at.warning):
        assert "Traceback" not in element.value and "OperationalError" not in element.value, page


def public_engine():
    """The cached read-only engine the pages use (the same object the app runs queries on)."""
    from explorer.ui import data

    settings = load_settings()
    return data.public_engine(settings.database_url, settings.query_timeout_ms)


def test_sqlite_database_lost_mid_session_then_back(app_on, tiny_db_url, copy_sqlite, tmp_path):
    live, away = tmp_path / "live", tmp_path / "away"
    live.mkdir()
    away.mkdir()
    url = copy_sqlite(tiny_db_url, live / "explorer.sqlite")
    at = app_on(url)
    at.run()
    before = statement_ids(visit(at, "statements", q="ung ho"))
    assert len(before) == 50

    for path in live.iterdir():  # the file and its WAL go away ...
        shutil.move(path, away / path.name)
    public_engine().dispose()  # ... and the pooled connections with them (as after a restart)
    st.cache_data.clear()
    for page in PUBLIC_PAGES:
        assert_friendly(visit(at, page), page)
    assert list(live.iterdir()) == [], "an empty database was created in place of the lost one"

    for path in away.iterdir():
        shutil.move(path, live / path.name)
    assert statement_ids(visit(at, "statements", q="ung ho")) == before  # same engine, no cache cleared
    for page in PUBLIC_PAGES:
        at = visit(at, page)
        assert not at.exception and not at.error, page


class Proxy:
    """A TCP proxy in front of PostgreSQL that can go down (closing every connection) and come back."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        with suppress(OSError):  # already closed by the peer
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked on it (close alone does not)
        self.listener.close()
        for sock in self.sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            with suppress(OSError):  # either side cut: the proxy stops pumping, as a dropped link does
                while data := source.recv(65536):
                    target.sendall(data)
        finally:
            for sock in (source, target):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.mark.postgres
def test_postgresql_server_lost_mid_session_then_back(app_on, pg_tiny_url):
    target = make_url(pg_tiny_url)
    proxy = Proxy((target.host or "127.0.0.1", target.port or 5432))
    proxy.start()
    url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        at = app_on(url)
        at.run()
        before = statement_ids(visit(at, "statements", q="ung ho"))
        assert len(before) == 50

        proxy.stop()
        st.cache_data.clear()
        for page in PUBLIC_PAGES:
            assert_friendly(visit(at, page), page)

        proxy.start()
        assert statement_ids(visit(at, "statements", q="ung ho")) == before
        for page in PUBLIC_PAGES:
            at = visit(at, page)
            assert not at.exception and not at.error, page
    finally:
        proxy.stop()
        public_engine().dispose()


def test_unreachable_database_on_the_first_run_is_a_message_not_a_traceback(app_on):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    at = app_on(f"postgresql+psycopg://nobody@127.0.0.1:{port}/explorer")
    at.run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    assert [e.value for e in at.error] == [UNAVAILABLE]


# --- an import killed half-way -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_statement(tmp_path_factory) -> Path:
    """A 60,000-line VietinBank statement made by the import benchmark's generator."""
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "bench_import.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path_factory.mktemp("big") / "vietinbank_60k.csv"
    bench.generate(path, BIG_ROWS, "vietinbank")
    return path


def fingerprint(url: str) -> str:
    """A hash of the schema (tables, indexes, triggers) and of every row of every table."""
    engine = make_engine(url)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            digest.update(
                repr(conn.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")).all()).encode()
            )
            tables = (
                conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).scalars().all()
            )
        else:
            digest.update(
                repr(
                    conn.execute(
                        text(
                            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                            "ORDER BY tablename, indexname"
                        )
                    ).all()
                ).encode()
            )
            tables = (
                conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))
                .scalars()
                .all()
            )
        for name in tables:
            rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()
            digest.update(name.encode() + repr(sorted(repr(r) for r in rows)).encode())
    engine.dispose()
    return digest.hexdigest()


# After every row and the rebuilt search index are in, and before the commit: say so and wait to be killed.
HOLD_BEFORE_COMMIT = """
import runpy, sys, time
from explorer.ingest import store
insert = store.insert_lines
def held(*args, **kwargs):
    added = insert(*args, **kwargs)
    print(f"inserted {added}: holding before the commit", file=sys.stderr, flush=True)
    time.sleep(120)
    return added
store.insert_lines = held
sys.argv = ["explorer", *sys.argv[1:]]
runpy.run_module("explorer", run_name="__main__")
"""


def run_until(argv: list[str], marker: str, timeout: float = 240) -> tuple[subprocess.Popen, str]:
    """Start the import with stderr on a terminal (so its progress bars print), return once `marker` shows."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen, deadline = b"", time.monotonic() + timeout
    try:
        while marker.encode() not in seen:
            assert time.monotonic() < deadline, f"no {marker!r} within {timeout} s: {seen[-400:]!r}"
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                with suppress(OSError):  # the terminal closed with the process: the poll below says so
                    seen += os.read(master, 65536)
            assert proc.poll() is None, f"the import ended before {marker!r}: {seen[-400:]!r}"
    finally:
        os.close(master)
    return proc, seen.decode("utf-8", "replace")


KILL_POINTS = {
    "while parsing": ([sys.executable, "-m", "explorer"], "parse:"),
    "while writing rows": ([sys.executable, "-m", "explorer"], "write:"),
    "before the commit": ([sys.executable, "-c", HOLD_BEFORE_COMMIT], "holding before the commit"),
}


def kill_import_at(url: str, statement: Path, point: str) -> str:
    command, marker = KILL_POINTS[point]
    proc, seen = run_until(
        [*command, "import", str(statement), "--account", ACCOUNT, "--bank", BANK, "--db", url], marker
    )
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_import_leaves_the_sqlite_database_as_before(big_statement, tiny_db_url, copy_sqlite, tmp_path, point):
    url = copy_sqlite(tiny_db_url, tmp_path / "copy.sqlite")
    before = fingerprint(url)
    seen = kill_import_at(url, big_statement, point)
    if point == "while writing rows":
        assert "write:" in seen and "100%" not in seen.split("write:")[-1], "killed after the rows were all in"
    assert fingerprint(url) == before
    path = tmp_path / "copy.sqlite"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.execute("INSERT INTO statement_fts(statement_fts) VALUES ('integrity-check')")  # raises if broken
    # The database is not left locked: the next import goes through.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "explorer",
            "import",
            str(FIXTURES / "vietinbank.csv"),
            "--account",
            ACCOUNT,
            "--bank",
            BANK,
            "--db",
            url,
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert fingerprint(url) != before  # (the fingerprint does see a change)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM statement_lines s JOIN accounts a ON a.id = s.account_id WHERE a.number = :n"
                ),
                {"n": ACCOUNT},
            ).scalar()
            == 300
        )
    engine.dispose()


@pytest.fixture(scope="module")
def seeded_pg(pg_database) -> str:
    from seed.generate import seed_database

    url = pg_database("killed_import")
    seed_database(make_engine(url), "tiny", 1)
    return url


@pytest.mark.postgres
def test_an_import_into_a_freshly_seeded_postgresql_database_works(seeded_pg):
    from explorer.ingest import import_file

    engine = make_engine(seeded_pg)
    try:
        assert import_file(engine, FIXTURES / "vietinbank.csv", account=ACCOUNT, bank=BANK).added == 300
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_killed_import_leaves_the_postgresql_database_as_before(big_statement, seeded_pg):
    before = fingerprint(seeded_pg)  # (sequences are not part of it: PostgreSQL never rolls them back)
    seen = kill_import_at(seeded_pg, big_statement, "while writing rows")  # mid-COPY, search index dropped
    assert "write:" in seen
    time.sleep(0.5)  # the server notices the dead client and rolls back (readers wait on its locks meanwhile)
    assert fingerprint(seeded_pg) == before
