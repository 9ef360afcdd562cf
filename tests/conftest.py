"""Shared fixtures: a tiny seeded SQLite database per test session (per xdist worker), built once."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.db.engine import create_schema, make_engine
from seed.generate import seed_database

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
APP = str(ROOT / "explorer" / "app.py")


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
