"""Charts that stay readable in black and white: line styles and hatches, not colour alone."""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker
import pandas as pd

from simulation.results import Result

LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3))]
HATCHES = ["", "//", "..", "xx", "\\\\", "++"]
GREYS = ["0.15", "0.45", "0.65", "0.8", "0.3", "0.55"]


def members_by_state(result: Result, title: str = "UMKM by membership state") -> plt.Figure:
    """Members during each month by state (expected counts)."""
    m = result.monthly()
    fig, ax = plt.subplots(figsize=(8, 4))
    x = pd.PeriodIndex(m["month"], freq="M").to_timestamp()
    for i, state in enumerate(["subsidised", "mandiri", "lapsed", "eligible"]):
        ax.plot(x, m[state], linestyle=LINESTYLES[i], color=GREYS[i % 3], linewidth=2, label=state)
    ax.set_title(title)
    ax.set_ylabel("UMKM")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(frameon=False)
    ax.grid(axis="y", color="0.9")
    fig.tight_layout()
    return fig


def annual_cost_by_payer(result: Result, title: str = "Annual cost by payer (billion rupiah)") -> plt.Figure:
    """Stacked bars of each payer's annual cost, with hatches per payer."""
    a = result.annual()
    fig, ax = plt.subplots(figsize=(8, 4))
    bottom = pd.Series(0.0, index=a.index)
    columns = [f"cost_{p}" for p in result.payers] + ["self_paid"]
    for i, col in enumerate(columns):
        values = a[col] / 1e9
        ax.bar(
            a["year"],
            values,
            bottom=bottom,
            color=GREYS[i % len(GREYS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black",
            linewidth=0.5,
            label=col.removeprefix("cost_"),
        )
        bottom = bottom + values
    ax.set_title(title)
    ax.set_ylabel("Rp billion")
    ax.set_xticks(a["year"])
    ax.legend(frameon=False)
    ax.grid(axis="y", color="0.9")
    fig.tight_layout()
    return fig
