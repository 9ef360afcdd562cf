"""Fast bulk writes shared by the seed and the importer: executemany on SQLite, COPY on PostgreSQL.

Values are written in the text forms SQLAlchemy itself reads back (ISO dates, 'YYYY-MM-DD HH:MM:SS').
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

CHUNK = 50_000


def _native(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d %H:%M:%S")
        elif series.dtype == object and len(series) and hasattr(series.dropna().iloc[0] if series.notna().any() else None, "isoformat"):
            out[column] = series.map(lambda v: v.isoformat(sep=" ") if hasattr(v, "hour") else (v.isoformat() if v is not None and v == v else None))
    return out.astype(object).where(out.notna(), None)


def _python(value):
    return value.item() if isinstance(value, np.generic) else value


def insert_frame(conn: Connection, table: str, frame: pd.DataFrame,
                 progress: Callable[[int], None] | None = None) -> int:
    """Append every row of `frame` (columns named as the table's) inside the caller's transaction."""
    if frame.empty:
        return 0
    native = _native(frame)
    columns = list(native.columns)
    raw = conn.connection.dbapi_connection
    cursor = raw.cursor()
    try:
        for start in range(0, len(native), CHUNK):
            chunk = [tuple(_python(v) for v in row) for row in native.iloc[start:start + CHUNK].itertuples(index=False)]
            if conn.dialect.name == "postgresql":
                quoted = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                quoted = ", ".join(f'"{c}"' for c in columns)
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", chunk)
            if progress:
                progress(len(chunk))
    finally:
        cursor.close()
    return len(native)
