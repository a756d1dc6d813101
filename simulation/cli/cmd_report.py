"""``umkm-sim report``: run the report notebook through papermill."""

from __future__ import annotations

from pathlib import Path

from simulation.cli import CommandError, add_notebook_parameters_argument, add_scenario_arguments
from simulation.cli.scheduler import add_jobs_argument, add_scheduler_argument
from simulation.core.languages import LANGUAGES

HOSTED = None
"""In a report host (:mod:`simulation.cli.host_server`): its warm kernel, lent to each brief; None in
every other process, where a brief asks a running host first and else starts its own kernel."""


def register(sub) -> None:
    p = sub.add_parser("report", help="run notebooks/scenario_report.ipynb through papermill into a folder")
    add_scenario_arguments(p)
    p.add_argument("--out", default=None, help="report folder (default: reports/<scenario name>)")
    p.add_argument("--language", default=None, help=f"report language: {' or '.join(LANGUAGES)} (default: id)")
    p.add_argument("--engine", default=None, help="simulation engine (default: cohort)")
    p.add_argument("--reps", type=int, default=None, help="replicates of a stochastic engine")
    p.add_argument("--seed", type=int, default=None, help="master seed of a stochastic engine")
    add_jobs_argument(p, "micro engine: worker processes (default: all cores)")
    add_scheduler_argument(p, default=None)
    add_notebook_parameters_argument(p, "another notebook parameter (refused unless the notebook declares it)")
    p.add_argument(
        "--no-host",
        action="store_true",
        help="run cold even when a report host runs for this checkout (see `umkm-sim host start`)",
    )
    p.set_defaults(func=main)


def main(args) -> int:
    """Run the brief in this checkout's report host when one answers for this code (a few milliseconds
    to find out), else cold: then its kernel is started first, before this process imports the rest, so
    the kernel boots and imports the notebook's libraries on one core while this process imports on
    the other."""
    if HOSTED is not None:
        return _in_host(args)
    if not args.no_host:
        # deferred: the command line imports what a command needs only when it runs
        from simulation.cli.host import forward

        code = forward(args.argv)
        if code is not None:
            return code
    # deferred: the command line imports what a command needs only when it runs (the kernel first)
    from simulation.reporting.repository import REPO_ROOT
    from simulation.reporting.warm_kernel import WarmKernel

    kernel = WarmKernel(REPO_ROOT)
    try:
        return _run(args, kernel, release=True)  # this brief's own kernel: stopped once its notebook ran
    finally:
        kernel.shutdown()


def _in_host(args) -> int:
    """The brief in the host's warm kernel; a kernel that died (before or during the brief) is replaced
    and the brief tried once more, as a batch worker does."""
    # deferred: the command line imports what a command needs only when it runs
    from simulation.reporting.warm_kernel import once_more_if_gone

    # the run empties the kernel for the next brief (papermill_run.execute, reset_ahead)
    return once_more_if_gone(lambda kernel: _run(args, kernel, release=False), HOSTED.kernel, HOSTED.renew)


def _run(args, kernel, release: bool) -> int:
    """The brief in ``kernel``; with ``release`` the kernel is stopped as soon as the notebook ran
    (:meth:`~simulation.reporting.warm_kernel.WarmKernel.release`), a host's is kept."""
    # deferred: the command line imports what a command needs only when it runs
    from simulation.reporting.papermill_run import ReportError, run_report

    # deferred: the command line imports what a command needs only when it runs
    from simulation.scenario.loader import parse_override

    out = Path(args.out) if args.out else Path("reports") / Path(args.scenario).stem
    extra = dict(parse_override(p) for p in args.parameters)
    for name in ("language", "engine", "reps", "seed", "scheduler", "jobs"):
        if getattr(args, name) is not None:
            extra[name] = getattr(args, name)
    try:
        report = run_report(
            args.scenario, out, overrides=args.overrides, parameters=extra, kernel=kernel, release=release
        )
    except ReportError as exc:
        raise CommandError(str(exc)) from None
    print(f"report written: {report.html}\n  PDF {report.pdf}")
    print(f"  notebook {report.notebook}; tables and charts in {report.folder}")
    return 0
