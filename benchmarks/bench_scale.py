"""Benchmark: the national portfolio (514 regencies) with the micro engine on a Dask LocalCluster.

Run: ``python benchmarks/bench_scale.py`` (scales 0.01 and 0.1, 1 and 2 workers, 2 replicates), or
``--scales 0.01 0.1 1 --workers 1 2 --reps 2 --years 10 --sample 24``: ``--sample N`` runs N of the
514 regencies, evenly spaced in code order (the whole country is then about 514 / N times the work,
regions being sized alike by their kecamatan). Each configuration runs in a fresh process (so the
parent's peak memory is its own) and prints one JSON line: wall time, agent-months, the workers' CPU
seconds (the work itself, whatever else shares the cores), peak resident memory of the parent and
of each worker (``getrusage`` maxrss, asked of the workers before the cluster closes).
``docs/scale.md`` holds the figures measured and the extrapolation to the whole country.

Agent-months count the UMKM at the start times the months simulated times the replicates (entrants
are extra work, not counted).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

NATIONAL = Path(__file__).resolve().parents[1] / "scenarios" / "portfolios" / "national.yaml"


def peak_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds this process has used (user + system): the work, whatever else shares the cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one(scale: float, workers: int, reps: int, years: int, sample: int | None = None) -> dict:
    """One configuration in this process: a LocalCluster of ``workers``, the portfolio, the peaks."""
    from distributed import Client, LocalCluster

    from simulation.analysis.portfolio import read_portfolio, run_portfolio

    portfolio = read_portfolio(NATIONAL)
    members = portfolio.members
    if sample:
        step = len(members) / sample
        members = tuple(members[int(i * step)] for i in range(sample))
    members = tuple(replace(m, overrides={**m.overrides, "years": years}) for m in members)
    portfolio = replace(portfolio, members=members)
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        t0 = time.perf_counter()
        result = run_portfolio(
            portfolio,
            engine="micro",
            seed=1,
            reps=reps,
            scale=scale,
            scheduler=cluster.scheduler_address,
        )
        wall = time.perf_counter() - t0
        worker_peaks = sorted(client.run(peak_mb).values())
        worker_cpu = sum(client.run(cpu_s).values())
    umkm = sum(float(s.first("population.initial_umkm")) for s in result.scenarios)
    agent_months = umkm * 12 * years * reps
    return {
        "scale": scale,
        "workers": workers,
        "reps": reps,
        "years": years,
        "regions": len(result.scenarios),
        "umkm": round(umkm),
        "wall_s": round(wall, 1),
        "agent_months_per_s": round(agent_months / wall),
        "worker_cpu_s": round(worker_cpu, 1),
        "agent_months_per_cpu_s": round(agent_months / worker_cpu),
        "parent_peak_mb": round(peak_mb()),
        "worker_peak_mb": [round(p) for p in worker_peaks],
        "public_cost_total": float(result.annual()["subsidy_cost"].sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.1])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--sample", type=int, default=None, help="run N regencies evenly spaced (default: all)")
    parser.add_argument("--one", nargs=2, type=float, metavar=("SCALE", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        scale, workers = args.one
        print(json.dumps(one(scale, int(workers), args.reps, args.years, args.sample)))
        return
    for scale in args.scales:
        for workers in args.workers:
            command = [sys.executable, __file__, "--one", str(scale), str(workers)]
            command += ["--reps", str(args.reps), "--years", str(args.years)]
            command += ["--sample", str(args.sample)] if args.sample else []
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            print(out.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
