"""Charts as SVG, drawn on the server with pygal, with no script and no inline style.

Reporter and staff pages forbid inline styles and scripts (CSP), so pygal's <script> is
removed, and its <style> is served once as a stylesheet of this origin (`chart_css`) with
each chart's own id in its selectors replaced by the class every chart carries. Each SVG
is `role="img"`, named by its <title> and described by a <desc> for screen readers; the
title is not drawn, since the card around every chart shows the same words as its heading.
Every chart counts something (reports, cases, seizures, rewards), so its value axis is
labelled with whole numbers only: a tick at 0.5 reports reads as a report in halves.
Its words are drawn at 15 units in a chart `WIDTH` units wide that is never shown narrower
than that (outcomes.css: on a phone the chart scrolls in its box), so no label is smaller
than 15 px on screen, and none is cut short: an Urdu week or category name in Nastaliq is
read whole or not at all.
"""

import math
import re
from functools import cache

import pygal
from django.utils.html import escape
from pygal.style import Style

WIDTH = 640  # units, and the least width in px a chart is shown at (outcomes.css)
LABEL_SIZE = 15
# Degrees, for x labels that would not fit side by side: steep enough that neighbours in
# Nastaliq, whose letters stand about twice as tall as Latin ones, do not touch.
ROTATION = 60
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#555",
    font_family="'Noto Sans', 'Noto Nastaliq Urdu', 'Noto Sans CJK SC', sans-serif",
    label_font_size=LABEL_SIZE,
    major_label_font_size=LABEL_SIZE,
    legend_font_size=LABEL_SIZE,
    value_font_size=LABEL_SIZE,
    value_label_font_size=LABEL_SIZE,
    tooltip_font_size=LABEL_SIZE,
    colors=("#1f5fa8", "#c4561d", "#2a7f3f", "#7a3fa0", "#a0283c", "#56606b", "#8a6d00"),
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]{36}")


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[tuple[str, list[float]]],
    *,
    stacked: bool = True,
    line: bool = False,
) -> str:
    """An SVG (a string for the template) of `series` over `labels`.

    Counts per week are stacked bars: a week is a bucket, and an area or a line between two
    weeks would suggest reports in between. (A bar per week and series is an element each;
    a year of weeks in ten categories is some hundreds of rectangles, drawn in well under
    a second.) `line` is for cumulated figures, which do grow between weeks.
    """
    kind = pygal.Line if line else (pygal.StackedBar if stacked else pygal.Bar)
    columns = _legend_columns([name for name, _ in series])
    slanted = len(labels) > 8 or any(_drawn_width(label) > _column(labels) for label in labels)
    chart = kind(
        show_dots=line and len(labels) <= 16,
        js=[],
        style=STYLE,
        title=None,
        disable_xml_declaration=True,
        height=400,
        width=WIDTH,
        x_label_rotation=ROTATION if slanted else 0,
        margin_right=_right_margin(labels, slanted),
        show_minor_x_labels=len(labels) <= 16,
        legend_at_bottom=True,
        truncate_label=-1,  # never cut: a name cut short may read as another
        truncate_legend=-1,
        legend_at_bottom_columns=columns,
        margin_bottom=_bottom_margin(len(series), columns) + _slant_shortfall(labels, slanted),
        print_values=False,
        no_data_text="—",
        tooltip_border_radius=0,
    )
    chart.x_labels = labels
    if labels and series:  # pygal cannot place labels on a chart with nothing in it
        chart.y_labels = whole_ticks(_top(series, stacked=stacked and not line))
    for name, values in series:
        chart.add(name, values)
    return _clean(chart.render(is_unicode=True), chart_id, title, description)


