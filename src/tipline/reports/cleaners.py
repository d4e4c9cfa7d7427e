"""The cleaners: what removes hidden data from one file, run only in the cleaning process.

`cleaning` is the server's front door (which files, measured how, in which process);
this module is what the sandboxed child (`cleaning_worker`) runs. It imports no Django, no
database and no key: a parser exploited by a hostile file finds nothing here to reach. The
server also calls `detect_type` and `preview_png` (an already cleaned image's pixels only).

Removing hidden data (metadata) from attachments before they are encrypted for good.

What is covered, by whom:

- JPEG, PNG, GIF, WebP (Pillow): the pixels are copied into a new image and saved again,
  so EXIF (GPS position, camera serial, time), XMP, IPTC, ICC profiles and text chunks are
  left behind. The picture is turned upright first, as EXIF said. Animated images keep
  their first frame. Images over `MAX_IMAGE_PIXELS` are refused (decompression bombs).
- PDF (pikepdf): the document information dictionary (author, creator, producer, dates),
  XMP metadata of the document and of each page, and the author and date of annotations;
  and everything active (`_make_inert`): JavaScript, actions run on opening or on events,
  actions that reach out (web addresses, other files, programs, form submission, data
  import), embedded files and their annotations, XFA forms. A reader that follows a link
  tells a server when and from where the report was read; only jumps within the document
  are kept. A PDF that still carries any of it after cleaning is not kept as cleaned.

- Office documents (.docx, .xlsx, .pptx), OpenDocument (.odt, .ods, .odp, .odg), audio
  (MP3, Ogg, FLAC, WAV) and video (MP4, AVI) (mat2, see `mat2_cleaning`): author, company,
  revision data, comments, printer paths, tags, cover art, GPS and dates. Only when mat2
  and ffmpeg are installed (`isolation.mat2_status`).

Every cleaning runs in a separate process with a time and memory limit (`isolation`), and
an archive (office, OpenDocument, EPUB, ZIP) is first measured from its central directory
(`archives`): one that would inflate past the bounds is refused without being opened.
Other types are not cleaned (`CannotClean`); the desk decides whether to refuse them or to
keep them after warning the reporter. Types are recognised by their first bytes, never by
the name or the type the browser claims.
"""

import io
import warnings
from pathlib import Path

import pikepdf
from PIL import Image, ImageOps

from . import mat2_cleaning

MAX_IMAGE_PIXELS = 60_000_000  # about 60 megapixels; phone cameras stay well below

_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", mat2_cleaning.ZIP_FAMILY),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
]
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
# ISO base media files that are images, not video (HEIF, AVIF): mat2 is not used for them.
_IMAGE_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"}
MAT2_TYPES = {mat2_cleaning.ZIP_FAMILY, *mat2_cleaning.EXTENSIONS}


class CannotClean(Exception):
    """Tipline has no way to remove hidden data from this type of file."""


class UnreadableFile(Exception):
    """The file claims to be a type Tipline cleans, but cannot be read as one."""


def detect_type(head: bytes) -> str | None:
    """The media type of a file from its first bytes, or None when not recognised."""
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head[:4] == b"RIFF":
        return {b"WEBP": "image/webp", b"WAVE": "audio/x-wav", b"AVI ": "video/x-msvideo"}.get(
            head[8:12]
        )
    if head[4:8] == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return "video/mp4"
    # An MPEG audio frame without an ID3 tag: eleven bits of frame sync.
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "audio/mpeg"
    return None


def clean_here(data: bytes, media_type: str, scratch: Path) -> tuple[bytes, str]:
    """What the cleaning process runs (`cleaning_worker`); never called in the server."""
    if media_type in IMAGE_TYPES:
        return _clean_image(data, media_type)
    if media_type == "application/pdf":
        return _clean_pdf(data), media_type
    if media_type in MAT2_TYPES:
        try:
            return mat2_cleaning.clean_with_mat2(data, media_type, scratch)
        except mat2_cleaning.NotCleanable as error:
            raise CannotClean(str(error)) from error
        except mat2_cleaning.Damaged as error:
            raise UnreadableFile(str(error)) from error
        except ImportError as error:
            raise CannotClean(f"mat2 is not installed: {error}") from error
    raise CannotClean(media_type)


