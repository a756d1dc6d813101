"""Benchmark: 10,000 parameter samples through the cohort engine, and a whole sensitivity analysis.

Run: ``python benchmarks/bench_sensitivity.py``. Prints the wall time of
10,000 Latin-hypercube samples of the baseline's uncertainties (segments summed,
as the evaluation does when that is exact), the same with all 126 segments kept
(chunked, bounded memory), and a whole ``analyse`` (fan, tornado, Sobol' indices)
of about 10,000 engine runs.
"""

from __future__ import annotations

import time
from pathlib import Path

from simulation import load_scenario
from simulation.analysis.evaluate import evaluate
from simulation.analysis.sampling import latin_hypercube
from simulation.analysis.sensitivity import analyse
from simulation.analysis.uncertainty import uncertainties

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
EXTRA = ["population.entry_rate", "policy.graduation.rate", "policy.graduation.retention"]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(samples: int = 10_000) -> None:
    scenario = load_scenario(BASELINE)
    uncertain = uncertainties(scenario, extra=EXTRA)
    names = [u.name for u in uncertain]
    values = latin_hypercube(uncertain, samples, seed=1)
    T, G = scenario.horizon.n_months, len(scenario.segment_shares)
    fast = timed(lambda: evaluate(scenario, names, values))
    print(f"{samples:,} samples x {len(names)} uncertainties, {T} months, segments summed: {fast:.2f} s")
    full = timed(lambda: evaluate(scenario, names, values, aggregate=False))
    print(f"{samples:,} samples, all {G} segments kept (chunked, 256 MB): {full:.2f} s")
    report = None

    def whole():
        nonlocal report
        report = analyse(scenario, samples=1024, seed=1, extra=EXTRA)

    t = timed(whole)
    print(f"whole sensitivity analysis ({1024 + report.evaluations:,} engine runs + tornado): {t:.2f} s")


if __name__ == "__main__":
    main()
