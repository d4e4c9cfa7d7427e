"""The workload page says each state by its name in the reader's language, never its code."""

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff, set_language
from tipline.casework import actions as casework
from tipline.reports.models import Report
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db

IN_WORDS = {
    "en": [
        "New: <strong>1</strong>",
        "In progress: <strong>1</strong>",
        "Closed: <strong>0</strong>",
    ],
    "ur": ["نئی: <strong>1</strong>", "جاری: <strong>1</strong>", "بند: <strong>0</strong>"],
    "zh-hans": [
        "新建：<strong>1</strong>",
        "处理中：<strong>1</strong>",
        "已关闭：<strong>0</strong>",
    ],
}


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_states_in_words(
    desk_with_recipient: DeskWithRecipient, files_dir: object, language: str
) -> None:
    setup = desk_with_recipient
    report_in(setup, description="One")
    report_in(setup, description="Two")
    new = create_staff(
        username="sue",
        password=STRONG_PASSWORD,
        role="supervisor",
        desks=[setup.desk],
        acting_user=None,
    )
    casework.set_status(Report.objects.get(number=2), new.user, "in_progress")
    set_language(new.user, language, acting_user=None)
    client = Client()
    sign_in(client, new.user, new.device)
    page = client.get("/staff/workload/").content.decode()
    for words in IN_WORDS[language]:
        assert words in page
    assert "in_progress" not in page and "in_triage" not in page
