"""Charts that stay readable in black and white: line styles, markers and hatches, not colour alone.

Every chart takes a ``language`` ("id" or "en") for its title, labels and tick numbers. When the
result has ``annual_quantiles()`` (the microsimulation), the annual charts draw the P5-P95 band
(light grey) around the median.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from simulation.reporting import formats
from simulation.reporting.chart_layout import fit
from simulation.reporting.labels import payer, state, text

LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3)), (0, (8, 2)), (0, (3, 1, 1, 1, 1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "x", "P", "*", "<", ">"]
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "--", "oo"]
GREYS = ["0.15", "0.45", "0.65", "0.8", "0.3", "0.55"]
BAND = "0.85"
QUANTILES = (0.05, 0.5, 0.95)
MIN_BAND_REPS = 20
"""Fewest replicates a P5-P95 band is drawn from: with fewer, the 5th and 95th percentiles are
little more than the smallest and largest run."""


def quantiles(result) -> pd.DataFrame | None:
    """The result's annual quantile table (columns ``year``, ``quantile``, ...), or None when it has no
    replicates (cohort engine) or fewer than :data:`MIN_BAND_REPS`."""
    if not hasattr(result, "annual_quantiles") or getattr(result, "reps", 1) < MIN_BAND_REPS:
        return None
    return result.annual_quantiles(q=QUANTILES)


def band(result, column: str) -> tuple[pd.Series, pd.Series] | None:
    """(P5, P95) of an annual column by year, or None when the result has no replicates."""
    q = quantiles(result)
    if q is None:
        return None
    low, high = q["quantile"].min(), q["quantile"].max()
    by = q.set_index(["quantile", "year"])[column]
    return by.loc[low].sort_index(), by.loc[high].sort_index()


def _finish(fig, ax, title: str, ylabel: str, legend: bool = True) -> Figure:
    ax.set_title(title, y=1.0)  # a fixed place: no measuring of the axis labels below it
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    fit(fig)
    return fig


def members_by_state(result, language: str = "id") -> Figure:
    """Members during each month by state (expected counts); P5-P95 at year ends with replicates."""
    m = result.monthly()
    fig, ax = subplots(figsize=(8, 4))
    x = pd.PeriodIndex(m["month"], freq="M").to_timestamp()
    for i, name in enumerate(["subsidised", "mandiri", "lapsed", "eligible"]):
        ax.plot(x, m[name], linestyle=LINESTYLES[i], color=GREYS[i % 3], linewidth=2, label=state(name, language))
        spread = band(result, f"{name}_end")
        if spread is not None:
            low, high = spread
            ends = pd.to_datetime([f"{y}-12-01" for y in low.index])
            mid = (low.to_numpy() + high.to_numpy()) / 2
            ax.errorbar(
                ends, mid, yerr=(high.to_numpy() - low.to_numpy()) / 2, fmt="none", ecolor=GREYS[i % 3], capsize=3
            )
    ax.yaxis.set_major_formatter(formats.count_axis(language))
    ax.set_xlabel(text("axis_month", language))
    return _finish(fig, ax, text("chart_members", language), text("axis_umkm", language))


def annual_cost_by_payer(result, language: str = "id") -> Figure:
    """Stacked bars of each payer's annual cost with a hatch per payer; P5-P95 of public cost as error bars."""
    a = result.annual()
    fig, ax = subplots(figsize=(8, 4))
    bottom = np.zeros(len(a))
    columns = [f"cost_{p}" for p in result.payers] + ["self_paid"]
    for i, col in enumerate(columns):
        values = a[col].to_numpy(dtype=float)
        ax.bar(
            a["year"],
            values,
            bottom=bottom,
            color=GREYS[i % len(GREYS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black",
            linewidth=0.5,
            label=payer(col, language),
        )
        bottom = bottom + values
    spread = band(result, "subsidy_cost")
    if spread is not None:
        low, high = spread
        ax.errorbar(
            low.index,
            (low + high) / 2,
            yerr=(high - low) / 2,
            fmt="none",
            ecolor="black",
            capsize=4,
            label=f"{text('legend_total', language)} {text('legend_band', language)}",
        )
    ax.yaxis.set_major_formatter(formats.billions_axis(language))
    ax.set_xticks(a["year"])
    ax.tick_params(axis="x", labelrotation=45)
    return _finish(fig, ax, text("chart_cost_by_payer", language), text("axis_billion", language))


def cumulative_cost(result, language: str = "id") -> Figure:
    """Cumulative public cost by year, with its P5-P95 band when the result has replicates."""
    a = result.annual()
    fig, ax = subplots(figsize=(8, 4))
    spread = band(result, "cumulative_subsidy_cost")
    if spread is not None:
        ax.fill_between(spread[0].index, spread[0], spread[1], color=BAND, label=text("legend_band", language))
    ax.plot(
        a["year"],
        a["cumulative_subsidy_cost"],
        color="black",
        marker="o",
        linewidth=2,
        label=text("chart_cumulative", language),
    )
    ax.yaxis.set_major_formatter(formats.billions_axis(language))
    ax.set_xticks(a["year"])
    ax.tick_params(axis="x", labelrotation=45)
    return _finish(fig, ax, text("chart_cumulative", language), text("axis_billion", language))


def coverage_against_target(result, language: str = "id") -> Figure:
    """UMKM protected at each year end against the coverage target (dashed), with its band."""
    a = result.annual()
    fig, ax = subplots(figsize=(8, 4))
    spread = band(result, "covered_end")
    if spread is not None:
        ax.fill_between(spread[0].index, spread[0], spread[1], color=BAND, label=text("legend_band", language))
    ax.plot(a["year"], a["covered_end"], color="black", marker="o", linewidth=2, label=text("legend_covered", language))
    ax.step(
        a["year"],
        a["coverage_target"],
        where="mid",
        color="0.4",
        linestyle="--",
        linewidth=1.5,
        label=text("legend_target", language),
    )
    for year, covered, share in zip(a["year"], a["covered_end"], a["coverage_end"], strict=True):
        ax.annotate(
            formats.percent(share, language, digits=0),
            (year, covered),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=7,
        )
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(formats.count_axis(language))
    ax.set_xticks(a["year"])
    ax.tick_params(axis="x", labelrotation=45)
    return _finish(fig, ax, text("chart_coverage", language), text("axis_umkm", language))


def equal_split(result) -> bool:
    """Whether the run spreads UMKM equally over the kecamatan (no ``population.kecamatan_shares``)."""
    model = getattr(getattr(result, "scenario", None), "model", None)
    return model is not None and getattr(model.population, "kecamatan_shares", None) is None


def by_kecamatan(result, language: str = "id") -> Figure:
    """Two horizontal bar panels per kecamatan: UMKM protected at the end of the last fiscal year,
    and public cost summed over the whole horizon; a note when the split is an equal-split assumption."""
    k = result.by_kecamatan()
    year, first = int(k["year"].max()), int(k["year"].min())
    total = k.groupby("kecamatan")["subsidy_cost"].sum()
    last = k[k["year"] == year].set_index("kecamatan")
    last["subsidy_cost"] = total
    last = last.reset_index().sort_values(["covered_end", "kecamatan"], ascending=[True, False])
    fig, (left, right) = subplots(1, 2, figsize=(9, 6), sharey=True)
    left.barh(last["kecamatan"], last["covered_end"], color="0.6", edgecolor="black", linewidth=0.5)
    left.xaxis.set_major_formatter(formats.count_axis(language))
    left.set_xlabel(text("axis_umkm", language))
    right.barh(last["kecamatan"], last["subsidy_cost"], color="white", hatch="//", edgecolor="black", linewidth=0.5)
    formatter, unit = formats.rupiah_axis(language, float(last["subsidy_cost"].max()))
    right.xaxis.set_major_formatter(formatter)
    right.set_xlabel(unit)
    for ax in (left, right):
        ax.grid(axis="x", color="0.9")
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", labelsize=8)
    left.set_title(text("chart_kecamatan_covered", language, year=year), fontsize=9, y=1.0)
    right.set_title(text("chart_kecamatan_cost", language, first=first, last=year), fontsize=9, y=1.0)
    fig.suptitle(text("chart_kecamatan", language), fontsize=11)
    if equal_split(result):
        fig.text(0.01, 0.005, text("equal_split_note", language), fontsize=8, style="italic", ha="left", va="bottom")
        fit(fig, rect=(0, 0.03, 1, 1))
    else:
        fit(fig)
    return fig


REPORT_CHARTS = {
    "members_by_state": members_by_state,
    "cost_by_payer": annual_cost_by_payer,
    "cumulative_cost": cumulative_cost,
    "coverage": coverage_against_target,
    "by_kecamatan": by_kecamatan,
}
"""The report's charts: PNG file stem to the function drawing it."""

CHART_TITLES = {
    "members_by_state": "chart_members",
    "cost_by_payer": "chart_cost_by_payer",
    "cumulative_cost": "chart_cumulative",
    "coverage": "chart_coverage",
    "by_kecamatan": "chart_kecamatan",
    "compare_cost": "chart_compare_cost",
    "compare_coverage": "chart_compare_coverage",
    "compare_difference": "chart_compare_diff",
}
"""The label (:mod:`simulation.reporting.labels`) of each chart's title, by PNG file stem: the
text a screen reader says for the chart (:class:`Shown`)."""


class Shown:
    """A chart's PNG as a notebook shows it: an ``<img>`` with the data inline and, as its alternative
    text, the chart's title in the brief's language.

    IPython's ``Image`` has no alternative text, and nbconvert writes "No description has been
    provided for this image" into the page for each one, in English whatever the brief's language.
    """

    def __init__(self, path, name: str, language: str):
        self.path, self.alt = Path(path), text(CHART_TITLES[name], language)

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.path.read_bytes()).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}">'


