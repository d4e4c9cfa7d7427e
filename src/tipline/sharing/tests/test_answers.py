"""The receiver's answer is signed and bound to the package it answers; the sender believes
only such an answer (docs/sharing.md, "The answer"). A real HTTP server on loopback plays
the partner, with the partner's own keys, and answers as each test tells it."""

import json
import uuid
from collections.abc import Iterator

import pytest

from tipline import vault
from tipline.casework.tests.helpers import report_in
from tipline.sharing import actions, answers, outbox
from tipline.sharing.identity import ensure_identity
from tipline.sharing.models import OutboxPackage, OutboxState, Share, ShareState
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import (
    FakePartner,
    PartnerServer,
    Respond,
    post,
    signed_answer,
)

pytestmark = pytest.mark.django_db


class Partner:
    """A paired partner whose endpoint answers with `self.respond`."""

    def __init__(self) -> None:
        self.respond: Respond = lambda body: (500, {}, b"")
        self.server = PartnerServer(lambda body: self.respond(body))
        self.fake = FakePartner(base_url=self.server.url)
        self.fake.say_hello()


@pytest.fixture
def partner(files_dir: object) -> Iterator[tuple[TwoDesks, Partner]]:
    desks = TwoDesks()
    playing = Partner()
    try:
        yield desks, playing
    finally:
        playing.server.close()


def share_with(desks: TwoDesks, partner: Partner) -> OutboxPackage:
    report, _ = report_in(desks.sender, description="Crates at the jetty")
    share = actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=partner.fake.partner,
        desk_slug="narcotics",
        draft=actions.ShareDraft(description="Crates at the [redacted]"),
    )
    return OutboxPackage.objects.get(share=share)


def attempt(package: OutboxPackage) -> tuple[str, Share, OutboxPackage]:
    OutboxPackage.objects.filter(pk=package.pk).update(next_attempt_at=package.created_at)
    outcome = outbox.deliver(package.id)
    package.refresh_from_db()
    return outcome, Share.objects.get(pk=package.share_id), package


def test_a_signed_answer_naming_the_package_marks_the_share_delivered(
    partner: tuple[TwoDesks, Partner],
) -> None:
    desks, playing = partner
    identity = playing.fake.identity
    playing.respond = lambda body: (200, *signed_answer(identity, body))
    package = share_with(desks, playing)
    outcome, share, package = attempt(package)
    assert outcome == "delivered"
    assert share.state == ShareState.DELIVERED and package.state == OutboxState.DELIVERED
    # What the partner got is the package as queued, and it said which one it took.
    assert playing.server.received == [bytes(package.body)]
    assert package.package_id == share.id


def test_a_signed_replay_answer_counts_as_delivered(partner: tuple[TwoDesks, Partner]) -> None:
    desks, playing = partner
    identity = playing.fake.identity
    playing.respond = lambda body: (409, *signed_answer(identity, body, "replayed", "replayed"))
    outcome, share, _ = attempt(share_with(desks, playing))
    assert outcome == "delivered" and share.state == ShareState.DELIVERED


def test_a_signed_refusal_marks_the_share_refused(partner: tuple[TwoDesks, Partner]) -> None:
    desks, playing = partner
    identity = playing.fake.identity
    playing.respond = lambda body: (
        422,
        *signed_answer(identity, body, "refused", "desk_not_accepting"),
    )
    outcome, share, package = attempt(share_with(desks, playing))
    assert outcome == "refused" and share.state == ShareState.REFUSED
    assert package.last_error == "422 desk_not_accepting"


