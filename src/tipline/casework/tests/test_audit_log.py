"""The audit log in the reader's language: a sentence for every kind the code records,
report numbers and desk names instead of ids, pages, filters, the CSV, and refusals."""

import ast
import csv
import io
import uuid
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from tipline.accounts.actions import create_staff, set_language
from tipline.audit.actions import record
from tipline.audit.models import AuditEvent
from tipline.casework import actions as casework
from tipline.casework.audit_log import PAGE_SIZE, safe_cell
from tipline.casework.audit_sentences import ReportName, say, sentence_key
from tipline.desks.actions import add_member
from tipline.reports.reporter_time import reporter_day
from tipline.sharing.models import PartnerState
from tipline.sharing.packages import KINDS as PACKAGE_KINDS
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2]
# Functions that hand one of their arguments to `record` as the kind: its position.
PASSING_THE_KIND = {"record": 0, "_audit": 0, "count_failure": 1, "count_wrong_code": 2}
# Kinds made from a value at run time, and every value they can take. A new one of these
# fails the test below until it is listed here, with its sentences.
MADE_KINDS = {
    "f'partner.{state}'": {f"partner.{state}" for state in PartnerState.values},
    "f'share.{kind}_sent'": {"share.message_sent", "share.outcome_sent"},
    "f'share.{payload.kind}_received'": {
        f"share.{kind}_received" for kind in PACKAGE_KINDS - {"hello", "share", "opened"}
    }
    - {"share.withdraw_received"},
    "f'admin.{obj._meta.model_name}.{verb}'": {
        f"admin.{model}.{verb}"
        for model in ("desk", "category", "label", "staffuser", "signinpolicy")
        for verb in ("created", "changed", "deleted")
    },
}


def _strings(node: ast.AST, assigned: dict[str, ast.AST]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body, assigned) | _strings(node.orelse, assigned)
    if isinstance(node, ast.JoinedStr):
        made = ast.unparse(node)
        assert made in MADE_KINDS, f"a kind made at run time, not listed: {made}"
        return MADE_KINDS[made]
    if isinstance(node, ast.Name):
        if node.id in assigned:
            return _strings(assigned[node.id], assigned)
        return set()  # a parameter: its callers are read as well
    raise AssertionError(f"a kind the test cannot read: {ast.unparse(node)}")


