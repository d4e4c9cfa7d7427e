"""Where encrypted attachment files live, and writing them durably.

Files are written under the data folder as ``files/reports/<report id>/<attachment id>``,
always encrypted (see `vault.streams`). A file is fsynced and renamed into place before the
database row that names it is committed, so a crash leaves at worst an unreferenced
encrypted file, never a row without its file.
"""

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from django.conf import settings


def report_folder(report_id: UUID) -> Path:
    return Path(settings.FILES_DIR) / "reports" / str(report_id)


def attachment_path(report_id: UUID, attachment_id: UUID) -> Path:
    return report_folder(report_id) / str(attachment_id)


def staging_folder(upload_id: UUID) -> Path:
    return Path(settings.FILES_DIR) / "incoming" / str(upload_id)


def remove_staging(upload_id: UUID) -> None:
    shutil.rmtree(staging_folder(upload_id), ignore_errors=True)


def partial_path(report_id: UUID, attachment_id: UUID, stage: str) -> Path:
    return report_folder(report_id) / f"{attachment_id}.{stage}"


def make_report_folder(report_id: UUID) -> Path:
    folder = report_folder(report_id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sync_and_move(partial: Path, final: Path) -> None:
    """Flush a written file to disk and move it into place atomically."""
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, final)
    sync_folder(final.parent)


def sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def discard_report_files(report_id: UUID) -> None:
    """Remove every file of a report that was not committed (or has been deleted)."""
    shutil.rmtree(report_folder(report_id), ignore_errors=True)


SWEEP_AFTER = timedelta(hours=1)


def sweep_orphans(now: float | None = None) -> int:
    """Remove encrypted files that no database row names, once they are an hour old.

    They come from a crash between a file's fsync and its row's commit, or from an upload
    that was cut off: harmless ciphertext, but nothing should stay that no report owns.
    Younger files are left alone, so a submission in progress is never touched.
    """
    from .models import Attachment, Report

    cutoff = (now or time.time()) - SWEEP_AFTER.total_seconds()
    removed = 0
    reports = Path(settings.FILES_DIR) / "reports"
    for folder in sorted(reports.iterdir()) if reports.exists() else []:
        try:
            report_id = UUID(folder.name)
        except ValueError:
            continue
        if not Report.objects.filter(pk=report_id).exists():
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
            continue
        kept = {
            str(a)
            for a in Attachment.objects.filter(report_id=report_id).values_list("id", flat=True)
        }
        for path in folder.iterdir():
            if path.name not in kept and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    incoming = Path(settings.FILES_DIR) / "incoming"
    for folder in incoming.iterdir() if incoming.exists() else []:
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
