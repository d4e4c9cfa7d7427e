"""One case as one download: a zip with a readable summary and the attachments.

The zip is built while it is sent (zipfile writes to an unseekable stream with data
descriptors), so decrypted attachments never touch the disk and memory stays flat.

Members are named so that the archive unpacks alike on Windows, macOS and Linux, whatever
name the reporter's device or a partner gave a file (`member_names`): each attachment is
`attachments/NN-name`, numbered, with only characters every system takes; the name it
came with is in summary.txt, beside the member's.
"""

import re
import unicodedata
import zipfile
from collections.abc import Iterator

from tipline import vault
from tipline.reports import conversation, storage
from tipline.reports.attachments import decrypt_details
from tipline.reports.models import Attachment
from tipline.reports.uploads import attachment_context
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


def _shown(original: str) -> str:
    """The original name as summary.txt prints it: control characters written out."""
    return "".join(
        f"\\u{ord(character):04x}" if unicodedata.category(character) in ("Cc", "Cf") else character
        for character in original
    )


def summary_text(
    opened: conversation.OpenedReport,
    answers: list[tuple[str, str]],
    files: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> str:
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
    if files:
        lines += ["", "Files (in this archive: as sent):"]
        lines += [f"{member}: {_shown(original)}" for member, original in files]
    return "\n".join(lines) + "\n"


def stream_zip(
    opened: conversation.OpenedReport, answers: list[tuple[str, str]]
) -> Iterator[bytes]:
    report, key = opened.report, opened.report_key
    pipe = _Pipe()
    attachments = list(Attachment.objects.filter(report=report).order_by("uploaded_at", "id"))
    originals = [
        decrypt_details(key, report.id, attachment.id, bytes(attachment.details))["name"]
        for attachment in attachments
    ]
    names = member_names(originals)
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
        archive.writestr(
            "summary.txt", summary_text(opened, answers, list(zip(names, originals, strict=True)))
        )
        yield pipe.take()
        for attachment, name in zip(attachments, names, strict=True):
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
