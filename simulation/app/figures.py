"""The app's three charts as PNG bytes: members by state, cost by payer, coverage against the target.

Smaller, quicker cousins of the brief's charts (:mod:`simulation.reporting.charts`, whose styles,
labels and P5-P95 bands they share): year-end points instead of months and a fixed layout instead of
``tight_layout``, so a change redraws all three within the app's half-second budget. They use
:class:`matplotlib.figure.Figure` directly, never pyplot, so no backend is chosen and a thread
(the uncertainty run) may draw them. With a micro-engine result the bands are drawn.
"""

from __future__ import annotations

import io

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


def _axes(title: str, ylabel: str):
    fig = Figure(figsize=SIZE, dpi=DPI)
    fig.subplots_adjust(left=0.15, right=0.98, top=0.88, bottom=0.14)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=7)
    return fig, ax


def _years(ax, years) -> None:
    ax.set_xticks(years)
    ax.set_xticklabels([f"'{y % 100:02d}" for y in years])


def members(result, language: str) -> Figure:
    """UMKM in each membership state at every year end; P5-P95 error bars with replicates."""
    a = result.annual()
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


def cost(result, language: str) -> Figure:
    """Each payer's annual cost, stacked, hatched; P5-P95 of the public cost as error bars."""
    a = result.annual()
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


def coverage(result, language: str) -> Figure:
    """UMKM protected at each year end against the coverage target; the P5-P95 band with replicates."""
    a = result.annual()
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
    """Every chart of :data:`CHARTS` for ``result`` in ``language``, as PNG bytes by name."""
    return {name: png(chart(result, language)) for name, chart in CHARTS.items()}
