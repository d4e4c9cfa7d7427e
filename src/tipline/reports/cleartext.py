"""The columns of report data that are stored readable, and why (DESIGN.md, guarantee 1).

Every app that keeps report data has a module like this one (READABLE, ENCRYPTED,
CONFIGURATION); `reports/tests/test_cleartext_columns.py` holds them all.

A test compares this with the models: a new column fails it until it is listed here as
readable (with a reason) or as encrypted. Nothing a reporter typed or sent may be readable.
"""

READABLE = {
    "intake.Report": {
        "id": "routing",
        "desk": "routing",
        "number": "how staff name a report",
        "category": "routing and statistics",
        "language": "staff must know which language to answer in",
        "channel": "routing and statistics: web form or shared with us (a fixed list)",
        "status": "workflow",
        "close_reason": "outcome statistics (a fixed list, never free text)",
        "closed_at": "retention",
        "assigned_to": "workload",
        "received_at": "deadlines (they need the day): kept to the hour (`reporter_time`)",
        "last_reporter_activity_at": "unread markers: kept to the day (`reporter_time`)",
        "acknowledged_at": "acknowledgement deadline",
        "feedback_given_at": "feedback deadline",
        "receipt_lookup": "finds the report from a receipt; a one-way Argon2id derivation",
    },
    "intake.ReportKeySeal": {"id": "row id", "report": "routing", "staff": "recipient"},
    "intake.Message": {
        "id": "row id",
        "report": "routing",
        "author": "staff member or reporter",
        "sent_at": "shown with the message: staff's to the moment, the reporter's to the day",
        "position": "order of the conversation (the reporter's times are too coarse for it)",
    },
    "intake.Note": {
        "id": "row id",
        "report": "routing",
        "author": "who wrote it",
        "written_at": "ordering",
    },
    "intake.Attachment": {
        "id": "row id and file name on disk",
        "report": "routing",
        "message": "which message it came with",
        "uploaded_at": "shown with the file: the reporter's as coarse as their message",
        "size_bytes": "limits and display",
        "stored_bytes": "storage accounting",
    },
    "casework.ReportLabel": {"id": "row id", "report": "routing", "label": "desk vocabulary"},
    "casework.Reading": {
        "id": "row id",
        "report": "routing",
        "user": "whose unread markers",
        "read_at": "unread markers (also in the audit log's report.viewed events)",
        "seen_position": "unread markers (the place of the last message seen)",
    },
    "casework.ReportTitle": {"report": "routing (which reports have a title, never what)"},
}

ENCRYPTED = {
    "intake.Report": {"report_key_for_reporter", "content"},
    "intake.ReportKeySeal": {"sealed"},
    "intake.Message": {"body"},
    "intake.Note": {"body"},
    "intake.Attachment": {"details"},
    "casework.ReportTitle": {"body"},
}

# Models of this app that hold no report data: desk configuration and per-desk salts.
CONFIGURATION = {"Category", "Question", "ReceiptSalt"}
