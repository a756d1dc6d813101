"""``umkm-sim synth``: write a synthetic Lombok Timur UMKM registry in the registry format."""

from __future__ import annotations

from pathlib import Path

from simulation.cli.cmd_ingest import DEFAULT_SCENARIO


def register(sub) -> None:
    p = sub.add_parser(
        "synth",
        help="write a synthetic UMKM registry (.csv or .xlsx) with synthetic ids and no personal data",
    )
    p.add_argument("--out", required=True, help="file to write, .csv or .xlsx")
    p.add_argument("--seed", type=int, default=None, help="seed for revenues and priorities")
    p.add_argument("--n", type=int, default=None, help="number of UMKM (default population.initial_umkm)")
    p.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        help=f"scenario whose population assumptions are used (default {DEFAULT_SCENARIO})",
    )
    p.add_argument(
        "--lang", choices=["id", "en"], default="id", help="Indonesian (default) or English headers and statuses"
    )
    p.add_argument(
        "--evaluated",
        type=int,
        default=None,
        metavar="YEAR",
        help="write the list as it stands just before the evaluation of YEAR, drawn from the micro engine "
        "(statuses, enrolment dates, this and last year's revenue; .csv only; docs/evaluation.md)",
    )
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import CommandError

    # deferred: the command line imports what a command needs only when it runs
    from simulation.io.atomic import atomic_file
    from simulation.population.registry.synth import write_synthetic_registry
    from simulation.scenario import load_scenario

    if args.n is not None and args.n < 1:
        raise CommandError(f"--n {args.n}: the number of UMKM must be at least 1")
    scenario = load_scenario(args.scenario)
    if args.evaluated is not None:
        return _evaluated(args, scenario, CommandError)
    try:
        with atomic_file(args.out) as temp:  # a killed run leaves the previous file whole
            _, n = write_synthetic_registry(scenario, temp, seed=args.seed, n=args.n, language=args.lang)
    except ValueError as exc:
        raise CommandError(str(exc).replace(temp.name, Path(args.out).name)) from None
    print(f"{args.out}: {n} synthetic UMKM ({scenario.name}, seed {args.seed})")
    return 0


def _evaluated(args, scenario, CommandError) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.analysis.evaluation_example import engine_list, write_list

    if args.n is not None:
        scenario = scenario.with_overrides({"population.initial_umkm": args.n})
    if not str(args.out).endswith(".csv"):
        raise CommandError(f"--out {args.out}: --evaluated writes a .csv file")
    seed = 2026 if args.seed is None else args.seed
    try:
        frame, _ = engine_list(scenario, year=args.evaluated, seed=seed)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    write_list(frame, args.out, args.lang)
    print(
        f"{args.out}: {len(frame)} synthetic UMKM just before the evaluation of {args.evaluated} "
        f"({scenario.name}, seed {seed})"
    )
    return 0
