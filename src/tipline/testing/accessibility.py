"""Accessibility checks with axe-core in Debian's Chromium (WCAG 2.1 AA and best practice).

axe-core comes inside the `axe-playwright-python` wheel: nothing is downloaded. It runs as a
script that the test injects through the DevTools protocol, so the page under test needs no
script of its own (its CSP still forbids them), but the browser context must allow scripts:
use the `axe_page` fixture, not the JavaScript-off `page` of the reporter tests.

Reporter and staff tests both call `assert_accessible(page, name)`; a violation fails the
test with every rule, its help text and the elements it found.
"""

from typing import Any

from axe_playwright_python.sync_playwright import Axe

# The rule sets that WCAG 2.1 AA and axe's best practices make of it.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# "Incomplete" means axe could not decide; these rules must still have nothing to say.
INCOMPLETE_THAT_FAIL = {
    "aria-valid-attr-value",
    "duplicate-id",
    "duplicate-id-active",
    "duplicate-id-aria",
}

_axe = Axe()


def accessibility_problems(page: Any) -> list[str]:
    """One line per rule broken on the page as it is now, with the elements concerned."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": TAGS},
            "resultTypes": ["violations", "incomplete"],
        },
    ).response
    found = list(results["violations"])
    found += [r for r in results["incomplete"] if r["id"] in INCOMPLETE_THAT_FAIL]
    return [
        f"{rule['id']} ({rule.get('impact')}): {rule['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
        for rule in found
    ]


def assert_accessible(page: Any, name: str) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{name} at {page.url}:\n" + "\n".join(problems)


def assert_accessible_as_shown(page: Any, axe_page: Any, base: str, name: str) -> None:
    """`assert_accessible` for a page as a browser with JavaScript off has it (a form's
    answer included, which cannot be fetched again): its HTML is checked in `axe_page` (the
    `axe_page` fixture, which may run axe's script) on this site's origin `base`, so that
    the page's own styles load."""
    axe_page.goto(f"{base}/staff/signin/")
    axe_page.set_content(page.content())
    assert_accessible(axe_page, name)
