from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_RETENTION_DAYS = 3650


class UncleanableFiles(models.TextChoices):
    REFUSE = "refuse", _("Refuse them")
    WARN = "warn", _("Keep them, after warning the reporter")


class Desk(models.Model):
    """An agency's inbox: reports arrive at a desk and are sealed to its recipients."""

    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField(max_length=200)
    # Language codes from settings.LANGUAGES that the desk's public page offers.
    languages = models.JSONField(default=list)
    # How long a closed report is kept before it is deleted with its files.
    retention_days = models.PositiveIntegerField(
        default=365, validators=[MinValueValidator(1), MaxValueValidator(MAX_RETENTION_DAYS)]
    )
    # Attachments a reporter may send with one report or message, and the size of each.
    max_attachments = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(0), MaxValueValidator(20)]
    )
    max_attachment_megabytes = models.PositiveIntegerField(
        default=50, validators=[MinValueValidator(1), MaxValueValidator(2048)]
    )
    # A file whose hidden data Tipline cannot remove (a video, an office document, ...):
    # refuse it, or keep it after warning the reporter on the form.
    uncleanable_files = models.CharField(
        max_length=8, choices=UncleanableFiles.choices, default=UncleanableFiles.REFUSE
    )
    # Deadlines for every report (EU whistleblowing directive defaults): acknowledge receipt,
    # and give feedback on the action taken.
    acknowledge_within_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    feedback_within_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    # Whether e-mails to staff say which category a new report is in (they never say more).
    notifications_name_category = models.BooleanField(default=True)
    # A training desk (`tipline demo`) holds synthetic reports for practice: every staff page
    # and export of it says TRAINING, and its reports count in no real statistics and are
    # never shared with a real partner (outcomes and sharing test this flag).
    is_training = models.BooleanField(default=False, editable=False)
    # The desk's staff must sign in with a security key (WebAuthn); TOTP alone is refused.
    staff_need_security_key = models.BooleanField(default=False)
    # The last human-friendly report number given out; raised by the database itself
    # (UPDATE ... SET n = n + 1), never read-then-increment in Python.
    last_report_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def max_attachment_bytes(self) -> int:
        return self.max_attachment_megabytes * 1024 * 1024


class Membership(models.Model):
    """A staff member's place on a desk. Recipients get each new report's key sealed to them."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="memberships")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    receives_reports = models.BooleanField(default=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["desk", "staff"], name="one_membership_per_desk")
        ]

    def __str__(self) -> str:
        return f"{self.staff} on {self.desk}"
