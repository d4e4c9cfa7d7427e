"""A desk's languages are the desk's: which languages a reporter page within a desk offers,
and what it answers when asked in another one (the reporter's pages and the desk's public
results use it, each with `desks.selectors.offered_languages(desk)`).

Reporter addresses carry their language (`/ur/report/...`); any of the site's languages
resolves, so `/ps/report/border/` exists as an address even for a desk that offers English,
Urdu and Chinese only. Pages within a desk offer that desk's languages in their switcher;
pages outside a desk (the first page, "I have a receipt code") the site's.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_language_info
from django.utils.translation.trans_real import parse_accept_lang_header

if TYPE_CHECKING:  # web sits below desks: the desk only as a type
    from tipline.desks.models import Desk

__all__ = ["best_language", "language_links", "other_language_page"]


def language_links(request: HttpRequest, codes: list[str]) -> list[tuple[str, str, str]]:
    """(code, name in that language, this page's address in it), for the switcher.

    The address is read in the language it was asked in (an answer given in another one,
    under `translation.override`, would not find its own address otherwise)."""
    names = dict(settings.LANGUAGES)
    asked_in = getattr(request, "LANGUAGE_CODE", None) or get_language()
    with translation.override(asked_in):
        return [(code, names[code], translate_url(request.path, code)) for code in codes]


def best_language(request: HttpRequest, offered: list[str]) -> str:
    """The first of the browser's languages (by its Accept-Language weights) that `offered`
    holds, counting a regional variant as its language (`zh-CN` is `zh-hans`, `ur-PK` is
    `ur`); else the first offered, the desk's own."""
    header = request.headers.get("accept-language", "")
    for accepted, _weight in parse_accept_lang_header(header):
        if accepted == "*":
            break
        try:
            code = translation.get_supported_language_variant(accepted)
        except LookupError:
            continue
        if code in offered:
            return code
    return offered[0]


def other_language_page(request: HttpRequest, desk: "Desk", offered: list[str]) -> HttpResponse:
    """The answer to a desk's page asked for in a language the desk does not offer.

    A short page, in the best of the desk's languages for this browser, that names the
    language asked for and lists the desk's languages as plain links to the same page in
    each (no JavaScript). Status 404: the address names a page that does not exist (this
    desk has no form in that language), so no tool or crawler takes it for the page itself
    and nothing keeps it as one, while the body still shows the reporter the way on. It
    varies with Accept-Language, which chose its words.
    """
    asked = get_language()
    answer = best_language(request, offered)
    links = language_links(request, offered)
    with translation.override(answer):
        response = render(
            request,
            "reporter/other_language.html",
            {
                "desk": desk,
                "asked": get_language_info(asked)["name_local"],
                "choices": links,
                "language_links": links,
            },
            status=404,
        )
    response["Content-Language"] = answer
    patch_vary_headers(response, ["Accept-Language"])
    return response
