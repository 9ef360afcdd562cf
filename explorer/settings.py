"""Where the database lives and how the deployment behaves, read from the environment or secrets.

Order: environment variable, then `.streamlit/secrets.toml`, then the default (an SQLite file in `data/`).
Plain TOML reading keeps this module free of Streamlit so the CLI and seed share it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EXPLORER_DATA_DIR", PROJECT_ROOT / "data"))
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


@dataclass(frozen=True)
class Settings:
    database_url: str
    allow_writes: bool  # the operator Import page; off for a public deployment
    public_mode: bool  # hide error details from the public
    query_timeout_ms: int  # every public query is cut off after this long
    default_scale: str  # what the first run seeds on an empty embedded database

    @property
    def is_default_sqlite(self) -> bool:
        return self.database_url == default_database_url()


def default_database_url() -> str:
    return f"sqlite:///{DATA_DIR / 'explorer.sqlite'}"


def _secrets() -> dict:
    try:
        with open(SECRETS_FILE, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _flag(value: object) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def load_settings() -> Settings:
    secrets = _secrets()

    def get(name: str, default: object) -> object:
        return os.environ.get(f"EXPLORER_{name.upper()}", secrets.get(name, default))

    try:
        timeout = int(str(get("query_timeout_ms", 5000)))
    except ValueError:
        timeout = 5000
    return Settings(
        database_url=str(get("database_url", default_database_url())),
        allow_writes=_flag(get("allow_writes", False)),
        public_mode=_flag(get("public_mode", False)),
        query_timeout_ms=max(timeout, 100),
        default_scale=str(get("default_scale", "demo")),
    )
