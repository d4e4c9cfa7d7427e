"""Sample attachments made on the fly: a JPEG that carries GPS EXIF, a PDF with an author."""

import io

import pikepdf
from PIL import Image

AUTHOR = "Jane Q. Reporter"
CAMERA = "PhoneMaker ZX-81"


def jpeg_with_gps(marker: str = "") -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x013B] = AUTHOR  # Artist
    exif[0x010E] = f"desc {marker}"  # ImageDescription
    gps = {1: "N", 2: (33.0, 41.0, 12.5), 3: "E", 4: (73.0, 3.0, 36.0)}
    exif[0x8825] = gps  # GPSInfo
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def pdf_with_author(marker: str = "") -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = AUTHOR
    pdf.docinfo["/Title"] = f"title {marker}"
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = [AUTHOR]
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()
