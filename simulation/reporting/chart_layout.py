"""Chart margins from the sizes of the texts around the axes, found without drawing the figure.

matplotlib's ``tight_layout`` finds a figure's margins by measuring every artist (it makes the tick
objects and lays out each text), and ``savefig`` then measures and draws them all again. On the
brief's five charts that first pass was a third of their cost: 0.91 CPU-s with it, 0.59 without
(2026-11-26, 2-core Xeon, load 0.5, ``benchmarks/bench_report.py``'s chart phase). :func:`fit`
places the axes from what reaches beyond them — tick labels, axis labels, titles, a figure title —
measured as strings in the fonts they are drawn in (FreeType, through matplotlib's Agg renderer),
with ``tight_layout``'s padding; the figure is then drawn once.

It covers the charts of this package: one row of axes (one, or several sharing their y axis),
tick labels on the left and bottom (horizontal or rotated), legends inside the axes.
``tests/test_chart_layout.py`` holds every chart of the brief and the comparison to
``tight_layout``'s margins within 2 pixels, and checks that no text leaves the figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache

import matplotlib as mpl
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

PAD = 1.08
"""Space kept between the texts and the figure's edge and between axes, in font sizes
(``tight_layout``'s default)."""


@dataclass
class Reach:
    """How far (pixels) an axes' texts reach beyond its box on the left, at the bottom and at the top."""

    left: float = 0.0
    bottom: float = 0.0
    top: float = 0.0


@cache
def _renderer(dpi: float) -> RendererAgg:
    """A one-pixel Agg renderer at ``dpi``, used only to measure text (made once per resolution)."""
    return RendererAgg(1, 1, dpi)


def _size(value) -> float:
    """A font size in points from a number or a name such as ``"large"``."""
    return FontProperties(size=value).get_size_in_points()


@lru_cache(maxsize=4096)
def text_box(label: str, size: float, dpi: float) -> tuple[float, float, float]:
    """Width, height and descent (pixels) of one line of ``label`` at ``size`` points, as matplotlib
    lays it out: height and descent are at least those of ``"lp"`` (a line's ascent and descent).

    Kept per process: a brief's charts share most of their labels (years, tick values), and a
    kernel that draws many briefs measures each label once."""
    renderer = _renderer(dpi)
    prop = FontProperties(size=size)
    width, height, descent = renderer.get_text_width_height_descent(label, prop, ismath=False)
    _, line, below = renderer.get_text_width_height_descent("lp", prop, ismath=False)
    return width, max(height, line), max(descent, below)


def _rotated(width: float, height: float, degrees: float) -> tuple[float, float]:
    """Width and height of the box around a ``width`` x ``height`` box turned by ``degrees``."""
    a = math.radians(degrees)
    return width * abs(math.cos(a)) + height * abs(math.sin(a)), width * abs(math.sin(a)) + height * abs(math.cos(a))


def _tick_labels(axis) -> list[tuple[float, str]]:
    """The major tick labels an axis will draw: (position in axes fraction, text)."""
    low, high = sorted(axis.get_view_interval())
    locations = [
        x for x in axis.get_majorticklocs() if low - 1e-10 * abs(high - low) <= x <= high + 1e-10 * abs(high - low)
    ]
    labels = axis.get_major_formatter().format_ticks(locations)
    span = (high - low) or 1.0
    return [((x - low) / span, text) for x, text in zip(locations, labels, strict=True) if text]


def _pixels(points: float, dpi: float) -> float:
    return points * dpi / 72.0


@dataclass
class Measured:
    """An axes' texts, measured once: how far they reach beyond its left, bottom and top edges
    (pixels), and each x tick label's place (axes fraction) and half its width (pixels)."""

    reach: Reach
    x_labels: list[tuple[float, float]]

    def overhang(self, width: float) -> tuple[float, float]:
        """How far the x tick labels reach beyond the box's left and right edges for an axes
        ``width`` pixels wide (pixels; 0 when they stay inside)."""
        left = max((half - where * width for where, half in self.x_labels), default=0.0)
        right = max((half - (1 - where) * width for where, half in self.x_labels), default=0.0)
        return max(left, 0.0), max(right, 0.0)


def measure(ax) -> Measured:
    """Measure the texts around ``ax``: tick labels, axis labels and title (see :class:`Measured`)."""
    dpi = ax.figure.dpi
    out = Reach()
    y_params, x_params = ax.yaxis.get_tick_params(), ax.xaxis.get_tick_params()
    tick = _pixels(mpl.rcParams["ytick.major.size"] + mpl.rcParams["ytick.major.pad"], dpi)
    if y_params.get("labelleft", True):
        size = _size(y_params.get("labelsize", mpl.rcParams["ytick.labelsize"]))
        widths = [text_box(label, size, dpi)[0] for _, label in _tick_labels(ax.yaxis)]
        out.left = tick + max(widths, default=0.0)
    elif y_params.get("left", True):  # tick marks without labels (the inner axes of a shared y)
        out.left = _pixels(mpl.rcParams["ytick.major.size"], dpi)
    if ax.get_ylabel():
        _, height, _ = text_box(ax.get_ylabel(), _size(mpl.rcParams["axes.labelsize"]), dpi)
        out.left += _pixels(ax.yaxis.labelpad, dpi) + height
    x_labels = []
    if x_params.get("labelbottom", True):
        size = _size(x_params.get("labelsize", mpl.rcParams["xtick.labelsize"]))
        rotation = x_params.get("rotation", 0.0)
        tallest = 0.0
        for where, label in _tick_labels(ax.xaxis):
            across, tall = _rotated(*text_box(label, size, dpi)[:2], rotation)
            tallest = max(tallest, tall)
            x_labels.append((where, across / 2))
        out.bottom = _pixels(mpl.rcParams["xtick.major.size"] + mpl.rcParams["xtick.major.pad"], dpi) + tallest
    if ax.get_xlabel():
        _, height, _ = text_box(ax.get_xlabel(), _size(mpl.rcParams["axes.labelsize"]), dpi)
        out.bottom += _pixels(ax.xaxis.labelpad, dpi) + height
    title = ax.title.get_text()
    if title:
        _, height, descent = text_box(title, ax.title.get_fontsize(), dpi)
        out.top = _pixels(mpl.rcParams["axes.titlepad"], dpi) + height - descent  # it sits on its baseline
    return Measured(out, x_labels)


def fit(fig, rect: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)) -> None:
    """Place ``fig``'s row of axes as ``tight_layout(rect=rect)`` would, from text sizes alone.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure whose axes are one row of equal subplots (``subplots(1, n)``), titled or not, with
        at most a figure title (``suptitle``) above them.
    rect : tuple of float
        (left, bottom, right, top) of the part of the figure the axes and their texts go in,
        in figure fractions (e.g. room kept below for a note).
    """
    axes = fig.axes
    dpi = fig.dpi
    width, height = fig.get_size_inches() * dpi
    pad = _pixels(PAD * mpl.rcParams["font.size"], dpi)
    left_edge, bottom_edge = rect[0] * width + pad, rect[1] * height + pad
    right_edge, top_edge = rect[2] * width - pad, rect[3] * height - pad
    if fig._suptitle is not None and fig._suptitle.get_text():  # noqa: SLF001 - matplotlib keeps no public getter
        # as tight_layout does: the figure title's height and one more pad come off the top
        _, tall, _ = text_box(fig._suptitle.get_text(), fig._suptitle.get_fontsize(), dpi)  # noqa: SLF001
        top_edge -= tall + pad
    measured = [measure(ax) for ax in axes]
    n = len(axes)
    each = (right_edge - left_edge) / n
    for _ in range(3):  # the x labels' overhang depends on the axes' width, which depends on it
        overhangs = [m.overhang(each) for m in measured]
        left = left_edge + max(measured[0].reach.left, overhangs[0][0])
        right = right_edge - overhangs[-1][1]
        gaps = [
            a[1] + max(m.reach.left, b[0]) + pad
            for a, b, m in zip(overhangs, overhangs[1:], measured[1:], strict=False)
        ]
        each = (right - left - sum(gaps)) / n
    bottom = bottom_edge + max(m.reach.bottom for m in measured)
    top = top_edge - max(m.reach.top for m in measured)
    wspace = (max(gaps) / each) if gaps else None
    fig.subplots_adjust(left=left / width, right=right / width, bottom=bottom / height, top=top / height, wspace=wspace)
