"""One case as one download: a zip with a readable summary and the attachments.

The zip is built while it is sent (zipfile writes to an unseekable stream with data
descriptors), so decrypted attachments never touch the disk and memory stays flat.
"""

import zipfile
from collections.abc import Iterator

from tipline import vault
from tipline.intake import conversation, storage
from tipline.intake.attachments import decrypt_details
from tipline.intake.models import Attachment
from tipline.intake.uploads import attachment_context
from tipline.sharing.selectors import shared_origin
from tipline.sharing.stix import Handling

from .actions import read_notes


class _Pipe:
    """A write-only stream whose contents are taken away after each write."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def handling_lines(handling: Handling | None) -> list[str]:
    """A shared report's markings, which travel with every copy of it (in English, as the
    rest of the summary)."""
    if handling is None:
        return ["Handling: none given (shared by an older version)"]
    lines = [
        f"Handling: {handling.marking}"
        + ("" if handling.may_pass_on else " (may not be passed on)")
    ]
    if handling.condition:
        lines.append(f"Conditions: {handling.condition}")
    if handling.chain:
        lines.append(f"Shared before by: {' -> '.join(handling.chain)}")
    return lines


def summary_text(opened: conversation.OpenedReport, answers: list[tuple[str, str]]) -> str:
    report = opened.report
    content = conversation.read_content(opened)
    origin = shared_origin(report.id)
    lines = [
        *(
            ["TRAINING: a synthetic report from a training desk", ""]
            if report.desk.is_training
            else []
        ),
        f"Report {report.desk.slug} #{report.number}",
        *(
            [f"Shared by: {origin.shared_by} (received {origin.received_at:%Y-%m-%d %H:%M} UTC)"]
            if origin
            else []
        ),
        *(handling_lines(origin.handling) if origin else []),
        f"Category: {report.category}",
        f"Language of the reporter: {report.language}",
        f"Received: {report.received_at:%Y-%m-%d %H:%M} UTC",
        f"Status: {report.get_status_display()}"
        + (f" ({report.get_close_reason_display()})" if report.close_reason else ""),
        "",
        "What the reporter wrote:",
        content["description"],
        "",
    ]
    lines += [f"{question}: {answer}" for question, answer in answers]
    lines += ["", "Conversation:"]
    for message in conversation.read_conversation(opened)[1:]:
        who = "Reporter" if message.from_reporter else "Desk"
        passed_on = origin.author_of(message.message_id) if origin else ""
        if passed_on:  # it came with the share: written there by its reporter or its desk
            who = (
                f"Reporter, passed on by {origin.shared_by}"  # type: ignore[union-attr]
                if passed_on == "reporter"
                else f"{origin.shared_by}, passed on"  # type: ignore[union-attr]
            )
        lines.append(f"[{message.sent_at:%Y-%m-%d %H:%M}] {who}: {message.text}")
    lines += ["", "Internal notes:"]
    for note, text in read_notes(opened):
        lines.append(f"[{note.written_at:%Y-%m-%d %H:%M}] {note.author}: {text}")
    return "\n".join(lines) + "\n"


def stream_zip(
    opened: conversation.OpenedReport, answers: list[tuple[str, str]]
) -> Iterator[bytes]:
    report, key = opened.report, opened.report_key
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
        archive.writestr("summary.txt", summary_text(opened, answers))
        yield pipe.take()
        used: set[str] = set()
        for attachment in Attachment.objects.filter(report=report):
            details = decrypt_details(key, report.id, attachment.id, bytes(attachment.details))
            name = _unique(f"attachments/{details['name']}", used)
            with (
                open(storage.attachment_path(report.id, attachment.id), "rb") as source,
                archive.open(name, "w", force_zip64=True) as member,
            ):
                for chunk in vault.decrypt_stream(
                    key, source, context=attachment_context(report.id, attachment.id)
                ):
                    member.write(chunk)
                    yield pipe.take()
    yield pipe.take()


def _unique(name: str, used: set[str]) -> str:
    candidate, counter = name, 1
    while candidate in used:
        counter += 1
        stem, dot, suffix = name.rpartition(".")
        candidate = f"{stem} ({counter}).{suffix}" if dot else f"{name} ({counter})"
    used.add(candidate)
    return candidate
