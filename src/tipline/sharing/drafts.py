"""What an analyst chose to share, turned into the share's content (`stix.ShareContent`):
the description, the chosen answers under their questions, the chosen messages with their
time and author, and the chosen files with the message each came with. Every text is the
analyst's copy (redacted where they chose); every chosen item is checked to belong to the
report."""

import json
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tipline.intake import conversation
from tipline.intake.attachments import decrypt_details, read_attachment
from tipline.intake.conversation import OpenedReport
from tipline.intake.models import Attachment, Message

from . import stix

MAX_TEXT = 20_000
# Choices are shown (and sent) by their English labels; the question goes in every language
# the category words it, so the partner reads it in its own where it can.
ANSWER_LANGUAGE = "en"


@dataclass(frozen=True)
class ShareDraft:
    """What the analyst chose to send, each text already redacted by them."""

    description: str
    answers: dict[str, str] = field(default_factory=dict)  # question key -> text sent
    messages: dict[uuid.UUID, str] = field(default_factory=dict)  # message id -> text sent
    attachment_ids: list[uuid.UUID] = field(default_factory=list)
    cover_note: str = ""


def share_content(opened: OpenedReport, draft: ShareDraft) -> stix.ShareContent:
    """The content of the share; `ValidationError` when a chosen item is not the report's."""
    report = opened.report
    messages, message_ids = _chosen_messages(opened, draft.messages)
    return stix.ShareContent(
        description=draft.description[:MAX_TEXT],
        category=report.category.slug,
        language=report.language,
        cover_note=draft.cover_note[:MAX_TEXT],
        answers=_chosen_answers(opened, draft.answers),
        messages=messages,
        files=_chosen_files(opened, draft.attachment_ids, message_ids),
    )


def what_leaves(content: stix.ShareContent) -> str:
    """The draft the approving supervisor reads (JSON, encrypted under the report key)."""
    return json.dumps(
        {
            "description": content.description,
            "answers": [
                [stix.wording(a.question, ANSWER_LANGUAGE), a.answer] for a in content.answers
            ],
            "messages": [
                [m.author, f"{m.sent_at:%Y-%m-%d %H:%M}", m.text] for m in content.messages
            ],
            "cover_note": content.cover_note,
            "files": [f.name for f in content.files],
        },
        ensure_ascii=False,
    )


def _chosen_answers(opened: OpenedReport, chosen: dict[str, str]) -> list[stix.SharedAnswer]:
    answered = {a.key: a for a in conversation.answered_questions(opened, ANSWER_LANGUAGE)}
    if not set(chosen) <= set(answered):
        raise ValidationError(_("A chosen answer is not part of this report."))
    return [
        stix.SharedAnswer(key, answered[key].labels, chosen[key][:MAX_TEXT])
        for key in answered
        if key in chosen
    ]


def _chosen_messages(
    opened: OpenedReport, chosen: dict[uuid.UUID, str]
) -> tuple[list[stix.SharedMessage], dict[uuid.UUID, int]]:
    """The chosen messages in the conversation's order, and each one's place among them."""
    rows = list(Message.objects.filter(report=opened.report, id__in=list(chosen)))
    if len(rows) != len(chosen):
        raise ValidationError(_("A chosen message is not part of this report."))
    messages, places = [], {}
    for row in rows:  # ordered by sent_at, id (Message.Meta)
        places[row.id] = len(messages)
        messages.append(
            stix.SharedMessage(
                text=chosen[row.id][:MAX_TEXT],
                sent_at=row.sent_at,
                author="reporter" if row.from_reporter else "desk",
            )
        )
    return messages, places


def _chosen_files(
    opened: OpenedReport, ids: list[uuid.UUID], message_places: dict[uuid.UUID, int]
) -> list[stix.SharedFile]:
    report, key = opened.report, opened.report_key
    chosen = Attachment.objects.filter(report=report, id__in=ids)
    if len(chosen) != len(set(ids)):
        raise ValidationError(_("A chosen file is not part of this report."))
    files = []
    for attachment in chosen:
        details = decrypt_details(key, report.id, attachment.id, bytes(attachment.details))
        files.append(
            stix.SharedFile(
                name=details["name"],
                media_type=details["type"],
                content=read_attachment(key, report.id, attachment.id),
                # A file goes with its message when that message goes too.
                message=message_places.get(attachment.message_id)  # type: ignore[arg-type]
                if attachment.message_id
                else None,
            )
        )
    return files
