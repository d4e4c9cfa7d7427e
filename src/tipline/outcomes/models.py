"""What came of reports: outcomes, campaigns, reward programmes and rewards.

Outcomes describe what happened in a case, never a person: counts, kinds from fixed lists,
quantities and values. There is no free text anywhere here, so every column is readable
for statistics (see `cleartext.py`), except the reward claim code, which is kept only as
a digest and, for the reporter, encrypted.

A correction never overwrites: it is a new row that supersedes the old one (`current` turns
false on the old row in the same transaction), so the history stays and is shown.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipline.desks.models import Desk
from tipline.reports.models import Category, Report


def plain_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


class OutcomeKind(models.TextChoices):
    ARRESTS = "arrests", _("Arrests")
    CHARGES = "charges", _("Charges brought")
    CLEARED = "cleared", _("Case cleared")
    SEIZURE = "seizure", _("Seizure")
    ASSETS = "assets", _("Assets frozen or confiscated")


class SeizureKind(models.TextChoices):
    DRUGS = "drugs", _("Drugs")
    FIREARMS = "firearms", _("Firearms")
    AMMUNITION = "ammunition", _("Ammunition")
    EXPLOSIVES = "explosives", _("Explosives")
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods")
    VEHICLES = "vehicles", _("Vehicles")
    OTHER = "other", _("Other")


class Substance(models.TextChoices):
    CANNABIS = "cannabis", _("Cannabis")
    COCAINE = "cocaine", _("Cocaine")
    HEROIN = "heroin", _("Heroin")
    OPIUM = "opium", _("Opium")
    METHAMPHETAMINE = "methamphetamine", _("Methamphetamine")
    AMPHETAMINE = "amphetamine", _("Amphetamine")
    FENTANYL = "fentanyl", _("Fentanyl and analogues")
    KETAMINE = "ketamine", _("Ketamine")
    PRECURSORS = "precursors", _("Precursor chemicals")
    OTHER = "other", _("Other substance")


class Unit(models.TextChoices):
    KILOGRAMS = "kg", _("kg")
    GRAMS = "g", _("g")
    LITRES = "l", _("litres")
    PIECES = "pieces", _("pieces")
    ROUNDS = "rounds", _("rounds")


class AssetAction(models.TextChoices):
    FROZEN = "frozen", _("Frozen")
    CONFISCATED = "confiscated", _("Confiscated")


class Outcome(models.Model):
    """One recorded result of a case. Desk and category are copied from the report, so the
    figures survive the report's deletion under the retention rules."""

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=OutcomeKind.choices)
    occurred_on = models.DateField()
    # Arrests and charges: how many (never who).
    count = models.PositiveIntegerField(null=True, blank=True)
    seizure_kind = models.CharField(max_length=16, choices=SeizureKind.choices, blank=True)
    substance = models.CharField(max_length=20, choices=Substance.choices, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=8, choices=Unit.choices, blank=True)
    asset_action = models.CharField(max_length=12, choices=AssetAction.choices, blank=True)
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)  # ISO 4217
    # Reported back by a partner agency on a shared report (the sharing app records these).
    through_partner = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # A correction may withdraw an entry made in error: it then counts for nothing.
    withdrawn = models.BooleanField(default=False)
    # False once a correction supersedes this row; statistics read only current rows.
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        indexes = [
            # Statistics: current outcomes of a desk by kind and date.
            models.Index(fields=["desk", "current", "kind", "occurred_on"], name="outcome_stats"),
        ]
        constraints = [
            # A case counts as cleared once: the database refuses a second current "cleared"
            # of the same report, whatever path the write came by (actions check it first
            # to give a clear message).
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(kind="cleared", current=True, withdrawn=False),
                name="outcome_cleared_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.report_id}"

    @property
    def quantity_text(self) -> str:
        """The quantity without trailing zeros: 12.5, not 12.500."""
        return plain_number(self.quantity) if self.quantity is not None else ""


class Campaign(models.Model):
    """A supervisor's campaign: a period, the desks and categories it covers."""

    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    desks = models.ManyToManyField(Desk, related_name="+")
    # Category slugs (shared across desks: "drug-trafficking"); empty means all categories.
    category_slugs = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RewardProgramme(models.Model):
    """A desk's reward programme: one currency, a ceiling per reward, a claim window."""

    desk = models.OneToOneField(Desk, on_delete=models.CASCADE, related_name="reward_programme")
    currency = models.CharField(max_length=3)
    ceiling = models.DecimalField(max_digits=14, decimal_places=2)
    claim_days = models.PositiveSmallIntegerField(default=90)
    active = models.BooleanField(default=True)
    # Whether the desk publishes its aggregate results on the reporter side.
    publish_results = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"rewards of {self.desk}"


class RewardState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CLAIMABLE = "claimable", _("Claimable")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")


class Reward(models.Model):
    """A reward for a report. Paid against a claim code, never against a person."""

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="rewards"
    )
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    state = models.CharField(
        max_length=10, choices=RewardState.choices, default=RewardState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    claimable_at = models.DateTimeField(null=True, blank=True)
    claim_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # The claim code for the reporter's eyes only (vault.seal_claim_code_for_reporter).
    claim_code_for_reporter = models.BinaryField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "id"]
        constraints = [
            # Never one person alone: the database refuses a self-approval too.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="reward_decided_by_another",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="reward_amount_positive"),
        ]
        indexes = [models.Index(fields=["desk", "state"], name="reward_stats")]

    def __str__(self) -> str:
        return f"reward {self.pk} ({self.state})"

    def claim_context(self) -> str:
        return f"reward/{self.pk}/claim-code"


class PublishedMonth(models.Model):
    """The public figures of one month of a desk, frozen when the month was first published
    (`publication.published_counts`): {measure: {category slug: exact count}}. Later
    corrections reach them only in a later publication, and only a cell they move by 5 or
    more (docs/design.md, "Statistics")."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    figures = models.JSONField(default=dict)
    published_at = models.DateTimeField(default=timezone.now)
    revised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["desk", "month"], name="published_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.month:%Y-%m}"
