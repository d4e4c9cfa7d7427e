"""The empty report form is rendered once and reused, with each reporter's own secrets."""

import re

import pytest
from django.test import Client

from tipline.reporter import form_pages
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.testing.fixtures import DeskWithRecipient

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


def test_made_up_addresses_keep_nothing(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    from tipline.reporter import form_setup

    for number in range(50):
        assert Client().get(f"/en/report/{'x' * 500}{number}/smuggling/").status_code == 404
    assert not form_setup._setups


@pytest.mark.django_db(transaction=True)  # the foreign key is checked when it commits
def test_a_category_deleted_as_a_report_arrives_gets_a_clear_answer_not_an_error(
    files_dir: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another worker still held the category for a few seconds: nothing is stored, and the
    reporter is told to send again (then the form is gone: 404)."""
    from tipline.reporter import form_setup
    from tipline.reports.models import Category, Report

    category = DeskWithRecipient().desk.categories.get(slug="drug-trafficking")
    url = f"/en/report/{category.desk.slug}/{category.slug}/"
    client = Client()
    page = client.get(url).content.decode()
    with monkeypatch.context() as elsewhere:  # deleted in another process: not heard here
        elsewhere.setattr(form_setup, "forget_all", lambda: None)
        Category.objects.filter(pk=category.pk).delete()
    response = client.post(
        url,
        {
            "receipt": HIDDEN_RECEIPT.search(page).group(1),  # type: ignore[union-attr]
            "description": "A boat unloads crates at the north jetty on Tuesdays.",
            "q_how_known": "saw",
        },
    )
    assert response.status_code == 503 and response["Retry-After"]
    assert not Report.objects.exists()
    form_setup.forget_all()
    assert Client().get(url).status_code == 404


def test_a_form_sent_again_after_the_desk_lost_its_recipients_still_gets_its_receipt(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    from tipline.accounts.actions import revoke_staff
    from tipline.reports.models import Report

    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    url = f"/en/report/{category.desk.slug}/{category.slug}/"
    client = Client()
    page = client.get(url).content.decode()
    fields = {
        "receipt": HIDDEN_RECEIPT.search(page).group(1),  # type: ignore[union-attr]
        "description": "A boat unloads crates at the north jetty on Tuesdays.",
        "q_how_known": "saw",
    }
    first = receipt_from(client.post(url, fields))
    revoke_staff(desk_with_recipient.analyst, acting_user=None)
    again = client.post(url, fields)  # the first answer never reached the reporter
    assert again.status_code == 200 and receipt_from(again) == first
    assert Report.objects.count() == 1
    assert Client().get(url).status_code == 503  # a new reporter: the desk is not ready
