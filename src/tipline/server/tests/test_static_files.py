"""Compression and caching (docs/design.md, "What a reporter's phone downloads"): static
files by hashed names, cached for a year, brotli or gzip; pages gzipped and never cached;
nothing in either that differs from one visitor to the next."""

import gzip
import re
from pathlib import Path

import brotli
import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tipline.server.static_files import collect_static_files, sources_digest
from tipline.web.middleware import CompressPages

A_YEAR_OR_MORE = re.compile(r"max-age=(\d+), public, immutable")


def stylesheet_of(page: str) -> str:
    found = re.search(r'<link rel="stylesheet" href="(/static/web/site\.[0-9a-f]{12}\.css)">', page)
    assert found, "the page names its style sheet by its hashed name"
    return found.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_the_style_sheet_is_compressed_and_cached_for_a_year(
    encoding: str, decompress: object
) -> None:
    page = Client().get("/en/receipt/").content.decode()
    url = stylesheet_of(page)
    first = Client().get(url, HTTP_ACCEPT_ENCODING=f"{encoding}, deflate")
    second = Client().get(url, HTTP_ACCEPT_ENCODING=f"{encoding}, deflate")
    body = b"".join(first.streaming_content)  # type: ignore[attr-defined]
    plain = b"".join(Client().get(url).streaming_content)  # type: ignore[attr-defined]
    assert first["Content-Encoding"] == encoding
    assert decompress(body) == plain  # type: ignore[operator]
    assert len(body) < len(plain) / 2
    cached = A_YEAR_OR_MORE.fullmatch(first["Cache-Control"])
    assert cached and int(cached.group(1)) >= 365 * 24 * 3600
    assert "Vary" in first and "Accept-Encoding" in first["Vary"]
    # The same for every visitor: what a cache validator says depends on the file alone.
    assert first.get("ETag") == second.get("ETag")
    assert "Set-Cookie" not in first
    assert "Cookie" not in first["Vary"]


@pytest.mark.django_db
def test_the_fonts_are_cached_for_a_year_and_not_compressed_twice() -> None:
    page = Client().get("/en/receipt/").content.decode()
    stylesheet = b"".join(Client().get(stylesheet_of(page)).streaming_content)  # type: ignore[attr-defined]
    fonts = re.findall(rb'url\("(fonts/[^"]+\.woff2)"\)', stylesheet)
    assert len(fonts) == 2
    for font in fonts:
        assert re.fullmatch(rb"fonts/[a-z-]+\.[0-9a-f]{12}\.woff2", font), font
        response = Client().get(f"/static/web/{font.decode()}", HTTP_ACCEPT_ENCODING="br, gzip")
        assert response.status_code == 200
        assert "Content-Encoding" not in response  # WOFF2 is brotli inside already
        assert A_YEAR_OR_MORE.fullmatch(response["Cache-Control"])


@pytest.mark.django_db
def test_pages_are_gzipped_and_never_cached() -> None:
    response = Client().get("/en/receipt/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content).decode()
    assert "<form" in page and "csrfmiddlewaretoken" in page
    assert len(response.content) < 0.7 * len(page.encode())  # padding included (BREACH)
    assert response["Cache-Control"] == "no-store"
    # Nothing a browser could send back to be recognised on its next visit.
    assert "ETag" not in response and "Last-Modified" not in response


@pytest.mark.django_db
def test_a_browser_that_takes_no_gzip_gets_the_page_as_it_is() -> None:
    response = Client().get("/en/receipt/")
    assert "Content-Encoding" not in response
    assert "<form" in response.content.decode()


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/jpeg", "application/json", "text/css"]
)
def test_only_pages_are_compressed_on_the_fly(content_type: str) -> None:
    """Attachments (images, PDFs) and the sharing API's ciphertext do not shrink; they pass
    through as they are."""
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    body = b"%PDF-1.7 " + b"a" * 4000
    response = CompressPages(lambda _request: HttpResponse(body, content_type=content_type))(
        request
    )
    assert "Content-Encoding" not in response
    assert response.content == body


def test_serve_does_not_collect_again_what_it_collected() -> None:
    """`tipline serve` checks at each start, but compresses only after an install or an
    upgrade changed a file: here the sources are as the session collected them."""
    from django.conf import settings

    assert (Path(settings.STATIC_ROOT) / ".sources-digest").read_text() == sources_digest()
    assert collect_static_files() is False
    assert "CompressedManifest" in settings.STORAGES["staticfiles"]["BACKEND"]


@pytest.mark.slow
def test_an_upgrade_collects_again_once(settings: object, tmp_path: Path) -> None:
    """Files collected from other sources (an older release) are replaced on the next start,
    once; the announcement comes before the work."""
    root = tmp_path / "static"
    root.mkdir()
    (root / ".sources-digest").write_text("an older release")
    (root / "left-over.css").write_text("body {}")
    settings.STATIC_ROOT = root  # type: ignore[attr-defined]
    said: list[str] = []
    assert collect_static_files(announce=lambda: said.append("collecting")) is True
    assert said == ["collecting"]
    assert not (root / "left-over.css").exists()
    assert list((root / "web").glob("site.*.css.br")) and list((root / "web").glob("site.*.css.gz"))
    assert (root / ".sources-digest").read_text() == sources_digest()
    assert collect_static_files(announce=lambda: said.append("again")) is False
    assert said == ["collecting"]
