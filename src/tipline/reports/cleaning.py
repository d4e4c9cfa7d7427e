"""The front door to cleaning: which files are cleaned, and where.

A file of a type Tipline cleans (`cleaners`) is measured first when it is an archive
(`archives`: one that would inflate past the bounds is refused without being opened), then
cleaned in a separate process with a time and memory limit, in one of a few slots
(`isolation`). The server never parses a reporter's file itself.
"""

from . import archives, isolation, mat2_cleaning
from .cleaners import IMAGE_TYPES as _IMAGE_TYPES
from .cleaners import (
    MAT2_TYPES,
    MAX_PREVIEW_SOURCE_BYTES,
    CannotClean,
    UnreadableFile,
    active_content,
    detect_type,
    preview_png,
)

__all__ = [
    "MAX_CLEANABLE_BYTES",
    "MAX_PREVIEW_SOURCE_BYTES",
    "ArchiveTooLarge",
    "CannotClean",
    "CleanerUnavailable",
    "CleaningBusy",
    "UnreadableFile",
    "active_content",
    "clean",
    "detect_type",
    "is_cleanable",
    "preview_png",
]

# Cleaning works in memory; a cleanable file above this is treated as not cleanable.
MAX_CLEANABLE_BYTES = 128 * 1024 * 1024


class ArchiveTooLarge(UnreadableFile):
    """An archive that declares more than Tipline unpacks (`archives`): never opened."""


class CleaningBusy(Exception):
    """No cleaning slot came free in time: the file was not looked at; send it again."""


class CleanerUnavailable(Exception):
    """This server cannot clean any file now (no cleaning process starts): its fault, not
    the file's, and not one that passes by itself; the administrator must act."""


def is_cleanable(media_type: str | None) -> bool:
    if media_type in _IMAGE_TYPES or media_type == "application/pdf":
        return True
    return media_type in MAT2_TYPES and isolation.mat2_usable()


def clean(data: bytes, media_type: str | None) -> tuple[bytes, str]:
    """The file without its hidden data, and its media type (images may change format).

    Runs in a separate, limited process, in one of the cleaning slots; a file that breaks a
    parser, or takes too long or too much memory, raises `UnreadableFile`, an archive over
    the bounds `ArchiveTooLarge` before anything is unpacked, no free slot in time
    `CleaningBusy`, and when no cleaning process can start at all, `CleanerUnavailable`."""
    if not is_cleanable(media_type):
        raise CannotClean(media_type)
    if media_type == mat2_cleaning.ZIP_FAMILY:
        try:
            archives.measure(data)
        except archives.ArchiveTooLarge as error:
            raise ArchiveTooLarge(str(error)) from None
    try:
        return isolation.clean_in_child(data, str(media_type))
    except isolation.CleanerUnavailable as unavailable:
        raise CleanerUnavailable(str(unavailable)) from None
    except isolation.CleaningFailed as failed:
        if failed.outcome == "uncleanable":
            raise CannotClean(str(failed)) from None
        if failed.outcome == "busy":
            raise CleaningBusy from None
        raise UnreadableFile(str(failed)) from None
