"""Benchmark: 10,000 parameter samples through the cohort engine, and a whole sensitivity analysis.

Run: ``python benchmarks/bench_sensitivity.py [--samples N] [--threads K]``. Prints, for 10,000
Latin-hypercube samples of the baseline's uncertainties, the wall and CPU time
(``time.process_time``, all threads) of the evaluation with segments summed (as the evaluation
does when that is exact) and with all 126 segments kept (chunks in cache, threads); a whole
``analyse`` (fan, tornado, Sobol' indices) of about 10,000 engine runs; a tenth as many samples
under one revenue rule (``revenue_threshold``, the threshold varied per sample, the revenue-band
twin); then the load average before and after, since on a shared machine the wall time depends
on it.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from simulation import load_scenario
from simulation.analysis.evaluate import evaluate
from simulation.analysis.sampling import latin_hypercube
from simulation.analysis.sensitivity import analyse
from simulation.analysis.uncertainty import uncertainties

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
EXTRA = ["population.entry_rate", "policy.graduation.rate", "policy.graduation.retention"]


def timed(fn) -> tuple[float, float]:
    """Wall and CPU seconds (every thread of the process) of ``fn()``."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def main(samples: int = 10_000, threads: int | None = None) -> None:
    load_before = os.getloadavg()
    scenario = load_scenario(BASELINE)
    uncertain = uncertainties(scenario, extra=EXTRA)
    names = [u.name for u in uncertain]
    values = latin_hypercube(uncertain, samples, seed=1)
    T, G = scenario.horizon.n_months, len(scenario.segment_shares)
    evaluate(scenario, names, values[:8], aggregate=False)  # first calls: imports, caches
    print(f"{platform.node()}: {os.cpu_count()} cores, {samples:,} samples x {len(names)} uncertainties, {T} months")
    wall, cpu = timed(lambda: evaluate(scenario, names, values, threads=threads))
    print(f"segments summed: {wall:.2f} s wall, {cpu:.2f} s CPU")
    wall, cpu = timed(lambda: evaluate(scenario, names, values, aggregate=False, threads=threads))
    print(f"all {G} segments kept: {wall:.2f} s wall, {cpu:.2f} s CPU")
    report = None

    def whole():
        nonlocal report
        report = analyse(scenario, samples=1024, seed=1, extra=EXTRA)

    wall, cpu = timed(whole)
    print(f"whole sensitivity analysis ({1024 + report.evaluations:,} engine runs + tornado): {wall:.2f} s wall")
    rule = scenario.with_overrides({"policy.graduation.rule": "revenue_threshold"})
    varied = uncertainties(rule, extra=["policy.graduation.revenue_threshold"])
    x = latin_hypercube(varied, samples // 10, seed=1)
    wall, cpu = timed(lambda: evaluate(rule, [u.name for u in varied], x, threads=threads))
    print(
        f"rule revenue_threshold, {samples // 10:,} samples, threshold varied, segments summed by sector: "
        f"{wall:.2f} s wall, {cpu:.2f} s CPU"
    )
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*load_before))
    print("load average (1, 5, 15 min) after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=None, help="chunks at once (default: one per core)")
    args = parser.parse_args()
    main(args.samples, args.threads)
