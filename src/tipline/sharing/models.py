"""Partners, shares, the outbox and the back channel (docs/sharing.md).

What is readable here is listed in `cleartext.py`: ids, names and keys of installations,
states and timestamps. Texts are ciphertext: packages are encrypted to the partner, drafts
under the report's key, back-channel texts to the share's key.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipline.desks.models import Desk
from tipline.reports.models import Report


class Identity(models.Model):
    """This installation's identity (one row), made by `tipline migrate`."""

    name = models.CharField(max_length=200)
    signing_public_key = models.BinaryField(max_length=32)
    encryption_public_key = models.BinaryField(max_length=32)
    # Both private keys, wrapped under the installation secret kept outside the database.
    wrapped_private_keys = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class PartnerState(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REMOVED = "removed", _("Removed")


class PartnerKind(models.TextChoices):
    TIPLINE = "tipline", _("Tipline installation")
    TAXII = "taxii", _("TAXII 2.1 collection")
    MISP = "misp", _("MISP instance")


class Partner(models.Model):
    """Another installation whose card an administrator imported, or a system of another
    kind (a TAXII 2.1 collection, a MISP instance) an administrator added by its address.
    A partner of another kind has no keys: its `signing_key_hex` is a unique placeholder
    "<kind>:<random hex>" that also binds its wrapped credential to its row."""

    kind = models.CharField(max_length=10, choices=PartnerKind.choices, default="tipline")
    name = models.CharField(max_length=200)
    base_url = models.URLField(max_length=500)
    signing_public_key = models.BinaryField(max_length=32)
    signing_key_hex = models.CharField(max_length=64, unique=True)
    encryption_public_key = models.BinaryField(max_length=32)
    # [{"slug": ..., "name": ...}] from the partner's card: where it accepts shares.
    desks = models.JSONField(default=list)
    languages = models.JSONField(default=list)
    state = models.CharField(
        max_length=10, choices=PartnerState.choices, default=PartnerState.ACTIVE
    )
    # Set when the partner answered our hello, or said hello to us: both sides added each other.
    paired_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    # Another kind: `base_url` is the TAXII API root or the MISP address.
    collection_id = models.CharField(max_length=100, blank=True)
    username = models.CharField(max_length=200, blank=True)  # empty: a bearer token / API key
    # The password, token or API key, wrapped under the installation secret.
    credential = models.BinaryField(default=b"")
    ca_file = models.CharField(max_length=500, blank=True)  # empty: the system's CAs
    allow_http = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def can_share(self) -> bool:
        return self.state == PartnerState.ACTIVE and self.paired_at is not None


class DeskSharing(models.Model):
    """A desk's rules for sharing: whether it takes shares, whether sending needs approval."""

    desk = models.OneToOneField(Desk, on_delete=models.CASCADE, related_name="sharing")
    accepts_shares = models.BooleanField(default=False)
    requires_approval = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"sharing rules of {self.desk}"


class ShareState(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
    QUEUED = "queued", _("Queued")
    DELIVERED = "delivered", _("Delivered")
    OPENED = "opened", _("Opened by the partner")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused by the partner")
    DECLINED = "declined", _("Approval declined")
    CANCELLED = "cancelled", _("Cancelled before it left")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FAILED = "failed", _("Could not be delivered")


class Share(models.Model):
    """A report (the parts chosen) sent from one of our desks to a partner or another desk."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="shares")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT)
    target_desk_slug = models.SlugField(max_length=50)
    state = models.CharField(max_length=20, choices=ShareState.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # The package, signed and encrypted to the receiving installation.
    package = models.BinaryField()
    # What goes, encrypted under the report key, for the approving supervisor to read.
    draft = models.BinaryField()
    share_public_key = models.BinaryField(max_length=32)
    share_private_key = models.BinaryField()
    # Its TLP level, handling code and grading (`stix.Handling.as_json`).
    handling = models.JSONField(default=dict)

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"share {self.id}"


class ReceivedShare(models.Model):
    """A report that arrived from a partner (or another desk) and was filed on our desk."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="received_share")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT)
    # For a share between two of our own desks: the desk it came from.
    from_desk = models.ForeignKey(
        Desk, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_name = models.CharField(max_length=200)
    remote_share_id = models.UUIDField()
    received_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    cover_note = models.BinaryField()
    share_public_key = models.BinaryField(max_length=32)
    share_private_key = models.BinaryField()
    # Its TLP level, handling code and grading as the sender marked it (`stix.Handling`);
    # {} when it came unmarked (from a partner on an older version).
    handling = models.JSONField(default=dict)
    # The sender withdrew it: its report key was sealed away from every recipient.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"received share {self.remote_share_id}"

    @property
    def shared_by(self) -> str:
        """Who shared it, as staff see it: the partner agency, or our own desk it came from."""
        return self.from_desk.name if self.from_desk else self.sender_name


class PassedOnMessage(models.Model):
    """A message of a shared report's conversation that came with the share: written at
    the sending side by its reporter or by its desk, passed on to us."""

    message = models.OneToOneField(
        "intake.Message", on_delete=models.CASCADE, related_name="passed_on"
    )
    received_share = models.ForeignKey(
        ReceivedShare, on_delete=models.CASCADE, related_name="passed_on_messages"
    )
    by_reporter = models.BooleanField()

    def __str__(self) -> str:
        return f"passed-on message {self.message_id}"


class Direction(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")


class OutcomeKind(models.TextChoices):
    ARREST = "arrest", _("Arrests")
    CHARGE = "charge", _("Charges")
    SEIZURE = "seizure", _("Seizures")
    CASE_CLEARED = "case_cleared", _("Case cleared")


class BackMessage(models.Model):
    """One message or outcome about a share, on either side of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    share = models.ForeignKey(
        Share, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    received_share = models.ForeignKey(
        ReceivedShare, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    outcome_kind = models.CharField(max_length=16, choices=OutcomeKind.choices, blank=True)
    outcome_count = models.PositiveIntegerField(null=True, blank=True)
    body = models.BinaryField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"back-channel {self.direction} {self.id}"


class OutboxState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Given up")


class OutboxPackage(models.Model):
    """A package on its way: retried with back-off until the partner takes or refuses it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT)
    share = models.ForeignKey(Share, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=16)
    # The payload's id (the idempotency key), which the partner's signed answer must name;
    # empty for packages queued before answers were signed (the digest alone binds them).
    package_id = models.UUIDField(null=True, blank=True)
    body = models.BinaryField()
    state = models.CharField(max_length=10, choices=OutboxState.choices)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A sender that claimed the package holds it until then; after a crash it is free again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    # A TAXII server's status id for what we posted: followed until it says it took it.
    remote_status = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"outbox {self.kind} {self.id}"


class ReceivedPackage(models.Model):
    """Every package id taken from a sender: the same id again is a replay, refused."""

    sender_key_hex = models.CharField(max_length=64)
    package_id = models.UUIDField()
    kind = models.CharField(max_length=16)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sender_key_hex", "package_id"], name="one_package_per_id"
            )
        ]

    def __str__(self) -> str:
        return f"received package {self.package_id}"
