"""The reporter's pages in English, Urdu (right to left) and Simplified Chinese."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tipline.testing.fixtures import DeskWithRecipient
from tipline.testing.translations import catalogue_problems


@pytest.mark.parametrize(
    ("language", "direction", "heading", "category"),
    [
        ("en", "ltr", "What is it about?", "Drug trafficking"),
        ("ur", "rtl", "یہ کس بارے میں ہے؟", "منشیات کی اسمگلنگ"),
        ("zh-hans", "ltr", "举报什么内容？", "毒品贩运"),
    ],
)
@pytest.mark.django_db
def test_desk_page_speaks_the_language_of_its_address(
    client: Client,
    desk_with_recipient: DeskWithRecipient,
    language: str,
    direction: str,
    heading: str,
    category: str,
) -> None:
    body = client.get(f"/{language}/report/narcotics/").content.decode()
    assert f'lang="{language}" dir="{direction}"' in body
    assert heading in body and category in body


@pytest.mark.django_db
def test_language_switch_is_plain_links_to_the_same_page(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    body = client.get("/en/report/narcotics/drug-trafficking/").content.decode()
    links = set(re.findall(r'<a href="([^"]+)" lang="[^"]+" hreflang', body))
    assert links == {
        f"/{code}/report/narcotics/drug-trafficking/" for code in ("ur", "zh-hans", "ps", "fa")
    }


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_every_catalogue_is_complete_and_compiled(language: str) -> None:
    assert catalogue_problems(language) == []


@pytest.mark.django_db
def test_form_questions_are_shown_in_urdu(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    body = client.get("/ur/report/narcotics/drug-trafficking/").content.decode()
    assert "آپ کو یہ کیسے معلوم ہے؟" in body
    assert "رپورٹ بھیجیں" in body


@pytest.mark.django_db
def test_the_receipt_page_offers_no_link_that_would_lose_the_receipt(
    client: Client, desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    from tipline.reports.tests.helpers import send_report

    category = desk_with_recipient.desk.categories.get(slug="corruption")
    body = send_report(client, category).content.decode()
    assert 'id="receipt-code"' in body
    assert "hreflang" not in body
