"""Overrides of pytest-playwright's and pytest-django's fixtures (a conftest wins over a
plugin's fixtures)."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from tipline.testing.fixtures import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, never a downloaded browser (pytest-playwright hook)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """As the reporters we plan for: a small phone, JavaScript off (Tor's "Safest")."""
    return {
        **browser_context_args,
        "java_script_enabled": False,
        "viewport": {"width": 360, "height": 740},
    }


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, its static files served as in production: by WhiteNoise,
    from the collected files (hashed names, compressed). Django's own static handler, which
    pytest-django puts in front, knows only the sources' names."""
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = _the_application_itself
    server.start()
    yield server
    server.stop()


def _the_application_itself(application: object) -> object:
    return application