def draw_report(result, language: str, paths: dict) -> None:
    """Draw each of :data:`REPORT_CHARTS` named in ``paths`` (stem to PNG path) and save it there."""
    for name, path in paths.items():
        save(REPORT_CHARTS[name](result, language), path)


DPI = 100
"""Resolution of the brief's PNG charts (dots per inch): 800 pixels across an 8-inch chart."""


def subplots(*grid, figsize, **options):
    """A figure and its axes, as ``pyplot.subplots`` gives them, without pyplot.

    The figure is a plain :class:`matplotlib.figure.Figure`: no backend is chosen, nothing is kept
    in pyplot's list of open figures, and pyplot (slow to import) is never imported.
    """
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(*grid, **options)


def save(fig: Figure, path, dpi: float = DPI) -> None:
    """Write a figure as an 8-bit greyscale PNG at ``dpi`` (default :data:`DPI`) to ``path`` (a file
    name or a binary file object); the figure is freed with its last reference.

    The charts are drawn in greys only (see the module docstring), on an opaque white figure, so one
    grey channel holds every pixel exactly as the red, green and blue channels would: the file is a
    quarter of an RGBA PNG, and so is the work of every step that encodes, embeds or reads it
    (the notebook, the HTML, WeasyPrint, which re-encodes each image and its alpha channel).
    ``tests/test_chart_layout.py`` checks that nothing is lost.
    """
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    rgba.convert("L").save(path, format="PNG")


