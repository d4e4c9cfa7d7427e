"""Linking two reports from the case page (POST only)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from tipline import vault
from tipline.accounts.decorators import staff_required
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.access import access_report, private_key_of
from tipline.throttling.gate import allowed_methods

from . import actions
from .actions import LinkKind


class LinkForm(forms.Form):
    other = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = forms.ChoiceField(choices=[(LinkKind.RELATED, ""), (LinkKind.DUPLICATE_OF, "")])


@staff_required
@allowed_methods("POST")
def link(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    """Link this report to another of the desk, as related or as its duplicate."""
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_report(user, desk_slug, number)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a report and how it is linked."))
        return redirect("casework:case", desk_slug, number)
    other = access_report(user, desk_slug, form.cleaned_data["other"])
    private_key = private_key_of(request, user)
    try:
        first = conversation.open_as_staff(report, user, private_key)
        second = conversation.open_as_staff(other, user, private_key)
    except vault.DecryptionError:
        messages.error(request, _("Both reports must be sealed to you to link them."))
        return redirect("casework:case", desk_slug, number)
    try:
        actions.link(first, second, user, form.cleaned_data["kind"])
    except actions.AlreadyLinked:
        messages.error(request, _("These reports are already linked."))
    except ValueError:
        messages.error(request, _("A report cannot be linked to itself."))
    return redirect("casework:case", desk_slug, number)
