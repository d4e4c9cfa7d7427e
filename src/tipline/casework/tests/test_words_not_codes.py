"""Staff read words, not codes: a yes-or-no answer as "Yes" in the language asked for (and
so to the reporter in theirs), the page language of a report by its name."""

import pytest
from django.test import Client

from tipline.reports import conversation
from tipline.testing.fixtures import DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db

YES = {"en": "Yes", "ur": "ہاں", "zh-hans": "是", "ps": "هو", "fa": "بله"}


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: object) -> DeskWithRecipient:
    return desk_with_recipient


def test_a_yes_or_no_answer_reads_as_a_word_in_each_language(setup: DeskWithRecipient) -> None:
    report, _code = report_in(setup, category="human-trafficking", q_danger="yes")
    opened = conversation.open_as_staff(report, setup.analyst, setup.private_key)
    for language, word in YES.items():
        answers = dict(conversation.answer_rows(opened, language))
        assert word in answers.values(), (language, answers)
        assert "yes" not in answers.values()
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    page = client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    assert ">Yes</dd>" in page


def test_the_page_language_is_named(setup: DeskWithRecipient) -> None:
    report, _code = report_in(setup, language="zh-hans", description="码头夜里有船卸货")
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    page = client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    panel = page.split('class="panel triage"')[1].split("<h3>")[0]
    assert "page language: <strong>Chinese</strong>" in panel
    # Above the report and over the reply, the reporter's language by its name too.
    assert "reporter's language: <strong>Chinese</strong>" in page
    assert "They wrote in <strong>Chinese</strong>" in page
    assert ">zh-hans<" not in page


CATEGORY = {"en": "Drug trafficking", "ur": "منشیات کی اسمگلنگ", "zh-hans": "毒品贩运"}


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_categories_are_named_in_the_readers_language(
    setup: DeskWithRecipient, language: str
) -> None:
    from tipline.accounts.actions import set_language

    report, _code = report_in(setup, category="drug-trafficking")
    set_language(setup.analyst, language, acting_user=None)
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    inbox = client.get("/staff/desk/narcotics/").content.decode()
    row = inbox.split("<tbody>")[1]
    assert f"<td>{CATEGORY[language]}" in row
    assert f'<option value="{report.category_id}">{CATEGORY[language]}</option>' in inbox
    case = client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    assert f"<bdi>{CATEGORY[language]}</bdi>" in case


def test_questions_read_in_the_analysts_language_answers_in_the_reporters(
    setup: DeskWithRecipient,
) -> None:
    """An Urdu-reading analyst reads the question in Urdu, the reporter's own words as they
    wrote them, and the question as the reporter read it beside it."""
    from tipline.accounts.actions import set_language

    report, _code = report_in(
        setup, language="zh-hans", category="drug-trafficking", q_where="码头北边的仓库"
    )
    set_language(setup.analyst, "ur", acting_user=None)
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    page = client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    answers = page.split('<dl class="answers">')[1].split("</dl>")[0]
    opened = conversation.open_as_staff(report, setup.analyst, setup.private_key)
    (question_ur, answer, question_zh), *_ = [
        row for row in conversation.answers_for_reader(opened, "ur") if row[1] == "码头北边的仓库"
    ]
    assert question_ur != question_zh
    assert f'<dt dir="auto">{question_ur} <span class="muted" lang="zh-hans"' in answers
    assert f"({question_zh})" in answers
    assert f'<dd lang="zh-hans" dir="auto">{answer}</dd>' in answers
