"""Optimising policy levers with :mod:`scipy.optimize`, every answer checked by a forward run.

Questions answered (each a lever held constant over the horizon):

- :func:`tradeoff`: subsidy cost against coverage across a lever's range;
- :func:`smallest_budget`: the smallest annual budget ceiling (``policy.budget_ceiling``,
  rupiah per fiscal year for the APBD Kabupaten) whose coverage at the end of a
  year reaches a goal;
- :func:`smallest_rollout`: the smallest rollout (UMKM ever enrolled) that reaches it;
- :func:`smallest_graduation_rate`: the smallest graduation rate (rule ``rate``) that
  keeps a year's subsidy cost under a ceiling;
- :func:`largest_threshold`: the highest revenue threshold (rule ``revenue_threshold``),
  the strictest graduation bar, that keeps a year's subsidy cost under a ceiling.

The lever's range is scanned on a grid in one vectorised evaluation; the answer
is the first crossing of ``output - goal``, found by :func:`scipy.optimize.brentq`
inside the first grid cell that meets the goal, rounded up to the lever's step
(Rp1 million, one UMKM, 0.0001), then checked by a forward run of the scenario
with the lever overridden (:func:`simulation.run`): the answer meets the goal and
the answer less one step does not.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from simulation.analysis.evaluate import evaluate
from simulation.outputs.run import run

OUTPUT_OF = {"coverage_end": "coverage of target at year end", "subsidy_cost": "subsidy cost in the year (Rp)"}


@dataclass
class Answer:
    """An optimiser's answer and its forward-run check.

    Attributes
    ----------
    question : str
    lever : str
        Dotted parameter moved.
    value : float or None
        The answer in the lever's unit; ``None`` when the goal cannot be reached in the bounds.
    output : str
        ``coverage_end`` or ``subsidy_cost``.
    year : int
    goal : float
        The output's goal (``>=`` for coverage, ``<=`` for cost).
    achieved : float
        The output in a forward run at ``value`` (at the upper bound when infeasible).
    below : float or None
        The lever one ``step`` past the answer (below it when the question asks for the
        smallest value, above it for :func:`largest_threshold`), and ``achieved_below`` its output.
    achieved_below : float or None
    feasible : bool
    message : str
    """

    question: str
    lever: str
    value: float | None
    output: str
    year: int
    goal: float
    achieved: float
    below: float | None
    achieved_below: float | None
    feasible: bool
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


def forward(scenario, lever: str, value: float, output: str, year: int) -> float:
    """The output in a year from an ordinary run of the scenario with ``lever`` overridden."""

    annual = run(scenario.with_overrides({lever: float(value)})).annual().set_index("year")
    return float(annual.loc[year, output])


def _fast(scenario, lever: str, output: str, year: int):
    def f(x: float) -> float:
        return float(evaluate(scenario, [lever], np.array([[x]])).column(output, year)[0])

    return f


def smallest_lever(
    scenario,
    lever: str,
    output: str,
    goal: float,
    year: int,
    bounds: tuple[float, float],
    step: float,
    question: str,
    at_least: bool = True,
    grid: int = 201,
) -> Answer:
    """The smallest lever value (a multiple of ``step``) meeting the goal, checked by a forward run.

    The goal is ``output >= goal`` (``at_least``, e.g. coverage) or ``output <= goal``
    (e.g. cost). The output need not be monotone in the lever (coverage at a year can
    fall again as a budget ceiling stops binding, see docs/analysis.md): the lever's
    range is scanned on a grid of ``grid`` values in one vectorised evaluation, and
    :func:`scipy.optimize.brentq` then finds the first crossing inside the first
    grid cell that meets the goal.
    """
    f = _fast(scenario, lever, output, year)
    low, high = bounds
    xs = np.linspace(low, high, grid)
    ys = evaluate(scenario, [lever], xs[:, None]).column(output, year)
    meets = (lambda y: y >= goal - 1e-12) if at_least else (lambda y: y <= goal + 1e-12)
    word = "at least" if at_least else "at most"
    show = (lambda x: f"{x:,.0f}") if step >= 1 else (lambda x: f"{x:.4f}")
    ok = meets(ys)
    if not ok.any():
        best = xs[int(np.argmax(ys) if at_least else np.argmin(ys))]
        achieved = forward(scenario, lever, best, output, year)
        return Answer(
            question, lever, None, output, year, goal, achieved, None, None, False,
            f"unreachable: the best {lever} in [{show(low)}, {show(high)}] is {show(best)}, giving {output} "
            f"{achieved:,.6g}, not {word} {goal:,.6g}",
        )  # fmt: skip
    i = int(np.argmax(ok))
    if i == 0:
        value = low
    else:
        root = optimize.brentq(lambda x: f(x) - goal, xs[i - 1], xs[i], xtol=step / 4, rtol=1e-12)
        value = min(xs[i], math.ceil(root / step) * step)
        while not meets(f(value)) and value < xs[i]:
            value = min(xs[i], value + step)
    achieved = forward(scenario, lever, value, output, year)
    below = value - step if value - step >= low else None
    achieved_below = forward(scenario, lever, below, output, year) if below is not None else None
    ok = meets(achieved) and (below is None or not meets(achieved_below))
    message = (
        f"{lever} = {show(value)} gives {output} {achieved:,.6g} in {year} ({word} {goal:,.6g}); "
        + (
            f"one step less, {show(below)}, gives {achieved_below:,.6g}"
            if below is not None
            else "the lower bound already meets it"
        )
        + ("" if ok else " [forward check FAILED]")
    )
    return Answer(question, lever, float(value), output, year, goal, achieved, below, achieved_below, ok, message)


def smallest_budget(scenario, coverage: float, year: int, step: float = 1e6) -> Answer:
    """The smallest constant annual budget ceiling (rupiah per fiscal year) reaching ``coverage`` by ``year``.

    Parameters
    ----------
    scenario : Scenario
    coverage : float
        Goal for covered members at the end of ``year`` over the coverage target (share).
    year : int
    step : float
        Rupiah granularity of the answer (default Rp1 million).
    """
    upper = _uncapped_peak(scenario)
    return smallest_lever(
        scenario, "policy.budget_ceiling", "coverage_end", coverage, year, (0.0, upper), step, "smallest budget"
    )


def _uncapped_peak(scenario) -> float:
    """A ceiling no year of the scenario reaches: the highest annual cost with no ceiling, plus 10%."""
    base = evaluate(scenario, ["policy.budget_ceiling"], np.array([[np.inf]]))
    return float(base.subsidy_cost.max() * 1.1 + 1e6)


def smallest_rollout(scenario, coverage: float, year: int, step: float = 1.0) -> Answer:
    """The smallest constant rollout (UMKM ever enrolled) reaching ``coverage`` by ``year``."""
    upper = float(scenario.first("population.initial_umkm"))
    return smallest_lever(scenario, "policy.rollout", "coverage_end", coverage, year, (0.0, upper), step, "rollout")


def smallest_graduation_rate(scenario, cost_ceiling: float, year: int, step: float = 1e-4) -> Answer:
    """The smallest graduation rate (per evaluation, rule ``rate``) keeping ``year``'s cost at most ``cost_ceiling``.

    ``cost_ceiling`` is in rupiah (public subsidy cost of the fiscal year).
    """
    return smallest_lever(
        scenario,
        "policy.graduation.rate",
        "subsidy_cost",
        cost_ceiling,
        year,
        (0.0, 1.0),
        step,
        "graduation rate",
        at_least=False,
    )


THRESHOLD = "policy.graduation.revenue_threshold"


def largest_threshold(
    scenario,
    cost_ceiling: float,
    year: int,
    bounds: tuple[float, float] | None = None,
    step: float = 1e6,
    grid: int = 17,
) -> Answer:
    """The highest revenue threshold keeping ``year``'s subsidy cost at most ``cost_ceiling`` (rupiah).

    Under rule ``revenue_threshold`` a UMKM graduates when its annual revenue reaches the
    threshold, so a higher threshold graduates fewer and costs more: the answer is the
    strictest graduation bar the budget allows. The revenue-band cohort twin runs one
    sample at a time, so the grid (``grid`` thresholds) and :func:`scipy.optimize.brentq`
    use ordinary runs. The answer is rounded down to ``step`` rupiah (default Rp1 million)
    and checked: it meets the ceiling, one step more does not (unless it is the upper bound).

    Parameters
    ----------
    scenario : Scenario
        Run with ``policy.graduation.rule`` set to ``revenue_threshold``.
    cost_ceiling : float
        Rupiah: the year's public subsidy cost at most this.
    year : int
    bounds : (float, float), optional
        Rupiah per year; default: the threshold's plausible range widened fourfold each way.
    """
    scenario = scenario.with_overrides({"policy.graduation.rule": "revenue_threshold"})
    if bounds is None:
        low, high = scenario.param(THRESHOLD).range or (scenario.first(THRESHOLD),) * 2
        bounds = (float(low) / 4, float(high) * 4)
    low, high = bounds

    def cost(x: float) -> float:
        return forward(scenario, THRESHOLD, x, "subsidy_cost", year)

    xs = np.linspace(low, high, grid)
    ok = np.array([cost(x) <= cost_ceiling for x in xs])
    question = "largest revenue threshold"
    if not ok.any():
        achieved = cost(low)
        return Answer(
            question, THRESHOLD, None, "subsidy_cost", year, cost_ceiling, achieved, None, None, False,
            f"unreachable: even a threshold of {low:,.0f} costs {achieved:,.0f} in {year}, above {cost_ceiling:,.0f}",
        )  # fmt: skip
    i = int(np.flatnonzero(ok)[-1])
    if i == grid - 1:
        value = high
    else:
        root = optimize.brentq(lambda x: cost(x) - cost_ceiling, xs[i], xs[i + 1], xtol=step / 4, rtol=1e-12)
        value = max(xs[i], math.floor(root / step) * step)
        while cost(value) > cost_ceiling and value > xs[i]:
            value = max(xs[i], value - step)
    achieved = cost(value)
    above = value + step if value + step <= high else None
    achieved_above = cost(above) if above is not None else None
    checked = achieved <= cost_ceiling and (above is None or achieved_above > cost_ceiling)
    message = (
        f"{THRESHOLD} = {value:,.0f} gives subsidy_cost {achieved:,.0f} in {year} (at most {cost_ceiling:,.0f}); "
        + (f"one step more, {above:,.0f}, gives {achieved_above:,.0f}" if above is not None else "the upper bound")
        + ("" if checked else " [forward check FAILED]")
    )
    return Answer(
        question, THRESHOLD, float(value), "subsidy_cost", year, cost_ceiling, achieved, above, achieved_above,
        checked, message,
    )  # fmt: skip


def tradeoff(scenario, lever: str, values, year: int, check: int = 3) -> pd.DataFrame:
    """Cost and coverage of ``year`` across a lever's values.

    Parameters
    ----------
    scenario : Scenario
    lever : str
        ``policy.graduation.rate``, ``policy.rollout`` or ``policy.budget_ceiling``.
    values : array_like
        Lever values (its unit).
    year : int
    check : int
        Points (spread over the curve, ends included) checked against a forward run.

    Returns
    -------
    DataFrame
        ``value``, ``subsidy_cost`` (rupiah in the year), ``cumulative_cost`` (rupiah up to and
        including the year), ``coverage_end`` (share) and ``covered_end`` (UMKM).

    Raises
    ------
    RuntimeError
        If a checked point disagrees with its forward run.
    """
    values = np.asarray(values, dtype=float)
    o = evaluate(scenario, [lever], values[:, None])
    k = o.years.index(year)
    curve = pd.DataFrame(
        {
            "value": values,
            "subsidy_cost": o.subsidy_cost[:, k],
            "cumulative_cost": o.subsidy_cost[:, : k + 1].sum(axis=1),
            "coverage_end": o.coverage_end[:, k],
            "covered_end": o.covered_end[:, k],
        }
    )
    for i in np.unique(np.linspace(0, len(values) - 1, max(check, 0)).round().astype(int)) if check else []:
        got = forward(scenario, lever, values[i], "subsidy_cost", year)
        if not math.isclose(got, curve.loc[i, "subsidy_cost"], rel_tol=1e-9, abs_tol=1.0):
            raise RuntimeError(
                f"forward run disagrees at {lever} = {values[i]:g}: {got} vs {curve.loc[i, 'subsidy_cost']}"
            )
    return curve
