"""Benchmark: the micro engine, whole process and engine only, beside a Mesa peer of the same model.

Run from the repository's root (the Mesa peer needs the ``bench`` extra: ``pip install -e ".[bench]"``)::

    python benchmarks/bench_micro.py            # everything below but the 10-million-UMKM run
    python benchmarks/bench_micro.py --big      # ... and one replicate of 10 million UMKM x 120 months
    python benchmarks/bench_micro.py --steps scenarios/budget_ceiling.yaml   # only a scenario's step split

It prints, in one run:

* **whole process**: ``umkm-sim run scenarios/baseline.yaml --engine micro`` as a user runs it (a fresh
  Python process: start-up, imports, replicates over ``--jobs`` workers, the tables, writing the
  CSV files and the manifest) for (40 replicates, 2 years) and (200 replicates, 10 years): wall
  time, CPU time of the process and its workers, agent-months per wall second and per CPU second,
  the split of wall and of CPU time (start-up and imports, engine, tables, writing) and the peak
  resident memory of the parent and of the largest worker;
* **lean start**: ``umkm-sim --help`` and a cohort ``umkm-sim run``, whole process;
* **engine only**: replicates run one after another in this process (``run_micro``), agent-months
  per CPU second, CPU per replicate by step, and the engine's fixed start in a fresh process
  (importing numba, its first use and the cached kernels loaded);
* **Mesa peer** (:mod:`benchmarks.peers.mesa_umkm`): the same monthly model, one Mesa agent per
  UMKM, agent-months per CPU second, and the ratio to the engine;
* with ``--big``: one replicate of 10 million UMKM x 120 months in a fresh process, its time and
  peak resident memory.

An *agent-month* is one UMKM at the start simulated for one month (UMKM at the start x months x
replicates; entrants are extra work, not counted). CPU seconds are the better measure on a machine
shared with other work: wall time there includes waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
UMKM = 73_000
SCRIPT = Path(sys.executable).with_name("umkm-sim")
CLI = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "simulation"]


def children_cpu() -> float:
    """CPU seconds (user + system) of the waited-for child processes so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; its wall seconds, CPU seconds (with its own children) and standard output."""
    cpu0, t0 = children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return time.perf_counter() - t0, children_cpu() - cpu0, done.stdout


def run_child(reps: int, years: int, jobs: int | None, out: str) -> dict:
    """What ``umkm-sim run --engine micro`` does, each phase timed in wall and CPU seconds (this
    process and its workers) (runs in a fresh process)."""
    marks = [(time.perf_counter(), time.process_time() + children_cpu())]

    def mark():
        marks.append((time.perf_counter(), time.process_time() + children_cpu()))

    from simulation.io.write import result_tables, write_result
    from simulation.outputs.run import run_scenario
    from simulation.scenario import load_scenario

    mark()
    scenario = load_scenario(BASELINE, overrides={"years": years})
    result = run_scenario(scenario, engine="micro", seed=2026, reps=reps, jobs=jobs, reduce=True)  # as umkm-sim run
    mark()
    # read before writing: the manifest's git call is a child forked from this (large) process
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result_tables(result)  # every table, computed (and cached where the result caches them)
    mark()
    result_tables(result)  # again: what writing recomputes
    mark()
    write_result(result, out)
    mark()
    (w0, c0), (w1, c1), (w2, c2), (w3, c3), (w4, c4), (w5, c5) = marks
    return {
        "imports": w1 - w0,
        "engine": w2 - w1,
        "tables": w3 - w2,
        "writing": max(w5 - w4 - (w4 - w3), 0.0),  # write_result builds the frames again, then writes
        "bench_only": w4 - w3,  # the second result_tables call: not part of a user's run
        "cpu_imports": c1 - c0,
        "cpu_engine": c2 - c1,
        "cpu_tables": c3 - c2,
        "cpu_writing": max(c5 - c4 - (c4 - c3), 0.0),
        "cpu_bench_only": c4 - c3,
        "cpu_process": c5,  # including the interpreter's start, before the first mark
        "peak_rss_parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_largest_worker_mb": workers,
        "months": scenario.horizon.n_months,
    }


def whole_process(reps: int, years: int, jobs: int | None) -> dict:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, __file__, "--child", str(reps), str(years), str(jobs or 0), out]
        wall, cpu, stdout = timed(cmd)
    r = json.loads(stdout.strip().splitlines()[-1])
    am = UMKM * r["months"] * reps
    wall -= 2 * r["bench_only"]  # the timing pass and its repeat inside write_result
    cpu -= 2 * r["cpu_bench_only"]
    r |= {"reps": reps, "years": years, "wall": wall, "cpu": cpu, "agent_months": am}
    r["startup_and_imports"] = wall - r["engine"] - r["tables"] - r["writing"]
    r["cpu_startup_and_imports"] = cpu - r["cpu_engine"] - r["cpu_tables"] - r["cpu_writing"]
    return r


def lean_start() -> dict:
    with tempfile.TemporaryDirectory() as out:
        help_wall, help_cpu, _ = timed([*CLI, "--help"])
        cohort_wall, cohort_cpu, _ = timed([*CLI, "run", str(BASELINE), "--out", out])
    return {"help": (help_wall, help_cpu), "cohort_run": (cohort_wall, cohort_cpu)}


def engine_only(reps: int, years: int) -> dict:
    from simulation.core.streams import replicate_seeds
    from simulation.engines.micro import MicroInputs, run_micro
    from simulation.scenario import load_scenario

    scenario = load_scenario(BASELINE, overrides={"years": years})
    inputs = MicroInputs.from_scenario(scenario)
    seeds = replicate_seeds(2026, reps + 1)
    run_micro(inputs, seeds[-1])  # the kernels compiled or loaded from the cache, caches warm
    cpu0, t0 = time.process_time(), time.perf_counter()
    for ss in seeds[:reps]:
        run_micro(inputs, ss)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    am = UMKM * scenario.horizon.n_months * reps
    return {"reps": reps, "months": scenario.horizon.n_months, "cpu": cpu, "wall": wall, "agent_months": am}


def engine_steps(reps: int, scenario_path: Path = BASELINE) -> dict[str, float]:
    """CPU seconds per replicate in each of the month's steps and outside them (start, month's end
    records), a scenario's 10 years (default the baseline) in this process."""
    import simulation.engines.micro as micro
    from simulation.core.streams import replicate_seeds
    from simulation.engines.steps import AGENTS, STEPS
    from simulation.scenario import load_scenario

    inputs = micro.MicroInputs.from_scenario(load_scenario(scenario_path))
    spent = dict.fromkeys(STEPS, 0.0)

    def timed_step(name, step):
        def run(s, t):
            c = time.process_time()
            step(s, t)
            spent[name] += time.process_time() - c

        return run

    seeds = replicate_seeds(2026, reps + 1)
    micro.run_micro(inputs, seeds[-1])
    original, micro.AGENTS = micro.AGENTS, tuple(timed_step(n, f) for n, f in zip(STEPS, AGENTS, strict=True))
    try:
        c = time.process_time()
        for ss in seeds[:reps]:
            micro.run_micro(inputs, ss)
        total = time.process_time() - c
    finally:
        micro.AGENTS = original
    out = {name: v / reps for name, v in spent.items()}
    out["start and records"] = total / reps - sum(out.values())
    return out


