"""What an inbox row says about its report: a title an analyst gave it, or the first words
the reporter wrote, and the name of its language.

Both are report content, so the title is stored encrypted under the report's key
(`set_title`, audited) and a row's line is decrypted for the page being shown only, with the
viewer's private key: one sealed-key opening per row (~0.1 ms), two queries per page whatever
its size (bench/inbox.py). Rows of reports not sealed to the viewer say nothing.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.reports.conversation import OpenedReport
from tipline.reports.models import Report, ReportKeySeal
from tipline.reports.text import clean_reporter_text
from tipline.triage import language as languages
from tipline.triage.actions import report_text

from .models import ReportTitle

MAX_TITLE = 120
# How much of the reporter's text a row shows: enough to tell reports apart at a glance.
LINE_WORDS = 14
LINE_CHARACTERS = 120


def title_context(report_id: uuid.UUID) -> str:
    return f"report/{report_id}/title"


def set_title(opened: OpenedReport, user: StaffUser, text: str) -> None:
    """Give a report a short title for its inbox row, or take it away with an empty text.
    Encrypted with the report key before it is written; the audit row says only that it
    changed."""
    text = " ".join(clean_reporter_text(text).split())
    if len(text) > MAX_TITLE:
        raise ValidationError(f"a title is at most {MAX_TITLE} characters")
    report = opened.report
    with transaction.atomic():
        if text:
            body = vault.encrypt_text(opened.report_key, text, context=title_context(report.id))
            ReportTitle.objects.update_or_create(report=report, defaults={"body": body})
        else:
            ReportTitle.objects.filter(report=report).delete()
        record("report.title_changed", actor=user, desk=report.desk, report_id=report.id)


def read_title(opened: OpenedReport) -> str:
    title = ReportTitle.objects.filter(report=opened.report).first()
    if title is None:
        return ""
    return vault.decrypt_text(
        opened.report_key, bytes(title.body), context=title_context(opened.report.id)
    )


def language_name(code: str) -> str:
    """A reporter's page language by its name in the active language, as triage names the
    language of a text ("zh-hans" reads "Chinese")."""
    return languages.page_language(code)


def first_words(text: str) -> str:
    """The start of a text on one line: its first words, cut with an ellipsis."""
    words = text.split()
    line = " ".join(words[:LINE_WORDS])
    if len(line) > LINE_CHARACTERS:
        line = line[:LINE_CHARACTERS].rstrip()
    return line + ("…" if line != " ".join(words) else "")


def describe_rows(
    reports: list[Report], user: StaffUser, private_key: vault.StaffPrivateKey | None
) -> None:
    """Set `first_line` (title, else the reporter's first words; "" when the report is not
    sealed to `user`, or without the session's key) and `language_name` on each report of
    one inbox page.

    Uses index: intake_reportkeyseal (report_id, staff_id) unique; casework_reporttitle pk."""
    ids = [report.id for report in reports] if private_key is not None else []
    seals = {
        seal.report_id: bytes(seal.sealed)
        for seal in ReportKeySeal.objects.filter(report_id__in=ids, staff=user).only(
            "report_id", "sealed"
        )
    }
    titles = {t.report_id: bytes(t.body) for t in ReportTitle.objects.filter(report_id__in=ids)}
    contents = {
        row["id"]: bytes(row["content"])
        for row in Report.objects.filter(
            id__in=[i for i in ids if i in seals and i not in titles]
        ).values("id", "content")
    }
    for report in reports:
        report.language_name = language_name(report.language)  # type: ignore[attr-defined]
        report.first_line = _line(report, seals, titles, contents, private_key)  # type: ignore[attr-defined]


def _line(
    report: Report,
    seals: dict[uuid.UUID, bytes],
    titles: dict[uuid.UUID, bytes],
    contents: dict[uuid.UUID, bytes],
    private_key: vault.StaffPrivateKey,
) -> str:
    if report.id not in seals or private_key is None:
        return ""
    try:
        report_key = vault.open_sealed_report_key(seals[report.id], private_key)
        if report.id in titles:
            return vault.decrypt_text(
                report_key, titles[report.id], context=title_context(report.id)
            )
        report.content = contents[report.id]
        return first_words(report_text(OpenedReport(report, report_key)))
    except vault.DecryptionError:
        return ""
