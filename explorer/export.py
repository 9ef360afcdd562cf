"""Exports of what a page shows: CSV safe to open in a spreadsheet, and Parquet (pure, no Streamlit)."""

from __future__ import annotations

import io

import pandas as pd

from explorer.text import neutralize_cell

EXPORT_ROW_CAP = 100_000  # the most rows one export carries; pages say so next to the button


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (so Excel reads Vietnamese), formula-looking text cells neutralized."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralize_cell)
    safe.columns = [str(neutralize_cell(str(c))) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()