def mesa_peer(months: int) -> dict | None:
    try:
        from benchmarks.peers import mesa_umkm
    except ImportError:
        return None
    from simulation.engines.micro import MicroInputs
    from simulation.scenario import load_scenario

    inputs = MicroInputs.from_scenario(load_scenario(BASELINE))
    cpu0, t0 = time.process_time(), time.perf_counter()
    mesa_umkm.run(inputs, UMKM, months)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    return {"months": months, "cpu": cpu, "wall": wall, "agent_months": UMKM * months}


def big_child(n: int, years: int) -> dict:
    """One replicate of ``n`` UMKM (runs in its own process so that its peak RSS is its own)."""
    import numpy as np

    from simulation.engines.micro import MicroInputs, run_micro
    from simulation.scenario import load_scenario

    scenario = load_scenario(BASELINE, overrides={"population.initial_umkm": n, "policy.rollout": n, "years": years})
    inputs = MicroInputs.from_scenario(scenario)
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    out = run_micro(inputs, np.random.SeedSequence(7))
    r1, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - t0
    user, system = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
    return {
        "umkm": n,
        "agents_at_end": int(out["agents"]),
        "months": scenario.horizon.n_months,
        "wall": wall,
        "cpu": user + system,
        "system": system,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def numba_start_child() -> dict:
    """CPU seconds of the micro engine's fixed start in a fresh process: importing numba, then the
    first replicate (numba's first use, the cached kernels loaded) against the second (2 years)."""
    from simulation.core.streams import replicate_seeds
    from simulation.engines.micro import MicroInputs, run_micro
    from simulation.scenario import load_scenario

    inputs = MicroInputs.from_scenario(load_scenario(BASELINE, overrides={"years": 2}))
    seeds = replicate_seeds(2026, 2)
    c0 = time.process_time()
    import numba  # noqa: F401

    c1 = time.process_time()
    run_micro(inputs, seeds[0])
    c2 = time.process_time()
    run_micro(inputs, seeds[1])
    c3 = time.process_time()
    return {"import": c1 - c0, "first": c2 - c1, "second": c3 - c2}


def rate(am: float, seconds: float) -> str:
    return f"{am / seconds / 1e6:,.0f} M"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--jobs", type=int, default=None, help="worker processes of the whole-process runs (default all cores)"
    )
    p.add_argument("--engine-reps", type=int, default=20, help="replicates of the engine-only run (10 years)")
    p.add_argument("--mesa-months", type=int, default=12, help="months of the Mesa peer (73,000 UMKM)")
    p.add_argument("--big", action="store_true", help="also one replicate of 10 million UMKM x 120 months")
    p.add_argument("--steps", type=Path, metavar="SCENARIO", help="only the CPU per replicate by step, of SCENARIO")
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    p.add_argument("--big-child", nargs=2, type=int, help=argparse.SUPPRESS)
    p.add_argument("--numba-child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.numba_child:
        print(json.dumps(numba_start_child()))
        return
    if args.child:
        reps, years, jobs, out = args.child
        print(json.dumps(run_child(int(reps), int(years), int(jobs) or None, out)))
        return
    if args.big_child:
        print(json.dumps(big_child(*args.big_child)))
        return
    if args.steps:
        split = engine_steps(5, args.steps)
        load = os.getloadavg()
        print(
            f"{time.strftime('%Y-%m-%d %H:%M %Z')}, load average {load[0]:.1f}; {args.steps.name}, CPU per replicate "
            "by step: "
            + ", ".join(f"{name} {seconds * 1e3:.1f} ms" for name, seconds in split.items())
            + f" (total {sum(split.values()) * 1e3:.1f} ms)"
        )
        return

    import numba
    import numpy

    load = os.getloadavg()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, numba {numba.__version__}"
    )
    print("\nwhole process (umkm-sim run --engine micro, baseline, 73,000 UMKM):")
    for reps, years in ((40, 2), (200, 10)):
        r = whole_process(reps, years, args.jobs)
        am = r["agent_months"]
        print(
            f"  {reps} replicates x {years} years ({am / 1e6:,.0f} M agent-months): wall {r['wall']:.2f} s "
            f"({rate(am, r['wall'])} agent-months/s), CPU {r['cpu']:.2f} s ({rate(am, r['cpu'])} per CPU-s); "
            f"split of wall: start-up and imports {r['startup_and_imports']:.2f} s, engine {r['engine']:.2f} s, "
            f"tables {r['tables']:.2f} s, writing {r['writing']:.2f} s; split of CPU: start-up and imports "
            f"{r['cpu_startup_and_imports']:.2f} s, engine {r['cpu_engine']:.2f} s, tables {r['cpu_tables']:.2f} s, "
            f"writing {r['cpu_writing']:.2f} s; peak RSS parent "
            f"{r['peak_rss_parent_mb']:.0f} MB, largest worker {r['peak_rss_largest_worker_mb']:.0f} MB"
        )
    s = lean_start()
    print(
        f"\nlean start: umkm-sim --help wall {s['help'][0]:.2f} s (CPU {s['help'][1]:.2f} s); "
        f"cohort umkm-sim run wall {s['cohort_run'][0]:.2f} s (CPU {s['cohort_run'][1]:.2f} s)"
    )
    e = engine_only(args.engine_reps, 10)
    print(
        f"\nengine only (run_micro in one process, {e['reps']} replicates x {e['months']} months): "
        f"CPU {e['cpu']:.2f} s, {rate(e['agent_months'], e['cpu'])} agent-months per CPU-s "
        f"(wall {e['wall']:.2f} s)"
    )
    _, _, stdout = timed([sys.executable, __file__, "--numba-child"])
    n = json.loads(stdout.strip().splitlines()[-1])
    print(
        f"  fixed start in a fresh process (CPU): import numba {n['import']:.2f} s; first replicate of 2 years "
        f"{n['first']:.2f} s (numba's first use, the cached kernels loaded) against {n['second']:.3f} s for the second"
    )
    split = engine_steps(5)
    print(
        "  CPU per replicate by step: "
        + ", ".join(f"{name} {seconds * 1e3:.1f} ms" for name, seconds in split.items())
        + f" (total {sum(split.values()) * 1e3:.1f} ms)"
    )
    m = mesa_peer(args.mesa_months)
    if m is None:
        print("\nMesa peer: not run (install the bench extra: pip install -e '.[bench]')")
    else:
        mesa_rate = m["agent_months"] / m["cpu"]
        print(
            f"Mesa peer (benchmarks/peers/mesa_umkm.py, 73,000 UMKM x {m['months']} months): CPU {m['cpu']:.2f} s, "
            f"{mesa_rate / 1e6:.2f} M agent-months per CPU-s; engine / Mesa per CPU-s: "
            f"{e['agent_months'] / e['cpu'] / mesa_rate:.0f}x"
        )
    if args.big:
        n = 10_000_000
        _, _, stdout = timed([sys.executable, __file__, "--big-child", str(n), "10"])
        b = json.loads(stdout.strip().splitlines()[-1])
        am = b["umkm"] * b["months"]
        print(
            f"\nbig: {b['umkm']:,} UMKM x {b['months']} months, one replicate ({b['agents_at_end']:,} agents at the "
            f"end): wall {b['wall']:.1f} s, CPU {b['cpu']:.1f} s of which system {b['system']:.1f} s "
            f"({rate(am, b['cpu'])} agent-months per CPU-s), "
            f"including the synthetic population; peak RSS {b['peak_rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
