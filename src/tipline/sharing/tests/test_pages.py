"""The staff pages of sharing: partners (administrators), sharing from a case, the case's
sharing part, approving. Real sign-in, real forms."""

import json
from pathlib import Path

import pytest
from django.test import Client

from tipline import vault
from tipline.accounts.actions import create_staff
from tipline.casework.tests.helpers import report_in
from tipline.reports.models import Attachment, Message, Report
from tipline.sharing import outbox
from tipline.sharing.models import Partner, ReceivedShare, Share, ShareState
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import FakePartner
from tipline.testing.fixtures import STRONG_PASSWORD, sign_in
from tipline.testing.translations import catalogue_problems, untranslated_strings

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "sharing"
# What the form's selects hold when an analyst leaves them as they are.
DEFAULT_MARKINGS = {
    "tlp": "amber",
    "handling_code": "H0",
    "handling_condition": "",
    "source_reliability": "X",
    "information_credibility": "X",
}


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def signed_in(user: object, device: object, offset: int = 0) -> Client:
    client = Client()
    sign_in(client, user, device, step_offset=offset)
    return client


def test_every_word_on_the_sharing_pages_is_translatable_and_translated() -> None:
    for template in TEMPLATES.glob("*.html"):
        assert untranslated_strings(template) == [], template.name
    for language in ("ur", "zh_Hans"):
        assert catalogue_problems(language) == []


def test_an_administrator_adds_a_partner_from_its_card_and_sees_both_fingerprints(
    desks: TwoDesks,
) -> None:
    made = create_staff(
        username="admin",
        password=STRONG_PASSWORD,
        role="administrator",
        desks=[],
        acting_user=None,
    )
    client = signed_in(made.user, made.device)
    page = client.get("/staff/sharing/partners/")
    assert page.status_code == 200
    own = json.loads(client.get("/staff/sharing/partners/card.json").content)
    assert own["tipline_partner_card"] == 1 and own["desks"] == [
        {"slug": "customs", "name": "Customs desk"}
    ]
    other = FakePartner(known=False)
    card = {
        **own,
        "name": "Border agency",
        "signing_key": __import__("base64").b64encode(other.identity.signing_public_key).decode(),
        "encryption_key": __import__("base64")
        .b64encode(other.identity.encryption_public_key)
        .decode(),
    }
    # Step 1 reads the card and shows its fingerprint, to compare with the partner.
    read = client.post("/staff/sharing/partners/add/", {"card_text": json.dumps(card)})
    fingerprint = vault.key_fingerprint(
        other.identity.signing_public_key, other.identity.encryption_public_key
    )
    assert read.status_code == 200 and fingerprint in read.content.decode()
    assert not Partner.objects.exists()
    confirm = {
        "card_text": read.context["form"]["card_text"].value(),
        "fingerprint": fingerprint,
        "confirm": "1",
    }
    # Step 2 adds it only once the administrator ticked that the digits are the same...
    unticked = client.post("/staff/sharing/partners/add/", confirm)
    assert (
        unticked.status_code == 400 and "Compare the fingerprint first" in unticked.content.decode()
    )
    # ...and only the card that was shown: another card under that fingerprint is refused.
    swapped = {**confirm, "fingerprint_compared": "on", "card_text": json.dumps(own)}
    assert client.post("/staff/sharing/partners/add/", swapped).status_code == 400
    assert not Partner.objects.exists()
    added = client.post("/staff/sharing/partners/add/", {**confirm, "fingerprint_compared": "on"})
    assert added.status_code == 302
    partner = Partner.objects.get()
    assert partner.name == "Border agency" and partner.paired_at is None
    listing = client.get("/staff/sharing/partners/").content.decode()
    assert "waiting for the partner to add us" in listing and fingerprint in listing
    bad = client.post("/staff/sharing/partners/add/", {"card_text": "{not json"})
    assert bad.status_code == 400 and "not JSON" in bad.content.decode()
    empty = client.post("/staff/sharing/partners/add/", {})
    assert empty.status_code == 400 and "paste its text" in empty.content.decode()
    own_card = client.post("/staff/sharing/partners/add/", {"card_text": json.dumps(own)})
    own_confirm = {
        "card_text": own_card.context["form"]["card_text"].value(),
        "fingerprint": own_card.context["card"].fingerprint,
        "confirm": "1",
        "fingerprint_compared": "on",
    }
    refused_own = client.post("/staff/sharing/partners/add/", own_confirm)
    assert refused_own.status_code == 400 and "own card" in refused_own.content.decode()
    assert client.post(f"/staff/sharing/partners/{partner.pk}/suspended/").status_code == 302
    partner.refresh_from_db()
    assert partner.state == "suspended"
    analyst = signed_in(desks.sender.analyst, desks.sender.device, offset=1)
    assert analyst.get("/staff/sharing/partners/").status_code == 403


