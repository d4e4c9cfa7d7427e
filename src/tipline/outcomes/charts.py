"""Charts as SVG, drawn on the server with pygal, with no script and no inline style.

Reporter and staff pages forbid inline styles and scripts (CSP), so pygal's <script> is
removed, and its <style> is served once as a stylesheet of this origin (`chart_css`) with
each chart's own id in its selectors replaced by the class every chart carries. Each SVG
is `role="img"`, named by its <title> and described by a <desc> for screen readers; the
title is not drawn, since the card around every chart shows the same words as its heading.
Every chart counts something (reports, cases, seizures, rewards), so its value axis is
labelled with whole numbers only: a tick at 0.5 reports reads as a report in halves.
"""

import math
import re
from functools import cache

import pygal
from django.utils.html import escape
from pygal.style import Style

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#555",
    font_family="'Noto Sans', 'Noto Nastaliq Urdu', 'Noto Sans CJK SC', sans-serif",
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
    chart = kind(
        show_dots=line and len(labels) <= 16,
        js=[],
        style=STYLE,
        title=None,
        disable_xml_declaration=True,
        height=360,
        width=800,
        x_label_rotation=30 if len(labels) > 8 else 0,
        show_minor_x_labels=len(labels) <= 16,
        legend_at_bottom=True,
        truncate_legend=30,
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
