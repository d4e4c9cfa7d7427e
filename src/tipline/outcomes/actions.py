"""Recording outcomes and campaigns. Each change is one transaction with its audit event.

Corrections never overwrite: `correct_outcome` adds a row that supersedes the old one and
turns the old one's `current` off with a conditional update, so two corrections of the
same entry at once cannot both win.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.desks.models import Desk
from tipline.intake.models import Report

from .currencies import is_currency
from .models import (
    AssetAction,
    Campaign,
    Outcome,
    OutcomeKind,
    SeizureKind,
    Substance,
    Unit,
)

MAX_COUNT = 100_000
MAX_AMOUNT = Decimal("1e15")
EARLIEST = datetime.date(1990, 1, 1)


@dataclass(frozen=True)
class OutcomeFacts:
    """What happened, as entered; `checked()` gives a clean copy or a ValidationError."""

    kind: str
    occurred_on: datetime.date
    count: int | None = None
    seizure_kind: str = ""
    substance: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    asset_action: str = ""
    value: Decimal | None = None
    currency: str = ""

    def checked(self) -> "OutcomeFacts":
        if self.kind not in OutcomeKind.values:
            raise ValidationError(_("Choose what happened."))
        today = timezone.localdate()
        if not EARLIEST <= self.occurred_on <= today + datetime.timedelta(days=1):
            raise ValidationError(_("The date must be between 1990 and today."))
        currency = (self.currency or "").strip().upper()
        value = _amount(self.value, _("value"), Decimal("0.01"))
        quantity = _amount(self.quantity, _("quantity"), Decimal("0.001"))
        if (value is None) != (not currency):
            raise ValidationError(_("A value needs a currency, and a currency a value."))
        if currency and not is_currency(currency):
            raise ValidationError(_("The currency must be an ISO 4217 code such as USD or PKR."))
        facts = OutcomeFacts(kind=self.kind, occurred_on=self.occurred_on)
        if self.kind in (OutcomeKind.ARRESTS, OutcomeKind.CHARGES):
            if self.count is None or not 1 <= self.count <= MAX_COUNT:
                raise ValidationError(_("Give how many, from 1 to 100,000."))
            return OutcomeFacts(kind=self.kind, occurred_on=self.occurred_on, count=self.count)
        if self.kind == OutcomeKind.CLEARED:
            return facts
        if self.kind == OutcomeKind.ASSETS:
            if self.asset_action not in AssetAction.values:
                raise ValidationError(_("Say whether the assets were frozen or confiscated."))
            if value is None:
                raise ValidationError(_("Give the value of the assets and its currency."))
            return OutcomeFacts(
                kind=self.kind,
                occurred_on=self.occurred_on,
                asset_action=self.asset_action,
                value=value,
                currency=currency,
            )
        # A seizure.
        if self.seizure_kind not in SeizureKind.values:
            raise ValidationError(_("Choose what was seized."))
        if (self.seizure_kind == SeizureKind.DRUGS) != bool(self.substance):
            raise ValidationError(_("Drugs need a substance; other seizures have none."))
        if self.substance and self.substance not in Substance.values:
            raise ValidationError(_("Choose a substance from the list."))
        if (quantity is None) != (not self.unit) or (self.unit and self.unit not in Unit.values):
            raise ValidationError(_("A quantity needs a unit, and a unit a quantity."))
        if quantity is None and value is None:
            raise ValidationError(_("Give a quantity or a value."))
        return OutcomeFacts(
            kind=self.kind,
            occurred_on=self.occurred_on,
            seizure_kind=self.seizure_kind,
            substance=self.substance,
            quantity=quantity,
            unit=self.unit,
            value=value,
            currency=currency,
        )


def record_outcome(report: Report, facts: OutcomeFacts, *, acting_user: StaffUser) -> Outcome:
    """An analyst of the desk records what came of the report."""
    facts = facts.checked()
    with transaction.atomic():
        outcome = _create(report, facts, recorded_by=acting_user, through_partner=False)
        _audit("outcome.recorded", outcome, acting_user)
    return outcome


def record_partner_outcome(report: Report, facts: OutcomeFacts, *, partner: str) -> Outcome:
    """An outcome a partner agency reported back on a report shared with it.

    For the sharing app: call it inside or outside a transaction, with the report on this
    side that was shared and a short name of the partner (kept in the audit log only). The
    outcome counts in every figure, marked "through partner".
    """
    facts = facts.checked()
    with transaction.atomic():
        outcome = _create(report, facts, recorded_by=None, through_partner=True)
        _audit("outcome.recorded_by_partner", outcome, None, partner=partner[:100])
    return outcome


def correct_outcome(
    outcome: Outcome, facts: OutcomeFacts | None, *, acting_user: StaffUser
) -> Outcome:
    """Replace an entry by a corrected one (`facts`), or withdraw it (`facts=None`).

    The old row stays, marked not current, and the page shows it as history.
    """
    checked = facts.checked() if facts is not None else None
    if outcome.report is None:
        raise ValidationError(_("This entry can no longer be corrected."))
    with transaction.atomic():
        # The conditional update is the lock: a second correction of the same row finds
        # it no longer current and fails instead of forking the history.
        if not Outcome.objects.filter(pk=outcome.pk, current=True).update(current=False):
            raise ValidationError(_("This entry was corrected already; reload the page."))
        replacement = _create(
            outcome.report,
            checked or OutcomeFacts(kind=outcome.kind, occurred_on=outcome.occurred_on),
            recorded_by=acting_user,
            through_partner=outcome.through_partner,
            supersedes=outcome,
            withdrawn=checked is None,
        )
        if checked is None:
            # A withdrawal keeps the old facts for the history, and counts for nothing.
            _copy_facts(outcome, replacement)
            replacement.save()
        _audit(
            "outcome.withdrawn" if checked is None else "outcome.corrected",
            replacement,
            acting_user,
            replaces=outcome.pk,
        )
    return replacement


def create_campaign(
    *,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    desks: list[Desk],
    category_slugs: list[str],
    acting_user: StaffUser,
) -> Campaign:
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ValidationError(_("A campaign needs a name of up to 120 characters."))
    if ends_on < starts_on:
        raise ValidationError(_("The campaign must end on or after its first day."))
    if not desks:
        raise ValidationError(_("Choose at least one desk."))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            category_slugs=sorted(set(category_slugs)),
            created_by=acting_user,
        )
        campaign.desks.set(desks)
        record("campaign.created", actor=acting_user, campaign=campaign.pk, name=name)
    return campaign


def _create(
    report: Report,
    facts: OutcomeFacts,
    *,
    recorded_by: StaffUser | None,
    through_partner: bool,
    supersedes: Outcome | None = None,
    withdrawn: bool = False,
) -> Outcome:
    return Outcome.objects.create(
        report=report,
        desk_id=report.desk_id,
        category_id=report.category_id,
        kind=facts.kind,
        occurred_on=facts.occurred_on,
        count=facts.count,
        seizure_kind=facts.seizure_kind,
        substance=facts.substance,
        quantity=facts.quantity,
        unit=facts.unit,
        asset_action=facts.asset_action,
        value=facts.value,
        currency=facts.currency,
        through_partner=through_partner,
        recorded_by=recorded_by,
        supersedes=supersedes,
        withdrawn=withdrawn,
    )


def _copy_facts(source: Outcome, target: Outcome) -> None:
    for name in ("count", "seizure_kind", "substance", "quantity", "unit", "asset_action"):
        setattr(target, name, getattr(source, name))
    target.value, target.currency = source.value, source.currency


def _audit(action: str, outcome: Outcome, actor: StaffUser | None, **extra: str | int) -> None:
    record(
        action,
        actor=actor,
        desk=outcome.desk,
        report_id=outcome.report_id,
        outcome=outcome.pk,
        kind=outcome.kind,
        count=outcome.count,
        seizure_kind=outcome.seizure_kind,
        substance=outcome.substance,
        quantity=str(outcome.quantity) if outcome.quantity is not None else None,
        unit=outcome.unit,
        value=str(outcome.value) if outcome.value is not None else None,
        currency=outcome.currency,
        occurred_on=outcome.occurred_on.isoformat(),
        **extra,
    )


def _amount(raw: object, what: str, places: Decimal) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("The %(what)s must be a number.") % {"what": what}) from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise ValidationError(_("The %(what)s must be above zero.") % {"what": what})
    return amount.quantize(places)
