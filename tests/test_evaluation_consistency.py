"""``evaluate`` against the micro engine: on a list drawn from the engine's own snapshots just before
an evaluation, evaluate's graduates are the engine's, row for row, for every deterministic rule, and
within Monte Carlo error for the rule ``rate``; every row read is classified or rejected."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE
from registry_helpers import TEST_KEY

from simulation.analysis.evaluation import OUTCOMES, evaluate
from simulation.analysis.evaluation_example import engine_list, write_list
from simulation.rules.graduation import GRADUATION_RULE_NAMES
from simulation.scenario import load_scenario

SMALL = {"population.initial_umkm": 3000}
"""A small population: every UMKM enrolled in the first month (the rollout is 73,000)."""


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)


def _evaluated(tmp_path, overrides, year=None, language="id"):
    scenario = load_scenario(BASELINE, overrides={**SMALL, **overrides})
    frame, graduated = engine_list(scenario, year=year, seed=7)
    path = write_list(frame, tmp_path / "list.csv", language)
    return frame, graduated, evaluate(path, scenario, year=year, seed=11)


DETERMINISTIC = [r for r in GRADUATION_RULE_NAMES if r != "rate"]


@pytest.mark.parametrize("rule", DETERMINISTIC)
def test_deterministic_rules_graduate_exactly_the_engines_rows(tmp_path, rule):
    # a threshold and a growth that bite: about a fifth of the members pass each
    frame, graduated, ev = _evaluated(
        tmp_path,
        {"policy.graduation.rule": rule, "policy.graduation.revenue_threshold": 90e6,
         "policy.graduation.revenue_growth": 0.15},
    )  # fmt: skip
    assert len(ev.row) == len(frame)
    # a UMKM that entered in the evaluation month has no revenue of last year on the list: the
    # engine draws its growth, evaluate counts it as not grown (docs/evaluation.md); every other
    # row is judged exactly as the engine judged it
    known = np.isfinite(ev.revenue_prev)
    assert known.mean() > 0.99
    assert np.array_equal(ev.graduating[known], graduated[known])
    assert np.array_equal(ev.probability, ev.graduating.astype(float))  # 0 or 1: no draw
    if rule != "none":
        assert graduated.sum() > 100  # the comparison had graduates to get right
    if rule in ("revenue_growth", "revenue_and_growth"):
        assert not ev.graduating[~known].any()
    else:
        assert np.array_equal(ev.graduating, graduated)


def test_a_minimum_of_subsidised_years_is_applied_as_the_engine_does(tmp_path):
    # the second year's evaluation with a two-year minimum: only members enrolled by January 2026
    # have 24 months; the first year's entrants enrolled later may not graduate
    overrides = {
        "policy.graduation.rule": "revenue_threshold",
        "policy.graduation.revenue_threshold": 90e6,
        "policy.graduation.min_subsidised_years": 2,
        "population.entry_rate": 0.2,
        "policy.rollout": 4000,
    }
    frame, graduated, ev = _evaluated(tmp_path, overrides, year=2027)
    assert np.array_equal(ev.graduating, graduated)
    too_new = (ev.status == 1) & (ev.months_subsidised < 24) & (ev.revenue >= 90e6)
    assert too_new.sum() > 0  # some members pass the threshold but not the minimum
    assert not ev.graduating[too_new].any()


def test_the_rate_rule_agrees_within_monte_carlo_error(tmp_path):
    rate = 0.1
    frame, graduated, ev = _evaluated(tmp_path, {"policy.graduation.rate": rate})
    may = ev.probability > 0
    n = int(may.sum())
    assert np.allclose(ev.probability[may], rate)
    expected = ev.probability.sum()
    assert expected == pytest.approx(rate * n)
    sd = np.sqrt(n * rate * (1 - rate))
    assert abs(graduated.sum() - expected) <= 4 * sd
    assert abs(ev.graduating.sum() - expected) <= 4 * sd


def test_rows_reconcile_and_counts_add_up(tmp_path):
    frame, graduated, ev = _evaluated(tmp_path, {}, language="en")
    r = ev.reconciliation()
    assert r["rows_read"] == len(frame) == r["classified"] + r["rejected"]
    assert sum(r[f"outcome_{o}"] for o in OUTCOMES) == r["classified"]
    for by in ((), ("kecamatan",), ("sector",)):
        assert ev.counts(by)["umkm"].sum() == r["classified"]
    assert list(ev.row) == list(range(2, len(frame) + 2))  # spreadsheet rows, header = row 1
