"""``umkm-sim run``: run a scenario and write its tables and manifest."""

from __future__ import annotations

from simulation.cli import add_scenario_arguments


def register(sub) -> None:
    p = sub.add_parser("run", help="run a scenario and write annual.csv, monthly tables and manifest.json")
    add_scenario_arguments(p)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--engine", default="cohort", choices=["cohort"], help="simulation engine")
    p.add_argument("--seed", type=int, default=None, help="master seed (recorded; the cohort engine is deterministic)")
    p.set_defaults(func=main)


def main(args) -> int:
    from simulation import load_scenario
    from simulation.runner import run_scenario

    scenario = load_scenario(args.scenario, overrides=args.overrides)
    result = run_scenario(scenario, engine=args.engine, seed=args.seed)
    written = result.write(args.out)
    ind = result.indicators()
    print(f"{scenario.name}: {len(written)} files in {args.out}")
    print(
        f"  subsidy cost {ind['first_year']}: Rp{ind['subsidy_cost_first_year']:,.0f}; "
        f"{ind['first_year']}-{ind['last_year']}: Rp{ind['subsidy_cost_total']:,.0f}"
    )
    return 0
