"""Files of any size, encrypted in chunks with libsodium's secretstream.

Layout: ``b"TLS1" | secretstream header (24 bytes) | chunk | chunk | ... | final chunk``.
Every chunk but the last holds exactly `params.STREAM_CHUNK_SIZE` plaintext bytes; the last
holds 0 to that many and carries the FINAL tag. Secretstream authenticates each chunk and
its position, so a reordered, dropped, duplicated or altered chunk fails; a missing FINAL
tag (truncation) and bytes after it fail too. Each file has its own key, derived from the
report key and the file's context, so a file moved to another row does not open.

Memory is bounded by a few chunks, whatever the size of the file.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import nacl.exceptions
from nacl import bindings as sodium

from . import params
from .errors import DecryptionError
from .reports import ReportKey
from .symmetric import derive_subkey

_MAGIC = b"TLS1"
_HEADER_SIZE = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_CHUNK_OVERHEAD = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


@dataclass(frozen=True)
class StreamSizes:
    plaintext_bytes: int
    ciphertext_bytes: int


def encrypted_size(plaintext_bytes: int) -> int:
    """The size on disk of a file of `plaintext_bytes`, known before it is written."""
    full_chunks, _ = divmod(plaintext_bytes, params.STREAM_CHUNK_SIZE)
    if plaintext_bytes and plaintext_bytes % params.STREAM_CHUNK_SIZE == 0:
        full_chunks -= 1  # the last full chunk is the final one
    chunks = full_chunks + 1
    return len(_MAGIC) + _HEADER_SIZE + plaintext_bytes + chunks * _CHUNK_OVERHEAD


class StreamEncryptor:
    """Push-style encryption for data that arrives in pieces (an upload being received).

    Write any number of pieces, then `close()` exactly once to write the final chunk.
    """

    def __init__(self, report_key: ReportKey, sink: BinaryIO, *, context: str) -> None:
        self._sink = sink
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(
            self._state, _file_key(report_key, context)
        )
        self._buffer = bytearray()
        self._closed = False
        self._plaintext_bytes = 0
        self._ciphertext_bytes = 0
        self._emit(_MAGIC + header)

    def write(self, data: bytes) -> None:
        if self._closed:
            raise ValueError("write to a closed StreamEncryptor")
        self._buffer += data
        self._plaintext_bytes += len(data)
        chunk_size = params.STREAM_CHUNK_SIZE
        offset = 0
        # Strictly more than one chunk: the last piece must stay for the FINAL tag.
        while len(self._buffer) - offset > chunk_size:
            self._push(bytes(self._buffer[offset : offset + chunk_size]), _TAG_MESSAGE)
            offset += chunk_size
        del self._buffer[:offset]

    def close(self) -> StreamSizes:
        if self._closed:
            raise ValueError("StreamEncryptor closed twice")
        self._push(bytes(self._buffer), _TAG_FINAL)
        self._buffer.clear()
        self._closed = True
        return StreamSizes(self._plaintext_bytes, self._ciphertext_bytes)

    def _push(self, plaintext: bytes, tag: int) -> None:
        self._emit(
            sodium.crypto_secretstream_xchacha20poly1305_push(self._state, plaintext, tag=tag)
        )

    def _emit(self, data: bytes) -> None:
        self._sink.write(data)
        self._ciphertext_bytes += len(data)


def encrypt_stream(
    report_key: ReportKey, chunks: Iterable[bytes], sink: BinaryIO, *, context: str
) -> StreamSizes:
    """Encrypt pieces of a file from `chunks` into `sink`."""
    encryptor = StreamEncryptor(report_key, sink, context=context)
    for chunk in chunks:
        encryptor.write(chunk)
    return encryptor.close()


def decrypt_stream(report_key: ReportKey, source: BinaryIO, *, context: str) -> Iterator[bytes]:
    """Yield the plaintext of an encrypted file, chunk by chunk.

    Each yielded chunk is authenticated. A file cut short, extended or altered raises
    `DecryptionError` when the iteration reaches the damage, so a consumer that must not
    act on a partial file should read to the end before using it.
    """
    header = _read_up_to(source, len(_MAGIC) + _HEADER_SIZE)
    if len(header) != len(_MAGIC) + _HEADER_SIZE or not header.startswith(_MAGIC):
        raise DecryptionError("not an encrypted file")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(
            state, header[len(_MAGIC) :], _file_key(report_key, context)
        )
    except (nacl.exceptions.CryptoError, ValueError) as error:
        raise DecryptionError("encrypted file header is damaged") from error
    frame_size = params.STREAM_CHUNK_SIZE + _CHUNK_OVERHEAD
    while True:
        frame = _read_up_to(source, frame_size)
        if not frame:
            raise DecryptionError("encrypted file is truncated")
        try:
            plaintext, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, frame)
        except (nacl.exceptions.CryptoError, ValueError) as error:
            raise DecryptionError("encrypted file chunk could not be authenticated") from error
        if tag == _TAG_FINAL:
            if source.read(1):
                raise DecryptionError("encrypted file has data after its end")
            if plaintext:
                yield plaintext
            return
        if tag != _TAG_MESSAGE or len(frame) != frame_size:
            raise DecryptionError("encrypted file has a malformed chunk")
        yield plaintext


def _file_key(report_key: ReportKey, context: str) -> bytes:
    return derive_subkey(report_key._key, f"stream/{context}")


def _read_up_to(source: BinaryIO, size: int) -> bytes:
    """Read `size` bytes, or fewer only at the end of the source (reads may come short)."""
    parts = []
    remaining = size
    while remaining:
        part = source.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
