"""Every staff page speaks the staff member's language: no visible text outside a
translation tag in any staff template, and the Urdu and Chinese catalogues complete."""

from pathlib import Path

import pytest

from tipline.testing.translations import catalogue_problems, untranslated_strings

SOURCE = Path(__file__).resolve().parents[2]
STAFF_APPS = ["accounts", "casework", "outcomes", "sharing", "triage"]


def staff_templates() -> list[Path]:
    """Every template of the staff apps, and any other that extends the staff base.

    Found by walking the source, so a new staff template is checked without being listed.
    """
    found = {SOURCE / "web" / "templates" / "web" / "staff_base.html"}
    for app in STAFF_APPS:
        found.update((SOURCE / app).glob("templates/**/*.html"))
    for template in SOURCE.glob("*/templates/**/*.html"):
        if "web/staff_base.html" in template.read_text(encoding="utf-8"):
            found.add(template)
    return sorted(found)


def test_the_staff_templates_are_found() -> None:
    names = {template.name for template in staff_templates()}
    assert {"signin.html", "inbox.html", "case.html", "audit.html", "settings.html"} <= names


@pytest.mark.parametrize(
    "template", staff_templates(), ids=lambda template: str(template.relative_to(SOURCE))
)
def test_staff_template_has_no_untranslated_text(template: Path) -> None:
    assert untranslated_strings(template) == []


@pytest.mark.parametrize("language", ["ur", "zh-hans"])
def test_staff_catalogue_is_complete_and_compiled(language: str) -> None:
    assert catalogue_problems(language) == []
