"""Small groups are never shown, and never recoverable by subtraction from what is shown.

Dropping every row under MIN_GROUP people is not enough when the total is shown too: with one small
row left out, total − the rows shown *is* that row. So the small rows are folded into one "other" row,
and the fold grows (complementary suppression) until that row hides at least two rows and at least
MIN_GROUP people:

  1. every row under MIN_GROUP people goes into "other";
  2. while "other" holds a single row or fewer than MIN_GROUP people, the smallest row still shown
     joins it (ties: the later key, so the order is fixed);
  3. the rows shown plus "other" add up to the total, column by column, so every table still sums.

Nothing below one row's own size can then be isolated: "other" is the sum of two or more unknown rows.
(Differencing *across* runs of the designer — two schemes whose eligible sets differ by a few people —
is a separate risk this module does not address.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MIN_GROUP = 10  # smaller groups are never shown: they could point at a person
OTHER_GROUP = "other"  # the key of the folded row in a table by beneficiary group
OTHER_PROVINCE = 0  # … in a table by province (no province's plate code is 0)


def folded_rows(counts: Sequence[float], min_count: int = MIN_GROUP) -> np.ndarray:
    """Which rows go into "other" (bool, one per row), by the rule in the module docstring."""
    people = np.asarray(counts, dtype=float)
    fold = people < min_count
    if not fold.any():
        return fold
    # Shown rows in the order they would join: smallest first, the later row first on ties.
    order = sorted(np.flatnonzero(~fold).tolist(), key=lambda i: (people[i], -i))
    for i in order:
        if fold.sum() >= 2 and people[fold].sum() >= min_count:
            break
        fold[i] = True
    return fold


def fold_small(
    frame: pd.DataFrame, key: str, count: str, additive: Sequence[str], other: object, min_count: int = MIN_GROUP
) -> pd.DataFrame:
    """`frame` (one row per `key`) with its small rows folded into one row keyed `other`, put last.

    `count` is the column of people the rule reads; `additive` the columns summed into "other" (every
    other column of a folded row is left empty: a rate or a name has no meaning for a mix of rows).
    """
    fold = folded_rows(frame[count].to_numpy(), min_count)
    if not fold.any():
        return frame.reset_index(drop=True)
    shown = frame.loc[~fold]
    combined = {column: frame.loc[fold, column].sum() for column in additive}
    row = pd.DataFrame([{key: other, **combined}])
    return pd.concat([shown, row], ignore_index=True)[list(frame.columns)]
