"""Who may open a staff page: checked once here, used by every staff app's views.

A staff page needs an active account signed in with both factors and a private key that
the session can still open (`session_keys`); a supervisor's or an administrator's page also
needs the role.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Role
from .session_keys import KeyUnavailable

View = Callable[..., HttpResponse]
SUPERVISING = {Role.SUPERVISOR, Role.ADMINISTRATOR}


def staff_required(view: View) -> View:
    """Signed in with password and second factor, active, with the key in the session.

    A session whose key cannot be opened (its cookie gone, a server restarted with a new
    secret) is sent to sign in again rather than shown a page it cannot decrypt.
    """

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_verified() and user.is_active):  # type: ignore[union-attr]
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except KeyUnavailable:
            return redirect_to_login(request.get_full_path())

    return checked


def supervisor_required(view: View) -> View:
    """As `staff_required`, and the account is a supervisor's or an administrator's."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role not in SUPERVISING:  # type: ignore[union-attr]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return staff_required(checked)


def administrator_required(view: View) -> View:
    """As `staff_required`, and the account is an administrator's."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role != Role.ADMINISTRATOR:  # type: ignore[union-attr]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return staff_required(checked)
