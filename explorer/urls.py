"""Every page's URL parameters, as data (pure, no Streamlit).

The URL is a page's shared state: a link reproduces the view. Each page reads its parameters against its spec here
(`explorer/params.py` drops unknown names and bad values with a notice) and writes its view back with `sync_url`.
Tests, the link builders and the docs read the same specs by importing this module.
"""

from __future__ import annotations

from explorer.db.schema import (
    BENEFICIARY_GROUPS,
    CAMPAIGN_CATEGORIES,
    CAMPAIGN_STATUSES,
    CHANNELS,
    DISBURSEMENT_CATEGORIES,
    ORG_KINDS,
)
from explorer.ingest import LAYOUTS
from explorer.params import Param
from explorer.queries import campaigns, disbursements, statements, stats
from explorer.rules import RULE_STATUSES
from explorer.vouchers.presets import DEFAULT_PRESET, PRESETS

PAGE = Param("int", 1, min=1, max=10_000)
ID = Param("int", min=1, max=10**9)
DIRECTIONS = ("all", "in", "out")
LAYOUT_CHOICES = ("auto", *LAYOUTS)

SPECS: dict[str, dict[str, Param]] = {
    "overview": {},
    "accounts": {
        "q": Param("text"),
        "province": Param("province"),
        "kind": Param("choice", choices=ORG_KINDS),
        "page": PAGE,
        "account": Param("text"),
    },
    "campaigns": {
        "q": Param("text"),
        "status": Param("choice", choices=CAMPAIGN_STATUSES),
        "category": Param("choice", choices=CAMPAIGN_CATEGORIES),
        "province": Param("province"),
        "org": ID,
        "from": Param("date"),
        "to": Param("date"),
        "rule": Param("choice", choices=RULE_STATUSES),
        "page": PAGE,
        "campaign": ID,
        "sort": Param("choice", "raised", choices=tuple(campaigns.SORTS)),
    },
    "statements": {
        "account": Param("text"),
        "campaign": ID,
        "q": Param("text"),
        "from": Param("date"),
        "to": Param("date"),
        "min": Param("amount"),
        "max": Param("amount"),
        "dir": Param("choice", "all", choices=DIRECTIONS),
        "channel": Param("choice", "all", choices=("all", *CHANNELS)),
        "sort": Param("choice", "newest", choices=tuple(statements.SORTS)),
        "page": PAGE,
    },
    "verify": {
        "name": Param("text"),
        "amount": Param("amount"),
        "date": Param("date"),
        "days": Param("int", 3, min=0, max=31),
        "account": Param("text"),
    },
    "disbursements": {
        "campaign": ID,
        "category": Param("choice", choices=DISBURSEMENT_CATEGORIES),
        "group": Param("choice", choices=BENEFICIARY_GROUPS),
        "province": Param("province"),
        "by": Param("choice", "category", choices=tuple(disbursements.GROUPINGS)),
        "page": PAGE,
    },
    "stats": {
        "from": Param("date"),
        "to": Param("date"),
        "basis": Param("choice", "account", choices=tuple(stats.PROVINCE_BASES)),
        "account": Param("text"),
        "campaign": ID,
    },
    "presenter": {
        "campaign": Param("int", None, min=1, max=10**9),
        "account": Param("text", None),
        "amount": Param("amount", None),
        "memo": Param("text", ""),
    },
    "vouchers": {
        "preset": Param("choice", DEFAULT_PRESET, choices=tuple(PRESETS)),
        "scheme": Param("text", ""),  # the raw value is read by the page: Param("text") cuts at 200 characters
        "population": Param("choice", "synthetic", choices=("synthetic", "db", "upload")),
        "runs": Param("int", 10, min=1, max=50),
        "seed": Param("int", 1, min=0, max=2**31 - 1),
        "compare": Param("text", ""),  # the comparison's scenarios (codec.encode_scenarios), read raw like `scheme`
    },
    "import_statements": {
        "account": Param("text", ""),
        "layout": Param("choice", "auto", choices=LAYOUT_CHOICES),
        "expected_rows": Param("int", 0, min=0, max=100_000_000),
    },
}
