"""Cases as one download: a zip with a readable summary, a printable PDF and the
attachments of each report (one report at the archive's root, several in a folder each).

The zip is built while it is sent (zipfile writes to an unseekable stream with data
descriptors), so decrypted attachments never touch the disk and memory stays flat.

Members are named so that the archive unpacks alike on Windows, macOS and Linux, whatever
name the reporter's device or a partner gave a file (`member_names`): each attachment is
`attachments/NN-name`, numbered, with only characters every system takes; the name it
came with is in summary.txt, beside the member's.
"""

import dataclasses
import re
import unicodedata
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.utils import translation

from tipline import vault
from tipline.reports import conversation, storage
from tipline.reports.attachments import decrypt_details
from tipline.reports.models import Attachment, Report
from tipline.reports.uploads import attachment_context
from tipline.sharing.stix import Handling

from . import dossier, export_pdf
from .dossier import (
    Dossier,
    outcome_details,
    outcome_state,
    plain_number,
    share_target,
    shown_name,
)


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


# Not allowed in a file name on Windows (and ":" on macOS, "/" everywhere).
_FORBIDDEN = frozenset('<>:"/\\|?*')
# Names Windows keeps for devices, whatever the extension ("CON.txt" included).
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{device}{digit}" for device in ("COM", "LPT") for digit in "0123456789¹²³"]
)
# A name's length: short enough for Windows' 260-character paths in most folders, and in
# UTF-8 bytes well within the 255 that Linux and macOS file systems take.
MAX_NAME_CHARACTERS = 80
MAX_NAME_BYTES = 200
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def member_names(originals: list[str]) -> list[str]:
    """A safe, unique member name for each attachment, in order: `attachments/NN-name`.

    Control and format characters (a right-to-left override that turns "gpj.exe" into
    "exe.jpg") and the characters Windows forbids become "_"; the name is NFC (macOS would
    otherwise unpack "é" as two characters), loses leading and trailing dots and spaces,
    and is shortened keeping its extension; the number in front makes every name unique
    (also where case does not count) and no name a reserved device ("01-CON")."""
    width = max(2, len(str(len(originals))))
    return [
        f"attachments/{index:0{width}d}-{_safe_name(original)}"
        for index, original in enumerate(originals, start=1)
    ]


def _safe_name(original: str) -> str:
    name = "".join(
        "_" if character in _FORBIDDEN or _invisible(character) else character
        for character in unicodedata.normalize("NFC", original)
    ).rstrip(" .")
    # The extension is taken before the stem loses its leading dots, so that a name of
    # nothing but dots and ".png" stays a PNG ("file.png").
    extension_match = _EXTENSION.search(name)
    extension = extension_match.group(0) if extension_match else ""
    stem = name[: len(name) - len(extension)].strip(" ._")
    if not stem and not extension:
        return "file"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME_CHARACTERS - len(extension)]
    while len((stem + extension).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "file") + extension


# Joiners that Persian and Urdu words need: harmless in a file name.
_JOINERS = frozenset("\u200c\u200d")


def _invisible(character: str) -> bool:
    """Control, format (bidi overrides), private or unassigned characters, and every space
    but the plain one."""
    if character == " " or character in _JOINERS:
        return False
    return unicodedata.category(character)[0] in "CZ"


