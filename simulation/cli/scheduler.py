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


def add_scheduler_argument(parser: argparse.ArgumentParser) -> None:
    """``--scheduler processes|local|tcp://HOST:PORT`` (default ``processes``), in ``args.scheduler``."""
    parser.add_argument(
        "--scheduler",
        type=scheduler_name,
        default="processes",
        metavar="NAME",
        help="where the work runs: processes (a local process pool, the default), local (a Dask LocalCluster "
        "of --jobs workers) or tcp://HOST:PORT (a running Dask scheduler); Dask needs the distributed extra. "
        "The same seed gives the same tables on every scheduler",
    )
