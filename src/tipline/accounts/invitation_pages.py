"""The administrators' invitation pages: the invitations and their state, a new one (whose
link is shown once, on the page that made it), and revoking one that is still waiting.

The invited colleague chooses their password and second factor on the link's page and gets
their recovery code there: nothing here ever holds a secret of theirs. Thin: a check, one
action, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tipline.throttling.gate import SMALL_FORM_LIMIT, allowed_methods, body_limit

from . import actions, selectors
from .decorators import administrator_required
from .forms import InviteForm
from .models import Invitation, StaffUser


@administrator_required
@allowed_methods("GET")
def invitations(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/invitations.html", {"rows": selectors.recent_invitations()})


@administrator_required
@allowed_methods("GET", "POST")
@body_limit(SMALL_FORM_LIMIT)
def new_invitation(request: HttpRequest) -> HttpResponse:
    """The form; a valid POST answers with the link itself (never a redirect: the token is
    in no address, log or session, only on this one page)."""
    user: StaffUser = request.user  # type: ignore[assignment]
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token = actions.invite_staff(
                username=data["username"],
                role=data["role"],
                desks=data["desks"],
                receives_reports=data["receives_reports"],
                acting_user=user,
            )
        except ValidationError as error:
            form.add_error("username", error)
        else:
            link = request.build_absolute_uri(reverse("accounts:accept_invitation", args=[token]))
            return render(
                request,
                "accounts/invitation_made.html",
                {"invitation": invitation, "link": link, "desks": data["desks"]},
            )
    return render(
        request, "accounts/invitation_new.html", {"form": form}, status=400 if form.errors else 200
    )


@administrator_required
@allowed_methods("POST")
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    invitation = Invitation.objects.filter(pk=invitation_id, resets=None).first()
    if invitation is None:
        raise Http404("no such invitation")
    if actions.revoke_invitation(invitation, acting_user=user):
        messages.success(
            request,
            _("The invitation for %(name)s is revoked: its link no longer works.")
            % {"name": invitation.username},
        )
    else:
        messages.warning(
            request,
            _("The invitation for %(name)s was no longer waiting: nothing changed.")
            % {"name": invitation.username},
        )
    return redirect("accounts:invitations")
