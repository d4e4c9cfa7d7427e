from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .security_keys import needs_key_now
from .session_keys import forget_private_key, session_expired

# Pages a person who must add a security key can still reach.
_KEY_SETUP_PATHS = ("/staff/security-keys/", "/staff/signout/")


def staff_session_limits(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Sign out a staff session past its hard limit or idle too long (settings); send a
    person who must use a security key but signed in with TOTP to add one."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and session_expired(request):
            logout(request)
            response = HttpResponseRedirect(reverse("accounts:signin") + "?expired=1")
            forget_private_key(request, response)
            return response
        if (
            request.path.startswith("/staff/")
            and not request.path.startswith(_KEY_SETUP_PATHS)
            and needs_key_now(request)
        ):
            return HttpResponseRedirect(reverse("accounts:security_keys"))
        return get_response(request)

    return middleware
