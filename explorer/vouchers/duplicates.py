"""No duplicate aid: the same person registered more than once (found by hashed national id → person_id)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DuplicateReport:
    persons: int  # people registered more than once among the eligible
    multi_org_persons: int  # of them, registered by more than one organization
    extra_records: int  # registrations beyond each person's first
    value: int  # what the extra registrations would receive (minor units)
    excluded: bool  # True: dropped, `value` is money saved; False: paid, `value` is at risk

    @property
    def money_saved(self) -> int:
        return self.value if self.excluded else 0


def first_seen_codes(ids: np.ndarray) -> np.ndarray:
    """pd.factorize's codes (0, 1, … in order of first appearance). Ids that only ever increase (a
    population with nobody registered twice, in id order) are all distinct, so their codes are 0 … n-1:
    one comparison pass instead of hashing a million ids."""
    ids = np.asarray(ids)
    if ids.dtype.kind in "iu" and (len(ids) < 2 or bool((ids[1:] > ids[:-1]).all())):
        return np.arange(len(ids), dtype=np.intp)
    return pd.factorize(ids)[0]


def extra_registrations(person_id: np.ndarray) -> np.ndarray:
    """True for every registration of a person after their first (in the given order)."""
    codes = first_seen_codes(person_id)  # numbered in order of first appearance, so …
    running_max = np.maximum.accumulate(codes) if len(codes) else codes
    first = np.ones(len(codes), dtype=bool)
    first[1:] = running_max[1:] > running_max[:-1]  # … a first registration is the one that raises the maximum
    return ~first


def duplicate_report(
    person_id: np.ndarray, org_id: np.ndarray, entitlement: np.ndarray, excluded: bool
) -> tuple[DuplicateReport, np.ndarray]:
    """(the report, mask of registrations the scheme keeps)."""
    extra = extra_registrations(person_id)
    repeated = np.unique(person_id[extra])
    # Only people registered more than once can have several organizations: look at those rows only.
    again = np.isin(person_id, repeated)
    pairs = pd.DataFrame({"p": person_id[again], "o": org_id[again]}).drop_duplicates()
    multi_org = int((pairs.p.value_counts() > 1).sum())
    report = DuplicateReport(
        persons=len(repeated),
        multi_org_persons=multi_org,
        extra_records=int(extra.sum()),
        value=int(entitlement[extra].sum()),
        excluded=excluded,
    )
    return report, (~extra if excluded else np.ones(len(person_id), dtype=bool))
