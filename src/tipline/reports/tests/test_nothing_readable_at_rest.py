"""DESIGN.md guarantees 1 and 2: a copy of the database and the files reveals no report content.

A marker goes into every answer, the description, a message, file names and file contents;
then the database (the SQLite file with its WAL, or a pg_dump of PostgreSQL) and every
file in the data folder are searched for it as bytes, in UTF-8 and UTF-16. The transaction
is really committed (transactional test), so what is searched is what is on disk.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from tipline.reports.models import Report
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import open_form, receipt_from
from .samples import jpeg_with_gps, pdf_with_author

MARKER = "MARKER7Q3Z"
URDU_MARKER = "نشانی۷۳"


def forms_of(marker: str) -> list[bytes]:
    return [marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be")]


def database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        # Read by another process: closing a file descriptor of the database in this one
        # would drop every POSIX lock SQLite holds on it here (also a live server thread's),
        # and the next writer in another process could then corrupt it.
        name = Path(connection.settings_dict["NAME"])
        paths = [str(p) for p in sorted(name.parent.glob(name.name + "*")) if p.is_file()]
        return subprocess.run(["cat", *paths], capture_output=True, check=True).stdout
    dump = shutil.which("pg_dump")
    assert dump, "pg_dump is needed to check PostgreSQL"
    params = connection.get_connection_params()
    return subprocess.run(
        [
            dump,
            "--data-only",
            "-h",
            params.get("host", "127.0.0.1"),
            "-p",
            str(params.get("port", 5432)),
            "-U",
            params.get("user", "postgres"),
            connection.settings_dict["NAME"],
        ],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout


def data_folder_bytes() -> list[tuple[Path, bytes]]:
    """Every file of the data folder, the way someone who copied it would read it.

    The SQLite test database lives in the data folder too: its files are left to
    `database_bytes` (read by another process), because opening and closing them here would
    drop SQLite's POSIX locks in this process and let the next test's server corrupt them.
    """
    folders = {Path(settings.DATA_DIR), Path(settings.FILES_DIR)}
    database = Path(connection.settings_dict["NAME"]).name if connection.vendor == "sqlite" else ""
    return [
        (path, path.read_bytes())
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and not (database and path.name.startswith(database))
    ]


@pytest.mark.django_db(transaction=True)
def test_no_marker_anywhere_at_rest(files_dir: Path) -> None:
    setup = DeskWithRecipient()
    category = setup.desk.categories.get(slug="smuggling")
    client = Client(
        REMOTE_ADDR="203.0.113.99",
        HTTP_USER_AGENT="UA-MARKER-Q7",
        HTTP_REFERER="https://search.example/REF-MARKER-Q8",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    data = open_form(client, category)
    text = f"{MARKER} {URDU_MARKER}"
    data.update(
        {
            "description": f"description {text}",
            "q_goods": f"goods {text}",
            "q_crossing": f"crossing {text}",
            "q_when": "2026-10-30",
            "q_who": f"who {text}",
            "q_vehicles": f"vehicles {text}",
            "q_how_known": "saw",
            "attachments": [
                SimpleUploadedFile(f"{MARKER}-photo.jpg", jpeg_with_gps(MARKER)),
                SimpleUploadedFile(f"{URDU_MARKER}.pdf", pdf_with_author(MARKER)),
            ],
        }
    )
    response = client.post(f"/en/report/{setup.desk.slug}/smuggling/", data)
    code = receipt_from(response)
    Client().post("/en/receipt/message/", {"receipt": code, "text": f"later {text}"})
    assert Report.objects.count() == 1

    at_rest = database_bytes()
    assert b"Narcotics desk" in at_rest  # the search does see the database's contents
    secrets = [
        *forms_of(MARKER),
        *forms_of(URDU_MARKER),
        *forms_of(code.replace(" ", "")),
        # Guarantee 2: nothing about the reporter's connection is written either.
        *forms_of("203.0.113.99"),
        *forms_of("198.51.100.77"),
        *forms_of("UA-MARKER-Q7"),
        *forms_of("REF-MARKER-Q8"),
    ]
    for secret in secrets:
        assert secret not in at_rest
    files = data_folder_bytes()
    assert len([p for p, _ in files if "reports" in p.parts]) == 2
    for path, content in files:
        for secret in secrets:
            assert secret not in content, path
            assert secret.decode("utf-8", "ignore") not in str(path)
