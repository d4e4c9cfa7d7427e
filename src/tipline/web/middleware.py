"""Middleware that keeps DESIGN.md's guarantee 2: the reporter leaves no trace."""

import socket
import threading
import weakref
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware
from django.middleware.gzip import GZipMiddleware
from django.utils.decorators import decorator_from_middleware

from tipline.throttling.sources import client_bucket

Handler = Callable[[HttpRequest], HttpResponse]

# Headers that name or fingerprint the client, directly or through a proxy.
_IDENTIFYING_HEADERS = (
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_VIA",
    "REMOTE_HOST",
    "REMOTE_PORT",
    "PROXY_PROTOCOL",
    "PROXY_ADDR",
    "PROXY_PORT",
)
# Something must stay in REMOTE_ADDR (Django and libraries read it); nothing real does.
PLACEHOLDER_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder value, not a bind address

_BASE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Reporter pages run no script at all. Staff pages (the admin) may load their own scripts.
REPORTER_POLICY = _BASE_POLICY
STAFF_POLICY = _BASE_POLICY + "; script-src 'self'; connect-src 'self'"
STAFF_PREFIX = "/staff/"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def _source_address(request: HttpRequest) -> str:
    """The client's address: the socket's peer, or what our own proxy says it saw.

    `TIPLINE_PROXY_ADDRESS_HEADER` (e.g. `X-Real-IP`) is trusted only when set, for a proxy
    that overwrites it; behind a Tor onion service it names the proxy itself (127.0.0.1).
    """
    header = settings.PROXY_ADDRESS_HEADER
    if header:
        given = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        if given:
            return str(given).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


# With the PROXY protocol, gunicorn reads the header on a connection's first request only;
# the next requests on that keep-alive connection (one Tor stream, so one circuit) carry the
# proxy's own address again. So each live connection keeps its source's opaque bucket, never
# the address, and forgets it with the connection.
_connection_buckets: "weakref.WeakKeyDictionary[socket.socket, str]" = weakref.WeakKeyDictionary()
_connection_lock = threading.Lock()


def _client_bucket(request: HttpRequest) -> str:
    """The request's source as a keyed hash: per connection's PROXY header where there is one."""
    bucket = client_bucket(_source_address(request))
    sock = request.META.get("gunicorn.socket")
    if not settings.PROXY_PROTOCOL or not isinstance(sock, socket.socket):
        return bucket
    with _connection_lock:
        if "PROXY_PROTOCOL" in request.META:
            _connection_buckets[sock] = bucket
            return bucket
        return _connection_buckets.get(sock, bucket)


def forget_client_identity(get_response: Handler) -> Handler:
    """Drop the client's address and identifying headers before any other code sees them.

    First in the chain, so that no view, log record or error report can carry them. What
    remains for throttling is `request.client_bucket`, which exists only in memory.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        request.client_bucket = _client_bucket(request)  # type: ignore[attr-defined]
        request.META["REMOTE_ADDR"] = PLACEHOLDER_ADDRESS
        if settings.PROXY_ADDRESS_HEADER:
            proxy_header = "HTTP_" + settings.PROXY_ADDRESS_HEADER.upper().replace("-", "_")
            request.META.pop(proxy_header, None)
        for header in _IDENTIFYING_HEADERS:
            request.META.pop(header, None)
        return get_response(request)

    return middleware


def content_security_policy(get_response: Handler) -> Handler:
    """Strict CSP and isolation headers; nothing dynamic is cached anywhere."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if "Content-Security-Policy" not in response:
            staff = request.path.startswith(STAFF_PREFIX)
            response["Content-Security-Policy"] = STAFF_POLICY if staff else REPORTER_POLICY
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response

    return middleware


class CsrfViewMiddleware(DjangoCsrfViewMiddleware):
    """Django's CSRF protection, made to work under ``Referrer-Policy: no-referrer``.

    Under that policy browsers send ``Origin: null`` with every form post (Fetch standard,
    "serializing a request origin"), which Django's origin check refuses, so no form would
    work. A null origin is taken here as "the browser withheld it" and the check goes on to
    what protects every form anyway: the token in the form must match the CSRF cookie, and
    that cookie is ``SameSite=Strict`` (never sent with a request from another site) and
    unreadable to other sites. An origin that is present and foreign is still refused.
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        return bool(super()._origin_verified(request))


# For views that must install upload handlers before the body is read: they are exempt
# from the middleware and check CSRF with this once the handlers are in place.
csrf_protect = decorator_from_middleware(CsrfViewMiddleware)


class CompressPages(GZipMiddleware):
    """Pages (HTML) gzipped for browsers that accept it, with Django's BREACH mitigation
    (a random length of padding in the gzip header). Why compression reveals nothing here:
    docs/design.md, "What a reporter's phone downloads". Files, downloads and the sharing
    API are left alone: they are images, PDFs or ciphertext, which do not shrink.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
