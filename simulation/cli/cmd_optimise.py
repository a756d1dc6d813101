"""``umkm-sim optimise``: move a policy lever to meet a goal, checked by a forward run."""

from __future__ import annotations

import json
from pathlib import Path

from simulation.cli import add_scenario_arguments

QUESTIONS = ("budget", "rollout", "graduation", "threshold", "curve")


def register(sub) -> None:
    p = sub.add_parser(
        "optimise",
        help="smallest budget or rollout for a coverage goal, graduation rate under a cost ceiling, trade-off curve",
    )
    add_scenario_arguments(p)
    p.add_argument(
        "question",
        choices=QUESTIONS,
        help="budget: smallest annual budget ceiling reaching --coverage by --year; rollout: smallest rollout "
        "doing so; graduation: smallest graduation rate keeping --year's cost under --cost-ceiling; "
        "threshold: highest revenue threshold (rule revenue_threshold) keeping it under --cost-ceiling; "
        "curve: cost against coverage across --lever's range",
    )
    p.add_argument("--year", type=int, default=2030, help="fiscal year of the goal")
    p.add_argument("--coverage", type=float, help="goal: covered members at year end over the coverage target (share)")
    p.add_argument("--cost-ceiling", type=float, help="goal: the year's subsidy cost at most this (rupiah)")
    p.add_argument(
        "--lever",
        default="policy.graduation.rate",
        choices=["policy.graduation.rate", "policy.rollout", "policy.budget_ceiling"],
        help="lever of the trade-off curve",
    )
    p.add_argument("--from", dest="low", type=float, help="curve: lowest lever value (default: its range or 0)")
    p.add_argument("--to", dest="high", type=float, help="curve: highest lever value (default: its range)")
    p.add_argument("--points", type=int, default=21, help="curve: number of lever values")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=main)


def _bounds(scenario, lever: str, low, high) -> tuple[float, float]:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.analysis.optimisation import _uncapped_peak

    # deferred: the command line imports what a command needs only when it runs
    from simulation.scenario.schema import iter_params

    param = dict(iter_params(scenario.model)).get(lever)
    if param is not None and param.range is not None:
        default = tuple(float(v) for v in param.range)
    elif lever == "policy.budget_ceiling":
        default = (0.0, _uncapped_peak(scenario))
    else:
        default = (0.0, float(scenario.first("population.initial_umkm")))
    return (default[0] if low is None else low, default[1] if high is None else high)


KIND_OF = {
    "policy.graduation.rate": "share",
    "policy.graduation.revenue_threshold": "rupiah",
    "policy.rollout": "count",
    "policy.budget_ceiling": "rupiah",
    "subsidy_cost": "rupiah",
    "cumulative_cost": "rupiah",
    "coverage_end": "share",
    "covered_end": "count",
}
"""How a lever or output is printed: rupiah, a share (percent) or a count of UMKM."""


def show(value: float | None, name: str, language: str = "en") -> str:
    """A lever's or output's value the way the reports write it (Babel, locale of ``language``)."""
    # deferred: the command line imports what a command needs only when it runs
    from simulation.reporting import formats

    kind = KIND_OF.get(name, "number")
    if value is None:
        return "–"
    if kind == "rupiah":
        return formats.rupiah(value, language)
    if kind == "share":
        return formats.percent(value, language, digits=2)
    if kind == "count":
        return formats.count(value, language)
    return formats.number(value, language, digits=4)


def describe(answer, language: str = "en") -> str:
    """One sentence with the answer, its goal and the step past it, numbers in the reports' formats."""
    goal_word = "at most" if answer.output == "subsidy_cost" else "at least"
    if answer.value is None or not answer.feasible:
        return (
            f"unreachable: {answer.output} reaches {show(answer.achieved, answer.output, language)} in "
            f"{answer.year}, not {goal_word} {show(answer.goal, answer.output, language)}"
        )
    text = (
        f"{answer.lever} = {show(answer.value, answer.lever, language)} gives {answer.output} "
        f"{show(answer.achieved, answer.output, language)} in {answer.year} ({goal_word} "
        f"{show(answer.goal, answer.output, language)})"
    )
    if answer.below is not None:
        text += (
            f"; one step past it, {show(answer.below, answer.lever, language)}, gives "
            f"{show(answer.achieved_below, answer.output, language)}"
        )
    return text


def shown_curve(curve, lever: str, language: str = "en"):
    """The trade-off table with every column written as the reports write it."""
    out = curve.copy()
    for column in out.columns:
        name = lever if column == "value" or column == lever else column
        if name in KIND_OF:
            out[column] = [show(v, name, language) for v in out[column]]
    return out


def main(args) -> int:
    # deferred: matplotlib is slow to import and only charts need it
    import matplotlib.pyplot as plt

    # deferred: the command line imports what a command needs only when it runs
    from simulation.analysis import charts, optimisation

    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import CommandError

    # deferred: the command line imports what a command needs only when it runs
    from simulation.io.atomic import atomic_folder
    from simulation.io.provenance import manifest, seal

    # deferred: the command line imports what a command needs only when it runs
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, overrides=args.overrides)
    if args.year not in scenario.horizon.fiscal_years:
        raise CommandError(f"--year {args.year}: outside the scenario's years {scenario.horizon.fiscal_years}")
    with atomic_folder(Path(args.out)) as out:  # a killed run leaves the previous folder whole
        files = []
        if args.question == "curve":
            low, high = _bounds(scenario, args.lever, args.low, args.high)
            if not low < high or args.points < 2:
                raise CommandError(f"--from {low:g} --to {high:g} --points {args.points}: need from < to and 2+ points")
            # deferred: numpy at the top would cost every `umkm-sim` command (a report host's client too) 0.07 s
            import numpy as np

            curve = optimisation.tradeoff(scenario, args.lever, np.linspace(low, high, args.points), args.year)
            curve.to_csv(out / "tradeoff.csv", index=False)
            fig = charts.tradeoff_chart(curve, args.lever, args.year)
            fig.savefig(out / "tradeoff.png", dpi=120)
            plt.close(fig)
            files += ["tradeoff.csv", "tradeoff.png"]
            record = {"question": "curve", "lever": args.lever, "year": args.year, "points": args.points}
            print(f"{scenario.name}: trade-off across {args.lever} in {args.out}")
            print(shown_curve(curve, args.lever).to_string(index=False))
        else:
            if args.question in ("budget", "rollout"):
                if args.coverage is None or not 0 < args.coverage:
                    raise CommandError(f"{args.question} needs --coverage, a positive share of the coverage target")
                solve = optimisation.smallest_budget if args.question == "budget" else optimisation.smallest_rollout
                answer = solve(scenario, args.coverage, args.year)
            else:
                if args.cost_ceiling is None or args.cost_ceiling < 0:
                    raise CommandError(f"{args.question} needs --cost-ceiling, rupiah in the year (0 or more)")
                solve = (
                    optimisation.smallest_graduation_rate
                    if args.question == "graduation"
                    else optimisation.largest_threshold
                )
                answer = solve(scenario, args.cost_ceiling, args.year)
            record = answer.to_dict()
            print(f"{scenario.name}: {describe(answer)}")
        files.append("answer.json")
        meta = manifest(scenario, engine="cohort", files=files, analysis={"kind": "optimise", **record})
        text = json.dumps(meta, indent=2, ensure_ascii=False, default=float)
        (out / "answer.json").write_text(text, encoding="utf-8")
        (out / "manifest.json").write_text(text, encoding="utf-8")
        seal(out)
    return 0 if record.get("feasible", True) else 1
