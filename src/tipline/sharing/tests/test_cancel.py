"""A share that has not left can be cancelled (by its proposer or a supervisor): its package
is dropped, nothing reaches the partner, and the cancellation is audited. One that has left
cannot."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.sharing import actions, outbox, stix
from tipline.sharing.models import DeskSharing, OutboxPackage, Share, ShareState
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.test_taxii_partner import (
    Medallion,
    add_partner_from_the_shell,
    share_with,
    try_again_now,
)
from tipline.testing.fixtures import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


@pytest.fixture
def server(tmp_path: Path) -> Medallion:
    running = Medallion(tmp_path)
    yield running  # type: ignore[misc]
    running.stop()


def test_a_queued_share_is_cancelled_on_the_case_page_and_never_sent(
    desks: TwoDesks, server: Medallion, tmp_path: Path
) -> None:
    partner = add_partner_from_the_shell(server, tmp_path)
    server.mode = "500"  # the partner is down: the share waits in the outbox
    share = share_with(desks, partner, stix.Handling())
    assert try_again_now(share) == "retry"
    client = Client()
    sign_in(client, desks.sender.analyst, desks.sender.device)
    case = client.get("/staff/desk/narcotics/report/1/").content.decode()
    assert "Cancel this share" in case
    response = client.post(f"/staff/sharing/share/{share.id}/cancel/")
    assert response.status_code == 302
    # Back at the case's sharing section, which says it once (casework/test_case_sections.py).
    assert response["Location"] == "/staff/desk/narcotics/report/1/#sharing"
    case = client.get("/staff/desk/narcotics/report/1/").content.decode()
    assert '<p class="notice confirmation" role="status">Share cancelled.</p>' in case
    share.refresh_from_db()
    assert share.state == ShareState.CANCELLED and bytes(share.package) == b""
    assert not OutboxPackage.objects.filter(share=share).exists()
    server.mode = ""
    outbox.deliver_due()
    assert server.posts == 1  # the one that failed; nothing after the cancellation
    assert AuditEvent.objects.filter(action="share.cancelled", report_id=share.report_id).exists()
    assert (
        "Cancelled before it left" in client.get("/staff/desk/narcotics/report/1/").content.decode()
    )


def test_a_share_waiting_for_approval_is_cancelled_by_its_proposer_only(desks: TwoDesks) -> None:
    DeskSharing.objects.create(desk=desks.sender.desk, requires_approval=True)
    report, _code = report_in(desks.sender, description="Crates")
    share = actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=None,
        desk_slug="customs",
        draft=actions.ShareDraft(description="Crates"),
    )
    with pytest.raises(PermissionDenied):
        actions.cancel_share(share, user=desks.receiver.analyst)
    actions.cancel_share(share, user=desks.sender.analyst)
    share.refresh_from_db()
    assert share.state == ShareState.CANCELLED
    with pytest.raises(ValidationError):  # no longer waiting: the supervisor cannot send it
        actions.approve_share(share, user=desks.supervisor)


def test_a_delivered_share_cannot_be_cancelled(desks: TwoDesks) -> None:
    report, _code = report_in(desks.sender, description="Crates")
    share = actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=None,
        desk_slug="customs",
        draft=actions.ShareDraft(description="Crates"),
    )
    outbox.deliver_due()
    with pytest.raises(ValidationError, match="left already"):
        actions.cancel_share(Share.objects.get(pk=share.pk), user=desks.sender.analyst)
    assert Share.objects.get(pk=share.pk).state == ShareState.DELIVERED
