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

``--run-reps 20 100 200 [--jobs 2] [--scheduler local]``: the parent's peak memory of ``umkm-sim
run --engine micro`` (Lombok Timur's baseline, 126 segments, ``--years``) against the number of
replicates, with every replicate stacked in the parent (``reduce=False``, as ``run`` did before) and
reduced on the workers (``reduce=True``, :mod:`simulation.outputs.reduce`, what ``run`` does now);
each in a fresh process, tables written to a temporary folder as ``run`` writes them.
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
BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


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


def children_cpu_s() -> float:
    """CPU seconds of this process's ended children (worker processes, once closed), user + system."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_memory(reps: int, reduce: bool, jobs: int, years: int, scheduler: str) -> dict:
    """``run --engine micro`` of the baseline in this process: tables written, the parent's peak."""
    import tempfile

    from simulation.io.write import write_result
    from simulation.outputs.run import run_scenario
    from simulation.scenario import load_scenario

    scenario = load_scenario(BASELINE, overrides={"years": years})
    before = peak_mb()
    t0, c0, w0 = time.perf_counter(), cpu_s(), children_cpu_s()
    result = run_scenario(scenario, engine="micro", seed=1, reps=reps, jobs=jobs, scheduler=scheduler, reduce=reduce)
    with tempfile.TemporaryDirectory() as folder:
        write_result(result, Path(folder) / "run")
    return {
        "mode": "reduced on the workers" if reduce else "stacked in the parent",
        "reps": reps,
        "years": years,
        "segments": len(scenario.segment_labels[0]),
        "jobs": jobs,
        "scheduler": scheduler,
        "wall_s": round(time.perf_counter() - t0, 1),
        "parent_cpu_s": round(cpu_s() - c0, 1),
        "workers_cpu_s": round(children_cpu_s() - w0, 1),
        "parent_peak_mb_before_run": round(before),
        "parent_peak_mb": round(peak_mb()),
        "subsidy_cost_total": float(result.annual()["subsidy_cost"].sum()),
    }


def per_task(reps: int, workers: int, rounds: int = 2) -> None:
    """On one warm LocalCluster, alternately: the engine alone, and the engine with the reduction
    ``run`` now does on the worker, each collected as it completes and in order; wall seconds."""
    from simulation.core.streams import replicate_seeds
    from simulation.engines import workers as engine_workers
    from simulation.outputs import reduce
    from simulation.outputs.schedulers import dask_client, run_ordered, run_tasks
    from simulation.scenario import load_scenario

    scenario = load_scenario(BASELINE)
    tasks = [(scenario, 1 << 20, r, s) for r, s in enumerate(replicate_seeds(1, reps))]
    with dask_client("local", workers) as client:
        address = client.scheduler.address
        for round_ in range(rounds):
            for name, fn in (("engine", engine_workers.run_on_dask), ("engine+reduce", reduce._reduced_on_dask)):
                for how, runner in (("as completed", run_tasks), ("in order", run_ordered)):
                    t0 = time.perf_counter()
                    done = sum(1 for _ in runner(fn, tasks, address))
                    row = {"round": round_, "task": name, "collected": how, "reps": done}
                    print(json.dumps(row | {"wall_s": round(time.perf_counter() - t0, 1)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.1])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--sample", type=int, default=None, help="run N regencies evenly spaced (default: all)")
    parser.add_argument("--one", nargs=2, type=float, metavar=("SCALE", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--run-reps", type=int, nargs="+", default=None, help="parent memory of run: replicates")
    parser.add_argument("--jobs", type=int, default=2, help="--run-reps: worker processes")
    parser.add_argument("--scheduler", default="processes", help="--run-reps: processes, local or tcp://HOST:PORT")
    parser.add_argument("--per-task", type=int, default=None, help="warm LocalCluster: engine vs engine+reduce")
    parser.add_argument("--run-one", nargs=2, type=int, metavar=("REPS", "REDUCE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.per_task:
        per_task(args.per_task, args.jobs)
        return
    if args.run_one:
        reps, reduce = args.run_one
        print(json.dumps(run_memory(reps, bool(reduce), args.jobs, args.years, args.scheduler)))
        return
    if args.run_reps:
        for reps in args.run_reps:
            for reduce in (0, 1):
                command = [sys.executable, __file__, "--run-one", str(reps), str(reduce), "--jobs", str(args.jobs)]
                command += ["--years", str(args.years), "--scheduler", args.scheduler]
                out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
                print(out.strip().splitlines()[-1], flush=True)
        return
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
