"""No duplicate aid: the same person registered more than once (found by hashed national id → person_id)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DuplicateReport:
    persons: int            # people registered more than once among the eligible
    multi_org_persons: int  # of them, registered by more than one organization
    extra_records: int      # registrations beyond each person's first
    value: int              # what the extra registrations would receive (minor units)
    excluded: bool          # True: dropped, `value` is money saved; False: paid, `value` is at risk

    @property
    def money_saved(self) -> int:
        return self.value if self.excluded else 0


def extra_registrations(person_id: np.ndarray) -> np.ndarray:
    """True for every registration of a person after their first (in the given order)."""
    return pd.Series(person_id).duplicated(keep="first").to_numpy()


def duplicate_report(person_id: np.ndarray, org_id: np.ndarray, entitlement: np.ndarray,
                     excluded: bool) -> tuple[DuplicateReport, np.ndarray]:
    """(the report, mask of registrations the scheme keeps)."""
    extra = extra_registrations(person_id)
    repeated = np.unique(person_id[extra])
    pairs = pd.DataFrame({"p": person_id, "o": org_id}).drop_duplicates()
    multi_org = int((pairs.p.value_counts() > 1).sum())
    report = DuplicateReport(persons=len(repeated), multi_org_persons=multi_org, extra_records=int(extra.sum()),
                             value=int(entitlement[extra].sum()), excluded=excluded)
    return report, (~extra if excluded else np.ones(len(person_id), dtype=bool))
