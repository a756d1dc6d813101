"""``umkm-sim list``: the scenarios in a folder with their descriptions."""

from __future__ import annotations

from pathlib import Path

from simulation.core.errors import ScenarioError


def register(sub) -> None:
    p = sub.add_parser("list", help="list the scenarios in a folder (default: scenarios/)")
    p.add_argument("folder", nargs="?", default="scenarios")
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.scenario import load_scenario

    files = sorted(Path(args.folder).glob("*.yaml"))
    if not files:
        print(f"no scenario files in {args.folder}")
        return 1
    bad = 0
    for path in files:
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            bad += 1
            print(f"{path.stem:<28} INVALID: {str(exc).splitlines()[0]}")
            continue
        text = s.model.describe("en")
        print(f"{path.stem:<28} {text[:100]}{'...' if len(text) > 100 else ''}")
    return 1 if bad else 0
