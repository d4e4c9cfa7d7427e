"""Reads for the case view and the partner pages. Texts open with the report's key."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tipline import vault
from tipline.reports.conversation import OpenedReport

from . import outbox, stix
from .models import BackMessage, ReceivedShare, Share


@dataclass(frozen=True)
class ShownBackMessage:
    sent: bool
    author: str
    at: datetime
    text: str
    outcome: str
    count: int | None


@dataclass(frozen=True)
class SharedOrigin:
    """A report shared with us, as the case page and the export mark it: who shared it,
    and which messages of its conversation came with the share (written at the sending
    side by its reporter, or by its desk)."""

    shared_by: str  # the partner agency, or our own desk it came from
    received_at: datetime
    from_partner: bool
    by_reporter: frozenset[UUID]
    by_desk: frozenset[UUID]
    handling: "stix.Handling | None" = None  # None: it came unmarked (an older version)
    withdrawn_at: datetime | None = None  # the sender withdrew it: sealed away

    def author_of(self, message_id: UUID | None) -> str:
        """ "reporter" or "desk" for a message that came with the share, else ""."""
        if message_id in self.by_reporter:
            return "reporter"
        return "desk" if message_id in self.by_desk else ""


def shared_origin(report_id: Any) -> SharedOrigin | None:
    received = received_share_of(report_id)
    if received is None:
        return None
    passed_on = list(received.passed_on_messages.values_list("message_id", "by_reporter"))
    return SharedOrigin(
        shared_by=received.shared_by,
        received_at=received.received_at,
        from_partner=received.partner_id is not None,
        by_reporter=frozenset(m for m, by_reporter in passed_on if by_reporter),
        by_desk=frozenset(m for m, by_reporter in passed_on if not by_reporter),
        handling=kept_handling(received),
        withdrawn_at=received.withdrawn_at,
    )


def received_share_of(report_id: Any) -> ReceivedShare | None:
    return (
        ReceivedShare.objects.select_related("partner", "from_desk")
        .filter(report_id=report_id)
        .first()
    )


def kept_handling(received: ReceivedShare) -> stix.Handling | None:
    """The markings a report shared with us came under (None: it came unmarked, from a
    partner on an older version). Kept as filed, so they read back."""
    return stix.Handling.from_json(received.handling)


def shares_of(opened: OpenedReport) -> list[tuple[Share, dict[str, Any], list[ShownBackMessage]]]:
    shown = []
    for share in Share.objects.filter(report=opened.report).select_related(
        "partner", "proposed_by", "approved_by"
    ):
        draft = json.loads(
            vault.decrypt_text(
                opened.report_key, bytes(share.draft), context=f"share/{share.id}/draft"
            )
        )
        messages = _messages(
            opened,
            share.messages.select_related("author"),
            bytes(share.share_private_key),
            f"share/{share.id}",
        )
        share.problem = outbox.share_problem(share)  # type: ignore[attr-defined]
        shown.append((share, draft, messages))
    return shown


def received_view(
    opened: OpenedReport, received: ReceivedShare
) -> tuple[str, list[ShownBackMessage]]:
    context = f"received-share/{received.report_id}"
    key = bytes(received.share_private_key)
    cover = vault.open_share_text(
        opened.report_key, key, bytes(received.cover_note), context=context
    )
    return cover, _messages(opened, received.messages.select_related("author"), key, context)


def _messages(
    opened: OpenedReport, rows: Any, private_key: bytes, context: str
) -> list[ShownBackMessage]:
    result = []
    for message in rows:
        message: BackMessage
        result.append(
            ShownBackMessage(
                sent=message.direction == "sent",
                author=message.author.username if message.author else "",
                at=message.at,
                text=vault.open_share_text(
                    opened.report_key, private_key, bytes(message.body), context=context
                ),
                outcome=message.get_outcome_kind_display() if message.outcome_kind else "",
                count=message.outcome_count,
            )
        )
    return result
