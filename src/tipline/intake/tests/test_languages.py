"""The reporter's pages in English, Urdu (right to left) and Simplified Chinese."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from tipline.testing.fixtures import DeskWithRecipient

LOCALE = Path(__file__).resolve().parents[2] / "locale"


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
        "/ur/report/narcotics/drug-trafficking/",
        "/zh-hans/report/narcotics/drug-trafficking/",
    }


@pytest.mark.parametrize("language", ["ur", "zh_Hans"])
def test_every_message_is_translated_and_compiled(language: str) -> None:
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'msgstr(\[\d\])? ""\n*$', e)]
    assert untranslated == []
    assert "#, fuzzy" not in po
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed; make test installs it")
    folder = LOCALE / language / "LC_MESSAGES"
    compiled = subprocess.run(
        [msgfmt, "--check-format", "-o", "-", str(folder / "django.po")],
        capture_output=True,
        check=True,
    ).stdout
    assert compiled == (folder / "django.mo").read_bytes(), "run `tipline compilemessages`"


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
    from .helpers import send_report

    category = desk_with_recipient.desk.categories.get(slug="corruption")
    body = send_report(client, category).content.decode()
    assert 'id="receipt-code"' in body
    assert "hreflang" not in body