def summary_text(dossier: Dossier, *, pdf_note: str = "") -> str:
    """summary.txt, in English (call it under `translation.override("en")`: the status,
    kinds and states are the models' labels)."""
    report, origin = dossier.report, dossier.origin
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
        f"Labels: {', '.join(dossier.labels) if dossier.labels else 'none'}",
        "",
        "What the reporter wrote:",
        dossier.description,
        "",
    ]
    lines += [f"{question}: {answer}" for question, answer in dossier.answers]
    lines += ["", "Conversation:"]
    for message in dossier.messages:
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
    for note, text in dossier.notes:
        lines.append(f"[{note.written_at:%Y-%m-%d %H:%M}] {note.author}: {text}")
    lines += ["", "Linked reports:"]
    lines += [f"#{link.number}: {link.label}" for link in dossier.links] or ["none"]
    lines += ["", "Shares:"]
    lines += [
        f"[{share.proposed_at:%Y-%m-%d %H:%M}] to {share_target(share)}: "
        f"{share.get_state_display()}"
        for share in dossier.shares
    ] or ["none"]
    lines += ["", "Outcomes:"]
    lines += [
        f"[{entry.occurred_on:%Y-%m-%d}] {entry.get_kind_display()}"
        + (f": {details}" if (details := outcome_details(entry)) else "")
        + (" (through partner)" if entry.through_partner else "")
        + ("" if outcome_state(entry) == "current" else f" ({outcome_state(entry)})")
        for entry in dossier.outcomes
    ] or ["none"]
    lines += [
        f"Reward: {plain_number(reward.amount)} {reward.currency}, {reward.get_state_display()}"
        for reward in dossier.rewards
    ]
    if dossier.files:
        lines += ["", "Files (in this archive: as sent):"]
        lines += [f"{member}: {shown_name(original)}" for member, original in dossier.files]
    if pdf_note:
        lines += ["", pdf_note]
    return "\n".join(lines) + "\n"


def stream_zip(
    opened: conversation.OpenedReport, answers: list[tuple[str, str]]
) -> Iterator[bytes]:
    """One report: summary.txt, summary.pdf and attachments/ at the archive's root."""
    return stream_reports([opened], folders=False)


def stream_reports(
    openeds: list[conversation.OpenedReport], *, folders: bool = True
) -> Iterator[bytes]:
    """Several reports in one archive, a folder `<desk>-<number>/` each (summary.txt,
    summary.pdf, attachments/). The PDF is written in the language active now (the staff
    member's), summary.txt in English; each report is read as its turn comes, so memory
    holds one report's summaries and one chunk of a file at a time."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _stream(openeds, folders, language)


def folder_of(report: Report) -> str:
    return f"{report.desk.slug}-{report.number}/"


def _stream(
    openeds: list[conversation.OpenedReport], folders: bool, language: str
) -> Iterator[bytes]:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
        for opened in openeds:
            prefix = folder_of(opened.report) if folders else ""
            yield from _write_report(archive, pipe, opened, prefix, language)
    yield pipe.take()


def _write_report(
    archive: zipfile.ZipFile,
    pipe: _Pipe,
    opened: conversation.OpenedReport,
    prefix: str,
    language: str,
) -> Iterator[bytes]:
    report, key = opened.report, opened.report_key
    attachments = list(Attachment.objects.filter(report=report).order_by("uploaded_at", "id"))
    originals = [
        decrypt_details(key, report.id, attachment.id, bytes(attachment.details))["name"]
        for attachment in attachments
    ]
    names = member_names(originals)
    files = list(zip(names, originals, strict=True))
    # Read once; only the questions' wording differs between the two renderings.
    read = dossier.gather(opened, conversation.answer_rows(opened, "en"), files)
    with translation.override(language):
        pdf = export_pdf.render(
            dataclasses.replace(read, answers=conversation.answer_rows(opened, language))
        )
    with translation.override("en"):
        summary = summary_text(read, pdf_note="" if pdf is not None else export_pdf.UNAVAILABLE)
    archive.writestr(prefix + "summary.txt", summary)
    if pdf is not None:
        archive.writestr(prefix + "summary.pdf", pdf)
    yield pipe.take()
    for attachment, name in zip(attachments, names, strict=True):
        with (
            open(storage.attachment_path(report.id, attachment.id), "rb") as source,
            archive.open(prefix + name, "w", force_zip64=True) as member,
        ):
            for chunk in vault.decrypt_stream(
                key, source, context=attachment_context(report.id, attachment.id)
            ):
                member.write(chunk)
                yield pipe.take()
