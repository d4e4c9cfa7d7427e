"""A desk's languages are the desk's: the switcher on a page within a desk offers only them,
and a page asked for in another language answers with the desk's languages to choose from,
storing nothing and losing nothing typed."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from tipline.desks.models import Desk
from tipline.outcomes import rewards
from tipline.reports.models import Category, Message, Report
from tipline.reports.tests.helpers import open_form, receipt_from, send_report
from tipline.testing.fixtures import DeskWithRecipient

pytestmark = pytest.mark.django_db

OFFERED = ["en", "ur", "zh-hans"]
NOT_OFFERED = ["ps", "fa"]
EVERY_LANGUAGE = ["en", "ur", "zh-hans", "ps", "fa"]
FORM = "/{language}/report/narcotics/drug-trafficking/"
DESK = "/{language}/report/narcotics/"


@pytest.fixture
def desk() -> Desk:
    """A desk with a recipient that offers English, Urdu and Chinese only."""
    setup = DeskWithRecipient()
    setup.desk.languages = OFFERED
    setup.desk.save()
    return setup.desk


def switcher(body: str) -> list[str]:
    """The languages the page's switcher offers, in its order."""
    nav = re.search(r'<nav class="languages".*?</nav>', body, re.S)
    assert nav, body[:2000]
    return re.findall(r' lang="([\w-]+)"', nav.group(0))


def html_language(body: str) -> str:
    found = re.search(r'<html lang="([\w-]+)"', body)
    assert found
    return found.group(1)


@pytest.mark.parametrize("address", [DESK, FORM])
@pytest.mark.parametrize("language", OFFERED)
def test_pages_within_a_desk_offer_only_its_languages(
    client: Client, desk: Desk, address: str, language: str
) -> None:
    response = client.get(address.format(language=language))
    assert response.status_code == 200
    body = response.content.decode()
    assert switcher(body) == OFFERED
    for code in OFFERED:
        if code != language:
            assert f'href="{address.format(language=code)}"' in body


def test_a_desk_with_no_language_left_speaks_the_sites(client: Client, desk: Desk) -> None:
    Desk.objects.filter(pk=desk.pk).update(languages=["xx", "ps"])  # xx left the installation
    body = client.get(DESK.format(language="ps")).content.decode()
    assert switcher(body) == ["ps"]
    Desk.objects.filter(pk=desk.pk).update(languages=[])
    assert switcher(client.get(DESK.format(language="fa")).content.decode()) == EVERY_LANGUAGE


@pytest.mark.parametrize("address", ["/{language}/receipt/"])
def test_pages_outside_a_desk_offer_the_sites_languages(
    client: Client, desk: Desk, address: str
) -> None:
    body = client.get(address.format(language="ur")).content.decode()
    assert switcher(body) == EVERY_LANGUAGE


@pytest.mark.parametrize("address", [DESK, FORM])
@pytest.mark.parametrize(
    ("accept", "answer"),
    [
        ("", "en"),  # nothing asked: the desk's first language
        ("ur-PK,ur;q=0.9,en;q=0.5", "ur"),
        ("ps,fa;q=0.9,zh-CN;q=0.8,en;q=0.5", "zh-hans"),  # the best the desk has
        ("fr,de;q=0.5", "en"),
    ],
)
@pytest.mark.parametrize("asked", NOT_OFFERED)
def test_another_language_answers_with_the_desks_languages(
    client: Client, desk: Desk, address: str, accept: str, answer: str, asked: str
) -> None:
    response = client.get(address.format(language=asked), headers={"accept-language": accept})
    assert response.status_code == 404
    assert response["Content-Language"] == answer
    assert "Accept-Language" in response["Vary"]
    body = response.content.decode()
    assert html_language(body) == answer
    choices = re.search(r'<ul class="choices other-languages">.*?</ul>', body, re.S)
    assert choices
    links = re.findall(r'<a class="choice" href="([^"]+)" lang="([\w-]+)"', choices.group(0))
    assert links == [(address.format(language=code), code) for code in OFFERED]
    assert switcher(body) == OFFERED
    assert 'name="description"' not in body  # no form in a language the desk does not offer
    assert "csrftoken" not in response.cookies


