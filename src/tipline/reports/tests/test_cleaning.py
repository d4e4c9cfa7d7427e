"""Removing hidden data from attachments, checked with the libraries that read it and, as an
independent reader, exiftool."""

import io
import json
import shutil
import subprocess

import pikepdf
import pytest
from PIL import Image

from tipline.reports import cleaning

from .samples import AUTHOR, CAMERA, jpeg_with_gps, pdf_with_author


def exiftool(data: bytes) -> dict[str, object]:
    tool = shutil.which("exiftool")
    if tool is None:
        pytest.skip("exiftool is not installed (make test installs it)")
    result = subprocess.run([tool, "-j", "-"], input=data, capture_output=True, check=True)
    return dict(json.loads(result.stdout)[0])


def test_jpeg_loses_gps_camera_and_author() -> None:
    original = jpeg_with_gps()
    assert "GPSLatitude" in exiftool(original)
    cleaned, media_type = cleaning.clean(original, "image/jpeg")
    assert media_type == "image/jpeg"
    tags = exiftool(cleaned)
    assert not [tag for tag in tags if tag.startswith("GPS")]
    assert CAMERA not in json.dumps(tags) and AUTHOR not in json.dumps(tags)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert not image.getexif() and image.size == (64, 48)


def test_jpeg_is_turned_upright_before_the_orientation_tag_goes() -> None:
    image = Image.new("RGB", (40, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    cleaned, _ = cleaning.clean(output.getvalue(), "image/jpeg")
    with Image.open(io.BytesIO(cleaned)) as upright:
        assert upright.size == (20, 40)


def test_png_text_chunks_are_dropped() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR)
    output = io.BytesIO()
    Image.new("RGBA", (8, 8), (1, 2, 3, 128)).save(output, format="PNG", pnginfo=info)
    cleaned, media_type = cleaning.clean(output.getvalue(), "image/png")
    assert media_type == "image/png"
    assert AUTHOR.encode() not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.mode == "RGBA" and not image.text


def test_pdf_loses_author_and_xmp() -> None:
    original = pdf_with_author()
    assert AUTHOR in json.dumps(exiftool(original))
    cleaned = cleaning.clean(original, "application/pdf")[0]
    assert AUTHOR not in json.dumps(exiftool(cleaned))
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert "/Author" not in pdf.docinfo and "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1


def test_a_decompression_bomb_is_refused() -> None:
    output = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(output, format="PNG")
    with pytest.raises(cleaning.UnreadableFile):
        cleaning.clean(output.getvalue(), "image/png")


@pytest.mark.parametrize(
    ("data", "media_type"),
    [(b"\xff\xd8\xff\xe0garbage", "image/jpeg"), (b"%PDF-1.7 garbage", "application/pdf")],
)
def test_a_file_pretending_to_be_cleanable_is_unreadable(data: bytes, media_type: str) -> None:
    with pytest.raises(cleaning.UnreadableFile):
        cleaning.clean(data, media_type)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF89a", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.4", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x00", "audio/mpeg"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"fLaC\x00\x00", "audio/flac"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/x-wav"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        (b"\x00\x00\x00\x18ftypheic", None),
        (b"Rar!\x1a\x07\x00", None),
        (b"", None),
    ],
)
def test_types_are_known_by_their_first_bytes(head: bytes, expected: str | None) -> None:
    assert cleaning.detect_type(head) == expected


def test_other_types_cannot_be_cleaned() -> None:
    with pytest.raises(cleaning.CannotClean):
        cleaning.clean(b"Rar!\x1a\x07\x00", None)
