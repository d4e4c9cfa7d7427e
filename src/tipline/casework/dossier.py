"""Everything an export says of one report, read once for summary.txt and the PDF.

The case desk stands above the rooms that know what came of a report (outcomes), how it
relates to others (triage's encrypted links) and where it went (sharing), so it asks each of
them here, and both renderings of the export (`export.summary_text`, `export_pdf.render`)
read the same `Dossier`: the PDF shows nothing the text leaves out.
"""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tipline.outcomes.models import Outcome, Reward
from tipline.outcomes.selectors import outcome_history, rewards_of
from tipline.reports import conversation
from tipline.reports.models import Note, Report
from tipline.sharing.models import Share
from tipline.sharing.selectors import SharedOrigin, shared_origin
from tipline.triage.actions import links_of
from tipline.triage.panel import KINDS

from .actions import read_notes


@dataclass(frozen=True)
class Link:
    number: int
    kind: str  # triage's LinkKind: "related", "duplicate_of", "has_duplicate"

    @property
    def label(self) -> str:
        """The kind as the case page says it, in the active language."""
        return str(KINDS.get(self.kind, self.kind))


@dataclass(frozen=True)
class Dossier:
    opened: conversation.OpenedReport
    description: str
    # (question, answer), the questions in the language the export is written in.
    answers: list[tuple[str, str]]
    messages: list[conversation.ShownMessage]
    notes: list[tuple[Note, str]]
    # (member name in the archive, name the file came with)
    files: list[tuple[str, str]]
    origin: SharedOrigin | None
    labels: list[str]
    links: list[Link]
    shares: list[Share]
    outcomes: list[Outcome]
    rewards: list[Reward]

    @property
    def report(self) -> Report:
        return self.opened.report


def gather(
    opened: conversation.OpenedReport,
    answers: list[tuple[str, str]],
    files: list[tuple[str, str]],
) -> Dossier:
    """The report read with its key: its text, conversation and notes, and what the rooms
    above the report know of it. Links only to reports of the same desk, by number (as the
    case page shows them)."""
    report = opened.report
    linked = links_of(opened)
    numbers = dict(
        Report.objects.filter(
            desk_id=report.desk_id, pk__in=[other for other, _ in linked]
        ).values_list("pk", "number")
    )
    return Dossier(
        opened=opened,
        description=conversation.read_content(opened)["description"],
        answers=answers,
        messages=conversation.read_conversation(opened)[1:],
        notes=read_notes(opened),
        files=files,
        origin=shared_origin(report.id),
        labels=sorted(report.labels.values_list("label__name", flat=True)),
        links=[Link(numbers[other], kind) for other, kind in linked if other in numbers],
        shares=list(
            Share.objects.filter(report=report)
            .select_related("partner")
            .order_by("proposed_at", "id")
        ),
        outcomes=outcome_history(report),
        rewards=rewards_of(report),
    )


def share_target(share: Share) -> str:
    """Whom a share went to: the partner agency's name, or our own desk's slug."""
    return share.partner.name if share.partner is not None else share.target_desk_slug


def outcome_details(entry: Outcome) -> str:
    """An outcome's figures as the case page lists them: counts and kinds, never a person.
    Labels are in the active language."""
    parts: list[str] = []
    if entry.count:
        parts.append(str(entry.count))
    if entry.seizure_kind:
        kind = str(entry.get_seizure_kind_display())
        if entry.substance:
            kind += f": {entry.get_substance_display()}"
        parts.append(kind)
    if entry.asset_action:
        parts.append(str(entry.get_asset_action_display()))
    if entry.quantity:
        parts.append(f"{plain_number(entry.quantity)} {entry.get_unit_display()}")
    if entry.value:
        parts.append(f"{plain_number(entry.value)} {entry.currency}")
    return " · ".join(parts)


def outcome_state(entry: Outcome) -> str:
    """ "current", "withdrawn" or "replaced": which entries count (English; the PDF words
    them in its own language)."""
    if entry.withdrawn:
        return "withdrawn"
    return "current" if entry.current else "replaced"


def plain_number(number: Any) -> str:
    """A decimal without trailing zeros ("2.5", "10000"), whatever its stored places."""
    value = Decimal(number).normalize()
    return f"{value:f}"


def shown_name(original: str) -> str:
    """A file's original name as the summaries print it: control and format characters (a
    right-to-left override) written out, so that no name reads as another."""
    return "".join(
        f"\\u{ord(character):04x}" if unicodedata.category(character) in ("Cc", "Cf") else character
        for character in original
    )
