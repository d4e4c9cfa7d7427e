"""Turning received files into kept attachments: cleaned, encrypted to the report, durable."""

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath
from uuid import UUID

from tipline import vault
from tipline.desks.models import Desk, UncleanableFiles
from tipline.throttling import gate

from . import archives, cleaning, mat2_cleaning, storage
from .models import Attachment, Message, Report
from .uploads import PendingUpload, ReceivedFile, attachment_context


class AttachmentRefused(Exception):
    """A file the desk will not keep. `reason`: "uncleanable", "unreadable", "too_large",
    "too_many", "archive_too_large" (a ZIP bomb, `archives`), "busy" (no cleaning slot in
    time), "cleaner_unavailable" (this server cannot clean files now); shown to the reporter
    with the file's name."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class KeptFile:
    attachment_id: UUID
    size_bytes: int
    stored_bytes: int
    details: dict[str, str]


def keep_received_files(
    pending: PendingUpload,
    desk: Desk,
    report_id: UUID,
    report_key: vault.ReportKey,
    *,
    keep_names: bool,
) -> list[KeptFile]:
    """Clean what can be cleaned, apply the desk's rule to the rest, encrypt each file to
    the report and make it durable. Runs before the database transaction; on
    `AttachmentRefused` the caller discards everything (`pending.discard()`).

    Unless `keep_names`, each file is stored under a neutral name (`neutral_name`): a
    reporter's file name often carries a name, a phone number or a date
    (IMG_20261205_Ahmed_Khan_03001234567.jpg) while its hidden data is carefully removed.
    Staff replies keep theirs."""
    if len(pending.files) > desk.max_attachments:
        raise AttachmentRefused(pending.files[-1].name, "too_many")
    for received in pending.files:
        if received.size_bytes > desk.max_attachment_bytes:
            raise AttachmentRefused(received.name, "too_large")
    storage.make_report_folder(report_id)
    kept = [_keep(pending, received, desk, report_id, report_key) for received in pending.files]
    if keep_names:
        return kept
    # Numbered on from the report's files so far, so that no two of its files share a name.
    # Uses index: intake_attachment report_id.
    before = Attachment.objects.filter(report_id=report_id).count()
    return [
        replace(
            file,
            details={
                **file.details,
                "name": neutral_name(before + order, file.details["type"], file.details["name"]),
            },
        )
        for order, file in enumerate(kept, start=1)
    ]


_KINDS = {"image": "photo", "audio": "audio", "video": "video"}
_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    **mat2_cleaning.EXTENSIONS,
}
_PLAIN_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}")


def neutral_name(number: int, media_type: str, given: str) -> str:
    """`photo-1.jpg`, `document-2.pdf`, `audio-3.mp3`, `file-4`: the kind and the place of a
    file among the report's, with the extension of the type its first bytes showed. A type
    not recognised keeps the extension the reporter gave when it is a plain one (`.txt`),
    so that staff can still open the file; nothing else of the given name is kept."""
    major = media_type.partition("/")[0]
    known = media_type in _EXTENSIONS
    kind = _KINDS.get(major) or ("document" if known else "file")
    if known:
        extension = _EXTENSIONS[media_type]
    else:
        suffix = PurePosixPath(given.replace("\\", "/")).suffix
        extension = suffix.lower() if _PLAIN_EXTENSION.fullmatch(suffix) else ""
    return f"{kind}-{number}{extension}"


def save_attachment_rows(
    report: Report,
    kept: list[KeptFile],
    report_key: vault.ReportKey,
    *,
    uploaded_at: datetime,
    message: Message | None = None,
) -> None:
    """The database rows of kept files (inside the caller's transaction)."""
    Attachment.objects.bulk_create(
        Attachment(
            id=file.attachment_id,
            report=report,
            message=message,
            uploaded_at=uploaded_at,
            size_bytes=file.size_bytes,
            stored_bytes=file.stored_bytes,
            details=encrypt_details(report_key, report.id, file),
        )
        for file in kept
    )


def details_context(report_id: UUID, attachment_id: UUID) -> str:
    return f"{attachment_context(report_id, attachment_id)}/details"


def encrypt_details(report_key: vault.ReportKey, report_id: UUID, kept: KeptFile) -> bytes:
    return vault.encrypt_text(
        report_key,
        json.dumps(kept.details, ensure_ascii=False),
        context=details_context(report_id, kept.attachment_id),
    )


def decrypt_details(
    report_key: vault.ReportKey, report_id: UUID, attachment_id: UUID, blob: bytes
) -> dict[str, str]:
    text = vault.decrypt_text(report_key, blob, context=details_context(report_id, attachment_id))
    return dict(json.loads(text))


def _keep(
    pending: PendingUpload,
    received: ReceivedFile,
    desk: Desk,
    report_id: UUID,
    report_key: vault.ReportKey,
) -> KeptFile:
    attachment_id = received.attachment_id
    media_type = cleaning.detect_type(received.head)
    cleanable = (
        cleaning.is_cleanable(media_type) and received.size_bytes <= cleaning.MAX_CLEANABLE_BYTES
    )
    cleaned: bytes | None = None
    if cleanable:
        # The Argon2id derivation is done: cleaning waits for a cleaning slot, not the
        # gate's, so hostile files do not hold the slots sign-in and receipts need.
        gate.give_back_admission()
        plaintext = b"".join(_received_plaintext(pending, received))
        try:
            cleaned, media_type = cleaning.clean(plaintext, media_type)
        except cleaning.ArchiveTooLarge:
            raise AttachmentRefused(received.name, "archive_too_large") from None
        except cleaning.UnreadableFile:
            raise AttachmentRefused(received.name, "unreadable") from None
        except cleaning.CleaningBusy:
            raise AttachmentRefused(received.name, "busy") from None
        except cleaning.CleanerUnavailable:
            raise AttachmentRefused(received.name, "cleaner_unavailable") from None
        except cleaning.CannotClean:
            cleaned = None  # a ZIP that is no office document: the desk's rule decides
        del plaintext
    pieces: Iterator[bytes]
    if cleaned is not None:
        pieces = iter([cleaned])
        metadata = "removed"
    elif desk.uncleanable_files == UncleanableFiles.WARN:
        if archives.is_zip(received.head):  # kept as it is: it must not inflate either
            try:
                archives.measure_stream(_received_plaintext(pending, received))
            except archives.ArchiveTooLarge:
                raise AttachmentRefused(received.name, "archive_too_large") from None
        pieces = _received_plaintext(pending, received)  # streamed: constant memory
        metadata = "kept"
    else:
        raise AttachmentRefused(received.name, "uncleanable")

    partial = storage.partial_path(report_id, attachment_id, "partial")
    final = storage.attachment_path(report_id, attachment_id)
    with open(partial, "wb") as sink:
        sizes = vault.encrypt_stream(
            report_key, pieces, sink, context=attachment_context(report_id, attachment_id)
        )
    storage.sync_and_move(partial, final)
    pending.kept_paths.append(final)
    received.path.unlink(missing_ok=True)
    return KeptFile(
        attachment_id=attachment_id,
        size_bytes=sizes.plaintext_bytes,
        stored_bytes=sizes.ciphertext_bytes,
        details={
            "name": received.name,
            "type": media_type or "application/octet-stream",
            "metadata": metadata,
        },
    )


def _received_plaintext(pending: PendingUpload, received: ReceivedFile) -> Iterator[bytes]:
    with open(received.path, "rb") as source:
        yield from vault.decrypt_stream(
            pending.upload_key, source, context=pending.context(received.attachment_id)
        )


def read_attachment(report_key: vault.ReportKey, report_id: UUID, attachment_id: UUID) -> bytes:
    """A whole attachment in memory (tests and small previews; downloads stream instead)."""
    with open(storage.attachment_path(report_id, attachment_id), "rb") as source:
        output = io.BytesIO()
        for chunk in vault.decrypt_stream(
            report_key, source, context=attachment_context(report_id, attachment_id)
        ):
            output.write(chunk)
    return output.getvalue()
