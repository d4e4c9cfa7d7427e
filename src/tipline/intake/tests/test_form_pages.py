"""The empty report form is rendered once and reused, with each reporter's own secrets."""

import re

import pytest
from django.test import Client

from tipline.intake import form_pages
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import receipt_from, send_report

pytestmark = pytest.mark.django_db

HIDDEN_RECEIPT = re.compile(r'name="receipt" value="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def no_kept_pages() -> None:
    form_pages.forget_all()


def test_each_reporter_gets_their_own_receipt_and_token_from_the_kept_page(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    url = f"/en/report/{category.desk.slug}/{category.slug}/"
    pages = [Client().get(url).content.decode() for _ in range(2)]
    receipts = [HIDDEN_RECEIPT.search(page).group(1) for page in pages]  # type: ignore[union-attr]
    tokens = [CSRF_FIELD.search(page).group(1) for page in pages]  # type: ignore[union-attr]
    assert receipts[0] != receipts[1] and tokens[0] != tokens[1]
    for page in pages:
        assert form_pages.RECEIPT_MARKER not in page and form_pages.CSRF_MARKER not in page
    # A form from the kept page goes through, CSRF check included.
    client = Client(enforce_csrf_checks=True)
    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": CSRF_FIELD.search(page).group(1),  # type: ignore[union-attr]
            "receipt": HIDDEN_RECEIPT.search(page).group(1),  # type: ignore[union-attr]
            "description": "A boat unloads crates at the north jetty on Tuesdays.",
            "q_how_known": "saw",
        },
        HTTP_ORIGIN="null",
    )
    assert response.status_code == 200
    assert receipt_from(response)


def test_an_edited_category_shows_on_the_next_form(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    url = f"/en/report/{category.desk.slug}/{category.slug}/"
    assert "Heroin by the harbour" not in Client().get(url).content.decode()
    category.names = {**category.names, "en": "Heroin by the harbour"}
    category.save()
    assert "Heroin by the harbour" in Client().get(url).content.decode()
    assert send_report(Client(), category).status_code == 200


def test_each_receipt_page_from_the_kept_page_shows_its_own_code(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    pages = [send_report(Client(), category) for _ in range(2)]
    codes = [receipt_from(page) for page in pages]
    assert codes[0] and codes[1] and codes[0] != codes[1]
    for page in pages:
        assert form_pages.RECEIPT_MARKER.encode() not in page.content
    for code in codes:  # each code is the one that opens its own report
        assert Client().post("/en/receipt/", {"receipt": code}).status_code == 200
