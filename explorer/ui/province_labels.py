"""Province names as people read them across the 1 July 2025 merger: 'Hà Giang (now Tuyên Quang)'."""

from __future__ import annotations

import pandas as pd

from explorer.ui.i18n import t


def label(old: str | float | None, now: str | float | None) -> str | float | None:
    """The province of the row's day, with today's province when it has since been merged into another
    (a missing name, None or NaN as the frames hold it, is left as it is)."""
    if now is None or (not isinstance(now, str) and pd.isna(now)) or not old:
        return old
    return t("provinces.now", old=old, today=now)


def labelled(frame: pd.DataFrame) -> pd.Series:
    """The `province` column of a frame from the queries (province, province_now), labelled."""
    if "province_now" not in frame:
        return frame["province"]
    return pd.Series(
        [label(o, n) for o, n in zip(frame["province"], frame["province_now"], strict=True)], index=frame.index
    )
