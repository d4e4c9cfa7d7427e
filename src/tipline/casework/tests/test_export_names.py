"""Every export unpacks on Windows, macOS and Linux: members are numbered, safe names; the
names the files came with are in summary.txt."""

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from tipline.casework.export import MAX_NAME_BYTES, MAX_NAME_CHARACTERS, member_names
from tipline.reports.models import Report
from tipline.reports.tests.helpers import send_report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.testing.fixtures import DeskWithRecipient, sign_in

HOSTILE = [
    'a<b>:c"d|e?f*g.txt',
    "CON",
    "con.txt",
    "LPT1.pdf",
    "Com9.tar.gz",
    "nul",
    "..\\..\\windows\\win.ini",
    "../../etc/passwd",
    "." * 255,
    "." * 200 + ".png",
    "trailing. . ",
    " leading space.jpg",
    "invoice\u202egpj.exe",
    "bell\x07and\x1fnul\x00.txt",
    "same.txt",
    "same.txt",
    "SAME.TXT",
    "x" * 300 + ".pdf",
    "😀" * 100 + ".jpg",
    "گواہی کی تفصیل.pdf",
    "می\u200cشود.pdf",
    "e\u0301te\u0301.png",
    "",
]
WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\..*)?$", re.IGNORECASE)


def assert_portable(names: list[str]) -> None:
    assert len({name.casefold() for name in names}) == len(names)  # unique, case or not
    for name in names:
        folder, _, base = name.partition("/")
        assert folder == "attachments" and "/" not in base, name
        assert not WINDOWS_FORBIDDEN & set(base), name
        assert not any(unicodedata.category(c) in ("Cc", "Cf") and c != "\u200c" for c in base)
        assert not base.endswith((".", " ")) and not base.startswith((".", " ")), name
        assert not RESERVED.match(base.split(".")[0]), name
        assert len(base) <= MAX_NAME_CHARACTERS + 4 and len(base.encode()) <= MAX_NAME_BYTES + 4
        assert base == unicodedata.normalize("NFC", base)
        assert re.match(r"^\d{2}-", base), name


def test_hostile_names_become_numbered_portable_names() -> None:
    names = member_names(HOSTILE)
    assert_portable(names)
    assert names[0] == "attachments/01-a_b__c_d_e_f_g.txt"
    assert names[1] == "attachments/02-_CON" and names[3] == "attachments/04-_LPT1.pdf"
    assert names[8] == "attachments/09-file"  # 255 dots
    assert names[9] == "attachments/10-file.png"  # dots and an extension: still a PNG
    assert names[12] == "attachments/13-invoice_gpj.exe"  # the override no longer hides .exe
    assert names[17].endswith(".pdf") and names[18].endswith(".jpg")  # shortened, same type
    assert names[19] == "attachments/20-گواہی کی تفصیل.pdf"
    assert names[20] == "attachments/21-می\u200cشود.pdf"
    assert names[22] == "attachments/23-file"


@pytest.mark.django_db
def test_an_export_of_files_with_hostile_names_unpacks_anywhere(
    desk_with_recipient: DeskWithRecipient, files_dir: Path, tmp_path: Path
) -> None:
    """Through the reporter's form and the staff export, over Django's HTTP handling (which
    already drops path separators from uploaded names)."""
    sent = ["CON.jpg", 'a<b>:c"|?*.jpg', "same.jpg", "same.jpg", "trailing.jpg. . "]
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    desk_with_recipient.desk.max_attachments = len(sent)
    desk_with_recipient.desk.save()
    # The reporter keeps their files' own names (else they are photo-1.jpg, ...): the
    # hostile names are what the export must make safe.
    response = send_report(
        Client(),
        category,
        files=[(name, jpeg_with_gps()) for name in sent],
        keep_file_names="on",
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    client = Client()
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    number = Report.objects.get().number
    response = client.get(f"/staff/desk/narcotics/report/{number}/export/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    members = [name for name in archive.namelist() if not name.startswith("summary.")]
    assert len(members) == len(sent)
    assert_portable(members)
    summary = archive.read("summary.txt").decode()
    for member in members:
        assert f"{member}: " in summary
    assert 'a<b>:c"|?*.jpg' in summary and "CON.jpg" in summary
    archive.extractall(tmp_path / "unpacked")
    unpacked = sorted(p.name for p in (tmp_path / "unpacked" / "attachments").iterdir())
    assert unpacked == sorted(member.partition("/")[2] for member in members)
