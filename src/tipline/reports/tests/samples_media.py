"""Office documents, OpenDocument files, audio and video made on the fly, each carrying
metadata that names a person, a company, a place and a time (checked with exiftool)."""

import io
import shutil
import subprocess
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .samples import AUTHOR

COMPANY = "Acme Smuggling Front Ltd"
COMMENT = "internal remark by the author"
TEXT = "The shipment arrives at the north pier on Tuesday."
WHEN = datetime(2019, 3, 14, 9, 26, 53, tzinfo=UTC)

_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    f"<Application>Microsoft Office Word</Application><Company>{COMPANY}</Company>"
    f"<Manager>{AUTHOR}</Manager><Template>\\\\printserver\\{AUTHOR}\\Normal.dotm</Template>"
    "</Properties>"
)


def _with_company(data: bytes) -> bytes:
    """An OOXML file whose extended properties name a company and a manager (the writing
    libraries leave them out; Word fills them in)."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/app.xml":
                content = _APP_XML.encode()
            target.writestr(item, content)
    return output.getvalue()


def _core(properties: object) -> None:
    properties.author = AUTHOR  # type: ignore[attr-defined]
    properties.last_modified_by = AUTHOR  # type: ignore[attr-defined]
    properties.comments = COMMENT  # type: ignore[attr-defined]
    properties.created = WHEN.replace(tzinfo=None)  # type: ignore[attr-defined]
    properties.modified = WHEN.replace(tzinfo=None)  # type: ignore[attr-defined]


def docx_with_author(text: str = TEXT) -> bytes:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph(text)
    document.add_comment(paragraph.runs, text=COMMENT, author=AUTHOR, initials="JQR")
    _core(document.core_properties)
    output = io.BytesIO()
    document.save(output)
    return _with_company(output.getvalue())


def xlsx_with_author(text: str = TEXT) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = text
    workbook.properties.creator = AUTHOR
    workbook.properties.lastModifiedBy = AUTHOR
    workbook.properties.description = COMMENT
    workbook.properties.created = WHEN.replace(tzinfo=None)
    output = io.BytesIO()
    workbook.save(output)
    return _with_company(output.getvalue())


def pptx_with_author(text: str = TEXT) -> bytes:
    import pptx

    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = text
    _core(presentation.core_properties)
    output = io.BytesIO()
    presentation.save(output)
    return _with_company(output.getvalue())


def _odf(document: object, text: str) -> bytes:
    from odf import dc, meta

    document.meta.addElement(dc.Creator(text=AUTHOR))  # type: ignore[attr-defined]
    document.meta.addElement(meta.InitialCreator(text=AUTHOR))  # type: ignore[attr-defined]
    document.meta.addElement(dc.Description(text=COMMENT))  # type: ignore[attr-defined]
    document.meta.addElement(dc.Date(text=WHEN.strftime("%Y-%m-%dT%H:%M:%S")))  # type: ignore[attr-defined]
    document.meta.addElement(  # type: ignore[attr-defined]
        meta.UserDefined(name="Company", text=COMPANY)
    )
    output = io.BytesIO()
    document.save(output)  # type: ignore[attr-defined]
    return output.getvalue()


def odt_with_author(text: str = TEXT) -> bytes:
    from odf import opendocument
    from odf import text as odftext

    document = opendocument.OpenDocumentText()
    document.text.addElement(odftext.P(text=text))
    return _odf(document, text)


def ods_with_author(text: str = TEXT) -> bytes:
    from odf import opendocument, table
    from odf import text as odftext

    document = opendocument.OpenDocumentSpreadsheet()
    sheet = table.Table(name="Sheet1")
    row = table.TableRow()
    cell = table.TableCell()
    cell.addElement(odftext.P(text=text))
    row.addElement(cell)
    sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    return _odf(document, text)


def ffmpeg() -> str:
    tool = shutil.which("ffmpeg")
    if tool is None:
        pytest.skip("ffmpeg is not installed (make test installs it)")
    return tool


_TAGS = [
    "-metadata", f"artist={AUTHOR}",
    "-metadata", f"comment={COMMENT}",
    "-metadata", f"copyright={COMPANY}",
    "-metadata", "date=2019-03-14",
    "-metadata", "creation_time=2019-03-14T09:26:53Z",
]  # fmt: skip


def audio_with_tags(extension: str, seconds: float = 2.0) -> bytes:
    """A tone of `seconds` in the format of `extension` (mp3, ogg, flac, wav), tagged."""
    codec = {"mp3": "libmp3lame", "ogg": "libvorbis", "flac": "flac", "wav": "pcm_s16le"}
    return _ffmpeg_output(
        extension,
        ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"],
        ["-c:a", codec[extension], *_TAGS],
    )


def mp4_with_gps(seconds: float = 2.0, size: str = "160x120", rate: int = 10) -> bytes:
    """A short video with sound, tagged with a person, a place (©xyz) and a time."""
    return _ffmpeg_output(
        "mp4",
        [
            "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate={rate}",
            "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
        ],
        [
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-metadata", "location=+33.6844+073.0479/", *_TAGS,
        ],
    )  # fmt: skip


def _ffmpeg_output(extension: str, inputs: list[str], options: list[str]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"sample.{extension}"
        subprocess.run(
            [ffmpeg(), "-v", "error", "-y", *inputs, *options, str(target)],
            check=True,
            capture_output=True,
        )
        return target.read_bytes()
