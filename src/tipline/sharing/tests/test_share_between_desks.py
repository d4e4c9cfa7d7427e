"""Sharing between two desks of one installation: the whole flow without the network."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.desks.models import Desk
from tipline.outcomes.models import Outcome
from tipline.reports import conversation
from tipline.reports.attachments import read_attachment
from tipline.reports.models import Attachment, Channel, Message, Question, Report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.sharing import actions, outbox, selectors
from tipline.sharing.models import (
    BackMessage,
    DeskSharing,
    OutboxPackage,
    ReceivedShare,
    Share,
    ShareState,
)
from tipline.sharing.tests.helpers import TwoDesks
from tipline.triage.models import DetectedLanguage, SearchWaiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def share_a_report(desks: TwoDesks, **draft: object) -> tuple[Report, Share]:
    """A report with an answer, a photo, and a conversation (the reporter wrote again with a
    document, the desk replied), shared with the other desk: the description redacted, the
    answer and both messages chosen (the reporter's redacted too), every file chosen."""
    Question.objects.filter(category__desk=desks.sender.desk, key="where").update(
        labels={"en": "Where exactly, as the sender asks it?"}
    )
    report, code = report_in(
        desks.sender, description="Crates at the jetty", photo=True, q_where="North jetty"
    )
    wrote_again = Client().post(
        "/en/receipt/message/",
        {
            "receipt": code,
            "text": "They come at 3am, ask for Karim",
            "attachments": SimpleUploadedFile("boat.jpg", jpeg_with_gps()),
        },
    )
    assert wrote_again.status_code == 200
    written = Message.objects.get(report=report, author__isnull=True)
    opened = desks.open_as_sender(report)
    reply = conversation.add_staff_reply(opened, author=desks.sender.analyst, text="Which boat?")
    files = list(Attachment.objects.filter(report=report).values_list("id", flat=True))
    share = actions.propose_share(
        opened,
        user=desks.sender.analyst,
        partner=None,
        desk_slug="customs",
        draft=actions.ShareDraft(
            description=str(draft.get("description", "Crates at the [redacted] jetty")),
            answers={"where": "North jetty [redacted]"},
            messages={written.id: "They come at 3am, ask for [name]", reply.id: "Which boat?"},
            attachment_ids=files,
            cover_note="Please look at the boat tonight",
        ),
    )
    return report, share


def test_a_shared_report_is_filed_on_the_other_desk_sealed_to_its_recipients(
    desks: TwoDesks,
) -> None:
    original, share = share_a_report(desks)
    assert outbox.deliver_due() == 1
    filed = Report.objects.get(desk=desks.receiver.desk)
    opened = desks.open_as_receiver(filed)
    content = conversation.read_content(opened)
    assert content["description"] == "Crates at the [redacted] jetty"
    # The answer is an answer, under the question as the sender's category worded it.
    assert conversation.answer_rows(opened, "en") == [
        ("Where exactly, as the sender asks it?", "North jetty [redacted]")
    ]
    # Each message is a message of the conversation, in its order and time, with its file;
    # marked as passed on, and by whom it was written at the sending side.
    talk = conversation.read_conversation(opened)
    sent = conversation.read_conversation(desks.open_as_sender(original))
    assert [(m.text, m.sent_at) for m in talk[1:]] == [
        ("They come at 3am, ask for [name]", sent[1].sent_at),
        ("Which boat?", sent[2].sent_at),
    ]
    assert [a.name for a in talk[0].attachments] == ["photo-1.jpg"]
    assert [a.name for a in talk[1].attachments] == ["photo-2.jpg"]
    origin = selectors.shared_origin(filed.id)
    assert origin is not None and origin.shared_by == "Narcotics desk"
    assert [origin.author_of(m.message_id) for m in talk[1:]] == ["reporter", "desk"]
    photo = Attachment.objects.get(report=filed, message__isnull=True)
    assert read_attachment(opened.report_key, filed.id, photo.id)[:2] == b"\xff\xd8"
    # Only the receiving desk's recipients hold the new key; the sender's analyst does not.
    assert list(filed.seals.values_list("staff", flat=True)) == [desks.receiver.analyst.pk]
    received = ReceivedShare.objects.get(report=filed)
    assert received.from_desk == desks.sender.desk
    cover, _ = selectors.received_view(opened, received)
    assert cover == "Please look at the boat tonight"
    assert filed.id != original.id and filed.receipt_lookup != original.receipt_lookup
    # Its words wait for a receiving recipient's key to be indexed for search.
    assert SearchWaiting.objects.filter(report=filed).exists()
    share.refresh_from_db()
    assert share.state == ShareState.DELIVERED
    received_event = AuditEvent.objects.get(action="share.received", desk=desks.receiver.desk)
    assert (received_event.detail["answers"], received_event.detail["messages"]) == (1, 2)
    assert AuditEvent.objects.filter(action="share.sent", desk=desks.sender.desk).exists()


def test_a_retried_package_lands_once(desks: TwoDesks) -> None:
    share_a_report(desks)
    package = OutboxPackage.objects.get(kind="share")
    assert outbox.deliver(package.id) == "delivered"
    # As if the sender crashed after the partner filed it, before it noted the delivery.
    OutboxPackage.objects.filter(pk=package.pk).update(state="waiting")
    assert outbox.deliver(package.id) == "delivered"
    assert Report.objects.filter(desk=desks.receiver.desk).count() == 1


def test_opened_answered_and_outcomes_flow_back_to_the_sender(desks: TwoDesks) -> None:
    original, share = share_a_report(desks)
    outbox.deliver_due()
    filed = Report.objects.get(desk=desks.receiver.desk)
    received = ReceivedShare.objects.get(report=filed)
    actions.note_opened(received, user=desks.receiver.analyst)
    outbox.deliver_due()
    share.refresh_from_db()
    assert share.state == ShareState.OPENED and share.opened_at is not None

    opened_there = desks.open_as_receiver(filed)
    actions.write_back(opened_there, user=desks.receiver.analyst, text="We stopped the boat")
    actions.write_back(
        opened_there,
        user=desks.receiver.analyst,
        text="",
        outcome_kind="arrest",
        outcome_count=3,
    )
    outbox.deliver_due()
    share.refresh_from_db()
    assert share.state == ShareState.ANSWERED
    shown = selectors.shares_of(desks.open_as_sender(original))
    (_, _, messages) = shown[0]
    assert [(m.text, m.outcome, m.count) for m in messages] == [
        ("We stopped the boat", "", None),
        ("", "Arrests", 3),
    ]
    assert BackMessage.objects.filter(share=share, direction="received").count() == 2
    assert AuditEvent.objects.filter(action="share.outcome_received").count() == 1
    # The outcome counts in the sender's statistics, marked "through partner".
    counted = Outcome.objects.get(report=original)
    assert (counted.kind, counted.count, counted.through_partner) == ("arrests", 3, True)


def test_a_desk_asking_for_four_eyes_holds_the_share_until_a_supervisor_approves(
    desks: TwoDesks,
) -> None:
    DeskSharing.objects.create(desk=desks.sender.desk, requires_approval=True)
    _, share = share_a_report(desks)
    assert share.state == ShareState.AWAITING_APPROVAL
    assert outbox.deliver_due() == 0 and not OutboxPackage.objects.filter(kind="share").exists()
    with pytest.raises(PermissionDenied):
        actions.approve_share(share, user=desks.sender.analyst)
    actions.approve_share(share, user=desks.supervisor)
    assert outbox.deliver_due() == 1
    share.refresh_from_db()
    assert share.state == ShareState.DELIVERED and share.approved_by == desks.supervisor


def test_a_desk_that_accepts_no_shares_cannot_be_chosen(desks: TwoDesks) -> None:
    from django.core.exceptions import ValidationError

    DeskSharing.objects.filter(desk=desks.receiver.desk).update(accepts_shares=False)
    with pytest.raises(ValidationError):
        share_a_report(desks)
    assert not Share.objects.exists()


def test_a_training_report_is_never_shared_with_a_real_desk(desks: TwoDesks) -> None:
    Desk.objects.filter(pk=desks.sender.desk.pk).update(is_training=True)
    desks.sender.desk.refresh_from_db()
    with pytest.raises(ValidationError):
        share_a_report(desks)
    assert not Share.objects.exists()


def test_a_filed_share_enters_as_a_reporters_report_does(desks: TwoDesks) -> None:
    """One way in (`reports.creation.store_report`): a share is numbered, sealed, audited
    and announced like a report from the web form, so triage detects its language too."""
    share_a_report(desks, description="جیٹی پر کریٹ رات تین بجے اتارے جاتے ہیں، کشتی سفید ہے")
    assert outbox.deliver_due() == 1
    filed = Report.objects.get(desk=desks.receiver.desk)
    assert filed.number == 1 and filed.channel == Channel.SHARED and not filed.has_reporter
    assert DetectedLanguage.objects.get(report=filed).language == "ur"
    assert SearchWaiting.objects.filter(report=filed).exists()
    event = AuditEvent.objects.get(action="share.received", desk=desks.receiver.desk)
    assert event.detail["recipients"] == 1
    # The reporter's own report on the sending desk came in through the same function.
    original = Report.objects.get(desk=desks.sender.desk)
    assert original.channel == Channel.WEB and original.has_reporter
    assert DetectedLanguage.objects.filter(report=original).exists()
