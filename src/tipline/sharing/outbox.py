"""The outbox: packages wait here until the partner takes them; retried with back-off.

A package is queued inside the transaction of the change that made it, and a job tries to
deliver it after commit. A sender claims a package with a conditional UPDATE (two workers
never send it at once); a crash mid-send leaves the claim to expire, and the package is
sent again. The receiver files each package id once and answers a repeat with 409
"replayed", which counts as delivered here: a retried package lands exactly once.

Only a signed answer counts (`answers.verified`): signed by the partner the package went to,
naming the digest of the bytes sent and the package's id. Anything else, including a 2xx or
4xx without a valid signature, is "not delivered": the package is tried again later, until
`SHARING_GIVE_UP_HOURS` after it was queued; then it is given up ("failed"). A signed
refusal (`too_large`, `desk_not_accepting`, ...) is final at once. Either way the share
shows it, with the reason (`share_problem`), and is never retried for ever.
"""

import logging
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tipline import vault

from . import answers
from .identity import unlocked_identity
from .models import OutboxPackage, OutboxState, Partner, Share, ShareState

logger = logging.getLogger(__name__)
CLAIM_FOR = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)
SEND_TIMEOUT_SECONDS = 30
PACKAGE_PATH = "/sharing/v1/packages"
PACKAGE_MEDIA_TYPE = "application/vnd.tipline.package"


def queue(
    partner: Partner | None,
    kind: str,
    payload: bytes,
    *,
    package_id: uuid.UUID,
    share: Share | None = None,
) -> OutboxPackage:
    """Sign, encrypt and queue a payload whose id is `package_id` (inside the caller's
    transaction). The caller sends it on commit (`actions`, through `tasks`); if it does
    not, the periodic `deliver_due` does."""
    identity = unlocked_identity()
    # A partner of another kind has no key: the package is kept sealed to ourselves.
    recipient = (
        bytes(partner.encryption_public_key)
        if partner and partner.kind == "tipline"
        else identity.encryption_public_key
    )
    package = OutboxPackage.objects.create(
        partner=partner,
        share=share,
        kind=kind,
        package_id=package_id,
        body=vault.seal_package(identity, recipient, payload),
        state=OutboxState.WAITING,
    )
    return package


