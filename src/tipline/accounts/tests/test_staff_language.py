"""Each staff member's language is kept in their account and speaks on every staff page;
before sign-in the browser's Accept-Language chooses."""

import pytest
from django.test import Client

from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.testing.fixtures import DeskWithRecipient, sign_in


@pytest.mark.django_db
def test_a_new_account_has_no_language_until_one_is_chosen(
    desk_with_recipient: DeskWithRecipient,
) -> None:
    assert desk_with_recipient.analyst.language == ""


@pytest.mark.django_db
def test_before_sign_in_the_browser_language_chooses() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans,zh;q=0.9").get("/staff/signin/")
    text = page.content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in text
    assert "工作人员登录" in text

    page = Client(HTTP_ACCEPT_LANGUAGE="ur").get("/staff/signin/")
    assert '<html lang="ur" dir="rtl">' in page.content.decode()


@pytest.mark.django_db
def test_the_chosen_language_is_kept_in_the_account_and_wins_over_the_browser(
    desk_with_recipient: DeskWithRecipient,
) -> None:
    setup = desk_with_recipient
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(client, setup.analyst, setup.device)
    assert client.get("/staff/settings/").status_code == 200

    response = client.post("/staff/settings/", {"language": "ur"})
    assert response.status_code == 200
    setup.analyst.refresh_from_db()
    assert setup.analyst.language == "ur"
    event = AuditEvent.objects.get(action="staff.language_changed")
    assert event.actor == setup.analyst and event.detail["language"] == "ur"

    inbox = client.get("/staff/desk/narcotics/").content.decode()
    assert '<html lang="ur" dir="rtl">' in inbox
    assert "کوئی رپورٹ مطابقت نہیں رکھتی۔" in inbox  # "No report matches."


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["xx", "", "ur" * 40, "zh-hans\x00", "اردو"])
def test_a_language_we_do_not_ship_is_refused_and_changes_nothing(
    desk_with_recipient: DeskWithRecipient, bad: str
) -> None:
    setup = desk_with_recipient
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    response = client.post("/staff/settings/", {"language": bad})
    assert response.status_code == 400
    setup.analyst.refresh_from_db()
    assert setup.analyst.language == ""
    assert not AuditEvent.objects.filter(action="staff.language_changed").exists()


@pytest.mark.django_db
def test_the_settings_page_needs_a_signed_in_staff_member() -> None:
    response = Client().post("/staff/settings/", {"language": "ur"})
    assert response.status_code == 302 and "/staff/signin/" in response["Location"]


@pytest.mark.django_db
def test_reporter_text_keeps_its_own_language_on_a_translated_case_page(
    desk_with_recipient: DeskWithRecipient,
) -> None:
    setup = desk_with_recipient
    report, _code = report_in(setup, language="zh-hans", description="码头夜里有船卸货")
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    client.post("/staff/settings/", {"language": "ur"})
    page = client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    assert '<html lang="ur" dir="rtl">' in page
    assert '<p class="reporter-text" lang="zh-hans" dir="auto">码头夜里有船卸货</p>' in page
