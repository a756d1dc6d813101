"""``--scheduler`` for the commands that run the micro engine or many regions."""

from __future__ import annotations

import argparse


def scheduler_name(text: str) -> str:
    """An argparse ``type``: the scheduler, or a usage error (exit 2) saying what is allowed."""
    # deferred: the command line imports what a command needs only when it runs
    from simulation.outputs.schedulers import check_scheduler

    try:
        return check_scheduler(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_scheduler_argument(parser: argparse.ArgumentParser, default: str | None = "processes") -> None:
    """``--scheduler processes|local|tcp://HOST:PORT`` in ``args.scheduler``.

    ``default`` is ``processes``; a command that passes the choice on only when it is given (a
    report's notebook parameter) takes None.
    """
    parser.add_argument(
        "--scheduler",
        type=scheduler_name,
        default=default,
        metavar="NAME",
        help="where the work runs: processes (a local process pool, the default), local (a Dask LocalCluster "
        "of --jobs workers) or tcp://HOST:PORT (a running Dask scheduler); Dask needs the distributed extra. "
        "The same seed gives the same tables on every scheduler",
    )


def add_jobs_argument(parser: argparse.ArgumentParser, help: str) -> None:
    """``--jobs N`` (at least 1; default None, the command's own), in ``args.jobs``."""
    parser.add_argument("--jobs", type=positive_int, default=None, metavar="N", help=help)


def positive_int(text: str) -> int:
    """An argparse ``type``: an integer of at least 1, or a usage error (exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: at least 1 is allowed")
    return value
