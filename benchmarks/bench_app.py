"""Benchmark: the planner app's work in the kernel for one lever change, wall and CPU time.

Run: ``python benchmarks/bench_app.py [--steps N]``. The planner starts from ``scenarios/baseline.yaml``
(ten years, the charts' worst case) and the graduation rate moves by one slider step (0.01) at a
time, as in the browser test. It prints, per change, the median and max of:

- ``change``: :meth:`Planner.set` whole (validate, cohort run, headline figures, three charts,
  cash plan);
- ``charts, kept``: the three charts as the app now draws them (:class:`simulation.app.figures.Charts`:
  figures kept, data updated in place, unchanged charts not rendered);
- ``charts, new``: the same three charts on new figures each time (:func:`simulation.app.figures.draw`,
  how the app drew them before the figures were kept).

CPU time (``time.process_time``) is given beside wall time: on a shared machine it is the figure
that does not depend on the other processes. The browser adds the widget messages and the image
decoding on top (``tests/test_app_browser.py -k graduation -s`` prints that end-to-end time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from simulation.app import figures
from simulation.app.planner import Planner

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
RATE = "policy.graduation.rate"


def _timed(action) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def _line(name: str, samples: list[tuple[float, float]]) -> str:
    wall = [s[0] for s in samples]
    cpu = [s[1] for s in samples]
    return (
        f"{name:<14} wall median {statistics.median(wall):.3f} s, max {max(wall):.3f} s; "
        f"CPU median {statistics.median(cpu):.3f} s, max {max(cpu):.3f} s"
    )


def main(steps: int = 10) -> None:
    with tempfile.TemporaryDirectory() as out:
        planner = Planner(SCENARIOS, Path(out), scenario="baseline")
        rates = [round(0.2 - 0.01 * i, 2) for i in range(steps + 1)]
        planner.set(RATE, rates[0])  # the first change warms Matplotlib's caches up
        change = [_timed(lambda r=r: planner.set(RATE, r)) for r in rates[1:]]
        results = []
        for r in rates:
            planner.set(RATE, r)
            results.append(planner.result)
        kept = figures.Charts()
        kept.draw(results[0], "id")
        charts_kept = [_timed(lambda r=r: kept.draw(r, "id")) for r in results[1:]]
        charts_new = [_timed(lambda r=r: figures.draw(r, "id")) for r in results[1:]]
    print(f"planner app, baseline (10 years), {steps} graduation-rate steps of 0.01, load {os.getloadavg()[0]:.2f}")
    print(_line("change", change))
    print(_line("charts, kept", charts_kept))
    print(_line("charts, new", charts_new))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="graduation-rate steps to time (default 10)")
    main(parser.parse_args().steps)
