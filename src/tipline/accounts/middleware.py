from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from . import unsent
from .security_keys import needs_key_now
from .session_keys import forget_private_key, session_end

# Pages a person who must add a security key can still reach.
_KEY_SETUP_PATHS = ("/staff/security-keys/", "/staff/signout/")


def staff_session_limits(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Sign out a staff session past its hard limit or idle too long (settings); send a
    person who must use a security key but signed in with TOTP to add one."""

    def middleware(request: HttpRequest) -> HttpResponse:
        end = session_end(request) if request.user.is_authenticated else None
        if end is not None:
            # A reply or note sent as the session ends is kept sealed for after sign-in.
            captured = unsent.capture(request)
            user_id = request.user.pk
            logout(request)
            query = {"expired": end}
            if captured is not None:
                query["next"] = captured.page
            elif request.method == "GET":
                query["next"] = request.get_full_path()
            response = HttpResponseRedirect(f"{reverse('accounts:signin')}?{urlencode(query)}")
            forget_private_key(request, response)
            if captured is not None:
                unsent.keep(request, response, captured, user_id)
            return response
        if (
            request.path.startswith("/staff/")
            and not request.path.startswith(_KEY_SETUP_PATHS)
            and needs_key_now(request)
        ):
            return HttpResponseRedirect(reverse("accounts:security_keys"))
        return get_response(request)

    return middleware


def staff_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Speak to a signed-in staff member in the language kept in their account.

    Staff addresses carry no language prefix: before sign-in LocaleMiddleware has chosen
    from the browser's Accept-Language; after it, the account's choice wins. Reporter pages
    (language in the address) are left alone.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        chosen = getattr(user, "language", "") if user.is_authenticated else ""
        if chosen and request.path_info.startswith("/staff/"):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return get_response(request)

    return middleware
