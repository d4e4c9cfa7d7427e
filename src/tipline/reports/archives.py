"""ZIP-based files are measured from their central directory before anything opens them.

A .docx, .xlsx, .pptx, OpenDocument file, EPUB or plain ZIP is an archive: a few hundred
KB can declare members that inflate to gigabytes (a "ZIP bomb"), and cleaning one holds a
core for as long as the cleaning process's CPU limit, then fails, while a plain ZIP that
is kept would inflate on the analyst's machine. So before cleaning, and whether or not the
file can be cleaned, the central directory (the archive's table of contents at its end) is
read without inflating a byte (Python's `zipfile` reads only that), and the archive is
refused when it declares more than these bounds:

- `MAX_TOTAL_BYTES` uncompressed in all: the cleaning process may use 1.5 GiB of memory,
  and mat2 holds members in memory and writes them to a memory-backed folder; real
  documents, even with many photos, stay far below (photos do not compress).
- `MAX_RATIO` between a member's declared size and its compressed size, for members that
  inflate to more than `RATIO_FLOOR_BYTES`: deflate's ceiling is about 1,030 : 1, which only
  repeated bytes reach; the XML of real documents compresses 5 to 30 times, spreadsheets
  of repeated cells up to about 100 times.
- `MAX_MEMBERS`: each member is a file mat2 writes and reads again.

A lie in the directory (a member inflating past its declared size) is not trusted either:
`zipfile` stops at the declared size and checks the CRC, and the cleaning process's memory,
CPU and file-size limits hold whatever happens.
"""

import io
import zipfile
from collections import deque
from collections.abc import Iterable

MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
# The end of the file kept while it streams past: the central directory must lie in it.
TAIL_BYTES = 4 * 1024 * 1024


class ArchiveTooLarge(Exception):
    """The archive declares more than Tipline unpacks (a ZIP bomb, or too many members)."""


def is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def measure(data: bytes) -> None:
    """Raise `ArchiveTooLarge` when the archive in `data` declares more than the bounds.

    A file that is no readable ZIP passes: the parsers after this say so in their words."""
    _measure_file(io.BytesIO(data))


def measure_stream(pieces: Iterable[bytes]) -> None:
    """`measure` for an archive read as a stream (kept without cleaning), holding only its
    last `TAIL_BYTES` in memory; a central directory longer than that is refused."""
    tail: deque[bytes] = deque()
    kept = total = 0
    for piece in pieces:
        tail.append(piece)
        kept += len(piece)
        total += len(piece)
        while kept - len(tail[0]) >= TAIL_BYTES:
            kept -= len(tail.popleft())
    _measure_file(_Tail(b"".join(tail), total))


def _measure_file(source: io.RawIOBase | io.BytesIO) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except _TailMissing:
        raise ArchiveTooLarge("central directory too long") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return
    if len(members) > MAX_MEMBERS:
        raise ArchiveTooLarge(f"{len(members)} members")
    declared = sum(member.file_size for member in members)
    if declared > MAX_TOTAL_BYTES:
        raise ArchiveTooLarge(f"{declared} bytes declared")
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and (
            member.file_size > MAX_RATIO * max(1, member.compress_size)
        ):
            ratio = member.file_size // max(1, member.compress_size)
            raise ArchiveTooLarge(f"a member inflates {ratio} times")


class _TailMissing(OSError):
    """A read before the kept tail of a streamed file."""


class _Tail(io.RawIOBase):
    """The last bytes of a file, read as the whole file: `zipfile` seeks to the end and to
    the central directory only. Reading before the kept part raises `_TailMissing`."""

    def __init__(self, tail: bytes, size: int) -> None:
        self._tail, self._size, self._start, self._position = tail, size, size - len(tail), 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        if self._position >= self._size:
            return b""
        if self._position < self._start:
            raise _TailMissing("before the kept tail")
        end = self._size if size is None or size < 0 else min(self._size, self._position + size)
        data = self._tail[self._position - self._start : end - self._start]
        self._position = end
        return data
