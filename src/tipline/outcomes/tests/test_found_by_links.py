"""The figures are found by links: the staff navigation leads supervisors and
administrators to the statistics, and the statistics to each desk, the campaigns and each
desk's rewards page. Analysts get no such link."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from tipline.accounts.actions import create_staff
from tipline.desks.actions import add_member
from tipline.outcomes import rewards
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="([^"]+)"')


def links(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return set(LINK.findall(response.content.decode()))


@pytest.mark.parametrize("role", ["supervisor", "administrator"])
def test_statistics_campaigns_and_rewards_are_reached_by_links(
    desk_with_recipient: DeskWithRecipient, role: str
) -> None:
    staff = create_staff(username="boss", password=STRONG_PASSWORD, role=role, acting_user=None)
    add_member(desk_with_recipient.desk, staff.user, acting_user=None)
    client = Client()
    sign_in(client, staff.user, staff.device)
    from_inbox = links(client, "/staff/desk/narcotics/")
    assert "/staff/outcomes/" in from_inbox
    from_statistics = links(client, "/staff/outcomes/")
    assert {
        "/staff/outcomes/desk/narcotics/",
        "/staff/outcomes/desk/narcotics/rewards/",
        "/staff/outcomes/campaigns/",
    } <= from_statistics
    assert "/staff/outcomes/desk/narcotics/rewards/" in links(
        client, "/staff/outcomes/desk/narcotics/"
    )
    assert "/staff/outcomes/" in links(client, "/staff/outcomes/campaigns/")


def test_an_analyst_sees_no_statistics_link(desk_with_recipient: DeskWithRecipient) -> None:
    client = Client()
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    assert "/staff/outcomes/" not in links(client, "/staff/desk/narcotics/")


REPORTER_LANGUAGES = ["en", "ur", "zh-hans", "ps", "fa"]


@pytest.mark.parametrize("language", REPORTER_LANGUAGES)
def test_the_desk_page_links_to_its_public_results_in_every_reporter_language(
    desk_with_recipient: DeskWithRecipient, language: str
) -> None:
    """A plain link (no script) from the reporter's desk page to the public results, once
    the desk publishes them; with it, the results page answers in the same language."""
    page = f"/{language}/report/narcotics/"
    results = f"/{language}/results/narcotics/"
    assert results not in links(Client(), page)  # nothing published: no link to a 404
    rewards.set_programme(
        desk_with_recipient.desk,
        currency="PKR",
        ceiling=Decimal(10),
        acting_user=None,  # type: ignore[arg-type]
        publish_results=True,
    )
    body = Client().get(page).content.decode()
    assert f'<a href="{results}">' in body and "<script" not in body
    with translation.override(language):
        assert translation.gettext("What reports achieved") in body
    assert Client().get(results).status_code == 200
