"""The report's plots, drawn by matplotlib as SVG text to put inline in the page.

No pyplot (no global state, no display needed); text stays text in the SVG (readable by
screen readers and searchable), and each plot's ids are salted with its name, so several plots
share one page without clashing. Colours: the Okabe–Ito palette, safe for colour blindness.
"""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Sequence, Tuple

import matplotlib
from matplotlib.figure import Figure

COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
WIDTH_INCHES = 8.0
EPOCH = date(1970, 1, 1)
MAX_DATE_LABELS = 12
MIN_DAY_SLOTS = 7
LEGEND_COLUMNS = 4
XML_PREAMBLE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
SIZE_ATTRIBUTES = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')

Series = Tuple[str, Sequence[float]]  # (label, one value per category)


def day_label(day: int) -> str:
    return (EPOCH + timedelta(days=day)).isoformat()


def per_day(name: str, title: str, days: Sequence[int], series: Sequence[Series]) -> str:
    """Grouped bars: one group per day, one bar per series."""
    figure, axes = _figure(3.2)
    width = 0.8 / len(series)
    for index, (label, values) in enumerate(series):
        positions = [i + (index - (len(series) - 1) / 2) * width for i in range(len(days))]
        axes.bar(positions, values, width=width, label=label, color=COLOURS[index])
    step = max(1, len(days) // MAX_DATE_LABELS + (len(days) % MAX_DATE_LABELS > 0))
    axes.set_xticks(range(0, len(days), step))
    axes.set_xticklabels([day_label(d) for d in days[::step]], rotation=30, ha="right")
    axes.set_xlim(-0.6, max(len(days), MIN_DAY_SLOTS) - 0.4)  # one day is not a wall of colour
    axes.yaxis.get_major_locator().set_params(integer=True)
    _legend(axes, len(series))
    return _svg(figure, axes, name, title)


def stacked_bars(name: str, title: str, categories: Sequence[str], series: Sequence[Series],
                 value_label: str) -> str:
    """Horizontal bars, one per category (top to bottom in the order given), stacked by series."""
    figure, axes = _figure(0.8 + 0.32 * max(len(categories), 2))
    lefts = [0.0] * len(categories)
    rows = list(range(len(categories)))[::-1]
    for index, (label, values) in enumerate(series):
        axes.barh(rows, values, left=lefts, label=label, color=COLOURS[index % len(COLOURS)])
        lefts = [left + value for left, value in zip(lefts, values)]
    axes.set_yticks(rows)
    axes.set_yticklabels(categories)
    axes.set_xlabel(value_label)
    axes.xaxis.get_major_locator().set_params(integer=True)
    if len(series) > 1:
        axes.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1),
                    borderaxespad=0)
    return _svg(figure, axes, name, title)


def shares(name: str, title: str, categories: Sequence[str], percents: Sequence[float]) -> str:
    """Horizontal bars of percentages, each labelled with its value."""
    figure, axes = _figure(0.8 + 0.32 * max(len(categories), 2))
    rows = list(range(len(categories)))[::-1]
    bars = axes.barh(rows, percents, color=COLOURS[0])
    axes.bar_label(bars, labels=[f"{p:.1f} %" for p in percents], padding=3, fontsize="small")
    axes.set_yticks(rows)
    axes.set_yticklabels(categories)
    axes.set_xlim(0, max(100.0, max(percents, default=0) * 1.15))
    axes.set_xlabel("%")
    return _svg(figure, axes, name, title)


def _legend(axes: "matplotlib.axes.Axes", entries: int) -> None:
    """Above the plot, where it never hides a bar."""
    axes.legend(frameon=False, fontsize="small", loc="lower left", bbox_to_anchor=(0, 1.02),
                ncol=min(entries, LEGEND_COLUMNS), borderaxespad=0)


def _figure(height: float) -> Tuple[Figure, "matplotlib.axes.Axes"]:
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _svg(figure: Figure, axes: "matplotlib.axes.Axes", name: str, title: str) -> str:
    """The figure as an ``<svg>`` element that scales with the page, labelled for screen readers."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name,
                                "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = XML_PREAMBLE.sub("", buffer.getvalue(), count=1)
    svg = SIZE_ATTRIBUTES.sub(r'<svg\1', svg, count=1)
    return svg.replace("<svg", f'<svg role="img" aria-label="{_attribute(title)}" '
                              f'class="plot" id="plot-{name}"', 1)


def _attribute(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))

