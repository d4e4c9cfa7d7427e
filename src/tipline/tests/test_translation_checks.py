"""The shared checks for translations find what they must, and only that."""

from pathlib import Path

from tipline.testing.translations import untranslated_strings


def check(tmp_path: Path, source: str) -> list[str]:
    template = tmp_path / "page.html"
    template.write_text(source, encoding="utf-8")
    return untranslated_strings(template)


def test_text_outside_translation_tags_is_found(tmp_path: Path) -> None:
    source = '{% load i18n %}<h1>Inbox</h1><p>{% translate "Reports" %} · 12</p>'
    assert check(tmp_path, source) == ["Inbox"]


def test_read_attributes_count_and_other_attributes_do_not(tmp_path: Path) -> None:
    source = (
        '<img alt="A map" src="x.png"><p class="muted {% if late %}late{% endif %}">'
        '<input type="submit" value="Send"><input type="hidden" name="next" value="here">'
    )
    assert check(tmp_path, source) == ["A map", "Send"]


def test_blocktranslate_comments_variables_and_styles_are_not_text(tmp_path: Path) -> None:
    source = (
        "{% load i18n %}{% blocktranslate with n=count %}Received {{ n }} reports"
        "{% endblocktranslate %}{% comment %}Note to self{% endcomment %}"
        "<p>{{ report.category }}: {{ number }}</p><style>body { color: black; }</style>"
        "<p>#{{ number }} · 2026-11-23</p>"
    )
    assert check(tmp_path, source) == []


def test_text_split_by_a_tag_is_found(tmp_path: Path) -> None:
    source = '<p>Received {{ when }} <a href="{% url "x" %}">Export (zip)</a></p>'
    assert check(tmp_path, source) == ["Received", "Export (zip)"]
