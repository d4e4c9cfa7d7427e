"""Small leaks closed after the outside review: cookies, methods, secrets, CORS, logs."""

import logging

import pytest
from django.test import Client

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
