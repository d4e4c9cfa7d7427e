"""Every reporter page speaks the reporter's language, with the right `lang` and `dir`.

The error pages are shared with the staff side: on a reporter address (/ps/...) they speak
its language, elsewhere the browser's; never a right-to-left frame around English text.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import get_language_info

from tipline.reports.default_categories import DEFAULT_CATEGORIES
from tipline.testing.fixtures import DeskWithRecipient
from tipline.testing.translations import untranslated_strings
from tipline.throttling.gate import busy

SOURCE = Path(settings.SOURCE_DIR)
REPORTER_TEMPLATES = sorted(
    [
        *(SOURCE / "reporter" / "templates" / "reporter").glob("*.html"),
        *(SOURCE / "web" / "templates").glob("*.html"),
        *(
            SOURCE / "web" / "templates" / "web" / name
            for name in (
                "base.html",
                "refused.html",
                "busy.html",
                "error.html",
                "form_expired.html",
            )
        ),
    ]
)
LANGUAGES = [code for code, _ in settings.LANGUAGES]
# The heading of the first page and of the 404 page in each language.
LANDING = {
    "en": "Report serious crime, safely",
    "ur": "سنگین جرائم کی محفوظ طریقے سے اطلاع دیں",
    "zh-hans": "安全地举报严重犯罪",
    "ps": "جدي جرمونه په خوندي ډول راپور کړئ",
    "fa": "گزارش امن جرائم جدی",
}
NOT_FOUND = {
    "en": "Page not found",
    "ur": "صفحہ نہیں ملا",
    "zh-hans": "找不到页面",
    "ps": "پاڼه ونه موندل شوه",
    "fa": "صفحه پیدا نشد",
}


def frame(language: str) -> str:
    direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
    return f'<html lang="{language}" dir="{direction}">'


@pytest.mark.parametrize("template", REPORTER_TEMPLATES, ids=lambda path: path.name)
def test_reporter_templates_have_no_text_outside_translation_tags(template: Path) -> None:
    assert untranslated_strings(template) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.django_db
def test_first_page_speaks_the_browsers_language_in_its_direction(
    client: Client, desk_with_recipient: DeskWithRecipient, language: str
) -> None:
    body = client.get("/", headers={"accept-language": language}).content.decode()
    assert frame(language) in body
    assert LANDING[language] in body
    # Each language's own "I have a receipt code" link, marked with its language.
    assert f'href="/{language}/receipt/" lang="{language}"' in body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.django_db
def test_not_found_on_a_reporter_address_speaks_its_language(client: Client, language: str) -> None:
    response = client.get(f"/{language}/report/no-such-desk/", headers={"accept-language": "en"})
    assert response.status_code == 404
    body = response.content.decode()
    assert frame(language) in body and NOT_FOUND[language] in body


@pytest.mark.django_db
def test_not_found_elsewhere_speaks_the_browsers_language(client: Client) -> None:
    body = client.get("/no-such-page/", headers={"accept-language": "ps"}).content.decode()
    assert frame("ps") in body and NOT_FOUND["ps"] in body
    body = client.get("/no-such-page/", headers={"accept-language": "de"}).content.decode()
    assert frame("en") in body and NOT_FOUND["en"] in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_busy_page_speaks_the_language_of_the_address(language: str) -> None:
    request = RequestFactory().post(f"/{language}/report/narcotics/corruption/")
    with translation.override("en"):  # whatever the thread had before: the address decides
        response = busy(request)
    assert response.status_code == 503 and response["Retry-After"]
    body = response.content.decode()
    assert frame(language) in body
    with translation.override(language):
        assert translation.gettext("Too many people are sending at once") in body


def test_pashto_and_persian_run_right_to_left_and_every_language_as_django_knows_it() -> None:
    """A language an agency adds renders right to left exactly when LANG_INFO says bidi."""
    for language in LANGUAGES:
        with translation.override(language):
            assert translation.get_language_bidi() == get_language_info(language)["bidi"]
    assert get_language_info("ps")["bidi"] and get_language_info("fa")["bidi"]
    assert not get_language_info("zh-hans")["bidi"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.django_db
def test_desk_page_runs_in_the_direction_of_its_language(
    client: Client, desk_with_recipient: DeskWithRecipient, language: str
) -> None:
    body = client.get(f"/{language}/report/narcotics/").content.decode()
    assert frame(language) in body


def test_shipped_categories_have_every_text_in_every_language() -> None:
    def texts(category: dict) -> list[dict[str, str]]:
        found = [category["names"]]
        for question in category["questions"]:
            found += [
                question["labels"],
                *([question["help_texts"]] if question["help_texts"] else []),
            ]
            found += [choice["labels"] for choice in question["choices"]]
        return found

    for category in DEFAULT_CATEGORIES:
        for text in texts(category):
            assert sorted(code for code, value in text.items() if value) == sorted(LANGUAGES)


@pytest.mark.django_db
def test_form_questions_are_shown_in_pashto(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    body = client.get("/ps/report/narcotics/drug-trafficking/").content.decode()
    assert "تاسو دا څنګه پېژنئ؟" in body  # How do you know this?
    assert "راپور ولېږئ" in body  # Send report