def _open_image(data: bytes) -> Image.Image:
    """The image in `data`, loaded and upright; `UnreadableFile` for anything that is not a
    safe image (a decompression bomb included)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_IMAGE_PIXELS:
                    raise UnreadableFile("image too large")
                upright = ImageOps.exif_transpose(opened)
                upright.load()
                return upright
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise UnreadableFile(str(error)) from error


def _clean_image(data: bytes, media_type: str) -> tuple[bytes, str]:
    upright = _open_image(data)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    keep_jpeg = media_type == "image/jpeg"
    target_mode = "RGB" if keep_jpeg else ("RGBA" if has_alpha else "RGB")
    if upright.mode == "L" and not has_alpha:
        target_mode = "L"
    converted = upright.convert(target_mode)
    # A new image from the pixels alone: nothing of the original's metadata comes along.
    pixels_only = Image.frombytes(converted.mode, converted.size, converted.tobytes())
    output = io.BytesIO()
    if keep_jpeg:
        pixels_only.save(output, format="JPEG", quality=92)
        return output.getvalue(), "image/jpeg"
    pixels_only.save(output, format="PNG", optimize=False)
    return output.getvalue(), "image/png"


def _clean_pdf(data: bytes) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            if "/Metadata" in pdf.Root:
                del pdf.Root["/Metadata"]
            for page in pdf.pages:
                if "/Metadata" in page.obj:
                    del page.obj["/Metadata"]
                for annotation in page.obj.get("/Annots", []):
                    for key in ("/T", "/M", "/CreationDate"):
                        if key in annotation:
                            del annotation[key]
            _make_inert(pdf)
            output = io.BytesIO()
            pdf.save(output, deterministic_id=True)
        cleaned = output.getvalue()
        with pikepdf.open(io.BytesIO(cleaned)) as saved:
            left = active_content(saved)
    except pikepdf.PdfError as error:
        raise UnreadableFile(str(error)) from error
    if left:  # nothing known stays; should a new kind slip past, the file is not "cleaned"
        raise CannotClean(f"active content remains: {', '.join(sorted(left))}")
    return cleaned


# Keys that run something, reach out or carry a file, wherever they are: document and
# page open/close and event actions (/OpenAction, /AA), JavaScript (/JS, the /JavaScript
# name tree), a base web address (/URI), embedded files (/EmbeddedFiles, a file
# specification's /EF), XFA forms (/XFA, which readers may run scripts from).
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/URI", "/EmbeddedFiles", "/EF"}
_ACTIVE_KEYS |= {"/XFA", "/NeedsRendering", "/RichMediaContent"}
# Actions (a link's or a form field's /A, and the chain of /Next): only a jump to a place
# in the same document is inert. /URI, /Launch, /SubmitForm, /GoToR, /GoToE, /ImportData,
# /JavaScript, /Rendition, /Sound, /Movie, /RichMediaExecute and any other go.
_INERT_ACTIONS = {"/GoTo"}
_ACTION_KEYS = ("/A", "/Next")
# Annotations that carry or play a file.
_ACTIVE_ANNOTATIONS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}


def _make_inert(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if isinstance(annotations, pikepdf.Array):
            kept = [a for a in annotations if _name(a.get("/Subtype")) not in _ACTIVE_ANNOTATIONS]
            if len(kept) != len(annotations):
                page.obj.Annots = pikepdf.Array(kept)
    for item in pdf.objects:
        _strip(item)


def _strip(item: object) -> None:
    """Remove active keys and non-inert actions from `item` and the direct objects inside it
    (indirect ones are each visited from `pdf.objects`, so a cycle never loops)."""
    if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
        for key in list(item.keys()):
            value = item[key]
            if key in _ACTIVE_KEYS or (key in _ACTION_KEYS and not _inert_action(value)):
                del item[key]
            elif _direct(value):
                _strip(value)
    elif isinstance(item, pikepdf.Array):
        for value in item:
            if _direct(value):
                _strip(value)


def _direct(value: object) -> bool:
    """A dictionary or array held inside its parent (not a reference to another object)."""
    return isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect


def _inert_action(action: object) -> bool:
    return isinstance(action, pikepdf.Dictionary) and _name(action.get("/S")) in _INERT_ACTIONS


def _name(value: object) -> str:
    return str(value) if isinstance(value, pikepdf.Name) else ""


def active_content(pdf: pikepdf.Pdf) -> set[str]:
    """What in `pdf` could run, reach out or carry a file (for `_clean_pdf`, and tests)."""
    found: set[str] = set()

    def look(item: object) -> None:
        if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            found.update(key for key in item.keys() if key in _ACTIVE_KEYS)  # noqa: SIM118 - pikepdf
            # An action (its /Type is optional) that would do something: a target file,
            # address, script, fields to send or a chain.
            kind, of_type = _name(item.get("/S")), _name(item.get("/Type"))
            acts = any(key in item for key in ("/F", "/Win", "/URI", "/JS", "/Fields", "/Next"))
            if kind and of_type in ("", "/Action") and kind not in _INERT_ACTIONS and acts:
                found.add(kind)
            if _name(item.get("/Subtype")) in _ACTIVE_ANNOTATIONS:
                found.add(_name(item.get("/Subtype")))
            if of_type == "/EmbeddedFile":
                found.add("/EmbeddedFile")
            for key in item.keys():  # noqa: SIM118 - a pikepdf Dictionary iterates its keys so
                value = item[key]
                if _direct(value):
                    look(value)
        elif isinstance(item, pikepdf.Array):
            for value in item:
                if _direct(value):
                    look(value)

    look(pdf.trailer)
    for item in pdf.objects:
        look(item)
    return found


PREVIEW_SIDE = 1024
MAX_PREVIEW_SOURCE_BYTES = 32 * 1024 * 1024


def preview_png(data: bytes) -> bytes:
    """A small PNG drawn from an (already cleaned) image's pixels alone, for showing on
    the desk: no metadata, no original bytes, bounded in size."""
    opened = _open_image(data)
    image = opened.convert("RGBA" if "A" in opened.getbands() else "RGB")
    image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    pixels_only = Image.frombytes(image.mode, image.size, image.tobytes())
    output = io.BytesIO()
    pixels_only.save(output, format="PNG")
    return output.getvalue()
