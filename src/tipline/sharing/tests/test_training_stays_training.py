"""Training stays training: a training desk accepts no shares (page and shell refuse), is
never on the installation's card, a package addressed to one is refused on receipt, and a
training report's share page offers the other training desks only."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.casework.tests.helpers import report_in
from tipline.desks.models import Desk
from tipline.reports.models import Report
from tipline.sharing import actions, cards, outbox
from tipline.sharing.models import DeskSharing, ReceivedShare, Share
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import FakePartner, post
from tipline.sharing.tests.test_pages import DEFAULT_MARKINGS
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

pytestmark = pytest.mark.django_db
REFUSAL = "A training desk cannot accept shares"


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    """narcotics (sender) and customs (accepting), both real, plus the training desk."""
    made = TwoDesks()
    Desk.objects.filter(pk=made.sender.desk.pk).update(is_training=True)
    made.sender.desk.refresh_from_db()
    return made


def _legacy_accepting(desk: Desk) -> None:
    """A training desk marked accepting before this was refused (written as the old code
    did): whatever its row says, it takes nothing."""
    DeskSharing.objects.update_or_create(desk=desk, defaults={"accepts_shares": True})


def test_the_shell_refuses_to_open_a_training_desk_to_shares(desks: TwoDesks) -> None:
    with pytest.raises(CommandError, match=REFUSAL):
        call_command("desksharing", "narcotics", "--accept")
    with pytest.raises(ValidationError):
        actions.set_desk_rules(
            desks.sender.desk, accepts_shares=True, requires_approval=False, acting_user=None
        )
    assert not DeskSharing.objects.filter(desk=desks.sender.desk, accepts_shares=True).exists()
    call_command("desksharing", "narcotics", "--approval")  # other rules still can be set
    assert DeskSharing.objects.get(desk=desks.sender.desk).requires_approval


def test_the_partners_page_refuses_it_in_the_administrators_language(desks: TwoDesks) -> None:
    made = create_staff(
        username="admin", password=STRONG_PASSWORD, role="administrator", desks=[],
        acting_user=None,
    )  # fmt: skip
    client = Client()
    sign_in(client, made.user, made.device)
    page = client.get("/staff/sharing/partners/").content.decode()
    assert "Training desk: takes no shares" in page
    answer = client.post("/staff/sharing/partners/", {"desk": "narcotics", "accepts_shares": "on"})
    assert answer.status_code == 400 and REFUSAL in answer.content.decode()
    assert not DeskSharing.objects.filter(desk=desks.sender.desk, accepts_shares=True).exists()
    made.user.language = "ur"
    made.user.save()
    answer = client.post("/staff/sharing/partners/", {"desk": "narcotics", "accepts_shares": "on"})
    assert answer.status_code == 400
    assert "تربیتی ڈیسک شراکتیں قبول نہیں کر سکتا" in answer.content.decode()


def test_a_training_desk_is_never_on_the_card(desks: TwoDesks) -> None:
    _legacy_accepting(desks.sender.desk)
    slugs = [desk["slug"] for desk in cards.own_card("https://tips.example").desks]
    assert slugs == ["customs"]


def test_a_package_addressed_to_a_training_desk_is_refused_on_receipt(desks: TwoDesks) -> None:
    _legacy_accepting(desks.sender.desk)
    partner = FakePartner()
    partner.say_hello()
    answer = post(partner.package(partner.share_payload("narcotics")))
    assert answer.status_code == 422 and b"desk_not_accepting" in answer.content
    assert not Report.objects.filter(desk=desks.sender.desk).exists()
    assert not ReceivedShare.objects.exists()
    answer = post(partner.package(partner.share_payload("customs")))  # a real desk still does
    assert answer.status_code == 200


def test_a_training_reports_share_page_offers_training_desks_only(desks: TwoDesks) -> None:
    partner = FakePartner()
    partner.say_hello()
    second = DeskWithRecipient("training-two", name="Second training desk")
    Desk.objects.filter(pk=second.desk.pk).update(is_training=True)
    report_in(desks.sender, description="A synthetic report")
    client = Client()
    sign_in(client, desks.sender.analyst, desks.sender.device)
    share_page = "/staff/sharing/desk/narcotics/report/1/share/"
    page = client.get(share_page).content.decode()
    select = re.search(r'<select name="target".*?</select>', page, re.DOTALL)
    assert select
    offered = re.findall(r'<option value="([^"]+)"', select.group(0))
    assert offered == ["local:training-two"], offered
    for real in ["local:customs", f"{partner.partner.pk}:narcotics"]:
        answer = client.post(share_page, {**DEFAULT_MARKINGS, "target": real, "description": "x"})
        assert answer.status_code == 400
    assert not Share.objects.exists()
    answer = client.post(
        share_page, {**DEFAULT_MARKINGS, "target": "local:training-two", "description": "drill"}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    outbox.deliver_due()
    assert Report.objects.filter(desk=second.desk).count() == 1
    assert not Report.objects.filter(desk=desks.receiver.desk).exists()
