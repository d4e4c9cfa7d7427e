"""Receiving attachments: streamed into encrypted files as they arrive.

Django's default upload handlers keep small files in memory and write large ones in
plaintext to a temporary folder. This handler replaces them: every byte goes through
`vault.StreamEncryptor` into the report's folder, so memory use does not grow with the file
and no plaintext touches the disk. Limits stop the upload as soon as they are passed.
"""

import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from tipline import vault

from . import storage

ATTACHMENT_FIELD = "attachments"
MAX_NAME_LENGTH = 255
HEAD_BYTES = 16  # enough to recognise a file's type


@dataclass
class ReceivedFile:
    attachment_id: uuid.UUID
    path: Path  # encrypted with the report key, not yet cleaned
    name: str
    size_bytes: int
    head: bytes


@dataclass
class PendingUpload:
    """Files received with one request, before the report or message they belong to commits.

    They are received into a staging folder, encrypted under a random upload key that lives
    only in memory: a follow-up message's receipt (which opens the report's key) comes in
    the same request body as its files, so the report's key cannot be known while they
    arrive. `attachments.keep_received_files` moves them to the report, re-encrypted.
    """

    max_files: int
    max_file_bytes: int
    upload_id: uuid.UUID = field(default_factory=uuid.uuid4)
    upload_key: vault.ReportKey = field(default_factory=vault.new_report_key)
    files: list[ReceivedFile] = field(default_factory=list)
    kept_paths: list[Path] = field(default_factory=list)
    problem: str | None = None  # "too_many" | "too_large"

    @property
    def staging(self) -> Path:
        return storage.staging_folder(self.upload_id)

    def context(self, attachment_id: uuid.UUID) -> str:
        return f"upload/{self.upload_id}/{attachment_id}"

    def discard(self) -> None:
        """Remove everything received and everything already moved for it."""
        storage.remove_staging(self.upload_id)
        for path in self.kept_paths:
            path.unlink(missing_ok=True)
        self.files.clear()
        self.kept_paths.clear()

    def finished(self) -> None:
        """The report or message committed: only the staging folder goes."""
        storage.remove_staging(self.upload_id)


def attachment_context(report_id: uuid.UUID, attachment_id: uuid.UUID) -> str:
    return f"report/{report_id}/attachment/{attachment_id}"


def clean_file_name(name: str) -> str:
    """A file name safe to keep and show: no control characters, no folders, bounded."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    return name.strip()[:MAX_NAME_LENGTH] or "file"


class EncryptingUploadHandler(FileUploadHandler):
    def __init__(self, pending: PendingUpload) -> None:
        super().__init__()
        self.pending = pending
        self._encryptor: vault.StreamEncryptor | None = None
        self._sink: BinaryIO | None = None
        self._current: ReceivedFile | None = None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != ATTACHMENT_FIELD or len(self.pending.files) >= self.pending.max_files:
            self._stop("too_many")
        attachment_id = uuid.uuid4()
        self.pending.staging.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.pending.staging / str(attachment_id)
        self._sink = open(path, "wb")  # noqa: SIM115 - closed in file_complete or on abort
        self._encryptor = vault.StreamEncryptor(
            self.pending.upload_key, self._sink, context=self.pending.context(attachment_id)
        )
        self._current = ReceivedFile(attachment_id, path, clean_file_name(file_name), 0, b"")
        self.pending.files.append(self._current)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self._encryptor is None or self._current is None:
            raise RuntimeError("data for a file that was never started")
        self._current.size_bytes += len(raw_data)
        if self._current.size_bytes > self.pending.max_file_bytes:
            self._stop("too_large")
        if len(self._current.head) < HEAD_BYTES:
            self._current.head = (self._current.head + raw_data)[:HEAD_BYTES]
        self._encryptor.write(raw_data)
        return None  # consumed: no later handler sees the plaintext

    def file_complete(self, file_size: int) -> Any:
        if self._encryptor is None or self._sink is None:
            raise RuntimeError("a file completed that was never started")
        self._encryptor.close()
        self._sink.close()
        self._encryptor = self._sink = None
        received, self._current = self._current, None
        return received

    def upload_interrupted(self) -> None:
        self._close_partial()
        self.pending.discard()

    def _stop(self, problem: str) -> None:
        self.pending.problem = problem
        self._close_partial()
        self.pending.discard()
        # Read and drop the rest of the request, so the reporter gets a page, not a reset.
        raise StopUpload(connection_reset=False)

    def _close_partial(self) -> None:
        if self._sink is not None:
            self._sink.close()
        self._encryptor = self._sink = None