def deliver_due() -> int:
    """Try every package whose time has come (the schedule calls this every few seconds)."""
    now = timezone.now()
    due = OutboxPackage.objects.filter(state=OutboxState.WAITING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at").values_list("id", flat=True)[:100])
    return sum(1 for package_id in ids if deliver(package_id) == "delivered")


def deliver(package_id: uuid.UUID | str) -> str:
    """One attempt: "delivered", "refused", "retry" or "skipped" (not due, or claimed)."""
    now = timezone.now()
    claimed = OutboxPackage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=package_id,
        state=OutboxState.WAITING,
        next_attempt_at__lte=now,
    ).update(claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    package = OutboxPackage.objects.select_related("partner").get(pk=package_id)
    outcome, reason = _send(package)
    finish(package, outcome, reason)
    return outcome


def finish(package: OutboxPackage, outcome: str, reason: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        if outcome == "delivered":
            OutboxPackage.objects.filter(pk=package.pk).update(
                state=OutboxState.DELIVERED, delivered_at=now, claimed_until=None, last_error=""
            )
            _after_delivery(package, now)
        elif outcome == "refused":
            OutboxPackage.objects.filter(pk=package.pk).update(
                state=OutboxState.REFUSED, claimed_until=None, last_error=reason[:200]
            )
            if package.kind == "share" and package.share_id:
                Share.objects.filter(pk=package.share_id).update(state=ShareState.REFUSED)
        elif now - package.created_at > timedelta(hours=settings.SHARING_GIVE_UP_HOURS):
            OutboxPackage.objects.filter(pk=package.pk).update(
                state=OutboxState.FAILED,
                claimed_until=None,
                last_error=f"given up after {package.attempts} attempts: {reason}"[:200],
            )
            if package.kind == "share" and package.share_id:
                Share.objects.filter(pk=package.share_id).update(state=ShareState.FAILED)
        else:
            wait = timedelta(seconds=settings.SHARING_RETRY_SECONDS * 2 ** (package.attempts - 1))
            OutboxPackage.objects.filter(pk=package.pk).update(
                next_attempt_at=now + min(wait, MAX_BACKOFF),
                claimed_until=None,
                last_error=reason[:200],
            )


def share_problem(share: Share) -> str:
    """Why a share was refused or given up, for the case page (in the reader's language);
    empty for a share on its way or delivered."""
    if share.state not in (ShareState.REFUSED, ShareState.FAILED):
        return ""
    package = (
        OutboxPackage.objects.filter(share=share, kind="share").order_by("-created_at").first()
    )
    reason = package.last_error if package else ""
    if "too_large" in reason:
        return _(
            "The package is larger than the partner takes (with the photos and documents "
            "chosen). Share fewer or smaller files."
        )
    if "desk_not_accepting" in reason:
        return _("That desk no longer takes shares.")
    if share.state == ShareState.FAILED:
        return _("The partner could not be reached for days; it was given up (%(reason)s).") % {
            "reason": reason
        }
    return _("The partner refused it (%(reason)s).") % {"reason": reason}


def _after_delivery(package: OutboxPackage, now: Any) -> None:
    if package.kind == "share" and package.share_id:
        Share.objects.filter(pk=package.share_id, state=ShareState.QUEUED).update(
            state=ShareState.DELIVERED, delivered_at=now
        )
    elif package.kind == "hello" and package.partner_id:
        Partner.objects.filter(pk=package.partner_id, paired_at__isnull=True).update(paired_at=now)


def _send(package: OutboxPackage) -> tuple[str, str]:
    if package.partner is None:
        return _send_here(bytes(package.body))
    if package.partner.kind == "taxii":
        from . import taxii

        return taxii.deliver(package)
    if package.partner.kind == "misp":
        from . import misp

        return misp.deliver(package)
    return _send_over_http(package.partner, package)


def _send_here(body: bytes) -> tuple[str, str]:
    """Between two desks of this installation: the same checks, no network (and so no
    answer to sign: nothing stands between sender and receiver)."""
    from .identity import IdentityUnavailable
    from .receiving import PackageRefused, receive_package

    try:
        receive_package(body, local=True)
    except IdentityUnavailable:
        return "retry", "identity_unavailable"
    except PackageRefused as refused:
        return _outcome(refused.outcome, refused.code, 0)
    return "delivered", ""


def _send_over_http(partner: Partner, package: OutboxPackage) -> tuple[str, str]:
    body = bytes(package.body)
    digest = vault.package_digest(body)
    request = urllib.request.Request(  # noqa: S310 - the partner's http(s) base URL, checked
        partner.base_url + PACKAGE_PATH,
        data=body,
        method="POST",
        headers={"Content-Type": PACKAGE_MEDIA_TYPE, answers.DIGEST_HEADER: digest.hex()},
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:  # noqa: S310
            status, headers = response.status, response.headers
            raw = response.read(answers.MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as error:
        status, headers = error.code, error.headers
        try:
            raw = error.read(answers.MAX_ANSWER_BYTES)
        except OSError:
            raw = b""
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        return "retry", f"unreachable: {type(error).__name__}"
    try:
        answer = answers.verified(
            raw,
            headers.get(answers.SIGNATURE_HEADER) if headers else None,
            receiver_signing_key=bytes(partner.signing_public_key),
            sent_digest=digest,
            package_id=package.package_id,
        )
    except answers.UnverifiedAnswer as unverified:
        # Not the partner's word about this package: a proxy's error page, a forgery, an
        # unsigned 503 from a partner without its keys. Try again later.
        logger.warning("sharing: answer of HTTP %s not taken: %s", status, unverified)
        return "retry", f"{status} unverified answer: {unverified}"
    return _outcome(answer.outcome, answer.code, status)


def _outcome(outcome: str, code: str, status: int) -> tuple[str, str]:
    """The outbox's word for the receiver's answer."""
    reason = f"{status} {code}" if status else code
    if outcome in (answers.ACCEPTED, answers.REPLAYED):
        return "delivered", ""
    if outcome == answers.REFUSED:
        return "refused", reason
    return "retry", reason