def compare_lines(annuals: dict[str, pd.DataFrame], column: str, title: str, ylabel: str, formatter) -> Figure:
    """One line per scenario of an annual column, told apart in black and white: each its own dash
    style, marker and grey, and its name written at the line's end (spread so names never overlap)."""
    fig, ax = subplots(figsize=(10, 5))
    ends = []
    for i, (name, a) in enumerate(annuals.items()):
        (line,) = ax.plot(
            a["year"],
            a[column],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            marker=MARKERS[i % len(MARKERS)],
            color="black" if i == 0 else COMPARE_GREYS[i % len(COMPARE_GREYS)],
            linewidth=2.4 if i == 0 else 1.4,
            markersize=5,
            label=name,
        )
        ends.append((float(a[column].iloc[-1]), name, line))
    ax.yaxis.set_major_formatter(formatter)
    first = next(iter(annuals.values()))
    years = first["year"].to_numpy()
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
    ax.margins(y=0.08)
    _label_ends(ax, ends, float(years[-1]))
    _finish(fig, ax, title, ylabel, legend=False)
    fig.subplots_adjust(right=0.76)
    return fig


COMPARE_GREYS = ["0.0", "0.35", "0.55", "0.2", "0.45", "0.65", "0.3", "0.5", "0.15", "0.6"]
"""Greys of the comparison's lines, dark and light in turn."""


def _label_ends(ax, ends: list, x: float) -> None:
    """Write each line's name to the right of its last point, nudged apart by at least a line of text."""
    low, high = ax.get_ylim()
    gap = (high - low) * 0.045
    placed = []
    for value, name, _ in sorted(ends, key=lambda e: e[0]):
        y = max(value, placed[-1] + gap) if placed else value
        placed.append(y)
        ax.annotate(
            name,
            xy=(x, value),
            xytext=(x + 0.45, y),
            textcoords="data",
            fontsize=7.5,
            va="center",
            color="0.1",
            annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": "0.6", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 2},
        )
    # labels pushed above the top stay inside the figure: shift the whole column down if needed
    if placed and placed[-1] > high:
        ax.set_ylim(low, placed[-1] + gap)


def compare_difference(differences: pd.DataFrame, language: str) -> Figure:
    """Grouped horizontal bars, one group per scenario, one bar per column of ``differences`` (rupiah).

    Each column (e.g. total public cost, APBD Kabupaten total) gets its own grey and hatch.
    """
    fig, ax = subplots(figsize=(8, 0.6 * max(len(differences), 1) + 1.8))
    order = differences.sort_values(differences.columns[0])
    height = 0.8 / max(len(order.columns), 1)
    positions = np.arange(len(order))
    for j, column in enumerate(order.columns):
        ax.barh(
            positions + (j - (len(order.columns) - 1) / 2) * height,
            order[column].to_numpy(dtype=float),
            height=height,
            color=["white", "0.55"][j % 2],
            hatch=["//", ""][j % 2],
            edgecolor="black",
            label=column,
        )
    ax.set_yticks(positions, order.index)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(formats.billions_axis(language))
    ax.set_xlabel(text("axis_billion", language))
    ax.set_title(text("chart_compare_diff", language), y=1.0)
    ax.grid(axis="x", color="0.9")
    ax.set_axisbelow(True)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fit(fig)
    return fig
