from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .session_keys import forget_private_key, session_expired


def staff_session_limits(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Sign out a staff session past its hard limit or idle too long (settings)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and session_expired(request):
            logout(request)
            response = HttpResponseRedirect(reverse("accounts:signin") + "?expired=1")
            forget_private_key(request, response)
            return response
        return get_response(request)

    return middleware