def _drawn_width(text: str) -> float:
    """About how wide `text` is drawn, in chart units (a wide character, as in Chinese,
    counts about twice a Latin or Arabic-script one)."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.62 for c in text) * LABEL_SIZE


def _column(labels: list[str]) -> float:
    """The width each x label has under its bar (the value axis takes about 4 labels' room)."""
    return (WIDTH - 4 * LABEL_SIZE) / max(1, len(labels))


def _right_margin(labels: list[str], slanted: bool) -> float:
    """Room on the right for the last x label: centred under its bar it may be wider than
    its column; slanted it runs down to the right from there."""
    if not labels:
        return LABEL_SIZE
    last, half_column = _drawn_width(labels[-1]), _column(labels) / 2
    past = last * math.cos(math.radians(ROTATION)) if slanted else last / 2
    return max(LABEL_SIZE, past - half_column + LABEL_SIZE)


def _legend_columns(names: list[str]) -> int | None:
    """As many legend columns as the longest name lets fit across the chart, so that no
    name runs past its edge."""
    if not names:
        return None
    widest = max(_drawn_width(name) for name in names)
    column = widest + 2 * LABEL_SIZE  # the name and its colour box
    return max(1, min(len(names), int((WIDTH - 2 * LABEL_SIZE) // column)))


def _bottom_margin(names: int, columns: int | None) -> float:
    """Room under the legend for its last row and for Nastaliq's low strokes. pygal keeps
    room for `names // columns` rows where there are `ceil(names / columns)`, so a last row
    that is not full would fall off the chart."""
    if not names or not columns:
        return LABEL_SIZE
    missing = math.ceil(names / columns) - max(1, names // columns)
    return LABEL_SIZE + missing * LABEL_SIZE * 1.5


def _slant_shortfall(labels: list[str], slanted: bool) -> float:
    """pygal makes room under the chart for slanted labels as if every character were as
    wide as a Latin one; Chinese ones are about twice that, and would hang off the bottom."""
    if not slanted or not labels:
        return 0
    pygal_width = max(len(label) for label in labels) * 0.6 * LABEL_SIZE
    short = max(_drawn_width(label) for label in labels) - pygal_width
    return max(0.0, short * math.sin(math.radians(ROTATION)))


def whole_ticks(top: float, most: int = 8) -> list[int]:
    """Labels for a count axis from 0 to at least `top`: whole numbers a step of 1, 2 or 5
    times a power of ten apart, at most `most` steps, never a fraction."""
    if top <= 0:
        return [0, 1]
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power):
            if math.ceil(top / step) <= most:
                return list(range(0, step * math.ceil(top / step) + 1, step))
        power *= 10


def _top(series: list[tuple[str, list[float]]], *, stacked: bool) -> float:
    """The highest point drawn: the tallest stack for stacked bars, else the largest value."""
    columns = [values for _name, values in series]
    if not columns or not any(columns):
        return 0
    if stacked:
        return max(sum(float(v or 0) for v in row) for row in zip(*columns, strict=False))
    return max(float(v or 0) for values in columns for v in values)


@cache
def chart_css() -> str:
    """pygal's stylesheet for our style, once, selectors made to fit every chart."""
    parts = []
    for kind in (pygal.StackedBar, pygal.Bar, pygal.Line):
        chart = kind(js=[], style=STYLE, disable_xml_declaration=True)
        for _colour in STYLE.colors:  # one series per colour, so each colour's rules come out
            chart.add("", [1])
        parts.extend(_STYLE.findall(chart.render(is_unicode=True)))
    css = _CHART_ID.sub(".pygal-chart", "\n".join(parts)).replace("&gt;", ">")
    return css + "\n.pygal-chart{max-width:100%;height:auto}\n"


def _clean(svg: str, chart_id: str, title: str, description: str) -> str:
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE.sub("", svg)
    svg = _COMMENT.sub("", svg).replace("<defs></defs>", "").replace("<defs/>", "")
    svg = re.sub(r'id="(chart-[0-9a-f-]{36})?"', f'id="{chart_id}"', svg, count=1)
    svg = svg.replace(
        f'id="{chart_id}"',
        f'id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"',
        1,
    )
    # The chart's first <title> (pygal's "Pygal" when nothing is drawn as a title) names
    # it for screen readers: our title, with an id, and the <desc> after it.
    start = svg.find("<title>")
    close = svg.find("</title>", start)
    svg = f'{svg[:start]}<title id="{chart_id}-title">{escape(title)}{svg[close:]}'
    end = svg.find("</title>") + len("</title>")
    return f'{svg[:end]}<desc id="{chart_id}-desc">{escape(description)}</desc>{svg[end:]}'
