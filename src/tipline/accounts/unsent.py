"""A reply or note being written when an idle session ended comes back after sign-in.

The session ends on the request that sends the form, so that request carries the text.
Instead of dropping it, `keep` seals the text (`vault.seal_unsent_text`, bound to the
account that wrote it) into the new, signed-out session, with the secret in a cookie of its
own, scoped to /staff/, HttpOnly and SameSite=Strict, like the session's private key: the
session store alone opens nothing, so nothing of it is readable at rest. After the same
person signs in again, the form's page takes it back once (`take`) and shows it in its
form, unsent. Files chosen with a reply are not kept (they were never read): the page says
to choose them again. Another account signing in on that browser gets nothing.

Which forms: a POST to `<page>/reply/` or `<page>/note/` with a non-empty `text` field, as
the case page's reply and note forms send; `<page>/` is where it comes back.
"""

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError

from tipline import vault
from tipline.web.middleware import CsrfViewMiddleware

UNSENT_COOKIE = "tipline_unsent"
_UNSENT = "tipline.unsent"
KEPT_FORMS = ("reply", "note")
# As long as the longest text the forms take (casework.forms: 20,000 characters).
MAX_KEPT_CHARACTERS = 20_000


@dataclass(frozen=True)
class UnsentText:
    form: str  # "reply" or "note"
    text: str
    feedback: bool  # the reply's "this is feedback" box


@dataclass(frozen=True)
class _Capture:
    page: str
    form: str
    text: str
    feedback: bool


class _DropFiles(FileUploadHandler):
    """Reads a multipart body's files without keeping a byte of them."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def capture(request: HttpRequest) -> _Capture | None:
    """The text of a reply or note form in this POST, read before the session is ended."""
    parts = request.path.rstrip("/").rsplit("/", 1)
    if request.method != "POST" or len(parts) != 2 or parts[1] not in KEPT_FORMS:
        return None
    request.upload_handlers = [_DropFiles(request)]
    try:
        # The form's own CSRF token, as its view would check it: text posted from elsewhere
        # is never put back in front of the person as if they had written it.
        if CsrfViewMiddleware(_no_response).process_view(request, _no_response, (), {}):
            return None
        text = request.POST.get("text", "")
        feedback = bool(request.POST.get("feedback"))
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, UnreadablePostError):
        return None  # a malformed body keeps nothing; the session ends all the same
    if not text.strip() or len(text) > MAX_KEPT_CHARACTERS:
        return None
    return _Capture(page=parts[0] + "/", form=parts[1], text=text, feedback=feedback)


def _no_response(request: HttpRequest) -> None:
    return None


def keep(request: HttpRequest, response: HttpResponse, captured: _Capture, user_id: int) -> None:
    """Seal `captured` into the (new, signed-out) session; its secret goes to a cookie."""
    payload = json.dumps({"form": captured.form, "text": captured.text, "fb": captured.feedback})
    seal = vault.seal_unsent_text(payload, owner=_owner(user_id, captured.page))
    request.session[_UNSENT] = {
        "user": user_id,
        "page": captured.page,
        "sealed": base64.b64encode(seal.sealed_text).decode("ascii"),
    }
    response.set_cookie(
        UNSENT_COOKIE,
        seal.cookie_secret,
        max_age=settings.SESSION_COOKIE_AGE,
        path="/staff/",
        secure=settings.HTTPS,
        httponly=True,
        samesite="Strict",
    )


def waiting(request: HttpRequest) -> bool:
    """Whether text is kept for after the next sign-in (the sign-in page says so)."""
    return _UNSENT in request.session


def take(request: HttpRequest) -> UnsentText | None:
    """The text kept for this page and this signed-in person, once; None otherwise.

    The kept entry is dropped on the first page of its writer that it belongs to, opened
    or not, so a wrong cookie or another page never finds it twice."""
    kept: dict[str, Any] | None = request.session.get(_UNSENT)
    user_id = request.user.pk
    if not kept or kept.get("page") != request.path or kept.get("user") != user_id:
        return None
    del request.session[_UNSENT]
    secret = request.COOKIES.get(UNSENT_COOKIE, "")
    try:
        payload = json.loads(
            vault.open_unsent_text(
                secret,
                base64.b64decode(kept["sealed"]),
                owner=_owner(user_id, request.path),
            )
        )
    except (vault.DecryptionError, ValueError, KeyError, TypeError):
        return None
    return UnsentText(form=payload["form"], text=payload["text"], feedback=bool(payload["fb"]))


def forget(response: HttpResponse) -> None:
    response.delete_cookie(UNSENT_COOKIE, path="/staff/", samesite="Strict")


def _owner(user_id: object, page: str) -> str:
    return f"staff:{user_id}{page}"
