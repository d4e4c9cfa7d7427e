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
from tipline.reports.models import Report

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

# The units that make sense for each kind of seizure: firearms are counted in pieces only,
# ammunition in rounds, so that no figure adds pieces to kilograms. "Other" takes any unit;
# the figures keep each unit on its own line.
UNITS_OF: dict[str, tuple[str, ...]] = {
    SeizureKind.DRUGS: (Unit.KILOGRAMS, Unit.GRAMS, Unit.LITRES),
    SeizureKind.FIREARMS: (Unit.PIECES,),
    SeizureKind.AMMUNITION: (Unit.ROUNDS,),
    SeizureKind.EXPLOSIVES: (Unit.KILOGRAMS, Unit.GRAMS),
    SeizureKind.CASH: (),
    SeizureKind.GOODS: (Unit.PIECES, Unit.KILOGRAMS, Unit.GRAMS, Unit.LITRES),
    SeizureKind.VEHICLES: (Unit.PIECES,),
    SeizureKind.OTHER: tuple(Unit.values),
}


class SameEntryAgain(ValidationError):
    """An entry identical to a current one of the same report: most often a second click.
    Recorded only when the user confirms (`again=True`)."""


def earliest_day(report: Report) -> datetime.date:
    """No outcome of a report happened before the report arrived (in UTC, as every figure)."""
    return report.received_at.astimezone(datetime.UTC).date()


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

    def checked(self, report: Report) -> "OutcomeFacts":
        """A clean copy of the facts of an outcome of `report`, or a ValidationError.

        The date lies between the day the report arrived and today (UTC, the day every
        figure is counted in): an outcome dated earlier would inflate past months and
        campaigns, and one dated later would be a guess."""
        if self.kind not in OutcomeKind.values:
            raise ValidationError(_("Choose what happened."))
        today = timezone.now().astimezone(datetime.UTC).date()
        arrived = earliest_day(report)
        if self.occurred_on > today:
            raise ValidationError(_("The date cannot be in the future."))
        if self.occurred_on < arrived:
            raise ValidationError(
                _("The date cannot be before the report arrived (%(day)s).")
                % {"day": arrived.isoformat()}
            )
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
        if self.unit and self.unit not in UNITS_OF[self.seizure_kind]:
            raise ValidationError(_unit_message(self.seizure_kind))
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


def record_outcome(
    report: Report, facts: OutcomeFacts, *, acting_user: StaffUser, again: bool = False
) -> Outcome:
    """A reader of the report records what came of it.

    Each fact counts once: a second current "case cleared" of the same report is refused,
    and an entry identical to a current one (a double click, two analysts entering the same
    arrest) raises `SameEntryAgain` unless the user confirmed it (`again`)."""
    facts = facts.checked(report)
    with transaction.atomic():
        _lock(report)
        _refuse_repeats(report, facts, again=again)
        outcome = _create(report, facts, recorded_by=acting_user, through_partner=False)
        _audit("outcome.recorded", outcome, acting_user)
    return outcome


def record_partner_outcome(report: Report, facts: OutcomeFacts, *, partner: str) -> Outcome | None:
    """An outcome a partner agency reported back on a report shared with it.

    For the sharing app: call it inside or outside a transaction, with the report on this
    side that was shared and a short name of the partner (kept in the audit log only). The
    outcome counts in every figure, marked "through partner". A partner's "cleared" on a
    report counted as cleared already records nothing and returns None (the sharing app
    keeps the partner's message): a case counts as cleared once.
    """
    facts = facts.checked(report)
    with transaction.atomic():
        _lock(report)
        try:
            _refuse_repeats(report, facts, again=True)
        except ValidationError:
            return None
        outcome = _create(report, facts, recorded_by=None, through_partner=True)
        _audit("outcome.recorded_by_partner", outcome, None, partner=partner[:100])
    return outcome


def correct_outcome(
    outcome: Outcome, facts: OutcomeFacts | None, *, acting_user: StaffUser
) -> Outcome:
    """Replace an entry by a corrected one (`facts`), or withdraw it (`facts=None`).

    The old row stays, marked not current, and the page shows it as history.
    """
    if outcome.report is None:
        raise ValidationError(_("This entry can no longer be corrected."))
    checked = facts.checked(outcome.report) if facts is not None else None
    with transaction.atomic():
        _lock(outcome.report)
        # The conditional update is the lock: a second correction of the same row finds
        # it no longer current and fails instead of forking the history.
        if not Outcome.objects.filter(pk=outcome.pk, current=True).update(current=False):
            raise ValidationError(_("This entry was corrected already; reload the page."))
        if checked is not None:
            _refuse_repeats(outcome.report, checked, again=True)
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


def _lock(report: Report) -> None:
    """Serialise the writes of one report's outcomes: PostgreSQL locks the report's row
    until the transaction ends; SQLite runs write transactions one at a time already
    (settings: IMMEDIATE). So two clicks cannot both pass `_refuse_repeats`."""
    list(Report.objects.select_for_update().filter(pk=report.pk).values_list("pk"))


def _refuse_repeats(report: Report, facts: OutcomeFacts, *, again: bool) -> None:
    current = Outcome.objects.filter(report=report, current=True, withdrawn=False)
    if facts.kind == OutcomeKind.CLEARED:
        if current.filter(kind=OutcomeKind.CLEARED).exists():
            raise ValidationError(
                _("This case is recorded as cleared already; a case counts as cleared once.")
            )
        return
    if again:
        return
    same = current.filter(
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
    )
    if same.exists():
        raise SameEntryAgain(
            _(
                "The same entry is recorded already on this report. If this is a second, "
                "separate one, confirm to record it again."
            )
        )


def _unit_message(seizure_kind: str) -> str:
    units = ", ".join(str(Unit(unit).label) for unit in UNITS_OF[seizure_kind])
    if not units:
        return str(_("Give only a value for this seizure, no quantity."))
    return _("For this seizure, the unit must be one of: %(units)s.") % {"units": units}


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
