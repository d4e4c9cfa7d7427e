"""Overrides of pytest-playwright's fixtures (a conftest wins over a plugin's fixtures)."""

from pathlib import Path

import pytest

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
