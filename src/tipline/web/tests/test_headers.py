"""Guarantee 2 at the HTTP layer: strict headers, no cookie, no trace of the client."""

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tipline.web.middleware import PLACEHOLDER_ADDRESS, forget_client_identity


@pytest.mark.django_db
def test_landing_page_sets_strict_headers_and_no_cookie(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # reporter pages run no script at all
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
    assert response.cookies == {}


@pytest.mark.django_db
def test_landing_page_loads_nothing_from_another_origin(client: Client) -> None:
    body = client.get("/").content.decode()
    for attribute in re.findall(r'(?:src|href|action)="([^"]*)"', body):
        assert attribute.startswith("/"), attribute


@pytest.mark.django_db
def test_error_pages_are_plain_and_strict(client: Client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response
    assert b"Traceback" not in response.content


def test_client_address_and_identifying_headers_are_dropped_first() -> None:
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update({k: str(v) for k, v in request.META.items()})
        return HttpResponse("ok")

    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Reporter's phone",
        HTTP_REFERER="https://search.example/?q=tip",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
        HTTP_FORWARDED="for=198.51.100.2",
        HTTP_X_REAL_IP="198.51.100.2",
    )
    forget_client_identity(view)(request)
    assert seen["REMOTE_ADDR"] == PLACEHOLDER_ADDRESS
    values = " ".join(seen.values())
    for trace in ["203.0.113.7", "198.51.100.2", "Reporter's phone", "search.example"]:
        assert trace not in values


def test_the_identity_middleware_runs_before_anything_else() -> None:
    from django.conf import settings

    assert settings.MIDDLEWARE[0] == "tipline.web.middleware.forget_client_identity"


def test_static_files_are_served_from_this_origin(client: Client) -> None:
    response = client.get("/static/web/site.css")
    assert response.status_code == 200
    assert "Cache-Control" not in response or response["Cache-Control"] != "no-store"


@pytest.mark.django_db
@pytest.mark.parametrize(("origin", "status"), [("null", 200), ("https://evil.example", 403)])
def test_forms_work_under_no_referrer_and_foreign_origins_are_refused(
    origin: str, status: int
) -> None:
    """Browsers send `Origin: null` under `Referrer-Policy: no-referrer` (found by the
    browser tests): it must not break forms, while a foreign origin is still refused."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/en/receipt/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/en/receipt/",
        {"receipt": "", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=origin,
    )
    assert response.status_code == (400 if status == 200 else 403)


@pytest.mark.django_db
def test_a_post_without_the_token_is_refused_even_with_a_null_origin() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/receipt/", {"receipt": "1" * 20}, HTTP_ORIGIN="null")
    assert response.status_code == 403
    assert "expired" in response.content.decode()
