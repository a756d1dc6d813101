"""Benchmark: the cohort engine on the 10-year monthly baseline over all segments.

Run: ``python benchmarks/bench_cohort.py``. Prints the median wall time of the
engine alone, of a whole run (load, engine, annual table), and of the engine
vectorised over many parameter samples.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from simulation import load_scenario, run
from simulation.engines.cohort import CohortInputs, compile_inputs, run_cohort

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


def median_time(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def tile(inputs: CohortInputs, samples: int) -> CohortInputs:
    arrays = {k: np.repeat(v, samples, axis=0) for k, v in vars(inputs).items() if isinstance(v, np.ndarray)}
    return CohortInputs(**arrays, twin=inputs.twin)


def main() -> None:
    scenario = load_scenario(BASELINE)
    inputs = compile_inputs(scenario)
    P, G, T = inputs.shape
    engine = median_time(lambda: run_cohort(inputs))
    whole = median_time(lambda: run(BASELINE).annual())
    print(f"cohort engine, baseline: {T} months x {G} segments: {engine * 1e3:.1f} ms (median of 7)")
    print(f"whole run (load, compile, engine, annual table): {whole * 1e3:.1f} ms (median of 7)")
    for samples in (100, 1000):
        many = tile(inputs, samples)
        t = median_time(lambda many=many: run_cohort(many), repeat=3)
        print(f"cohort engine, {samples} samples at once: {t:.2f} s ({t / samples * 1e3:.2f} ms per sample)")


if __name__ == "__main__":
    main()
