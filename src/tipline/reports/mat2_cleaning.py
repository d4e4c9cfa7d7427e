"""Office documents, OpenDocument, audio and video, cleaned with mat2 (libmat2).

This module runs only inside the cleaning process (`cleaning_worker`), never in the web
server: it parses hostile files with many libraries (zipfile, mutagen, ffmpeg), and the
process around it has a time and memory limit. libmat2 is imported here and nowhere else,
so a Tipline without it still starts (`isolation.mat2_status` says so on the system page).

mat2 chooses its parser by the file's extension. The file is written under a name Tipline
picks from the type it recognised by the file's bytes (never the reporter's name or the
browser's claim), in a private folder on a memory-backed file system that the parent
process removes when the child ends, also when it was killed.
"""

import io
import os
import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree

# The types mat2 cleans for Tipline, with the extension its parser is chosen by.
EXTENSIONS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/vnd.oasis.opendocument.graphics": ".odg",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/x-wav": ".wav",
    "video/mp4": ".mp4",
    "video/x-msvideo": ".avi",
}
ZIP_FAMILY = "application/zip"  # an office document or ODF file until its contents say which
_OOXML_MAIN_PARTS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}


class NotCleanable(Exception):
    """A type mat2 has no parser for here (a plain ZIP archive, for instance)."""


class Damaged(Exception):
    """mat2 has a parser for the type, but the file cannot be read or cleaned with it."""


def refine_zip_type(data: bytes) -> str:
    """Which office or OpenDocument type a ZIP file is, from its members."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared in EXTENSIONS:
                    return declared
            if "[Content_Types].xml" in names:
                for part, media_type in _OOXML_MAIN_PARTS.items():
                    if part in names:
                        return media_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise Damaged(str(error)) from error
    raise NotCleanable("a ZIP archive that is no office document")


def clean_with_mat2(data: bytes, media_type: str, folder: Path) -> tuple[bytes, str]:
    """The file without its metadata, cleaned by mat2 in `folder` (private, memory-backed)."""
    if media_type == ZIP_FAMILY:
        media_type = refine_zip_type(data)
    extension = EXTENSIONS.get(media_type)
    if extension is None:
        raise NotCleanable(media_type)
    from libmat2 import parser_factory  # only here: the web server never imports it

    source = folder / f"input{extension}"
    target = folder / f"output{extension}"
    fd = os.open(source, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as sink:
        sink.write(data)
    try:
        parser, _ = parser_factory.get_parser(str(source))
    except ValueError as error:  # mat2's way of saying the file is malformed
        raise Damaged(str(error)) from error
    if parser is None:
        raise NotCleanable(media_type)
    parser.output_filename = str(target)
    try:
        cleaned = parser.remove_all()
    except Exception as error:
        raise Damaged(f"{type(error).__name__}: {error}") from error
    if not cleaned or not target.exists():
        raise Damaged("mat2 could not clean the file")
    output = target.read_bytes()
    if extension in (".docx", ".xlsx", ".pptx"):
        output = drop_dangling_relationships(output)
    return output, media_type


_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def drop_dangling_relationships(data: bytes) -> bytes:
    """mat2 removes parts (comments, custom XML, web settings) but leaves the relationships
    that point to them, and readers such as python-docx then refuse the file. Remove every
    internal relationship whose target is no longer in the package; keep the rest, and each
    member's (normalised) date and order, as mat2 wrote them."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as cleaned:
            for item in package.infolist():
                content = package.read(item.filename)
                if item.filename.endswith(".rels"):
                    content = _without_missing_targets(item.filename, content, names)
                cleaned.writestr(item, content)
    return output.getvalue()


def _without_missing_targets(rels_name: str, content: bytes, names: set[str]) -> bytes:
    # The relationships of `word/document.xml` are in `word/_rels/document.xml.rels`;
    # targets are relative to `word/`, or absolute from the package root.
    base = posixpath.dirname(posixpath.dirname(rels_name))
    # mat2 has already parsed and rewritten this XML; expat refuses entity expansion bombs.
    root = ElementTree.fromstring(content)  # noqa: S314
    ElementTree.register_namespace("", root.tag.partition("}")[0].lstrip("{"))
    removed = False
    for relationship in list(root):
        if relationship.tag != _RELATIONSHIPS or relationship.get("TargetMode") == "External":
            continue
        target = relationship.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        if posixpath.normpath(path) not in names:
            root.remove(relationship)
            removed = True
    if not removed:
        return content
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
