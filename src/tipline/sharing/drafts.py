"""What an analyst may share and what they chose, turned into the share's content
(`stix.ShareContent`): the description, the chosen answers under their questions, the chosen
messages with their time and author, and the chosen files with the message each came with.
Every text is the analyst's copy (redacted where they chose); every chosen item is checked
to belong to the report. The share page offers what `offer` lists, to the places `targets`
lists, and hands back a `ShareDraft` built by `draft_from`."""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tipline.desks.models import Desk
from tipline.reports import conversation
from tipline.reports.attachments import decrypt_details, read_attachment
from tipline.reports.conversation import OpenedReport
from tipline.reports.models import Attachment, Message, translated

from . import stix
from .cards import accepting_desks
from .models import Partner, PartnerState

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
    # How it may be used and how far to trust it; for a report shared with us, the original
    # sender's markings replace it (`actions.propose_share`).
    handling: stix.Handling = field(default_factory=stix.Handling)


@dataclass(frozen=True)
class Offer:
    """What the share form offers: each answer and message as (part, label, text), to tick
    and redact; the files as (attachment id, name); the description as the reporter wrote
    it."""

    parts: list[tuple[str, str, str]]
    files: list[tuple[str, str]]
    description: str


def offer(opened: OpenedReport, language: str) -> Offer:
    """Everything of the report that may be shared, labelled in the staff member's
    `language` (the questions as the category words them there)."""
    talk = conversation.read_conversation(opened)
    parts = []
    for answered in conversation.answered_questions(opened, ANSWER_LANGUAGE):
        question = translated(answered.labels, language)
        label = _("answer to “%(question)s”") % {"question": question}
        parts.append((f"answer-{answered.key}", label, answered.answer))
    for message in talk[1:]:  # the first is the report itself: its description
        when = {"date": f"{message.sent_at:%Y-%m-%d %H:%M}"}
        if message.from_reporter:
            label = _("reporter's message of %(date)s") % when
        else:
            label = _("desk's reply of %(date)s") % when
        parts.append((f"message-{message.message_id}", label, message.text))
    return Offer(
        parts=parts,
        files=[(str(a.attachment_id), a.name) for m in talk for a in m.attachments],
        description=conversation.read_content(opened).get("description", ""),
    )


def targets(report_desk: Desk) -> list[tuple[str, str]]:
    """Where a report of `report_desk` may go, as (target, label): the other desks of this
    installation that accept shares ("local:<desk>"), then each paired partner's desks
    ("<partner id>:<desk>"). A training report goes to the other training desks only: its
    content is synthetic and must never reach a real desk or partner."""
    if report_desk.is_training:
        return [
            (f"local:{desk.slug}", _("This installation: %(desk)s") % {"desk": desk.name})
            for desk in Desk.objects.filter(is_training=True)
            .exclude(pk=report_desk.pk)
            .order_by("slug")
        ]
    here = [
        (f"local:{desk.slug}", _("This installation: %(desk)s") % {"desk": desk.name})
        for desk in accepting_desks()
        if desk.pk != report_desk.pk
    ]
    remote = [
        (f"{p.pk}:{d['slug']}", f"{p.name}: {d['name']}")
        for p in Partner.objects.filter(state=PartnerState.ACTIVE, paired_at__isnull=False)
        for d in p.desks
    ]
    return here + remote


def destination(target: str) -> tuple[Partner | None, str]:
    """The partner (None: this installation) and desk a target from `targets` names."""
    where, _sep, desk_slug = target.partition(":")
    partner = None if where == "local" else Partner.objects.filter(pk=int(where)).first()
    return partner, desk_slug


def draft_from(
    cleaned_data: dict[str, Any], answers: dict[str, str], messages: dict[str, str]
) -> ShareDraft:
    """The draft from the share form's cleaned data and its ticked parts (part id -> text)."""
    return ShareDraft(
        description=cleaned_data["description"],
        answers=answers,
        messages={uuid.UUID(k): text for k, text in messages.items()},
        attachment_ids=[uuid.UUID(x) for x in cleaned_data["files"]],
        cover_note=cleaned_data["cover_note"],
        handling=_handling(cleaned_data),
    )


def _handling(cleaned_data: dict[str, Any]) -> stix.Handling:
    """The markings the form asked for (the defaults where it did not ask: a report shared
    with us goes on under its sender's, `actions.propose_share`)."""
    if "tlp" not in cleaned_data:
        return stix.Handling()
    code = cleaned_data["handling_code"]
    return stix.Handling(
        tlp=cleaned_data["tlp"],
        code=code,
        condition=cleaned_data["handling_condition"].strip() if code == "H3" else "",
        source=cleaned_data["source_reliability"],
        information=cleaned_data["information_credibility"],
    )


def share_content(
    opened: OpenedReport, draft: ShareDraft, handling: stix.Handling
) -> stix.ShareContent:
    """The content of the share, under `handling`; `ValidationError` when a chosen item is
    not the report's."""
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
        handling=handling,
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
            "handling": content.handling.as_json() if content.handling else {},
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
