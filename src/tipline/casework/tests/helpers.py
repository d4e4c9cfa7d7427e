"""Reports made through the reporter's real pages, for the staff side's tests."""

from typing import Any

from django.test import Client

from tipline.reports.models import Report
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.testing.fixtures import DeskWithRecipient


def report_in(
    setup: DeskWithRecipient,
    *,
    category: str = "drug-trafficking",
    photo: bool = False,
    **answers: Any,
) -> tuple[Report, str]:
    """Send a report as a member of the public would; returns it and its receipt code."""
    files = [("jetty.jpg", jpeg_with_gps())] if photo else []
    response = send_report(
        Client(), setup.desk.categories.get(slug=category), files=files, **answers
    )
    code = receipt_from(response)
    newest = Report.objects.filter(desk=setup.desk).order_by("-received_at", "-number")
    return newest.first(), code  # type: ignore[return-value]
