"""The transparency rules the explorer checks, in one place (pure; used by seed, queries and the checker).

Red Cross workflow: once a campaign has received 30 % of its target (the low end of the 30–50 % band),
it must disburse and publish a first report within 30 days.
"""

from __future__ import annotations

import datetime as dt

THRESHOLD_SHARE = 0.30
REPORT_GRACE_DAYS = 30

RULE_STATUSES = ("met", "not_due", "late_report", "missing_report", "over_disbursed")


def report_status(
    threshold_on: dt.date | None, first_report_on: dt.date | None, received: int, disbursed: int, today: dt.date
) -> str:
    """The campaign's standing under the reporting rule; over-disbursement outranks reporting."""
    if disbursed > received:
        return "over_disbursed"
    if threshold_on is None:
        return "met" if first_report_on else "not_due"
    due = threshold_on + dt.timedelta(days=REPORT_GRACE_DAYS)
    if first_report_on is None:
        return "missing_report" if today > due else "not_due"
    return "late_report" if first_report_on > due else "met"
