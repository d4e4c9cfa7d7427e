"""Reports and what belongs to them.

Everything a reporter wrote or sent is stored encrypted with the report's key (BinaryField
columns). What stays readable is listed in `cleartext.py` and held there by a test: ids,
desk, category, language, status, timestamps, authorship, sizes.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tipline.desks.models import Desk


def translated(texts: dict[str, str], language: str) -> str:
    """The text for `language`, falling back to English, then to any text there is."""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


class ReceiptSalt(models.Model):
    """The installation's receipt salt (one row). Losing it makes every receipt useless."""

    salt = models.BinaryField()

    def __str__(self) -> str:
        return "receipt salt"


class Category(models.Model):
    """A kind of conduct a desk takes reports about, with its own questions."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="categories")
    slug = models.SlugField(max_length=50)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    # {"en": "Drug trafficking", "ur": "...", "zh-hans": "..."}
    names = models.JSONField(default=dict)
    descriptions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["desk", "slug"], name="category_slug_per_desk")
        ]

    def __str__(self) -> str:
        """The name in the reader's language (the active one), else English: staff pages in
        Urdu or Chinese name categories as the desk's reporters see them."""
        return translated(self.names, get_language() or "en")

    def name(self, language: str) -> str:
        return translated(self.names, language)

    def description(self, language: str) -> str:
        return translated(self.descriptions, language) if self.descriptions else ""


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("One choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
    DATE = "date", _("Date")
    PLACE = "place", _("Place")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes or no")


class YesNo(models.TextChoices):
    """The answers to a yes-or-no question: stored as the value, read as the words."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("I don't know")


class Question(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=50)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    required = models.BooleanField(default=False)
    labels = models.JSONField(default=dict)
    help_texts = models.JSONField(default=dict, blank=True)
    # For choice questions: [{"value": "cocaine", "labels": {"en": "Cocaine", ...}}, ...]
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "key"], name="question_key_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {translated(self.labels, 'en')}"


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_TRIAGE = "in_triage", _("In triage")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    """How a report reached the desk: readable, as the desk routes and counts by it."""

    WEB = "web", _("Web form")
    # Filed from a partner's or another desk's share: no reporter stands behind it here
    # (the receipt never crosses), so no deadline towards a reporter applies.
    SHARED = "shared", _("Shared with us")


class CloseReason(models.TextChoices):
    ACTIONED = "actioned", _("Actioned")
    NO_ACTION = "no_action", _("No action")
    DUPLICATE = "duplicate", _("Duplicate")
    UNFOUNDED = "unfounded", _("Unfounded")


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveIntegerField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    language = models.CharField(max_length=10)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    close_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reports",
    )
    # To the hour, and the reporter's later moments to the day (`reporter_time`): whoever
    # reads the database must not line a reporter up with network records by the second.
    received_at = models.DateTimeField(default=timezone.now)
    # Each staff member's "new message": the reporter wrote since they last opened it
    # (casework.Reading).
    last_reporter_activity_at = models.DateTimeField(default=timezone.now)
    # Deadlines (EU whistleblowing directive): acknowledged by the first reply; feedback
    # on the action taken given by a reply marked as such.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_given_at = models.DateTimeField(null=True, blank=True)
    # Derived from the receipt code; finds the report when the reporter comes back.
    receipt_lookup = models.CharField(max_length=64, unique=True)
    # The report key, wrapped under the key derived from the receipt code.
    report_key_for_reporter = models.BinaryField()
    # Encrypted JSON: {"answers": {...}, "description": "..."}.
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["desk", "number"], name="report_number_per_desk")
        ]
        # The inbox lists a desk's reports newest first, filtered by one routing column at
        # a time, and pages by (received_at, number): each filter has an index in that order
        # (received_at is kept to the hour; within it the number orders).
        indexes = [
            models.Index(fields=["desk", "-received_at", "-number"], name="report_inbox_number"),
            models.Index(fields=["desk", "status", "-received_at"], name="report_inbox_status"),
            models.Index(fields=["desk", "category", "-received_at"], name="report_inbox_category"),
            models.Index(fields=["desk", "language", "-received_at"], name="report_inbox_language"),
            models.Index(
                fields=["desk", "assigned_to", "-received_at"], name="report_inbox_assigned"
            ),
            models.Index(fields=["status", "closed_at"], name="report_retention"),
            # The counts above the inbox (shown, unread, late) read this index only, never
            # the table's wide rows (what a scan cost: docs/deploy.md, bench/inbox.py).
            models.Index(
                fields=[
                    "desk",
                    "status",
                    "channel",
                    "received_at",
                    "acknowledged_at",
                    "feedback_given_at",
                    "id",
                ],
                name="report_inbox_counts",
            ),
            # The inbox sorted by the reporter's latest activity (keyset paging).
            models.Index(
                fields=["desk", "-last_reporter_activity_at", "-number"],
                name="report_inbox_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desk.slug} #{self.number}"

    @property
    def has_reporter(self) -> bool:
        """Whether a reporter stands behind this report here (not a share we received)."""
        return self.channel != Channel.SHARED


class ReportKeySeal(models.Model):
    """The report key sealed to one recipient, made when the report arrived."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="seals")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "staff"], name="one_seal_per_recipient")
        ]

    def __str__(self) -> str:
        return f"key of {self.report_id} for staff {self.staff_id}"


class Message(models.Model):
    """One turn of the conversation: from the reporter (author is None) or from staff."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Staff messages to the moment; the reporter's to the day (`reporter_time`), so their
    # place in the conversation is kept apart from their time.
    sent_at = models.DateTimeField(default=timezone.now)
    position = models.PositiveIntegerField(default=0)
    body = models.BinaryField()

    class Meta:
        ordering = ["position", "sent_at", "id"]

    def __str__(self) -> str:
        return f"message {self.id} of {self.report_id}"

    @property
    def from_reporter(self) -> bool:
        return self.author_id is None


class Note(models.Model):
    """An internal note of the desk about a report: encrypted, never shown to the reporter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    body = models.BinaryField()

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"note {self.id} on {self.report_id}"


class Attachment(models.Model):
    """A file sent by the reporter, encrypted on disk; name and type are encrypted here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    size_bytes = models.BigIntegerField()
    stored_bytes = models.BigIntegerField()
    # Encrypted JSON: {"name": ..., "type": ..., "metadata": "removed" | "kept"}.
    details = models.BinaryField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"attachment {self.id} of {self.report_id}"
