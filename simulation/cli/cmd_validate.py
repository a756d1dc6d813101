"""``umkm-sim validate``: check a scenario file without running it."""

from __future__ import annotations

from simulation.cli import add_scenario_arguments


def register(sub) -> None:
    p = sub.add_parser("validate", help="check a scenario file (and that its registry exists) and print its hash")
    add_scenario_arguments(p)
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli.checks import check_files

    # deferred: the command line imports what a command needs only when it runs
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, overrides=args.overrides)
    check_files(scenario)
    h = scenario.horizon
    print(f"{scenario.path}: valid ({h.labels[0]} to {h.labels[-1]}, {h.n_months} months), sha256 {scenario.hash[:16]}")
    return 0
