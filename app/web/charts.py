"""Bar charts drawn on the server as SVG, to place inline in a page.

Nothing here needs the CSP to bend: no style attribute, no script; colours and type come
from CSS classes (static/css/charts.css), sizes from plain attributes. Each chart carries a
title and a description for screen readers, every bar its own title, and text labels that
print and read without colour.
"""
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
TOP, BOTTOM, LEFT, RIGHT = 24, 40, 8, 8        # room for value labels and category labels
SERIES_CLASSES = 6                              # chart-series-0 .. chart-series-5 in the CSS


@dataclass(frozen=True)
class Series:
    """One layer of a stacked chart: its name and a value for each label."""

    name: str
    values: Sequence[int]


def bar_chart(chart_id: str, title: str, desc: str, bars: Sequence[tuple[str, int]],
              width: int = WIDTH, height: int = HEIGHT) -> Markup:
    """One bar per (label, value), heights proportional to the values."""
    labels = [label for label, _ in bars]
    return stacked_bar_chart(chart_id, title, desc, labels,
                             [Series(title, [value for _, value in bars])], width, height,
                             legend=False)


def stacked_bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str],
                      series: Sequence[Series], width: int = WIDTH, height: int = HEIGHT,
                      legend: bool = True) -> Markup:
    """A bar per label, each made of the series' values stacked from the bottom up; the
    bar's total is printed above it. Values are whole numbers, 0 or more."""
    for layer in series:
        if len(layer.values) != len(labels):
            raise ValueError(f"series {layer.name!r} has {len(layer.values)} values "
                             f"for {len(labels)} labels")
        if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in layer.values):
            raise ValueError(f"series {layer.name!r} holds a value that is not a whole "
                             f"number of 0 or more")
    totals = [sum(layer.values[n] for layer in series) for n in range(len(labels))]
    biggest = max(totals, default=0)
    top = TOP + (16 * ((len(series) + 2) // 3) if legend else 0)
    plot_height = height - top - BOTTOM
    slot = (width - LEFT - RIGHT) / max(len(labels), 1)
    bar_width = slot * 0.7
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-labelledby="{escape(title_id)} {escape(desc_id)}">',
           f'<title id="{escape(title_id)}">{escape(title)}</title>',
           f'<desc id="{escape(desc_id)}">{escape(desc)}</desc>']
    if legend:
        out.append(_legend(series, width))
    baseline = top + plot_height
    out.append(f'<line class="chart-axis" x1="{LEFT}" y1="{baseline}" '
               f'x2="{width - RIGHT}" y2="{baseline}"/>')
    for n, label in enumerate(labels):
        x = LEFT + n * slot + (slot - bar_width) / 2
        y = baseline
        out.append(f'<g class="chart-bar" data-label="{escape(label)}" '
                   f'data-total="{totals[n]}">')
        for s, layer in enumerate(series):
            value = layer.values[n]
            size = plot_height * value / biggest if biggest else 0.0
            y -= size
            out.append(f'<rect class="chart-series-{s % SERIES_CLASSES}" x="{_n(x)}" '
                       f'y="{_n(y)}" width="{_n(bar_width)}" height="{_n(size)}" '
                       f'data-value="{value}"><title>{escape(label)}: '
                       f'{escape(layer.name)} {value:,}</title></rect>')
        centre = _n(x + bar_width / 2)
        out.append(f'<text class="chart-value" x="{centre}" y="{_n(y - 4)}" '
                   f'text-anchor="middle">{totals[n]:,}</text>')
        out.append(f'<text class="chart-label" x="{centre}" y="{baseline + 16}" '
                   f'text-anchor="middle">{escape(label)}</text>')
        out.append('</g>')
    out.append('</svg>')
    return Markup("".join(out))


def _legend(series: Sequence[Series], width: int) -> str:
    per_row = 3
    column = (width - LEFT - RIGHT) / per_row
    parts = ['<g class="chart-legend">']
    for s, layer in enumerate(series):
        x, y = LEFT + (s % per_row) * column, 4 + (s // per_row) * 16
        parts.append(f'<rect class="chart-series-{s % SERIES_CLASSES}" x="{_n(x)}" y="{y}" '
                     f'width="12" height="12"/>'
                     f'<text class="chart-label" x="{_n(x + 16)}" y="{y + 10}">'
                     f'{escape(layer.name)}</text>')
    parts.append('</g>')
    return "".join(parts)


def _n(value: float) -> str:
    """A coordinate with at most two decimals, without trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