def forged(identity: vault.InstallationIdentity, what: str) -> Respond:
    """Answers that must not count: each is "not delivered, retry" for the sender."""

    def respond(body: bytes) -> tuple[int, dict[str, str], bytes]:
        if what == "unsigned":
            _, answer = signed_answer(identity, body)
            return 200, {}, answer
        if what == "unsigned refusal":
            _, answer = signed_answer(identity, body, "refused", "unknown_sender")
            return 403, {}, answer
        if what == "signed by someone else":
            stranger = FakePartner(known=False).identity
            return 200, *signed_answer(stranger, body, package_id=uuid.uuid4())
        if what == "altered after signing":
            headers, answer = signed_answer(identity, body, "refused", "desk_not_accepting")
            return 200, headers, answer.replace(b'"refused"', b'"accepted"')
        if what == "about other bytes":
            return 200, *signed_answer(identity, body, digest=vault.package_digest(b"other"))
        if what == "naming another package":
            return 200, *signed_answer(identity, body, package_id=uuid.uuid4())
        if what == "garbage signature":
            _, answer = signed_answer(identity, body)
            return 200, {answers.SIGNATURE_HEADER: "not base64!"}, answer
        if what == "a proxy's error page":
            return 502, {}, b"<html>Bad gateway</html>"
        raise AssertionError(what)

    return respond


@pytest.mark.parametrize(
    "what",
    [
        "unsigned",
        "unsigned refusal",
        "signed by someone else",
        "altered after signing",
        "about other bytes",
        "naming another package",
        "garbage signature",
        "a proxy's error page",
    ],
)
def test_an_unsigned_forged_or_misbound_answer_does_not_mark_the_share(
    partner: tuple[TwoDesks, Partner], what: str
) -> None:
    desks, playing = partner
    playing.respond = forged(playing.fake.identity, what)
    outcome, share, package = attempt(share_with(desks, playing))
    assert outcome == "retry"
    assert share.state == ShareState.QUEUED
    assert package.state == OutboxState.WAITING and package.attempts == 1
    assert package.next_attempt_at > package.created_at  # backed off, tried again later
    # Then the partner answers for real, and the same package is delivered.
    identity = playing.fake.identity
    playing.respond = lambda body: (200, *signed_answer(identity, body))
    outcome, share, package = attempt(package)
    assert outcome == "delivered" and share.state == ShareState.DELIVERED


def test_our_endpoint_signs_its_answers_and_names_the_package(files_dir: object) -> None:
    TwoDesks()
    partner = FakePartner()
    body = partner.package(partner.share_payload())
    ours = bytes(ensure_identity().signing_public_key)
    digest = vault.package_digest(body)
    for status, outcome, code in [(200, "accepted", "filed"), (409, "replayed", "replayed")]:
        response = post(body)
        assert response.status_code == status
        answer = answers.verified(
            response.content,
            response.headers[answers.SIGNATURE_HEADER],
            receiver_signing_key=ours,
            sent_digest=digest,
            package_id=None,
        )
        assert (answer.outcome, answer.code) == (outcome, code)
        assert answer.package_id == uuid.UUID(json.loads(response.content)["package"])
    # Refused before it could be opened: no package id, still bound to the bytes.
    junk = b"\x00" * 100
    response = post(junk)
    answer = answers.verified(
        response.content,
        response.headers[answers.SIGNATURE_HEADER],
        receiver_signing_key=ours,
        sent_digest=vault.package_digest(junk),
        package_id=uuid.uuid4(),
    )
    assert (answer.outcome, answer.code, answer.package_id) == ("refused", "undecryptable", None)
    with pytest.raises(answers.UnverifiedAnswer):
        answers.verified(
            response.content,
            response.headers[answers.SIGNATURE_HEADER],
            receiver_signing_key=ours,
            sent_digest=digest,  # the answer is about `junk`, not about this package
            package_id=None,
        )


def test_a_too_large_package_is_refused_unread_for_the_digest_it_declared(
    files_dir: object, settings: object
) -> None:
    TwoDesks()
    settings.SHARING_MAX_PACKAGE_BYTES = 1000  # type: ignore[attr-defined]
    from django.test import Client

    body = b"x" * 5000
    digest = vault.package_digest(body)
    response = Client().generic(
        "POST",
        "/sharing/v1/packages",
        body,
        content_type="application/vnd.tipline.package",
        headers={answers.DIGEST_HEADER: digest.hex()},
    )
    assert response.status_code == 413
    answer = answers.verified(
        response.content,
        response.headers[answers.SIGNATURE_HEADER],
        receiver_signing_key=bytes(ensure_identity().signing_public_key),
        sent_digest=digest,
        package_id=None,
    )
    assert (answer.outcome, answer.code) == ("refused", "too_large")
