"""The figures are found by links: the staff navigation leads supervisors and
administrators to the statistics, and the statistics to each desk, the campaigns and each
desk's rewards page. Analysts get no such link."""

import re

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.desks.actions import add_member
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
