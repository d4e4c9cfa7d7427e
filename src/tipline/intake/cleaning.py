"""Removing hidden data (metadata) from attachments before they are encrypted for good.

What is covered, by whom:

- JPEG, PNG, GIF, WebP (Pillow): the pixels are copied into a new image and saved again,
  so EXIF (GPS position, camera serial, time), XMP, IPTC, ICC profiles and text chunks are
  left behind. The picture is turned upright first, as EXIF said. Animated images keep
  their first frame. Images over `MAX_IMAGE_PIXELS` are refused (decompression bombs).
- PDF (pikepdf): the document information dictionary (author, creator, producer, dates),
  XMP metadata of the document and of each page, and the author and date of annotations.

Other types are not cleaned (`CannotClean`); the desk decides whether to refuse them or to
keep them after warning the reporter. Types are recognised by their first bytes, never by
the name or the type the browser claims.
"""

import io
import warnings

import pikepdf
from PIL import Image, ImageOps

MAX_IMAGE_PIXELS = 60_000_000  # about 60 megapixels; phone cameras stay well below
# Cleaning works in memory; a cleanable file above this is treated as not cleanable.
MAX_CLEANABLE_BYTES = 128 * 1024 * 1024

_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]
_IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


class CannotClean(Exception):
    """Tipline has no way to remove hidden data from this type of file."""


class UnreadableFile(Exception):
    """The file claims to be a type Tipline cleans, but cannot be read as one."""


def detect_type(head: bytes) -> str | None:
    """The media type of a file from its first bytes, or None when not recognised."""
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_cleanable(media_type: str | None) -> bool:
    return media_type in _IMAGE_TYPES or media_type == "application/pdf"


def clean(data: bytes, media_type: str | None) -> tuple[bytes, str]:
    """The file without its hidden data, and its media type (images may change format)."""
    if media_type in _IMAGE_TYPES:
        return _clean_image(data, media_type)
    if media_type == "application/pdf":
        return _clean_pdf(data), media_type
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
            output = io.BytesIO()
            pdf.save(output, deterministic_id=True)
            return output.getvalue()
    except pikepdf.PdfError as error:
        raise UnreadableFile(str(error)) from error


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
