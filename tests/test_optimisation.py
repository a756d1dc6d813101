"""Optimisers of levers: every answer meets its goal in a forward run and one step less does not."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE

from simulation import load_scenario, run
from simulation.analysis import optimisation as op


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def _coverage(scenario, overrides, year):
    a = run(scenario.with_overrides(overrides)).annual().set_index("year")
    return a.loc[year, "coverage_end"], a


def test_smallest_budget_reaches_the_goal_and_slightly_less_does_not(baseline):
    answer = op.smallest_budget(baseline, coverage=0.5, year=2030)
    assert answer.feasible, answer.message
    reached, annual = _coverage(baseline, {"policy.budget_ceiling": answer.value}, 2030)
    assert reached >= 0.5
    assert (annual["cost_apbd_kabupaten"] <= answer.value * (1 + 1e-9)).all()  # the ceiling holds every year
    short, _ = _coverage(baseline, {"policy.budget_ceiling": answer.value - 1e6}, 2030)
    assert short < 0.5
    smaller, _ = _coverage(baseline, {"policy.budget_ceiling": answer.value * 0.99}, 2030)
    assert smaller < 0.5


def test_an_unreachable_coverage_goal_is_reported_not_faked(baseline):
    answer = op.smallest_budget(baseline, coverage=0.99, year=2030)
    assert not answer.feasible and answer.value is None
    assert answer.achieved < 0.99 and "unreachable" in answer.message


def test_smallest_rollout_for_a_coverage_goal(baseline):
    answer = op.smallest_rollout(baseline, coverage=0.4, year=2028)
    assert answer.feasible and answer.value == int(answer.value)
    assert _coverage(baseline, {"policy.rollout": answer.value}, 2028)[0] >= 0.4
    assert _coverage(baseline, {"policy.rollout": answer.value - 1}, 2028)[0] < 0.4


def test_smallest_graduation_rate_keeps_cost_under_a_ceiling(baseline):
    ceiling = 6e9
    answer = op.smallest_graduation_rate(baseline, ceiling, 2030)
    assert answer.feasible
    cost = run(baseline.with_overrides({"policy.graduation.rate": answer.value})).annual().set_index("year")
    assert cost.loc[2030, "subsidy_cost"] <= ceiling
    below = run(baseline.with_overrides({"policy.graduation.rate": answer.value - 1e-4})).annual().set_index("year")
    assert below.loc[2030, "subsidy_cost"] > ceiling


def test_tradeoff_curve_is_monotone_and_agrees_with_forward_runs(baseline):
    curve = op.tradeoff(baseline, "policy.graduation.rate", np.linspace(0.02, 0.25, 9), 2030, check=9)
    assert (np.diff(curve["subsidy_cost"]) < 0).all()  # faster graduation costs less ...
    assert (np.diff(curve["coverage_end"]) < 0).all()  # ... and covers fewer (retention 0.6 < 1)
    budget = op.tradeoff(baseline, "policy.budget_ceiling", np.linspace(1e9, 15e9, 8), 2030)
    assert (budget["subsidy_cost"] <= budget["value"] * (1 + 1e-9)).all()  # the ceiling binds the year's cost


def test_smallest_budget_is_the_first_crossing_when_coverage_is_not_monotone(baseline):
    # a binding ceiling delays enrolment from the waiting list, so 2030 coverage peaks below the
    # uncapped cost and falls again: the optimiser must return the smallest budget, not any root
    budgets = np.linspace(1e9, 16e9, 61)
    curve = op.tradeoff(baseline, "policy.budget_ceiling", budgets, 2030)
    peak = curve["coverage_end"].max()
    assert peak > curve["coverage_end"].iloc[-1] + 0.02
    goal = 0.6
    answer = op.smallest_budget(baseline, coverage=goal, year=2030)
    assert answer.feasible
    assert (curve.loc[curve["value"] < answer.value - 1e6, "coverage_end"] < goal).all()


def test_largest_revenue_threshold_keeps_cost_under_a_ceiling_and_one_step_more_does_not():
    scenario = load_scenario(BASELINE, overrides={"years": 4})
    answer = op.largest_threshold(scenario, 8e9, 2029, grid=9)
    assert answer.feasible, answer.message
    rule = {"policy.graduation.rule": "revenue_threshold"}
    at = run(BASELINE, overrides={"years": 4, **rule, op.THRESHOLD: answer.value}).annual().set_index("year")
    more = run(BASELINE, overrides={"years": 4, **rule, op.THRESHOLD: answer.value + 1e6}).annual().set_index("year")
    assert at.loc[2029, "subsidy_cost"] <= 8e9 < more.loc[2029, "subsidy_cost"]
    assert answer.value % 1e6 == 0


def test_an_unreachable_threshold_goal_is_reported_not_faked():
    answer = op.largest_threshold(load_scenario(BASELINE, overrides={"years": 4}), 1e6, 2029, grid=5)
    assert not answer.feasible and answer.value is None and "unreachable" in answer.message
