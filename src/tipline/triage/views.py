"""Linking two reports from the case page (POST only)."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from tipline import vault
from tipline.accounts.decorators import staff_required
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.access import access_report, private_key_of
from tipline.throttling.gate import allowed_methods
from tipline.web.notices import back_to_section

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
    case = reverse("casework:case", args=[desk_slug, number])
    if not form.is_valid():
        return back_to_section(
            request, case, "triage", _("Choose a report and how it is linked."), error=True
        )
    other = access_report(user, desk_slug, form.cleaned_data["other"])
    private_key = private_key_of(request, user)
    try:
        first = conversation.open_as_staff(report, user, private_key)
        second = conversation.open_as_staff(other, user, private_key)
    except vault.DecryptionError:
        return back_to_section(
            request,
            case,
            "triage",
            _("Both reports must be sealed to you to link them."),
            error=True,
        )
    try:
        actions.link(first, second, user, form.cleaned_data["kind"])
    except actions.AlreadyLinked:
        return back_to_section(
            request, case, "triage", _("These reports are already linked."), error=True
        )
    except ValueError:
        return back_to_section(
            request, case, "triage", _("A report cannot be linked to itself."), error=True
        )
    return back_to_section(request, case, "triage", _("Reports linked."))
