"""Forms of the outcomes pages. Choices come from the models' fixed lists: nobody types
free text into an outcome."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import OutcomeFacts
from .models import AssetAction, OutcomeKind, SeizureKind, Substance, Unit
from .statistics import Period

MAX_RANGE_DAYS = 3 * 366


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _date_input() -> forms.DateInput:
    """A browser date field: its value is always ISO (YYYY-MM-DD), whatever the page's
    language; a localised value ("2026年12月6日") is one the browser cannot show, so the
    field came back empty and the page lost its period."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=OutcomeKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=_date_input())
    count = forms.IntegerField(label=_("How many"), required=False, min_value=1, max_value=100_000)
    seizure_kind = forms.ChoiceField(
        label=_("Seized"), choices=_blank(SeizureKind.choices), required=False
    )
    substance = forms.ChoiceField(
        label=_("Substance"), choices=_blank(Substance.choices), required=False
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, min_value=0, max_digits=14, decimal_places=3
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=_blank(Unit.choices), required=False)
    asset_action = forms.ChoiceField(
        label=_("Assets"), choices=_blank(AssetAction.choices), required=False
    )
    value = forms.DecimalField(
        label=_("Estimated value"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    currency = forms.CharField(
        label=_("Currency (ISO 4217)"), required=False, max_length=3, min_length=3
    )
    # Set by the "record it again" button shown when the same entry exists already.
    again = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def facts(self) -> OutcomeFacts:
        data = self.cleaned_data
        return OutcomeFacts(
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            count=data["count"],
            seizure_kind=data["seizure_kind"],
            substance=data["substance"],
            quantity=data["quantity"],
            unit=data["unit"],
            asset_action=data["asset_action"],
            value=data["value"],
            currency=data["currency"],
        )


class RewardProposalForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)


class ClaimForm(forms.Form):
    code = forms.CharField(label=_("Claim code"), max_length=64)


class ProgrammeForm(forms.Form):
    currency = forms.CharField(label=_("Currency (ISO 4217)"), max_length=3, min_length=3)
    ceiling = forms.DecimalField(
        label=_("Largest reward"), min_value=0, max_digits=14, decimal_places=2
    )
    claim_days = forms.IntegerField(label=_("Days to claim"), min_value=1, max_value=3650)
    active = forms.BooleanField(label=_("Programme running"), required=False)
    publish_results = forms.BooleanField(
        label=_("Publish aggregate results on the public side"), required=False
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=_date_input())
    end = forms.DateField(label=_("To"), widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period must end on or after its first day."))
            if (end - start).days > MAX_RANGE_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data

    def period(self) -> Period:
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return Period.last_weeks()


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    starts_on = forms.DateField(label=_("First day"), widget=_date_input())
    ends_on = forms.DateField(label=_("Last day"), widget=_date_input())
    desks = forms.MultipleChoiceField(label=_("Desks"), widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(
        label=_("Categories (none: all)"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(
        self,
        desks: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desks"].choices = desks
        self.fields["categories"].choices = categories


def default_period_initial() -> dict[str, datetime.date]:
    period = Period.last_weeks()
    return {"start": period.start, "end": period.end, "today": timezone.now().date()}