def test_the_answer_names_the_language_asked_for_in_its_own_script(
    client: Client, desk: Desk
) -> None:
    body = client.get(FORM.format(language="ps"), headers={"accept-language": "ur"})
    text = body.content.decode()
    assert "<bdi>پښتو</bdi>" in text
    assert "یہ ڈیسک" in text  # in Urdu: "This desk ..."


def test_a_form_sent_in_another_language_stores_nothing_and_keeps_the_words(
    client: Client, desk: Desk
) -> None:
    category = Category.objects.get(desk=desk, slug="drug-trafficking")
    fields = open_form(client, category, "ur")  # opened while the desk still offered it
    words = "شمالی جیٹی پر ایک کشتی کریٹ اتارتی ہے۔"
    response = client.post(
        FORM.format(language="ps"),
        {**fields, "description": words, "q_how_known": "saw"},
        headers={"accept-language": "ur"},
    )
    assert response.status_code == 400
    assert not Report.objects.exists()
    body = response.content.decode()
    assert html_language(body) == "ur"
    assert response["Content-Language"] == "ur"
    assert words in body
    assert f'value="{fields["receipt"]}"' in body  # the same report if sent again
    assert f'action="{FORM.format(language="ur")}"' in body
    assert '<input type="radio" name="q_how_known" value="saw"' in body
    assert "checked" in re.search(r'value="saw"[^>]*>', body).group(0)  # type: ignore[union-attr]

    again = client.post(
        FORM.format(language="ur"), {**fields, "description": words, "q_how_known": "saw"}
    )
    assert again.status_code == 200
    report = Report.objects.get()
    assert report.language == "ur"


def test_coming_back_in_another_language_answers_in_the_desks(client: Client, desk: Desk) -> None:
    category = Category.objects.get(desk=desk, slug="drug-trafficking")
    code = receipt_from(send_report(client, category, language="ur"))

    opened = client.post("/fa/receipt/", {"receipt": code}, headers={"accept-language": "fa,ur"})
    assert opened.status_code == 200
    body = opened.content.decode()
    assert html_language(body) == "ur"
    assert opened["Content-Language"] == "ur"
    assert 'action="/ur/receipt/message/"' in body

    before = Message.objects.count()
    written = client.post("/fa/receipt/message/", {"receipt": code, "text": "سه‌شنبه‌ها"})
    assert written.status_code == 200
    assert html_language(written.content.decode()) == "en"  # the desk's first
    assert Message.objects.count() == before + 1  # what was written is kept


def test_a_report_page_offers_its_desks_languages_as_forms_that_keep_the_receipt(
    client: Client, desk: Desk
) -> None:
    category = Category.objects.get(desk=desk, slug="drug-trafficking")
    code = receipt_from(send_report(client, category, language="ur"))
    body = client.post("/ur/receipt/", {"receipt": code}).content.decode()
    assert switcher(body) == OFFERED
    nav = re.search(r'<nav class="languages".*?</nav>', body, re.S).group(0)  # type: ignore[union-attr]
    forms = re.findall(r'<form method="post" action="([^"]+)"', nav)
    assert forms == ["/en/receipt/", "/zh-hans/receipt/"]  # Urdu is the page's own
    digits = "".join(code.split())
    assert nav.count(f'name="receipt" value="{digits}"') == 2

    switched = client.post("/zh-hans/receipt/", {"receipt": code})
    assert switched.status_code == 200
    assert html_language(switched.content.decode()) == "zh-hans"


def test_the_desks_public_results_speak_its_languages(client: Client, desk: Desk) -> None:
    rewards.set_programme(
        desk, currency="PKR", ceiling=Decimal(10), acting_user=None, publish_results=True
    )  # type: ignore[arg-type]
    shown = client.get("/zh-hans/results/narcotics/")
    assert shown.status_code == 200
    assert switcher(shown.content.decode()) == OFFERED
    other = client.get("/ps/results/narcotics/", headers={"accept-language": "ur"})
    assert other.status_code == 404
    assert html_language(other.content.decode()) == "ur"
    assert 'href="/ur/results/narcotics/"' in other.content.decode()


def test_the_first_page_links_each_desk_in_its_languages_only(client: Client, desk: Desk) -> None:
    Desk.objects.filter(pk=desk.pk).update(languages=["ur", "xx", "en"])  # xx left the site
    body = client.get("/", headers={"accept-language": "en"}).content.decode()
    desk_links = re.findall(r'href="/([\w-]+)/report/narcotics/"', body)
    assert desk_links == ["ur", "en"]
