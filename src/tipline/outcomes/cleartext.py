"""The outcomes app's columns at rest (DESIGN.md guarantee 1; held by
`reports/tests/test_cleartext_columns.py`).

Nothing here is written by a reporter, and nothing names a person: counts, kinds from
fixed lists, quantities, values and dates, readable because statistics are their purpose.
The reward claim code is stored only as a digest and, for the reporter, encrypted.
"""

STATISTICS = "statistics (fixed lists and numbers, never free text)"

READABLE = {
    "outcomes.Outcome": {
        "id": "row id",
        "report": "routing",
        "desk": "routing and statistics",
        "category": "statistics",
        "kind": STATISTICS,
        "occurred_on": STATISTICS,
        "count": STATISTICS,
        "seizure_kind": STATISTICS,
        "substance": STATISTICS,
        "quantity": STATISTICS,
        "unit": STATISTICS,
        "asset_action": STATISTICS,
        "value": STATISTICS,
        "currency": STATISTICS,
        "through_partner": STATISTICS,
        "recorded_by": "who recorded it (audit)",
        "recorded_at": "history",
        "supersedes": "history of corrections",
        "withdrawn": "history of corrections",
        "current": "statistics read current rows only",
    },
    "outcomes.Reward": {
        "id": "row id",
        "report": "routing",
        "desk": "routing and statistics",
        "category": "statistics",
        "amount": STATISTICS,
        "currency": STATISTICS,
        "state": "workflow",
        "proposed_by": "two-person rule",
        "proposed_at": "history",
        "decided_by": "two-person rule",
        "decided_at": "history",
        "expires_at": "claim window",
        "claimable_at": "history: the day the reporter came for it (`reporter_time`)",
        "claim_digest": "finds a claim; a one-way hash of a 66-bit one-time code",
        "paid_by": "who recorded the payment (never who was paid)",
        "paid_at": "history and statistics",
    },
}

READABLE["outcomes.PublishedMonth"] = {
    "id": "row id",
    "desk": "routing and statistics",
    "month": STATISTICS,
    "figures": "published counts per category (numbers only, already public)",
    "published_at": "history",
    "revised_at": "history",
}

ENCRYPTED = {"outcomes.Reward": {"claim_code_for_reporter"}}

# Configuration chosen by supervisors: no report data.
CONFIGURATION = {"Campaign", "RewardProgramme"}
