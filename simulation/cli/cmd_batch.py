"""``umkm-sim batch``: every scenario's report in parallel, then the comparison and ``index.html``."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

from simulation.cli import CommandError, add_notebook_parameters_argument, add_overrides_argument
from simulation.cli.scheduler import add_scheduler_argument
from simulation.core.languages import LANGUAGES


def register(sub) -> None:
    p = sub.add_parser(
        "batch",
        help="run the report for every scenario in scenarios/ (or those named) in parallel, then the comparison",
    )
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="scenario files or names (default: all)")
    p.add_argument("--folder", default="scenarios", help="where scenarios are found (default: scenarios)")
    p.add_argument("--out", default="reports", help="reports folder (default: reports)")
    p.add_argument("--jobs", "-j", type=int, default=2, help="scenarios run at once (default: 2)")
    p.add_argument(
        "--no-analyses",
        action="store_true",
        help="skip the sensitivity and calibration notebooks that otherwise run on the baseline after the reports",
    )
    p.add_argument("--language", default="id", help=f"report language: {' or '.join(LANGUAGES)} (default: id)")
    p.add_argument("--baseline", default=None, help="scenario the comparison is against (default: baseline)")
    p.add_argument(
        "--portfolio",
        dest="portfolios",
        action="append",
        default=[],
        metavar="FILE",
        help="also run this portfolio (e.g. scenarios/portfolios/ntb.yaml) into OUT/portfolios/NAME (repeatable); "
        "a batch naming no scenario runs FOLDER/portfolios/ntb.yaml unless --no-portfolios",
    )
    p.add_argument("--no-portfolios", action="store_true", help="run no portfolio, not even the default one (NTB)")
    add_scheduler_argument(p)
    add_overrides_argument(p, help="override applied to every scenario, e.g. --set years=3 (repeatable)")
    add_notebook_parameters_argument(
        p, "another report notebook parameter, e.g. -p engine=micro (refused unless the notebook declares it)"
    )
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs; first of all the
    # workers' fork server, which imports what they need while this process imports the rest
    from simulation.reporting.batch_workers import start_server

    start_server()

    # deferred: the command line imports what a command needs only when it runs
    from simulation.analysis.portfolio.batch import default_portfolios, run_portfolios
    from simulation.outputs.schedulers import PROCESSES, shared_scheduler
    from simulation.reporting.batch import run_batch, scenario_files, summary

    # deferred: the command line imports what a command needs only when it runs
    from simulation.reporting.papermill_run import check_report_parameters

    # deferred: the command line imports what a command needs only when it runs
    from simulation.reporting.parameters import REPO_ROOT

    # deferred: the command line imports what a command needs only when it runs
    from simulation.scenario.loader import parse_override

    folder = Path(args.folder)
    if not folder.exists() and (REPO_ROOT / folder).exists():
        folder = REPO_ROOT / folder
    files = scenario_files(args.scenarios, folder)
    if not files:
        raise CommandError(f"no scenario files in {folder}")
    if args.jobs < 1:
        raise CommandError(f"--jobs {args.jobs}: at least 1 is allowed")
    overrides = dict(parse_override(o) for o in args.overrides)
    parameters = {**dict(parse_override(p) for p in args.parameters), "language": args.language}
    check_report_parameters(parameters)  # an unknown or bad parameter stops the batch before anything runs
    began = time.perf_counter()
    print(f"batch: {len(files)} scenario(s), {args.jobs} at a time, into {args.out}")
    portfolios = args.portfolios or ([] if args.scenarios else default_portfolios(folder))
    portfolios = [] if args.no_portfolios else portfolios
    with shared_scheduler(args.scheduler, args.jobs) as scheduler:
        if scheduler != PROCESSES:  # every report's micro replicates go to the one Dask scheduler
            parameters["scheduler"] = scheduler
            check_report_parameters(parameters)
        outcomes = run_batch(
            files,
            Path(args.out),
            jobs=args.jobs,
            overrides=overrides,
            parameters=parameters,
            baseline=Path(args.baseline) if args.baseline else None,
            analyses=not args.no_analyses,
            beside=(
                partial(run_portfolios, portfolios, Path(args.out), args.language, overrides, scheduler=scheduler)
                if portfolios
                else None
            ),
        )
    print()
    print(summary(outcomes, args.language))
    failed = [o.name for o in outcomes if not o.ok]
    print(f"\nindex: {Path(args.out) / 'index.html'}; wall time {time.perf_counter() - began:.1f} s")
    if failed:
        print(f"umkm-sim: {len(failed)} failed: {', '.join(failed)}")
        return 1
    return 0
