"""``umkm-sim sensitivity``: fan, tornado and Sobol' indices over the scenario's uncertain assumptions."""

from __future__ import annotations

from simulation.cli import add_scenario_arguments
from simulation.cli.scheduler import add_jobs_argument, add_scheduler_argument


def register(sub) -> None:
    p = sub.add_parser(
        "sensitivity",
        help="vary the assumptions over their ranges: fan chart, tornado, Sobol' indices of cost and coverage",
    )
    add_scenario_arguments(p)
    p.add_argument("--samples", type=int, default=1024, help="Latin-hypercube samples; Sobol' base size (power of 2)")
    p.add_argument("--seed", type=int, default=None, help="master seed")
    p.add_argument("--year", type=int, default=2030, help="target fiscal year of the tornado and the indices")
    p.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY",
        help="also vary this parameter over its range, e.g. --vary policy.graduation.retention (repeatable)",
    )
    p.add_argument("--out", required=True, help="output folder")
    add_jobs_argument(p, "worker processes the samples are spread over (default: this process alone)")
    add_scheduler_argument(p)
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.analysis.sensitivity import analyse

    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import CommandError
    from simulation.scenario import load_scenario

    if args.samples < 2:
        raise CommandError(f"--samples {args.samples}: at least 2 samples are needed")
    scenario = load_scenario(args.scenario, overrides=args.overrides)
    try:
        report = analyse(
            scenario,
            samples=args.samples,
            seed=args.seed,
            year=args.year,
            extra=args.vary,
            scheduler=args.scheduler,
            jobs=args.jobs,
        )
    except ValueError as exc:
        if type(exc) is not ValueError:
            raise
        raise CommandError(str(exc)) from None
    written = report.write(args.out)
    print(f"{scenario.name}: {len(written)} files in {args.out}")
    print(report.summary())
    return 0
