"""Benchmark: how long the explore app takes to redraw after a control moves.

Run: ``python benchmarks/bench_explore.py``. Prints the median wall time of a redraw (rerun of the
scenario with the new value, tables and charts) and the app's own ``last_seconds``. The explore
notebook aims at well under a second on a 2-core machine (this timing used to be a test).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from simulation.reporting.explore import Explorer

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


def main(repeat: int = 7) -> None:
    app = Explorer(str(BASELINE), {}, language="id")
    app.update()  # the first draw warms matplotlib up
    times, own = [], []
    for i in range(repeat):
        started = time.perf_counter()
        app.controls["policy.graduation.rate"].value = 0.1 + 0.01 * (i + 1)  # observe() triggers update
        times.append(time.perf_counter() - started)
        own.append(app.last_seconds)
    print(f"redraw: median {statistics.median(times):.3f} s wall, {statistics.median(own):.3f} s by the app")


if __name__ == "__main__":
    main()
