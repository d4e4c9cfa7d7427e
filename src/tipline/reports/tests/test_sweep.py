"""Orphaned encrypted files (a crash between fsync and commit, a cut-off upload) are swept
once an hour old; everything a row names, and anything younger, stays."""

import os
import time
import uuid
from pathlib import Path

import pytest
from django.test import Client

from tipline.reports import storage
from tipline.reports.models import Attachment
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import send_report
from .samples import jpeg_with_gps

pytestmark = pytest.mark.django_db
HOUR_AND_A_BIT = 3700


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_only_old_files_no_row_names_are_swept(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    send_report(
        Client(),
        desk_with_recipient.desk.categories.get(slug="smuggling"),
        files=[("kept.jpg", jpeg_with_gps())],
    )
    attachment = Attachment.objects.get()
    kept = storage.attachment_path(attachment.report_id, attachment.id)
    stray_in_report = kept.parent / str(uuid.uuid4())
    stray_in_report.write_bytes(b"ciphertext")
    orphan_report = storage.make_report_folder(uuid.uuid4())
    (orphan_report / str(uuid.uuid4())).write_bytes(b"ciphertext")
    young_orphan = storage.make_report_folder(uuid.uuid4())
    old_upload = storage.staging_folder(uuid.uuid4())
    old_upload.mkdir(parents=True)
    for path in (kept, stray_in_report, orphan_report, old_upload):
        age(path, HOUR_AND_A_BIT)

    assert storage.sweep_orphans() == 3
    assert kept.exists() and young_orphan.exists()
    assert not stray_in_report.exists() and not orphan_report.exists() and not old_upload.exists()
    assert storage.sweep_orphans() == 0
