"""The ``umkm-sim`` command line: one module per subcommand."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys

from simulation.core.errors import BusyError, OutputError, ScenarioError
from simulation.core.version import __version__

COMMANDS = (
    "run",
    "validate",
    "list",
    "report",
    "batch",
    "ingest",
    "verify",
    "synth",
    "sensitivity",
    "optimise",
    "calibrate",
    "app",
    "evaluate",
    "portfolio",
    "host",
)
"""Subcommands; each lives in ``simulation.cli.cmd_<name>`` with ``register(subparsers)``."""


EXIT_CODES = """exit codes:
  0    done
  1    the command failed (a report cell, a guard-rail, a scenario of a batch); the message says which
  2    a bad scenario, override, parameter or command line (nothing was run)
  3    an output could not be written or an input read (a file in the way, a read-only or full disk)
  4    another batch is writing into the same reports folder (its lock is held)
  130  interrupted (Ctrl-C); an output being written is left as it was before
  141  the output pipe closed early (e.g. umkm-sim list | head)"""
"""What ``main`` returns, shown by ``umkm-sim --help`` and in the README."""


class CommandError(Exception):
    """A user-facing failure of a command (printed without a traceback, exit 1)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="umkm-sim",
        description="UMKM social-protection budgeting workbench (BPJS Ketenagakerjaan JKK + JKM paid by the APBD).",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"simulation.cli.cmd_{name}").register(sub)
    return parser


def add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    """The scenario file and ``--set KEY=VALUE`` overrides, shared by subcommands."""
    parser.add_argument("scenario", help="scenario YAML file, e.g. scenarios/baseline.yaml")
    add_overrides_argument(parser)


def add_overrides_argument(
    parser: argparse.ArgumentParser,
    help: str = "override a parameter by its dotted key, e.g. --set assumptions.closure_rate=0.08 (repeatable)",
) -> None:
    """``--set KEY=VALUE`` (repeatable), collected in ``args.overrides``."""
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help=help)


def add_notebook_parameters_argument(parser: argparse.ArgumentParser, help: str) -> None:
    """``-p NAME=VALUE`` notebook parameters (repeatable), collected in ``args.parameters``."""
    parser.add_argument(
        "-p", "--parameter", dest="parameters", action="append", default=[], metavar="NAME=VALUE", help=help
    )


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (see :data:`EXIT_CODES`): every known failure is one message."""
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # as given: a report host runs the same line
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except ScenarioError as exc:
        print(f"umkm-sim: scenario error\n{exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"umkm-sim: {exc}", file=sys.stderr)
        return 1
    except BusyError as exc:
        print(f"umkm-sim: {exc}", file=sys.stderr)
        return 4
    except OutputError as exc:
        print(f"umkm-sim: {exc}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"umkm-sim: cannot write or read{where}: {exc.strerror or exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("umkm-sim: interrupted", file=sys.stderr)
        return 130


def run() -> int:
    """The ``umkm-sim`` command: :func:`main`, then everything the process holds moved out of the
    garbage collector's reach (:func:`gc.freeze`) before the interpreter exits.

    Python collects garbage several times while it shuts down, and each time it scanned every object
    a command had made or imported (pandas, papermill, WeasyPrint, Matplotlib): the exit after a
    brief took 0.47-0.93 s of its 5-6 s, and 0.02-0.03 s without those collections (the time from
    the command's return to the process's end, 2026-11-26, 2-core Xeon; after importing the report
    notebook's libraries and papermill alone: 0.43-0.49 s, frozen 0.06-0.07 s). Exit handlers and
    threads end as before. Only the command line does this; :func:`main` itself (called by tests, a
    report host, Python sessions) leaves the collector alone.
    """
    code = main()
    gc.freeze()
    return code


def _silence_stdout() -> None:
    """Point stdout at the null device so the interpreter's final flush raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor (pytest capture)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
