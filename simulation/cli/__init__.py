"""The ``umkm-sim`` command line: one module per subcommand."""

from __future__ import annotations

import argparse
import importlib
import sys

from simulation.core.errors import ScenarioError
from simulation.core.version import __version__

COMMANDS = ("run", "validate", "list", "report", "batch", "ingest", "synth", "sensitivity", "optimise", "calibrate")
COMMANDS = (*COMMANDS, "app")  # the planner app in the browser
"""Subcommands; each lives in ``simulation.cli.cmd_<name>`` with ``register(subparsers)``."""


class CommandError(Exception):
    """A user-facing failure of a command (printed without a traceback, exit 1)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="umkm-sim",
        description="UMKM social-protection budgeting workbench (BPJS Ketenagakerjaan JKK + JKM paid by the APBD).",
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
    """Run the CLI; return the exit code (0 ok, 1 a command failed, 2 bad scenario or usage)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ScenarioError as exc:
        print(f"umkm-sim: scenario error\n{exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"umkm-sim: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
