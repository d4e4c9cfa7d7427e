from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

MAX_RETENTION_DAYS = 3650


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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
