"""The app's three charts as PNG bytes: members by state, cost by payer, coverage against the target.

Smaller, quicker cousins of the brief's charts (:mod:`simulation.reporting.charts`, whose styles,
labels and P5-P95 bands they share): year-end points instead of months and a fixed layout instead of
``tight_layout``, so a change redraws all three within the app's half-second budget. They use
:class:`matplotlib.figure.Figure` directly, never pyplot, so no backend is chosen and a thread
(the uncertainty run) may draw them. With a micro-engine result the bands are drawn.

:class:`Charts` keeps the figures between changes: a lever that changes only the numbers updates
the lines' and bars' data and renders again (no new figure, axes, ticks or legend), and a chart
whose numbers did not change is not rendered at all. The title and the y-axis label sit at fixed
places, so a render does not measure the tick labels to place them (most of the time Matplotlib
spent on a chart).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

from simulation.reporting import formats
from simulation.reporting.charts import BAND, GREYS, HATCHES, LINESTYLES, MARKERS, band
from simulation.reporting.labels import payer, state, text

DPI = 80
"""Resolution of the PNGs (dots per inch)."""

SIZE = (5.2, 3.4)
"""Chart size (inches)."""

STATES = ("subsidised", "mandiri", "lapsed", "eligible")
"""Membership states in the members chart, in drawing order."""

LABEL_X = -0.13
"""Where the y-axis label stands, in axes widths left of the axes (room for tick labels like 80.000)."""


def _axes(title: str, ylabel: str):
    fig = Figure(figsize=SIZE, dpi=DPI)
    fig.subplots_adjust(left=0.15, right=0.98, top=0.88, bottom=0.14)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=10, y=1.0)  # a fixed place: no measuring of the axes below it
    ax.set_ylabel(ylabel, fontsize=8)
    ax.yaxis.set_label_coords(LABEL_X, 0.5)  # likewise beside the tick labels
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=7)
    return fig, ax


def _years(ax, years) -> None:
    ax.set_xticks(years)
    ax.set_xticklabels([f"'{y % 100:02d}" for y in years])


def members(result, language: str, annual=None) -> Figure:
    """UMKM in each membership state at every year end; P5-P95 error bars with replicates.

    ``annual`` is ``result.annual()`` where the caller has it already (the same for every chart).
    """
    a = result.annual() if annual is None else annual
    fig, ax = _axes(text("chart_members", language), text("axis_umkm", language))
    for i, name in enumerate(STATES):
        colour = GREYS[i % 3]
        ax.plot(
            a["year"], a[f"{name}_end"], linestyle=LINESTYLES[i], marker=MARKERS[i], markersize=3,
            color=colour, label=state(name, language),
        )  # fmt: skip
        spread = band(result, f"{name}_end")
        if spread is not None:
            low, high = spread
            ax.errorbar(low.index, (low + high) / 2, yerr=(high - low) / 2, fmt="none", ecolor=colour, capsize=2)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(formats.count_axis(language))
    _years(ax, a["year"])
    ax.legend(frameon=False, fontsize=6, ncols=2)
    return fig


def cost(result, language: str, annual=None) -> Figure:
    """Each payer's annual cost (rupiah), stacked, hatched; P5-P95 of the public cost as error bars."""
    a = result.annual() if annual is None else annual
    fig, ax = _axes(text("chart_cost_by_payer", language), text("axis_billion", language))
    bottom = 0.0
    for i, name in enumerate(result.payers):
        values = a[f"cost_{name}"].to_numpy(dtype=float)
        ax.bar(
            a["year"], values, bottom=bottom, color=GREYS[i % len(GREYS)], hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black", linewidth=0.5, label=payer(name, language),
        )  # fmt: skip
        bottom = bottom + values
    spread = band(result, "subsidy_cost")
    if spread is not None:
        low, high = spread
        ax.errorbar(low.index, (low + high) / 2, yerr=(high - low) / 2, fmt="none", ecolor="black", capsize=3)
    ax.yaxis.set_major_formatter(formats.billions_axis(language))
    _years(ax, a["year"])
    ax.legend(frameon=False, fontsize=6)
    return fig


