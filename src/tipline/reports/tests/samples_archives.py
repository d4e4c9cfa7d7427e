"""Hostile archives, made here: a .docx that inflates to hundreds of MB from a few hundred
KB (a ZIP bomb), one within the archive bounds whose XML still takes mat2 many CPU seconds,
and a plain ZIP bomb."""

import io
import random
import zipfile
from collections.abc import Callable
from typing import IO

from . import samples_media as media

MiB = 1024 * 1024


def _docx_with_body(write_body: Callable[[IO[bytes]], None]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(media.docx_with_author())) as source:
            for item in source.infolist():
                if item.filename != "word/document.xml":
                    archive.writestr(item, source.read(item.filename))
            original = source.read("word/document.xml")
        body_at = original.index(b"<w:body>") + len(b"<w:body>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(original[:body_at])
            write_body(member)
            member.write(original[body_at:])
    return output.getvalue()


def docx_bomb(megabytes: int = 400) -> bytes:
    """A .docx of about 400 KB whose text part inflates to `megabytes` MB of zeros."""

    def zeros(member: IO[bytes]) -> None:
        block = bytes(MiB)
        for _ in range(megabytes):
            member.write(block)

    return _docx_with_body(zeros)


def heavy_docx(megabytes: int = 4) -> bytes:
    """A .docx within every archive bound (its XML compresses about 9 times) whose
    `megabytes` MB of paragraphs take mat2 seconds of CPU each (about 1.7 s per MB here)."""
    rng = random.Random(3)

    def paragraphs(member: IO[bytes]) -> None:
        for _ in range(megabytes * 16):
            member.write(
                b"".join(
                    b"<w:p><w:r><w:t>%d</w:t></w:r></w:p>" % rng.randrange(10**6)
                    for _ in range(1500)
                )
            )

    return _docx_with_body(paragraphs)


def zip_bomb(megabytes: int = 300) -> bytes:
    """A plain ZIP (no office document) of one member of zeros."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("data.bin", "w", force_zip64=True) as member,
    ):
        block = bytes(MiB)
        for _ in range(megabytes):
            member.write(block)
    return output.getvalue()
