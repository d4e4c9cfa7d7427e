"""Driving the reporter's pages through Django's test client, as a browser would."""

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline.reports.models import Category

# The receipt's groups are joined by no-break spaces on the page (it never wraps).
RECEIPT_ON_PAGE = re.compile(r'id="receipt-code">([\d \u00a0]+)</p>')


def open_form(client: Client, category: Category, language: str = "en") -> dict[str, Any]:
    """GET the form; the fields a browser would send back untouched (hidden receipt)."""
    response = client.get(f"/{language}/report/{category.desk.slug}/{category.slug}/")
    assert response.status_code == 200, response.status_code
    hidden = re.search(r'name="receipt" value="([^"]+)"', response.content.decode())
    assert hidden
    return {"receipt": hidden.group(1)}


def send_report(
    client: Client,
    category: Category,
    *,
    language: str = "en",
    files: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    **answers: Any,
) -> Any:
    data = open_form(client, category, language)
    data.setdefault("description", "A boat unloads crates at the north jetty on Tuesdays.")
    data.setdefault("q_how_known", "saw")
    data.update(answers)
    if files:
        data["attachments"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(f"/{language}/report/{category.desk.slug}/{category.slug}/", data)


def receipt_from(response: Any) -> str:
    match = RECEIPT_ON_PAGE.search(response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1).replace("\u00a0", " ")
