"""Charts of the analyses, readable in black and white (greys, hatches and line styles)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker
import pandas as pd

from simulation.reporting.chart_layout import fit
from simulation.reporting.charts import GREYS, HATCHES, LINESTYLES

_BILLION = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.1f}")
_PERCENT = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.0f}%")


def fan_chart(fan: pd.DataFrame, title: str = "Uncertainty of annual subsidy cost and coverage") -> plt.Figure:
    """Two panels: subsidy cost (Rp billion) and coverage (%) by year, P5-P95 and P25-P75 bands and the median."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, (output, scale, label, fmt) in zip(
        axes,
        (
            ("subsidy_cost", 1e-9, "Subsidy cost (Rp billion, nominal)", _BILLION),
            ("coverage_end", 100, "Coverage of target at year end (%)", _PERCENT),
        ),
        strict=True,
    ):
        f = fan[fan["output"] == output]
        ax.fill_between(f["year"], f["p5"] * scale, f["p95"] * scale, color="0.85", label="P5-P95")
        ax.fill_between(f["year"], f["p25"] * scale, f["p75"] * scale, color="0.6", label="P25-P75")
        ax.plot(f["year"], f["p50"] * scale, color="black", linewidth=2, label="median")
        ax.set_title(label, fontsize=10)
        ax.yaxis.set_major_formatter(fmt)
        ax.set_xticks(f["year"][::2])
        ax.grid(axis="y", color="0.9")
    axes[0].legend(frameon=False)
    fig.suptitle(title)
    fit(fig)
    return fig


def tornado_chart(table: pd.DataFrame, label: str, scale: float = 1.0) -> plt.Figure:
    """Horizontal bars from the output at each parameter's low end to its high end, largest swing on top."""
    t = table.iloc[::-1]
    base = t["base"].iloc[0] * scale
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(t) + 1.5))
    y = range(len(t))
    low = t["at_low"] * scale - base
    high = t["at_high"] * scale - base
    ax.barh(y, low, left=base, color=GREYS[3], edgecolor="black", hatch=HATCHES[1], label="parameter at low end")
    ax.barh(y, high, left=base, color=GREYS[1], edgecolor="black", label="parameter at high end")
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(list(y))
    ax.set_yticklabels(t["parameter"])
    ax.set_xlabel(label)
    ax.set_title("One at a time over each range (others central)")
    ax.legend(frameon=False, fontsize=8)
    fit(fig)
    return fig


def sobol_chart(table: pd.DataFrame) -> plt.Figure:
    """First-order and total Sobol' indices per parameter, one panel per output."""
    outputs = list(dict.fromkeys(table["output"]))
    fig, axes = plt.subplots(1, len(outputs), figsize=(4 * len(outputs), 0.45 * table["parameter"].nunique() + 2))
    for ax, output in zip(axes, outputs, strict=True):
        t = table[table["output"] == output].iloc[::-1]
        y = pd.RangeIndex(len(t))
        ax.barh(y - 0.2, t["first_order"], height=0.4, color=GREYS[0], label="first order")
        ax.barh(y + 0.2, t["total_order"], height=0.4, color=GREYS[3], edgecolor="black", hatch="//", label="total")
        ax.set_yticks(list(y))
        ax.set_yticklabels(t["parameter"] if ax is axes[0] else [""] * len(t))
        ax.set_xlim(0, 1.05)
        ax.set_title(f"{output} {int(t['year'].iloc[0])}", fontsize=10)
    axes[0].legend(frameon=False, fontsize=8)
    fit(fig)
    return fig


def tradeoff_chart(curve: pd.DataFrame, lever: str, year: int) -> plt.Figure:
    """Subsidy cost against coverage across a lever's range, each point labelled with the lever's value."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(curve["coverage_end"] * 100, curve["subsidy_cost"] / 1e9, linestyle=LINESTYLES[0], color="black")
    ax.scatter(curve["coverage_end"] * 100, curve["subsidy_cost"] / 1e9, color="black", zorder=3, s=15)
    for row in curve.iloc[:: max(1, len(curve) // 8)].itertuples():
        ax.annotate(
            f"{row.value:,.3g}",
            (row.coverage_end * 100, row.subsidy_cost / 1e9),
            fontsize=7,
            xytext=(4, 4),
            textcoords="offset points",
        )
    ax.xaxis.set_major_formatter(_PERCENT)
    ax.yaxis.set_major_formatter(_BILLION)
    ax.set_xlabel(f"Coverage of target at the end of {year} (%)")
    ax.set_ylabel(f"Subsidy cost {year} (Rp billion)")
    ax.set_title(f"Cost against coverage across {lever}")
    ax.grid(color="0.9")
    fig.tight_layout()
    return fig