def test_an_analyst_shares_from_the_case_and_the_other_desk_sees_shared_by(
    desks: TwoDesks,
) -> None:
    report, code = report_in(
        desks.sender, description="Crates at the jetty", photo=True, q_where="North jetty"
    )
    Client().post("/en/receipt/message/", {"receipt": code, "text": "Ask for Karim"})
    message = Message.objects.get(report=report)
    client = signed_in(desks.sender.analyst, desks.sender.device)
    case = client.get("/staff/desk/narcotics/report/1/").content.decode()
    assert "/staff/sharing/desk/narcotics/report/1/share/" in case
    form = client.get("/staff/sharing/desk/narcotics/report/1/share/")
    shown = form.content.decode()
    assert form.status_code == 200 and "Crates at the jetty" in shown
    # Each answer and each message can be ticked and redacted on its own.
    assert 'name="include_answer-where"' in shown and "North jetty" in shown
    assert f'name="include_message-{message.id}"' in shown and "Ask for Karim" in shown
    attachment = Attachment.objects.get(report=report)
    sent = client.post(
        "/staff/sharing/desk/narcotics/report/1/share/",
        {
            "target": "local:customs",
            "description": "Crates at the [redacted]",
            "include_answer-where": "on",
            "text_answer-where": "North [redacted]",
            "include_answer-how_known": "",
            f"include_message-{message.id}": "on",
            f"text_message-{message.id}": "Ask for [name]",
            "files": [str(attachment.id)],
            "cover_note": "Tonight",
            "tlp": "amber+strict",
            "handling_code": "H3",
            "handling_condition": "Not in court before the trial of the first arrested",
            "source_reliability": "B",
            "information_credibility": "2",
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    assert "Queued" in client.get("/staff/desk/narcotics/report/1/").content.decode()
    outbox.deliver_due()
    receiver = signed_in(desks.receiver.analyst, desks.receiver.device, offset=1)
    shown = receiver.get("/staff/desk/customs/report/1/").content.decode()
    assert "Shared by" in shown and "Tonight" in shown and "Crates at the [redacted]" in shown
    # The partner's case reads like any report: the answer under its question, the message
    # in the conversation, marked as the reporter's, passed on by the sending desk.
    assert "Where did it happen, or where does it happen?</dt>" in shown
    assert "North [redacted]" in shown and "I saw it myself" not in shown
    assert "Reporter, passed on by <bdi>Narcotics desk</bdi>" in shown
    assert "Ask for [name]" in shown and "Karim" not in shown
    assert ReceivedShare.objects.get().opened_at is not None
    # Its markings are shown where it is shown, and enforced: AMBER+STRICT stays here.
    assert "TLP:AMBER+STRICT · H3 · B2" in shown and "Not in court before the trial" in shown
    assert "May not be passed on to another partner or desk." in shown
    assert "/staff/sharing/desk/customs/report/1/share/" not in shown
    inbox = receiver.get("/staff/desk/customs/").content.decode()
    assert "TLP:AMBER+STRICT · H3 · B2" in inbox
    export = receiver.get("/staff/desk/customs/report/1/export/")
    summary = (
        __import__("zipfile")
        .ZipFile(__import__("io").BytesIO(b"".join(export.streaming_content)))
        .read("summary.txt")
    )
    assert "Handling: TLP:AMBER+STRICT · H3 · B2 (may not be passed on)" in summary.decode()
    refused = receiver.get("/staff/sharing/desk/customs/report/1/share/")
    assert refused.status_code == 403 and "may not be passed on" in refused.content.decode()
    passing_on = receiver.post(
        "/staff/sharing/desk/customs/report/1/share/",
        {"target": "local:narcotics", "description": "x", **DEFAULT_MARKINGS},
    )
    assert passing_on.status_code == 403 and Share.objects.count() == 1
    answer = receiver.post(
        "/staff/sharing/desk/customs/report/1/back/",
        {"text": "", "outcome_kind": "seizure", "outcome_count": "2"},
    )
    assert answer.status_code == 302
    outbox.deliver_due()
    page = client.get("/staff/desk/narcotics/report/1/").content.decode()
    assert "Seizures: 2 (through partner)" in page and "Answered" in page


def test_bad_share_forms_get_a_clear_answer(desks: TwoDesks) -> None:
    report_in(desks.sender, description="x")
    client = signed_in(desks.sender.analyst, desks.sender.device)
    fine = {"target": "local:customs", **DEFAULT_MARKINGS}
    for data in [
        {"target": "9999:nowhere"},
        {"target": "local:narcotics"},
        {},
        {**fine, "tlp": "purple"},
        {**fine, "source_reliability": "Z"},
        {**fine, "handling_code": "H3", "handling_condition": "  "},  # H3 needs its condition
        {**fine, "handling_code": "H3", "handling_condition": "x" * 1001},
    ]:
        response = client.post("/staff/sharing/desk/narcotics/report/1/share/", data)
        assert response.status_code == 400
    assert not Share.objects.exists()
    assert client.get("/staff/sharing/desk/narcotics/report/1/back/").status_code == 405


def test_a_supervisor_approves_on_the_case_page(desks: TwoDesks) -> None:
    from tipline.sharing.models import DeskSharing

    DeskSharing.objects.create(desk=desks.sender.desk, requires_approval=True)
    report_in(desks.sender, description="four eyes")
    client = signed_in(desks.sender.analyst, desks.sender.device)
    client.post(
        "/staff/sharing/desk/narcotics/report/1/share/",
        {"target": "local:customs", "description": "four eyes", **DEFAULT_MARKINGS},
    )
    share = Share.objects.get()
    assert share.state == ShareState.AWAITING_APPROVAL
    assert client.post(f"/staff/sharing/share/{share.id}/approve/").status_code == 403
    from tipline.accounts.models import StaffUser

    supervisor = StaffUser.objects.get(username="supervisor-narcotics")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    boss = signed_in(supervisor, TOTPDevice.objects.get(user=supervisor), offset=1)
    assert "Approve and send" in boss.get("/staff/desk/narcotics/report/1/").content.decode()
    assert boss.post(f"/staff/sharing/share/{share.id}/approve/").status_code == 302
    share.refresh_from_db()
    assert share.state == ShareState.QUEUED and share.approved_by == supervisor
    outbox.deliver_due()
    assert Report.objects.filter(desk=desks.receiver.desk).count() == 1
