"""Charts are valid SVG with a title and a description, and carry no script or style."""

import xml.etree.ElementTree as ET

from tipline.outcomes.charts import bar_chart, chart_css

SVG = "{http://www.w3.org/2000/svg}"


def test_a_chart_is_valid_svg_named_and_described_for_screen_readers() -> None:
    svg = bar_chart(
        "weekly",
        "Reports per week",
        "Two weeks; the table has the numbers.",
        ["2026-11-02", "2026-11-09"],
        [("Drugs", [3, 4]), ("دیگر", [1, 0])],
    )
    root = ET.fromstring(svg)  # noqa: S314 (our own output) raises if not well-formed
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "weekly-title weekly-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (
        title is not None and title.text == "Reports per week" and title.get("id") == "weekly-title"
    )
    assert desc is not None and desc.text == "Two weeks; the table has the numbers."
    assert root.find(f".//{SVG}script") is None and root.find(f".//{SVG}style") is None


def test_an_empty_chart_is_still_valid_svg() -> None:
    root = ET.fromstring(bar_chart("empty", "Nothing", "No data.", [], []))  # noqa: S314
    assert root.find(f"{SVG}desc") is not None


def test_descriptions_are_escaped() -> None:
    svg = bar_chart("x", "<b>", "a < b & c", ["w"], [("s", [1])])
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.find(f"{SVG}desc").text == "a < b & c"  # type: ignore[union-attr]


def test_the_chart_stylesheet_fits_every_chart_and_is_served(client: object) -> None:
    assert "#chart-" not in chart_css() and ".pygal-chart" in chart_css()
    response = client.get("/staff/outcomes/charts.css")  # type: ignore[attr-defined]
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")


def test_weekly_counts_are_bars_one_per_week_and_series_not_areas() -> None:
    weeks = ["2026-11-02", "2026-11-09", "2026-11-16"]
    svg = bar_chart("weekly", "Reports per week", "d", weeks, [("a", [3, 0, 4]), ("b", [1, 2, 0])])
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    bars = [e for e in root.iter(f"{SVG}rect") if "rect" in (e.get("class") or "").split()]
    assert len(bars) == 6  # zeros too: a bar of no height, so each week stays a bucket
    # No series drawn as a line or an area between weeks (the axes' own lines stay).
    assert not [e for e in root.iter(f"{SVG}path") if e.get("class") == "line reactive"]
