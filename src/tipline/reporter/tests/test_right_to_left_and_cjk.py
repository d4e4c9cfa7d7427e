"""Right to left and Chinese done to the end on the reporter's pages: the receipt code is
one left-to-right block that cannot wrap, lists of file types are left-to-right isolates,
and the catalogues use the punctuation of their language."""

import gettext
import re

import pytest
from django.conf import settings
from django.test import Client

from tipline.reports.models import Category
from tipline.reports.tests.helpers import send_report
from tipline.testing.fixtures import DeskWithRecipient

ARABIC_SCRIPT = ["ur", "fa", "ps"]
PHOTOS = '<bdi class="types" dir="ltr">JPEG, PNG, GIF, WebP</bdi>'
OFFICE = '<bdi class="types" dir="ltr">Word, Excel, PowerPoint, OpenDocument</bdi>'


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ur", "zh-hans", "ps", "fa"])
def test_receipt_code_is_one_unbreakable_left_to_right_block(
    client: Client, desk_with_recipient: DeskWithRecipient, language: str
) -> None:
    category = Category.objects.get(desk=desk_with_recipient.desk, slug="drug-trafficking")
    body = send_report(client, category, language=language).content.decode()
    found = re.search(
        r'<p class="secret receipt-code" dir="ltr" id="receipt-code">([^<]*)</p>', body
    )
    assert found, body[:3000]
    assert re.fullmatch(r"\d{4}(\u00a0\d{4}){4}", found.group(1))  # no-break spaces only


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "opening", "closing"),
    [
        ("en", "(", ")"),
        ("ur", "(", ")"),
        ("fa", "(", ")"),
        ("ps", "(", ")"),
        ("zh-hans", "（", "）"),
    ],
)
def test_lists_of_file_types_are_left_to_right_isolates(
    client: Client,
    desk_with_recipient: DeskWithRecipient,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    opening: str,
    closing: str,
) -> None:
    monkeypatch.setattr("tipline.reports.isolation.mat2_usable", lambda: True)
    body = client.get(f"/{language}/report/narcotics/drug-trafficking/").content.decode()
    assert f"{opening}{PHOTOS}{closing}" in body
    assert f"{opening}{OFFICE}{closing}" in body


def catalogue(language: str) -> dict[str, str]:
    """msgid -> msgstr of the language's compiled catalogue (plural forms included)."""
    path = settings.SOURCE_DIR / "locale" / language / "LC_MESSAGES" / "django.mo"
    with open(path, "rb") as compiled:
        entries = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    return {str(key): value for key, value in entries.items() if key}


def prose(text: str) -> str:
    """What a reader reads as sentences: no markup, placeholders or addresses."""
    return re.sub(r"<[^>]*>|%\(\w+\)[sd]|%[sd]|https?://\S+", " ", text)


@pytest.mark.parametrize("language", ARABIC_SCRIPT)
def test_arabic_script_catalogues_use_arabic_comma_question_mark_and_semicolon(
    language: str,
) -> None:
    latin = re.compile(r"[\u0600-\u06ff]\s*[,?;]|[,?;]\s*[\u0600-\u06ff]")
    wrong = [text for text in catalogue(language).values() if latin.search(prose(text))]
    assert wrong == []


def test_chinese_catalogue_uses_full_width_punctuation() -> None:
    han = r"[\u3400-\u9fff]"
    half_width = re.compile(rf"{han}\s*[,.?!;:()]|[,?!;:(]\s*{han}")
    wrong = [text for text in catalogue("zh_Hans").values() if half_width.search(prose(text))]
    assert wrong == []


def test_urdu_catalogue_ends_its_sentences_with_the_urdu_full_stop() -> None:
    latin_stop = re.compile(r"[\u0600-\u06ff]\.(\s|$)")
    wrong = [text for text in catalogue("ur").values() if latin_stop.search(prose(text))]
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ARABIC_SCRIPT)
def test_a_refused_files_name_is_isolated_in_the_sentence(
    client: Client, desk_with_recipient: DeskWithRecipient, files_dir: object, language: str
) -> None:
    category = Category.objects.get(desk=desk_with_recipient.desk, slug="drug-trafficking")
    response = send_report(
        client, category, language=language, files=[("<i>jetty.jpg", b"not a photo")]
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<bdi dir="auto">&lt;i&gt;jetty.jpg</bdi>' in body  # isolated, escaped once
