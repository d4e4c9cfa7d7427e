"""Fixtures shared by every app's tests (loaded with `-p tipline.testing.fixtures`)."""

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP

from tipline.vault import params

# The production costs, recorded before any fixture lowers them.
PRODUCTION_STAFF_PASSWORD_COST = params.STAFF_PASSWORD_COST
PRODUCTION_RECEIPT_COST = params.RECEIPT_COST

# libsodium's minimum Argon2id cost: the same algorithm and code path, in a millisecond.
FAST_COST = params.Argon2Cost(opslimit=1, memlimit=8192)

STRONG_PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True, scope="session")
def fast_vault() -> Iterator[None]:
    """Lower the vault's Argon2id costs for the whole run (SecureDrop's insecure_scrypt).

    Session-scoped and without monkeypatch, so hypothesis tests can use it freely. A test
    that needs a real cost passes one explicitly (see `real_receipt_cost`).
    """
    params.STAFF_PASSWORD_COST = FAST_COST
    params.RECEIPT_COST = FAST_COST
    yield
    params.STAFF_PASSWORD_COST = PRODUCTION_STAFF_PASSWORD_COST
    params.RECEIPT_COST = PRODUCTION_RECEIPT_COST


@pytest.fixture(autouse=True, scope="session")
def collected_static_files() -> None:
    """Pages name their static files by the hashed names of the collected manifest, as in
    production: collect once (again only when a source changed)."""
    from tipline.server.static_files import collect_static_files

    collect_static_files()


@pytest.fixture
def real_receipt_cost() -> Iterator[None]:
    params.RECEIPT_COST = PRODUCTION_RECEIPT_COST
    yield
    params.RECEIPT_COST = FAST_COST


def totp_code(key_hex: str, *, step_offset: int = 0) -> str:
    """The code an authenticator app would show now for this key."""
    totp = TOTP(bytes.fromhex(key_hex))
    totp.drift = step_offset
    return f"{totp.token():06d}"


def unused_code(device: object) -> str:
    """A code the device takes now, however many were used before: for the current step as
    the device counts it (with the drift it learned), or the next one when that was used.

    A fixed offset breaks when the clock passes a 30-second step between two sign-ins: a
    code meant for "one step ahead" then lands on the current step, the device learns no
    drift, and a later "two steps ahead" falls outside its window."""
    device.refresh_from_db()  # type: ignore[attr-defined]
    now = (int(time.time()) - device.t0) // device.step  # type: ignore[attr-defined]
    wanted = max(now + device.drift, device.last_t + 1)  # type: ignore[attr-defined]
    return totp_code(device.key, step_offset=wanted - now)  # type: ignore[attr-defined]


class DeskWithRecipient:
    """A desk with the shipped categories and one analyst who receives its reports."""

    def __init__(self, slug: str = "narcotics", **desk_options: object) -> None:
        from tipline import vault
        from tipline.accounts.actions import create_staff
        from tipline.desks.actions import create_desk
        from tipline.reports.categories import install_default_categories

        self.desk = create_desk(
            slug=slug,
            name="Narcotics desk",
            languages=["en", "ur", "zh-hans", "ps", "fa"],
            acting_user=None,
        )
        for field, value in desk_options.items():
            setattr(self.desk, field, value)
        self.desk.save()
        install_default_categories(self.desk)
        new_staff = create_staff(
            username=f"analyst-{slug}",
            password=STRONG_PASSWORD,
            role="analyst",
            desks=[self.desk],
            acting_user=None,
        )
        self.analyst = new_staff.user
        self.device = new_staff.device
        self.private_key = vault.unlock_with_password(self.analyst.key_record, STRONG_PASSWORD)


@pytest.fixture
def desk_with_recipient(db: None) -> DeskWithRecipient:
    return DeskWithRecipient()


@pytest.fixture
def files_dir(settings: object, tmp_path: object) -> object:
    """A fresh folder for encrypted files, so tests can look at everything written."""
    folder = tmp_path / "files"  # type: ignore[operator]
    folder.mkdir()
    settings.FILES_DIR = folder  # type: ignore[attr-defined]
    return folder


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    """Each test starts with no throttle count and nothing a process keeps from a database
    that the previous test rolled back (the receipt salt, the forms' desk setup)."""
    from tipline.reporter import form_setup
    from tipline.reports import receipts
    from tipline.reports.throttle import WRONG_RECEIPTS

    WRONG_RECEIPTS.reset()
    receipts.forget_salt()
    form_setup.forget_all()


@pytest.fixture(autouse=True)
def site_language() -> Iterator[None]:
    """Each test ends in the site's language: a test that activates Urdu or Chinese (a
    staff member's language, a management command) must not leave the next test's
    `reverse()` building `/ur/...` addresses where it expects `/en/...`."""
    yield
    from django.utils import translation

    translation.deactivate()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


def screenshot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def sign_in(client: object, user: object, device: object, *, step_offset: int = 0) -> object:
    """Sign a staff member in through the real pages: password, then a TOTP code.

    Each sign-in needs a code not used before (django-otp refuses replays): pass a later
    `step_offset` for a second sign-in within the same 30 seconds.
    """
    response = client.post(  # type: ignore[attr-defined]
        "/staff/signin/",
        {"username": user.username, "password": STRONG_PASSWORD},  # type: ignore[attr-defined]
    )
    assert response.status_code == 302, response.content[:500]
    device.refresh_from_db()  # type: ignore[attr-defined]
    code = totp_code(device.key, step_offset=step_offset)  # type: ignore[attr-defined]
    response = client.post("/staff/signin/code/", {"code": code})  # type: ignore[attr-defined]
    assert response.status_code == 302, response.content[:800]
    return response


def accept_invitation(page: Any, link: str, password: str) -> tuple[str, str]:
    """Open an invitation in a browser page, choose `password`, enrol the authenticator
    from the key the page shows (as a person types it into their app); returns the
    recovery code shown once and that key (hex). The page is left on the recovery code."""
    page.goto(link)
    typed = "".join(page.locator(".key-line .secret").inner_text().split())
    key_hex = base64.b32decode(typed + "=" * (-len(typed) % 8)).hex()
    page.fill("#id_password", password)
    page.fill("#id_password_again", password)
    page.fill("#id_code", totp_code(key_hex))
    page.click("button[type=submit]")
    recovery = page.locator(".panel.warning .secret").inner_text().strip()
    assert len(recovery) > 20
    return recovery, key_hex


def no_script_phone(browser: object, language: str) -> object:
    """A page in a new phone-sized context with JavaScript off (Tor's "Safest"), whose
    browser asks for `language`: a second person in a test, with cookies of their own."""
    context = browser.new_context(  # type: ignore[attr-defined]
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
        extra_http_headers={"Accept-Language": language},
    )
    return context.new_page()


@pytest.fixture
def axe_page(browser: object) -> Iterator[object]:
    """A phone-sized page whose context lets axe-core's script run (see testing.accessibility).

    The pages under test still run none of their own: their CSP forbids it.
    """
    context = browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()