def recorded_kinds() -> set[str]:
    """Every kind the code can record, read from its source."""
    kinds: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            assigned = {
                target.id: node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
                position = PASSING_THE_KIND.get(str(name))
                if position is not None and len(call.args) > position:
                    kinds |= _strings(call.args[position], assigned)
                if name == "store_report":
                    for keyword in call.keywords:
                        if keyword.arg == "event":
                            kinds |= _strings(keyword.value, assigned)
    kinds.add("report.received")  # store_report's default
    return kinds


def test_every_recorded_kind_has_a_sentence() -> None:
    kinds = recorded_kinds()
    assert {"report.viewed", "share.received", "signin.security_key_cloned"} <= kinds
    assert "audit.exported" in kinds and len(kinds) > 70
    assert {kind for kind in kinds if sentence_key(kind) is None} == set()


def test_an_unknown_kind_is_shown_as_its_kind() -> None:
    shown = say("someday.new_kind", actor="amina", desk=None, report=None, detail={}, html=False)
    assert shown == "someday.new_kind"


BORDER_14 = ReportName(desk="Border desk", number=14)
OPENED = {
    "en": "amina opened report 14 of Border desk.",
    "ur": "amina نے Border desk کی رپورٹ 14 کھولی۔",
    "zh-hans": "amina 打开了Border desk的第 14 号举报。",
}
STATUS = {
    "en": "amina changed the status of report 14 of Border desk from New to Closed (Duplicate).",
    "ur": "amina نے Border desk کی رپورٹ 14 کی حالت نئی سے بند (دہرائی گئی) کر دی۔",
    "zh-hans": "amina 将Border desk的第 14 号举报的状态从新建改为已关闭（重复）。",
}


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_sentences_in_each_staff_language(language: str) -> None:
    with translation.override(language):
        opened = say(
            "report.viewed",
            actor="amina",
            desk="Border desk",
            report=BORDER_14,
            detail={},
            html=False,
        )
        status = say(
            "report.status_changed",
            actor="amina",
            desk="Border desk",
            report=BORDER_14,
            detail={"status": "closed", "previous": "new", "close_reason": "duplicate"},
            html=False,
        )
        html = say(
            "report.viewed",
            actor="<b>",
            desk="Border desk",
            report=BORDER_14,
            detail={},
            html=True,
        )
    assert (opened, status) == (OPENED[language], STATUS[language])
    assert "<bdi>&lt;b&gt;</bdi>" in html and "<b>" not in html


@pytest.mark.parametrize("language", ["ur", "zh-hans"])
def test_every_sentence_is_translated(language: str) -> None:
    from tipline.casework.audit_sentences import SENTENCES

    with translation.override("en"):
        english = {kind: str(text) for kind, text in SENTENCES.items()}
    with translation.override(language):
        untranslated = [kind for kind, text in SENTENCES.items() if str(text) == english[kind]]
    assert untranslated == []


# The pages


@pytest.fixture
def desk(desk_with_recipient: DeskWithRecipient, files_dir: object) -> DeskWithRecipient:
    report_in(desk_with_recipient, description="Boats unload at the jetty at night")
    return desk_with_recipient


def signed_in(username: str, role: str, *desks: object) -> tuple[Client, object]:
    new = create_staff(username=username, password=STRONG_PASSWORD, role=role, acting_user=None)
    for each in desks:
        add_member(each, new.user, receives_reports=True, acting_user=None)  # type: ignore[arg-type]
    client = Client()
    sign_in(client, new.user, new.device)
    return client, new.user


def test_the_page_speaks_in_sentences_with_numbers_not_ids(desk: DeskWithRecipient) -> None:
    client, user = signed_in("sue", "supervisor", desk.desk)
    from tipline.reports.models import Report

    report = Report.objects.get()
    casework.set_status(report, user, "in_progress")  # type: ignore[arg-type]
    page = client.get("/staff/audit/").content.decode()
    assert "A reporter sent report <bdi>1</bdi> of <bdi>Narcotics desk</bdi>." in page
    assert "from <bdi>New</bdi> to <bdi>In progress</bdi>" in page
    assert str(report.id) not in page
    assert "report.received" not in page.split("<tbody>")[1].replace(
        'data-kind="report.received"', ""
    )
    # A reporter's later moments are kept to the day: shown as a date, no midnight.
    with transaction.atomic():
        record(
            "report.reporter_message",
            actor=None,
            desk=desk.desk,
            report_id=report.id,
            at=reporter_day(),
        )
    row = client.get("/staff/audit/?kind=report.reporter_message").content.decode()
    shown = row.split('data-kind="report.reporter_message"')[0].rsplit("<bdi>", 1)[1]
    assert ":" not in shown.split("</bdi>")[0]
    with translation.override("en"):
        set_language(user, "ur", acting_user=user)  # type: ignore[arg-type]
    urdu = client.get("/staff/audit/").content.decode()
    assert "نے" in urdu and "کی رپورٹ <bdi>1</bdi>" in urdu


def test_languages_are_named_not_coded(desk: DeskWithRecipient) -> None:
    client, user = signed_in("ada", "administrator")
    set_language(user, "ur", acting_user=user)  # type: ignore[arg-type]
    page = client.get("/staff/audit/?kind=staff.language_changed").content.decode()
    assert "کی زبان <bdi>اردو</bdi> رکھی" in page, page.split("<tbody>")[1][:600]


def _many(desk: DeskWithRecipient, user: object, count: int) -> None:
    with transaction.atomic():
        for _ in range(count):
            record("report.viewed", actor=user, desk=desk.desk, report_id=None)


def test_pages_of_fifty_newest_first_there_and_back(desk: DeskWithRecipient) -> None:
    client, user = signed_in("sue", "supervisor", desk.desk)
    _many(desk, user, 2 * PAGE_SIZE + 20)
    total = AuditEvent.objects.filter(desk=desk.desk).count()
    seen: list[str] = []
    response = client.get("/staff/audit/?kind=report.viewed")
    pages = 0
    while True:
        pages += 1
        body = response.content.decode()
        seen += _event_ids(response)
        if 'rel="next"' not in body:
            break
        link = body.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
        assert "kind=report.viewed" in link
        response = client.get("/staff/audit/" + link.replace("&amp;", "&"))
    viewed = AuditEvent.objects.filter(action="report.viewed").count()
    assert pages == 3 and len(seen) == len(set(seen)) == viewed <= total
    body = response.content.decode()
    back = body.split('rel="prev"')[0].rsplit('href="', 1)[1].split('"')[0]
    previous = client.get("/staff/audit/" + back.replace("&amp;", "&"))
    assert len(_event_ids(previous)) == PAGE_SIZE


def _event_ids(response: object) -> list[str]:
    body = response.content.decode()  # type: ignore[attr-defined]
    return [part.split('"')[0] for part in body.split('data-event="')[1:]]


def test_each_filter(desk: DeskWithRecipient) -> None:
    client, user = signed_in("sue", "supervisor", desk.desk)
    report_in(desk, description="A second report")
    from tipline.reports.models import Report

    second = Report.objects.get(number=2)
    casework.set_status(second, user, "in_triage")  # type: ignore[arg-type]

    def kinds(query: str) -> list[str]:
        response = client.get("/staff/audit/?" + query)
        assert response.status_code == 200, response.content.decode()[:2000]
        body = response.content.decode()
        return [part.split('"')[0] for part in body.split('data-kind="')[1:]]

    # (A supervisor's own reading of the log has no desk: it is the administrator's to see.)
    assert set(kinds("person=sue")) == {"report.status_changed"}
    assert set(kinds("desk=narcotics&number=2")) == {"report.received", "report.status_changed"}
    assert set(kinds("number=1")) == {"report.received"}  # one desk: the number is enough
    assert set(kinds("kind=report.received")) == {"report.received"}
    assert len(kinds("kind=report.received")) == 2
    assert kinds("since=2999-01-01") == []
    missing = client.get("/staff/audit/?desk=narcotics&number=99").content.decode()
    assert "no report with this number" in missing


@pytest.mark.parametrize(
    "query",
    [
        "number=abc",
        "number=99999999999999999999999",
        "number=-3",
        "before=x",
        "before=999999999999999999999999999",
        "person=nobody-of-that-name",
        "desk=no-such-desk",
        "kind=report.made_up",
        "since=yesterday",
        "before=1&after=2",
    ],
)
def test_a_hostile_filter_is_a_clear_400(desk: DeskWithRecipient, query: str) -> None:
    client, _user = signed_in("sue", "supervisor", desk.desk)
    for path in ("/staff/audit/", "/staff/audit/audit-log.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert 'role="alert"' in response.content.decode()


def test_a_cursor_not_found_gives_an_empty_page(desk: DeskWithRecipient) -> None:
    client, _user = signed_in("sue", "supervisor", desk.desk)
    response = client.get("/staff/audit/?before=987654321")
    assert response.status_code == 200 and "Nothing matches." in response.content.decode()


def test_a_number_needs_its_desk_when_there_are_several(desk: DeskWithRecipient) -> None:
    other = DeskWithRecipient(slug="arms")
    client, _user = signed_in("sue", "supervisor", desk.desk, other.desk)
    response = client.get("/staff/audit/?number=1")
    assert response.status_code == 400
    assert "Choose the desk of the report number." in response.content.decode()


def test_a_supervisor_cannot_filter_into_another_desk(desk: DeskWithRecipient) -> None:
    other = DeskWithRecipient(slug="arms")
    report_in(other, description="Rifles")
    client, _user = signed_in("sue", "supervisor", desk.desk)
    assert client.get("/staff/audit/?desk=arms&number=1").status_code == 400
    assert client.get(f"/staff/audit/?person={other.analyst.username}").status_code == 400
    body = client.get("/staff/audit/?kind=report.received").content.decode()
    assert 'data-desk="narcotics"' in body and 'data-desk="arms"' not in body


def test_analysts_may_not_read_it(desk: DeskWithRecipient) -> None:
    client = Client()
    sign_in(client, desk.analyst, desk.device)
    assert client.get("/staff/audit/").status_code == 403
    assert client.get("/staff/audit/audit-log.csv").status_code == 403


def _csv(response: object) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_holds_what_the_filters_select_in_sentences(desk: DeskWithRecipient) -> None:
    client, user = signed_in("sue", "supervisor", desk.desk)
    _many(desk, user, PAGE_SIZE + 5)
    response = client.get("/staff/audit/audit-log.csv?kind=report.viewed")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    header, *lines = _csv(response)
    assert header == ["Time (UTC)", "Kind", "What happened", "Person", "Desk", "Report"]
    assert len(lines) == PAGE_SIZE + 5  # every event selected, not one page
    assert {line[1] for line in lines} == {"report.viewed"}
    assert lines[0][2] == "sue opened a report." and lines[0][3] == "sue"
    everything = _csv(client.get("/staff/audit/audit-log.csv?kind=report.received"))
    assert everything[1][2] == "A reporter sent report 1 of Narcotics desk."
    assert everything[1][5] == "1" and everything[1][0].endswith(":00:00")  # the hour kept
    assert AuditEvent.objects.filter(action="audit.exported", actor=user).count() == 2


def test_the_csv_cannot_carry_a_formula(desk: DeskWithRecipient) -> None:
    client, user = signed_in("@sue", "supervisor", desk.desk)
    desk.desk.name = '=HYPERLINK("http://x")'
    desk.desk.save()
    _many(desk, user, 1)
    _header, line = _csv(client.get("/staff/audit/audit-log.csv?kind=report.viewed"))
    assert line[2].startswith("'@sue") and line[3] == "'@sue"
    assert line[4] == '\'=HYPERLINK("http://x")'
    for value in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("amina") == "amina" and safe_cell(None) == ""


def test_a_deleted_report_keeps_its_number_in_the_log(desk: DeskWithRecipient) -> None:
    import datetime as dt

    from django.utils import timezone

    from tipline.casework.retention import expire_reports
    from tipline.reports.models import Report

    client, user = signed_in("sue", "supervisor", desk.desk)
    report = Report.objects.get()
    casework.set_status(report, user, "closed", close_reason="no_action")  # type: ignore[arg-type]
    with transaction.atomic():  # an event of a report whose number nothing kept
        record("report.viewed", actor=user, desk=desk.desk, report_id=uuid.uuid4())
    assert expire_reports(timezone.now() + dt.timedelta(days=4000)) == 1
    page = client.get("/staff/audit/").content.decode()
    deleted = "report <bdi>1</bdi> of <bdi>Narcotics desk</bdi> was deleted at the end"
    assert deleted[0].upper() + deleted[1:] in page
    assert "A reporter sent report <bdi>1</bdi> of <bdi>Narcotics desk</bdi>." in page
    assert "opened a report of <bdi>Narcotics desk</bdi> no longer kept." in page


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_kinds_are_offered_in_words(language: str) -> None:
    from tipline.casework.audit_log import kind_choices

    with translation.override(language):
        choices = kind_choices()
    kinds = [kind for kind, _text in choices]
    texts = [text for _kind, text in choices]
    assert "report.viewed" in kinds and len(set(texts)) == len(texts)
    opened = {"en": "… opened ….", "ur": "… نے … کھولی۔", "zh-hans": "… 打开了…。"}
    assert dict(choices)["report.viewed"] == opened[language]
    assert not any(text == kind for kind, text in choices)
