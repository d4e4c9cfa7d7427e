"""Charts are valid SVG with a title and a description, and carry no script or style."""

import xml.etree.ElementTree as ET

import pytest

from tipline.outcomes.charts import bar_chart, chart_css, whole_ticks

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


def _axis_labels(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    axis = [g for g in root.iter(f"{SVG}g") if "y" in (g.get("class") or "").split()]
    return [t.text or "" for g in axis for t in g.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("series", "stacked", "line"),
    [
        ([("reports", [1, 0, 1])], True, False),
        ([("a", [1, 2, 0]), ("b", [1, 1, 0])], True, False),  # stacks reach 3
        ([("seizures", [3, 1])], False, False),
        ([("received", [0, 1, 3])], True, True),
        ([("nothing", [0, 0])], True, False),
    ],
)
def test_a_count_axis_shows_whole_numbers_only(
    series: list[tuple[str, list[float]]], stacked: bool, line: bool
) -> None:
    labels = ["w1", "w2", "w3"][: len(series[0][1])]
    svg = bar_chart("c", "Counts", "d", labels, series, stacked=stacked, line=line)
    ticks = _axis_labels(svg)
    assert ticks and all(tick.isdigit() for tick in ticks), ticks
    top = max(int(tick) for tick in ticks)
    tallest = max(map(sum, zip(*[v for _n, v in series], strict=True))) if stacked else 3
    assert top >= min(tallest, 3) and top <= 8


def test_whole_ticks_stay_few_and_whole_for_large_counts() -> None:
    assert whole_ticks(1) == [0, 1]
    assert whole_ticks(3) == [0, 1, 2, 3]
    assert whole_ticks(0) == [0, 1]
    ticks = whole_ticks(12345)
    assert len(ticks) <= 9 and ticks[-1] >= 12345 and all(isinstance(t, int) for t in ticks)


def test_the_card_heading_is_not_drawn_again_but_still_names_the_chart() -> None:
    svg = bar_chart("weekly", "Reports per week", "d", ["w1"], [("a", [2])])
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    drawn = [t.text for t in root.iter(f"{SVG}text")]
    assert "Reports per week" not in drawn
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Reports per week"
    assert "Pygal" not in svg
