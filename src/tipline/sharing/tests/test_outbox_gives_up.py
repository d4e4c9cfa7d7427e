"""A share is never retried for ever: a partner that cannot be reached (or answers only
with what is not its signed word) is given up `SHARING_GIVE_UP_HOURS` after the package was
queued, and a signed refusal is final at once; the case page shows either, with the reason."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tipline.casework.tests.helpers import report_in
from tipline.sharing import actions, outbox
from tipline.sharing.models import OutboxPackage, Share, ShareState
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import FakePartner
from tipline.testing.fixtures import sign_in

pytestmark = pytest.mark.django_db
CASE = "/staff/desk/narcotics/report/1/"


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def share_with(desks: TwoDesks, partner: FakePartner | None, desk_slug: str) -> Share:
    report, _ = report_in(desks.sender, description="Crates at the jetty")
    return actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=partner.partner if partner else None,
        desk_slug=desk_slug,
        draft=actions.ShareDraft(description="Crates", answers={}, cover_note=""),
    )


def test_an_unreachable_partner_is_given_up_and_the_case_says_why(desks: TwoDesks) -> None:
    partner = FakePartner(base_url="http://127.0.0.1:9")  # nothing listens there
    partner.say_hello()
    share = share_with(desks, partner, "narcotics")
    assert outbox.deliver_due() == 0
    package = OutboxPackage.objects.get(share=share)
    assert package.state == "waiting" and package.last_error.startswith("unreachable")
    # Days later, still unreachable: given up at the next attempt.
    OutboxPackage.objects.filter(pk=package.pk).update(
        created_at=timezone.now() - timedelta(hours=73), next_attempt_at=timezone.now()
    )
    outbox.deliver_due()
    package.refresh_from_db()
    assert package.state == "failed" and package.last_error.startswith("given up after 2")
    share.refresh_from_db()
    assert share.state == ShareState.FAILED
    OutboxPackage.objects.filter(pk=package.pk).update(next_attempt_at=timezone.now())
    outbox.deliver_due()
    assert OutboxPackage.objects.get(pk=package.pk).attempts == 2  # not tried again
    client = Client()
    sign_in(client, desks.sender.analyst, desks.sender.device)
    page = client.get(CASE).content.decode()
    assert "Could not be delivered" in page and "could not be reached for days" in page


def test_a_signed_refusal_is_final_at_once_and_shown(desks: TwoDesks) -> None:
    share = share_with(desks, None, "customs")
    actions.set_desk_rules(
        desks.receiver.desk, accepts_shares=False, requires_approval=False, acting_user=None
    )
    outbox.deliver_due()
    package = OutboxPackage.objects.get(share=share)
    assert (package.state, package.attempts) == ("refused", 1)
    client = Client()
    sign_in(client, desks.sender.analyst, desks.sender.device)
    page = client.get(CASE).content.decode()
    assert "Refused by the partner" in page and "That desk no longer takes shares." in page