def coverage(result, language: str, annual=None) -> Figure:
    """UMKM protected at each year end against the coverage target; the P5-P95 band with replicates."""
    a = result.annual() if annual is None else annual
    fig, ax = _axes(text("chart_coverage", language), text("axis_umkm", language))
    spread = band(result, "covered_end")
    if spread is not None:
        ax.fill_between(spread[0].index, spread[0], spread[1], color=BAND, label=text("legend_band", language))
    ax.plot(
        a["year"], a["covered_end"], color="black", marker="o", markersize=3, label=text("legend_covered", language)
    )
    ax.step(
        a["year"], a["coverage_target"], where="mid", color="0.4", linestyle="--", label=text("legend_target", language)
    )
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(formats.count_axis(language))
    _years(ax, a["year"])
    ax.legend(frameon=False, fontsize=6)
    return fig


CHARTS = {"members": members, "cost": cost, "coverage": coverage}
"""Chart name (CSS hook ``umkm-chart-<name>``) to the function that draws it."""


def png(fig: Figure) -> bytes:
    """A figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def draw(result, language: str) -> dict[str, bytes]:
    """Every chart of :data:`CHARTS` for ``result`` in ``language``, as PNG bytes by name (new figures)."""
    a = result.annual()
    return {name: png(chart(result, language, a)) for name, chart in CHARTS.items()}


def numbers(name: str, result, annual) -> dict[str, np.ndarray]:
    """What chart ``name`` shows of a result without replicates: its lines' or bars' values by series.

    Members: UMKM at each year end by state; cost: rupiah a year by payer; coverage: UMKM protected
    and the target at each year end. Two results with equal numbers draw the same chart.
    """
    if name == "members":
        columns = [f"{state}_end" for state in STATES]
    elif name == "cost":
        columns = [f"cost_{payer}" for payer in result.payers]
    else:
        columns = ["covered_end", "coverage_target"]
    return {column: annual[column].to_numpy(dtype=float) for column in columns}


def _rescale(ax, from_zero: bool) -> None:
    ax.set_autoscaley_on(True)
    ax.relim()
    ax.autoscale_view(scalex=False)
    if from_zero:
        ax.set_ylim(bottom=0)


def _update(name: str, fig: Figure, values: dict[str, np.ndarray]) -> None:
    """Put new ``values`` (from :func:`numbers`) into a chart drawn for the same years and series."""
    ax = fig.axes[0]
    if name == "cost":
        bottom = np.zeros(len(ax.containers[0].patches))
        for container, series in zip(ax.containers, values.values(), strict=True):
            for bar, height, base in zip(container.patches, series, bottom, strict=True):
                bar.set_y(base)
                bar.set_height(height)
            bottom = bottom + series
        _rescale(ax, from_zero=False)
        return
    for line, series in zip(ax.lines, values.values(), strict=True):
        line.set_ydata(series)
    _rescale(ax, from_zero=True)


class Charts:
    """The three charts of the app, kept between changes so that a change renders only what it must.

    A result with replicates (the uncertainty run's bands) is drawn on new figures. A result of
    the cohort engine updates the kept figure of each chart when its language, years and series
    (payers) are those it was drawn for, and is not rendered at all when its numbers are unchanged
    (the chart's PNG is the one already shown).
    """

    def __init__(self):
        self._kept: dict[str, tuple] = {}  # name -> (layout, figure, numbers, png)

    def draw(self, result, language: str) -> dict[str, bytes]:
        """Every chart of :data:`CHARTS` for ``result`` in ``language``, as PNG bytes by name."""
        a = result.annual()
        if result.reps > 1:
            self._kept.clear()  # the bands' figures are not kept: the next cohort run draws anew
            return {name: png(chart(result, language, a)) for name, chart in CHARTS.items()}
        out = {}
        for name, chart in CHARTS.items():
            values = numbers(name, result, a)
            layout = (language, tuple(a["year"]), tuple(values))
            kept = self._kept.get(name)
            if kept is not None and kept[0] == layout:
                _, fig, before, image = kept
                if all(np.array_equal(before[k], values[k]) for k in values):
                    out[name] = image
                    continue
                _update(name, fig, values)
            else:
                fig = chart(result, language, a)
            out[name] = png(fig)
            self._kept[name] = (layout, fig, values, out[name])
        return out
