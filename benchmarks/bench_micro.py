"""Benchmark: the micro engine's speed (agent-months per second) and peak memory.

Run: ``python benchmarks/bench_micro.py`` (all three parts) or with ``--part``:

* ``single``: one process, the 73,000-UMKM baseline, 120 months, 20 replicates:
  engine throughput per core.
* ``monte-carlo``: 73,000 UMKM x 120 months x 200 replicates over ``--jobs`` worker
  processes (default all cores), wall time including process start-up and stacking;
  peak resident memory of the parent and of the largest worker.
* ``big``: one replicate of 10 million UMKM (``--big-umkm``, ``--big-years``) in a
  fresh process with agents processed in chunks of ``--chunk``; its peak resident
  memory (``getrusage`` maxrss) and throughput.

Agent-months count the UMKM at the start times the months simulated (entrants are
extra work not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MB (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def single(reps: int = 20) -> dict:
    from simulation import load_scenario
    from simulation.core.streams import replicate_seeds
    from simulation.engines.micro import MicroInputs, run_micro

    scenario = load_scenario(BASELINE)
    inputs = MicroInputs.from_scenario(scenario)
    seeds = replicate_seeds(1, reps + 1)
    run_micro(inputs, seeds[-1])  # warm up
    t0 = time.perf_counter()
    for ss in seeds[:reps]:
        run_micro(inputs, ss)
    wall = time.perf_counter() - t0
    am = 73_000 * scenario.horizon.n_months * reps
    return {"part": "single", "reps": reps, "seconds": wall, "agent_months_per_s": am / wall}


def monte_carlo(reps: int = 200, jobs: int | None = None) -> dict:
    from simulation import load_scenario
    from simulation.outputs.montecarlo import simulate

    scenario = load_scenario(BASELINE)
    jobs = jobs or os.cpu_count()
    t0 = time.perf_counter()
    simulate(scenario, seed=2026, reps=reps, jobs=jobs, progress=False)
    wall = time.perf_counter() - t0
    am = 73_000 * scenario.horizon.n_months * reps
    return {
        "part": "monte-carlo",
        "reps": reps,
        "jobs": jobs,
        "seconds": wall,
        "agent_months_per_s": am / wall,
        "peak_rss_parent_mb": peak_mb(),
        "peak_rss_largest_worker_mb": peak_mb(resource.RUSAGE_CHILDREN),
    }


def big_child(n: int, years: int, chunk: int) -> dict:
    """Runs in its own process so that its peak RSS is its own."""
    import numpy as np

    from simulation import load_scenario
    from simulation.engines.micro import MicroInputs, run_micro

    scenario = load_scenario(BASELINE, overrides={"population.initial_umkm": n, "policy.rollout": n, "years": years})
    inputs = MicroInputs.from_scenario(scenario)
    t0 = time.perf_counter()
    out = run_micro(inputs, np.random.SeedSequence(7), chunk=chunk)
    wall = time.perf_counter() - t0
    months = scenario.horizon.n_months
    return {
        "part": "big",
        "umkm": n,
        "agents_at_end": out["agents"],
        "months": months,
        "chunk": chunk,
        "seconds_including_population": wall,
        "agent_months_per_s": n * months / wall,
        "peak_rss_mb": peak_mb(),
    }


def big(n: int, years: int, chunk: int) -> dict:
    cmd = [sys.executable, __file__, "--child", str(n), str(years), str(chunk)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--part", choices=["single", "monte-carlo", "big", "all"], default="all")
    p.add_argument("--reps", type=int, default=200)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--big-umkm", type=int, default=10_000_000)
    p.add_argument("--big-years", type=int, default=10)
    p.add_argument("--chunk", type=int, default=1 << 20)
    p.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(big_child(*args.child)))
        return
    parts = ["single", "monte-carlo", "big"] if args.part == "all" else [args.part]
    print(f"cores: {os.cpu_count()}")
    for part in parts:
        if part == "single":
            r = single()
            print(
                f"single process: 73,000 UMKM x 120 months x {r['reps']} replicates in {r['seconds']:.2f} s: "
                f"{r['agent_months_per_s'] / 1e6:.0f} million agent-months/s"
            )
        elif part == "monte-carlo":
            r = monte_carlo(args.reps, args.jobs)
            print(
                f"Monte Carlo: 73,000 UMKM x 120 months x {r['reps']} replicates, {r['jobs']} workers: "
                f"{r['seconds']:.1f} s, {r['agent_months_per_s'] / 1e6:.0f} million agent-months/s; "
                f"peak RSS parent {r['peak_rss_parent_mb']:.0f} MB, "
                f"largest worker {r['peak_rss_largest_worker_mb']:.0f} MB"
            )
        else:
            r = big(args.big_umkm, args.big_years, args.chunk)
            print(
                f"big: {r['umkm']:,} UMKM x {r['months']} months (chunks of {r['chunk']:,} agents, "
                f"{r['agents_at_end']:,} agents at the end): {r['seconds_including_population']:.1f} s "
                f"including the synthetic population, {r['agent_months_per_s'] / 1e6:.0f} million agent-months/s; "
                f"peak RSS {r['peak_rss_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()
