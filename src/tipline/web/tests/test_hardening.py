"""Small leaks closed after the outside review: cookies, methods, secrets, CORS, logs."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tipline.throttling.gate import methods_of
from tipline.web.logs import ForgetPaths

pytestmark = pytest.mark.django_db


def test_the_reporter_csrf_cookie_lives_only_as_long_as_the_browser() -> None:
    response = Client().get("/en/receipt/")
    cookie = response.cookies["csrftoken"]
    assert not cookie["max-age"] and not cookie["expires"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "BREW"])
@pytest.mark.parametrize("path", ["/", "/en/receipt/", "/staff/signin/"])
def test_views_refuse_methods_they_do_not_take(method: str, path: str) -> None:
    response = Client().generic(method, path)
    assert response.status_code == 405


def tipline_views() -> Iterator[tuple[str, Any]]:
    """(route, view) of every URL pattern whose view is Tipline's own."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback

    for route, view in walk(get_resolver().url_patterns, ""):
        if view.__module__.startswith("tipline."):
            yield route, view


def test_every_view_of_tipline_says_which_methods_it_takes() -> None:
    undeclared = [route for route, view in tipline_views() if not hasattr(view, "http_methods")]
    assert not undeclared
    assert len(list(tipline_views())) > 40


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/report/narcotics/",
        "/en/results/narcotics/",
        "/staff/",
        "/staff/audit/",
        "/staff/outcomes/",
        "/staff/system/",
        "/staff/outcomes/charts.css",
    ],
)
def test_a_post_to_a_page_that_only_shows_is_refused_before_anything_runs(path: str) -> None:
    response = Client().post(path, {"anything": "x"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert b"Nothing was stored" in response.content


def test_the_methods_a_page_takes_are_what_it_declares() -> None:
    declared = {route: methods_of(view) for route, view in tipline_views()}
    assert declared["staff/signout/"] == ("POST",)
    assert declared["staff/signin/"] == ("GET", "HEAD", "POST")
    assert declared[""] == ("GET", "HEAD")


def test_the_admin_shows_no_totp_secret() -> None:
    from django.contrib import admin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not admin.site.is_registered(TOTPDevice)


def test_static_files_send_no_cors_header() -> None:
    response = Client().get("/static/web/site.css")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_log_lines_keep_no_path() -> None:
    record = logging.LogRecord(
        "django.security.csrf",
        logging.WARNING,
        __file__,
        1,
        "Forbidden (%s): %s",
        ("CSRF token missing.", "/staff/invitation/SECRET-TOKEN/"),
        None,
    )
    ForgetPaths().filter(record)
    assert "SECRET-TOKEN" not in record.getMessage()
    assert "CSRF token missing." in record.getMessage()
