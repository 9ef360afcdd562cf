"""Shared fixtures: a tiny seeded SQLite database per test session (per xdist worker), built once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.db.engine import create_schema, make_engine
from seed.generate import seed_database

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
APP = str(ROOT / "streamlit_app.py")


@pytest.fixture(scope="session")
def tiny_db_url(tmp_path_factory) -> str:
    """URL of an SQLite file seeded with `--scale tiny --seed 1` (never written to by tests)."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.sqlite"
    url = f"sqlite:///{path}"
    seed_database(make_engine(url), "tiny", 1)
    return url


@pytest.fixture(scope="session")
def tiny_engine(tiny_db_url):
    return make_engine(tiny_db_url)


@pytest.fixture(scope="session")
def public_engine(tiny_db_url):
    """The read-only, time-limited engine the pages use."""
    return make_engine(tiny_db_url, readonly=True, timeout_ms=5000)


@pytest.fixture()
def empty_db_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    create_schema(make_engine(url))
    return url


@pytest.fixture()
def empty_engine(empty_db_url):
    """A writer engine on a new, empty SQLite database with the schema."""
    engine = make_engine(empty_db_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def app_env(tiny_db_url, monkeypatch):
    """Point the app at the tiny database for AppTest runs."""
    monkeypatch.setenv("EXPLORER_DATABASE_URL", tiny_db_url)
    monkeypatch.setenv("EXPLORER_PUBLIC_MODE", "0")
    return tiny_db_url


@pytest.fixture()
def app(app_env):
    """An AppTest of the whole multi-page app (st.navigation), not yet run."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=60)


# --- PostgreSQL: required in CI (CI=true → fail when unreachable), skipped only on a developer machine without it.
PG_ADMIN_URL = os.environ.get("EXPLORER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def pg_admin():
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "no server"
        _pg_unavailable(str(exc).splitlines()[0])
    return engine


@pytest.fixture(scope="session")
def pg_database(pg_admin):
    """A factory of fresh PostgreSQL databases, dropped at the end of the session."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    created: list[str] = []

    def new(tag: str) -> str:
        name = f"explorer_test_{tag}_{os.getpid()}"
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    yield new
    with pg_admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_tiny_url(pg_database) -> str:
    url = pg_database("tiny")
    seed_database(make_engine(url), "tiny", 1)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_url(request) -> str:
    """The tiny seed on each backend: query-level tests taking this run on SQLite and PostgreSQL."""
    return request.getfixturevalue("tiny_db_url" if request.param == "sqlite" else "pg_tiny_url")


@pytest.fixture()
def backend_engine(backend_url):
    """The public (read-only, time-limited) engine on each backend."""
    return make_engine(backend_url, readonly=True, timeout_ms=5000)


def _copy_sqlite(source_url: str, path) -> str:
    """A private copy of an SQLite database (online backup: includes what still sits in the WAL), as a URL."""
    import sqlite3

    source, target = sqlite3.connect(source_url.removeprefix("sqlite:///")), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def copy_sqlite():
    """copy_sqlite(url, path) -> url of a private copy: tests that write never touch the shared tiny seed."""
    return _copy_sqlite


@pytest.fixture()
def media(monkeypatch) -> list:
    """The test runtime's media stores (one per run): where the download buttons' bytes live."""
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return stores
