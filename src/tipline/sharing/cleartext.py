"""Sharing's readable columns and why (DESIGN.md guarantee 1; held by
`reports/tests/test_cleartext_columns.py`). Nothing anyone wrote about a report is readable:
packages are encrypted to the partner, drafts under the report key, back-channel texts to the
share's own key."""

READABLE = {
    "sharing.Share": {
        "id": "idempotency key of the package",
        "report": "routing",
        "partner": "where it went",
        "target_desk_slug": "where it went",
        "state": "what the sender sees: queued, delivered, opened, answered",
        "proposed_by": "four eyes: who proposed",
        "approved_by": "four eyes: who approved",
        "proposed_at": "ordering",
        "delivered_at": "delivery state",
        "opened_at": "delivery state",
        "share_public_key": "a public key the server seals answers to",
        "handling": "TLP level, handling code and grading: how it may be used, not what it says",
    },
    "sharing.ReceivedShare": {
        "id": "row id",
        "report": "routing",
        "partner": "who shared it (shown as 'shared by')",
        "from_desk": "who shared it, between our own desks",
        "sender_name": "who shared it, kept when the partner is removed",
        "remote_share_id": "matches answers to the sender's share",
        "received_at": "ordering",
        "opened_at": "tells the sender it was opened",
        "share_public_key": "a public key the server seals answers to",
        "handling": "TLP level, handling code and grading: shown and enforced on every view",
        "withdrawn_at": "the sender withdrew it; the case says so",
    },
    "sharing.PassedOnMessage": {
        "id": "row id",
        "message": "which message of the shared report came with the share",
        "received_share": "routing",
        "by_reporter": "who wrote it at the sending side (as Message.author says here)",
    },
    "sharing.BackMessage": {
        "id": "row id",
        "share": "routing",
        "received_share": "routing",
        "direction": "who wrote",
        "author": "which staff member wrote (sent ones)",
        "at": "ordering",
        "outcome_kind": "statistics 'through partner' (a fixed list)",
        "outcome_count": "statistics 'through partner' (a number)",
    },
    "sharing.OutboxPackage": {
        "id": "idempotency key",
        "partner": "where it goes",
        "share": "routing",
        "kind": "share, message, outcome, opened, hello",
        "package_id": "idempotency key the partner's signed answer must name",
        "state": "delivery",
        "attempts": "back-off",
        "next_attempt_at": "back-off",
        "claimed_until": "one sender at a time",
        "last_error": "a fixed reason or an HTTP status, never content",
        "remote_status": "a TAXII server's status id, followed until it took the objects",
        "created_at": "ordering",
        "delivered_at": "delivery state",
    },
    "sharing.ReceivedPackage": {
        "id": "row id",
        "sender_key_hex": "replay protection",
        "package_id": "replay protection",
        "kind": "what it was",
        "received_at": "replay protection",
    },
}

ENCRYPTED = {
    "sharing.Share": {"package", "draft", "share_private_key"},
    "sharing.ReceivedShare": {"cover_note", "share_private_key"},
    "sharing.BackMessage": {"body"},
    "sharing.OutboxPackage": {"body"},
}

# Installation identity (public keys; private keys wrapped outside the database's reach),
# partner cards and desk rules: configuration, no report data.
CONFIGURATION = {"Identity", "Partner", "DeskSharing"}
