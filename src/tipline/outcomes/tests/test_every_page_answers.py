"""Every statistics page answers, for every role and every mix of desks (none, training
only, real and training), in every staff language; its period form, sent back as it is
shown, shows the same period and the same charts again."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client

from tipline.accounts.actions import create_staff, set_language
from tipline.casework.tests.helpers import report_in
from tipline.desks.actions import add_member, create_desk
from tipline.desks.models import Desk
from tipline.outcomes import actions
from tipline.outcomes.actions import OutcomeFacts
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime.now(datetime.UTC).date()
VALUE = re.compile(r'<input type="date" name="(start|end)" value="([^"]*)"')
MIXES = {"none": [], "training only": ["training"], "real and training": ["narcotics", "training"]}


@pytest.fixture
def desks(desk_with_recipient: DeskWithRecipient, files_dir: object) -> dict[str, Desk]:
    report, _receipt = report_in(desk_with_recipient)
    actions.record_outcome(
        report, OutcomeFacts("cleared", TODAY), acting_user=desk_with_recipient.analyst
    )
    training = create_desk(slug="training", name="Training desk", acting_user=None)
    Desk.objects.filter(pk=training.pk).update(is_training=True)
    return {"narcotics": desk_with_recipient.desk, "training": Desk.objects.get(pk=training.pk)}


def period_of(page: str) -> dict[str, str]:
    return dict(VALUE.findall(page))


@pytest.mark.parametrize("role", ["analyst", "supervisor", "administrator"])
@pytest.mark.parametrize("mix", list(MIXES))
def test_every_statistics_page_answers_and_keeps_its_period(
    desks: dict[str, Desk], role: str, mix: str
) -> None:
    staff = create_staff(
        username=f"{role}-x", password=STRONG_PASSWORD, role=role, acting_user=None
    )
    for slug in MIXES[mix]:
        add_member(desks[slug], staff.user, acting_user=None)
    client = Client()
    sign_in(client, staff.user, staff.device)
    pages = ["/staff/outcomes/", "/staff/outcomes/campaigns/"]
    for slug in MIXES[mix]:
        pages += [f"/staff/outcomes/desk/{slug}/", f"/staff/outcomes/desk/{slug}/rewards/"]
    for language, _name in settings.STAFF_LANGUAGES:
        set_language(staff.user, language, acting_user=None)
        for url in pages:
            response = client.get(url)
            if role == "analyst":
                assert response.status_code == 403, (url, language)
                continue
            assert response.status_code == 200, (url, language)
            page = response.content.decode()
            assert f'lang="{language}"' in page
            if "/rewards/" in url or "/campaigns/" in url:
                continue
            shown = period_of(page)
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", shown["start"]), (url, language, shown)
            again = client.get(url, shown)
            assert again.status_code == 200, (url, language)
            assert period_of(again.content.decode()) == shown
            assert again.content.decode().count("<svg") == page.count("<svg") > 0
            for section in re.findall(r'href="(/staff/outcomes/[^"]*csv/[^"?]+/)\?', page):
                csv = client.get(section, shown)
                assert csv.status_code == 200, (section, language)
