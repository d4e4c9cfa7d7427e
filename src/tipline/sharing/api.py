"""The endpoint partners post packages to: POST /sharing/v1/packages (docs/sharing.md).

No session, no cookie, no CSRF token: the package authenticates itself (signed by a partner
key, encrypted to ours). The body is read in bounded pieces, never more than the limit.
"""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tipline.throttling.gate import allowed_methods

from .identity import IdentityUnavailable
from .receiving import PackageRefused, receive_package

CHUNK = 64 * 1024
logger = logging.getLogger(__name__)


@csrf_exempt  # machine-to-machine: authenticated by the package's signature, no cookie
@allowed_methods("POST")
def packages_endpoint(request: HttpRequest) -> HttpResponse:
    limit = settings.SHARING_MAX_PACKAGE_BYTES + 1024
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _refused("malformed", 400)
    if declared > limit:
        return _refused("too_large", 413)
    if declared <= 0:
        return _refused("empty", 400)
    body = bytearray()
    while len(body) < declared:
        piece = request.read(min(CHUNK, declared - len(body)))
        if not piece:
            break
        body += piece
    if len(body) != declared:
        return _refused("truncated", 400)
    try:
        done = receive_package(bytes(body))
    except PackageRefused as refused:
        return _refused(refused.code, refused.status)
    except IdentityUnavailable:
        # The operator must restore the secret; the sender keeps the package and retries.
        logger.error("sharing: the installation identity cannot be unlocked")
        return _refused("identity_unavailable", 503)
    return JsonResponse({"status": done})


def _refused(code: str, status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"error": code}), status=status, content_type="application/json"
    )
    return response
