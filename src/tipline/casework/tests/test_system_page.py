"""The administrator's system page says which pages the kernel gives the receipt
derivations' memory: small pages make every report cost about a third more CPU
(docs/deploy.md, "Capacity"), and that is a host setting only a person can change.

The settings are read from a folder laid out as the kernel's
/sys/kernel/mm/transparent_hugepage, with the same file contents."""

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

from tipline.accounts.actions import create_staff
from tipline.casework import system
from tipline.testing.accessibility import assert_accessible
from tipline.testing.fixtures import STRONG_PASSWORD, screenshot, sign_in, totp_code

CHOICES = {
    "top": "always madvise never",
    "size": "always inherit madvise never",
}


def _setting(choices: str, chosen: str) -> str:
    """A sysfs setting as the kernel shows it: every choice, the chosen one bracketed."""
    return " ".join(f"[{c}]" if c == chosen else c for c in choices.split()) + "\n"


def _kernel(root: Path, top: str, sizes: dict[int, str] | None = None) -> Path:
    """A transparent huge page folder with `top` chosen, and per-size settings (kernels since
    6.8) when `sizes` is given: every size not listed is "never", 2048 kB "inherit"."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "enabled").write_text(_setting(CHOICES["top"], top))
    (root / "hpage_pmd_size").write_text("2097152\n")
    if sizes is not None:
        for kib in (16, 32, 64, 128, 256, 512, 1024, 2048):
            folder = root / f"hugepages-{kib}kB"
            folder.mkdir()
            default = "inherit" if kib == 2048 else "never"
            (folder / "enabled").write_text(_setting(CHOICES["size"], sizes.get(kib, default)))
    return root


@pytest.mark.parametrize(
    ("top", "sizes", "expected"),
    [
        ("madvise", {}, "small"),  # the usual default
        ("always", {}, "always"),
        ("never", {}, "small"),
        ("madvise", {2048: "always"}, "always"),
        ("madvise", {64: "always"}, "partly"),
        ("always", {2048: "never", 64: "always"}, "partly"),
        ("always", {2048: "madvise"}, "small"),
        ("madvise", {64: "inherit"}, "small"),
        ("always", None, "always"),  # a kernel before multi-size pages
        ("madvise", None, "small"),
    ],
)
def test_the_pages_derivations_get_follow_the_kernels_settings(
    tmp_path: Path, top: str, sizes: dict[int, str] | None, expected: str
) -> None:
    assert system.huge_pages_for_derivations(_kernel(tmp_path / "thp", top, sizes)) == expected


def test_a_kernel_that_says_nothing_gives_unknown(tmp_path: Path) -> None:
    assert system.huge_pages_for_derivations(tmp_path / "missing") == "unknown"
    garbled = tmp_path / "garbled"
    garbled.mkdir()
    (garbled / "enabled").write_text("always madvise never\n")  # no choice bracketed
    assert system.huge_pages_for_derivations(garbled) == "unknown"


def test_the_hosts_own_settings_are_read() -> None:
    """On the machine running the suite: a Linux kernel with transparent huge pages."""
    if not system.TRANSPARENT_HUGE_PAGES.exists():
        pytest.skip("this kernel has no transparent huge pages")
    assert system.huge_pages_for_derivations(system.TRANSPARENT_HUGE_PAGES) != "unknown"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("top", "sizes", "says", "warns"),
    [
        ("madvise", {}, "a fifth to a third more CPU", True),
        ("madvise", {64: "always"}, "larger pages of some sizes", True),
        ("always", {}, "huge pages (transparent huge pages “always”)", False),
    ],
)
def test_the_system_page_says_what_the_pages_cost(
    client: Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    top: str,
    sizes: dict[int, str],
    says: str,
    warns: bool,
) -> None:
    monkeypatch.setattr(system, "TRANSPARENT_HUGE_PAGES", _kernel(tmp_path / "thp", top, sizes))
    admin = create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    )
    sign_in(client, admin.user, admin.device)
    page = client.get("/staff/system/").content.decode()
    line = page[page.index('id="huge-pages"') : page.index("</p>", page.index('id="huge-pages"'))]
    assert says in line
    assert ('role="status"' in line) is warns


@pytest.mark.django_db
def test_the_capacity_line_is_in_the_administrators_language(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(system, "TRANSPARENT_HUGE_PAGES", _kernel(tmp_path / "thp", "madvise"))
    admin = create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    )
    sign_in(client, admin.user, admin.device)
    client.post("/staff/settings/", {"language": "ur"})
    page = client.get("/staff/system/").content.decode()
    assert "گنجائش" in page and "ایک تہائی تک زیادہ CPU" in page


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_the_system_page_is_accessible_in_every_staff_language(
    axe_page: Page,
    live_server: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
) -> None:
    """An administrator signs in in Chromium and reads the page, the small-pages warning
    included: axe-core finds nothing, and Urdu lays it out right to left."""
    monkeypatch.setattr(system, "TRANSPARENT_HUGE_PAGES", _kernel(tmp_path / "thp", "madvise"))
    admin = create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    )
    base = str(live_server.url)  # type: ignore[attr-defined]
    page = axe_page
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{base}/staff/signin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_code", totp_code(admin.device.key))  # type: ignore[attr-defined]
    page.click("button[type=submit]")
    page.goto(f"{base}/staff/system/")
    assert page.locator("#huge-pages[role=status]").count() == 1
    assert page.locator("html").get_attribute("lang") == language
    direction = "rtl" if language == "ur" else "ltr"
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    assert_accessible(page, f"system page ({language})")
    screenshot(page, f"staff-{language}-system")
