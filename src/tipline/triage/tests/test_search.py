"""Search: an analyst finds reports by words of their text, messages and notes, in every
reporter language (look-alike letters folded, Chinese without spaces, Roman Urdu as
typed), among the reports they can open; what is kept is keyed tokens, nothing readable."""

import pytest
from django.core.management import call_command
from django.test import Client

from tipline.casework.tests.helpers import report_in
from tipline.reports.models import Report, ReportKeySeal
from tipline.reports.tests.test_nothing_readable_at_rest import (
    data_folder_bytes,
    database_bytes,
    forms_of,
)
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in
from tipline.triage import search
from tipline.triage.models import SearchToken, SearchWaiting
from tipline.triage.words import words

pytestmark = pytest.mark.django_db

TEXTS = {
    "en": "A white van parks behind the old mill every night.",
    # Urdu typed on an Arabic keyboard: Arabic kaf, yeh and heh, with vowel marks.
    "ur": "سفيد گاڑي يہاں كَتابوں كي دكان كے پيچهے كهڑي ہے",
    # Persian with a zero-width non-joiner and a diacritic.
    "fa": "ماشین سفید هر شب پشت آسیاب می\u200cایستد",
    # Pashto with its own yeh forms.
    "ps": "سپینه ګاډۍ هره شپه د ژرندې شاته دريږي",
    "zh": "一辆白色面包车每晚停在旧磨坊后面。",
    "roman": "Safed gaari har raat purani chakki ke peeche khari hoti hai",
}


@pytest.fixture
def signed_in(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> tuple[Client, DeskWithRecipient]:
    client = Client()
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    return client, desk_with_recipient


def found(client: Client, typed: str) -> list[int]:
    response = client.get("/staff/desk/narcotics/", {"search": typed})
    assert response.status_code == 200
    return sorted(row[0].number for row in response.context["rows"])


def index_as_the_analyser_does(setup: DeskWithRecipient) -> None:
    """What the background analyser does with a signed-in recipient's key."""
    search.index_waiting(setup.desk.pk, setup.analyst, setup.private_key)


def test_finds_reports_by_a_word_in_each_language_with_folded_variants(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    for text in TEXTS.values():  # numbers 1..6 in TEXTS' order
        report_in(setup, description=text)
    assert SearchWaiting.objects.count() == 6
    index_as_the_analyser_does(setup)
    assert not SearchWaiting.objects.exists()

    assert found(client, "white VAN") == [1]
    # Urdu searched from an Urdu keyboard (Farsi yeh, keheh, heh goal, no marks).
    assert found(client, "کتابوں") == [2]
    assert found(client, "یہاں") == [2]
    assert found(client, "کھڑی") == [2]
    # Persian without the non-joiner; the Arabic yeh typed for the Farsi one.
    assert found(client, "میایستد") == [3]
    assert found(client, "سفيد") == [2, 3]
    # Pashto: the yeh with a tail typed as a plain one.
    assert found(client, "ګاډی") == [4]
    # Chinese has no spaces: any two or more characters of the text find it.
    assert found(client, "面包车") == [5]
    assert found(client, "磨坊") == [5]
    assert found(client, "面车") == []
    # Roman Urdu as typed, any case; another spelling is another word.
    assert found(client, "Safed GAARI") == [6]
    assert found(client, "safaid") == []
    # Every word must be there.
    assert found(client, "white night") == [1]
    assert found(client, "white gaari") == []


def test_finds_words_of_messages_and_notes_once_indexed_again(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    _, receipt = report_in(setup)
    index_as_the_analyser_does(setup)
    Client().post("/en/receipt/message/", {"receipt": receipt, "text": "The driver is Farrukh"})
    client.post("/staff/desk/narcotics/report/1/note/", {"text": "Check the toll camera"})
    assert SearchWaiting.objects.count() == 1
    index_as_the_analyser_does(setup)
    assert found(client, "farrukh") == [1]
    assert found(client, "toll camera") == [1]


def test_returns_nothing_from_reports_the_analyst_cannot_open(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    report_in(setup, description="The white van again.")
    report_in(setup, description="A white van, seen twice.")
    index_as_the_analyser_does(setup)
    # Not sealed to this analyst (as for a recipient added after the report arrived).
    ReportKeySeal.objects.filter(report__number=1, staff=setup.analyst).delete()
    assert found(client, "white van") == [2]

    # Another desk's report holding the same words is not found from this desk.
    other = DeskWithRecipient(slug="customs")
    report_in(other, description="A white van at the border.")
    search.index_waiting(other.desk.pk, other.analyst, other.private_key)
    assert found(client, "white van") == [2]
    assert found(client, "border") == []


def test_a_search_with_no_word_or_too_long_gets_a_clear_answer(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    report_in(setup)
    index_as_the_analyser_does(setup)
    assert found(client, "!!! ... ؟") == []
    response = client.get("/staff/desk/narcotics/", {"search": "x" * 201})
    assert response.status_code == 400 and "errorlist" in response.content.decode()


def test_the_command_indexes_reports_from_before_with_a_recipients_key(
    signed_in: tuple[Client, DeskWithRecipient], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    client, setup = signed_in
    report_in(setup, description="Crates at the north jetty.")
    SearchWaiting.objects.all().delete()  # as for a report from before search
    assert found(client, "jetty") == []
    monkeypatch.setattr("sys.stdin", io.StringIO(STRONG_PASSWORD + "\n"))
    out = io.StringIO()
    call_command(
        "searchindex", setup.analyst.username, desk="narcotics", password_stdin=True, stdout=out
    )
    assert "Indexed 1 report" in out.getvalue()
    assert found(client, "jetty") == [1]


def test_folding_gives_one_word_for_look_alike_spellings() -> None:
    assert words("كتاب يہاں") == words("کتاب یہاں")
    assert words("مِی\u200cخواهم") == words("میخواهم")
    assert words("ۍ ې ي ى") == ["ی"]
    assert words("۱۲۳ ١٢٣ 123") == ["123"]
    assert words("面包车") == ["面", "包", "车", "面包", "包车"]


@pytest.mark.django_db(transaction=True)
def test_no_searched_word_is_readable_at_rest(files_dir: object) -> None:
    setup = DeskWithRecipient()
    marker, urdu_marker = "MARKERSEARCH9", "نشانیتلاش"
    report_in(setup, description=f"{marker} {urdu_marker} 标记词")
    search.index_waiting(setup.desk.pk, setup.analyst, setup.private_key)
    assert SearchToken.objects.filter(report=Report.objects.get()).count() >= 3
    at_rest = database_bytes() + b"".join(content for _, content in data_folder_bytes())
    for word in (marker, marker.lower(), urdu_marker, "标记词", "标记"):
        for form in forms_of(word):
            assert form not in at_rest, word
