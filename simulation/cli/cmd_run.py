"""``umkm-sim run``: run a scenario and write its tables and manifest."""

from __future__ import annotations

from simulation.cli import CommandError, add_scenario_arguments
from simulation.cli.scheduler import add_scheduler_argument


def register(sub) -> None:
    p = sub.add_parser("run", help="run a scenario and write annual.csv, monthly tables and manifest.json")
    add_scenario_arguments(p)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--engine", default="cohort", choices=["cohort", "micro"], help="simulation engine")
    p.add_argument(
        "--seed", type=int, default=None, help="master seed (micro: replicates; the cohort engine is deterministic)"
    )
    p.add_argument("--reps", type=int, default=100, help="micro engine: Monte Carlo replicates (default 100)")
    p.add_argument("--jobs", type=int, default=None, help="micro engine: worker processes (default: all cores)")
    add_scheduler_argument(p)
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli.checks import check_files

    # deferred: the command line imports what a command needs only when it runs
    from simulation.io.write import write_result
    from simulation.outputs.run import run_scenario
    from simulation.reporting import formats
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, overrides=args.overrides)
    check_files(scenario)
    if args.reps < 1 or (args.jobs is not None and args.jobs < 1):
        raise CommandError(f"--reps and --jobs must be at least 1 (got --reps {args.reps}, --jobs {args.jobs})")
    kwargs = {"reps": args.reps, "jobs": args.jobs, "scheduler": args.scheduler, "reduce": True}
    kwargs = kwargs if args.engine == "micro" else {}
    result = run_scenario(scenario, engine=args.engine, seed=args.seed, **kwargs)
    written = write_result(result, args.out)
    ind = result.indicators()
    print(f"{scenario.name}: {len(written)} files in {args.out}")
    if args.engine == "micro":
        print(f"  micro engine: mean of {result.reps} replicates, seed {result.seed}")
    print(
        f"  subsidy cost {ind['first_year']}: {formats.rupiah(ind['subsidy_cost_first_year'], 'en')}; "
        f"{ind['first_year']}-{ind['last_year']}: {formats.rupiah(ind['subsidy_cost_total'], 'en')}"
    )
    return 0
