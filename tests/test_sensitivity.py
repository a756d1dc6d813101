"""Uncertainty, the vectorised evaluation and global sensitivity."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE

from simulation import ScenarioError, load_scenario, run
from simulation.analysis.evaluate import evaluate
from simulation.analysis.sampling import latin_hypercube
from simulation.analysis.sensitivity import analyse, sobol
from simulation.analysis.uncertainty import default_names, uncertainties

BEHAVIOUR = ["population.entry_rate", "policy.graduation.rate", "policy.graduation.retention"]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def test_default_uncertainties_are_assumptions_and_levers_stay_fixed(baseline):
    names = default_names(baseline)
    assert names and all(n.startswith("assumptions.") for n in names)
    assert "assumptions.closure_rate" in names and "assumptions.revenue_drift" not in names
    message = r"--vary: policy\.graduation\.rat = .*Did you mean 'policy\.graduation\.rate'"
    with pytest.raises(ScenarioError, match=message):
        uncertainties(baseline, extra=["policy.graduation.rat"])
    with pytest.raises(ScenarioError, match=r"contribution\.jkm .*cannot vary it"):
        uncertainties(baseline, extra=["contribution.jkm"])


def test_distributions_shape_the_samples(baseline):
    s = baseline.with_overrides(
        {
            "assumptions.closure_rate.distribution": {"shape": "triangular", "mode": 0.1},
            "assumptions.mandiri_lapse_rate.distribution": {"shape": "truncnormal", "sd": 0.02},
        }
    )
    u = uncertainties(s, only=["assumptions.closure_rate", "assumptions.mandiri_lapse_rate", "assumptions.inflation"])
    x = latin_hypercube(u, 4000, seed=3)
    for j, p in enumerate(u):
        assert (x[:, j] >= p.low).all() and (x[:, j] <= p.high).all()
    assert abs(np.median(x[:, 0]) - 0.0834) < 0.003  # median of triangular(0.02, 0.10, 0.12)
    # truncnormal centred on the baseline value 0.35, sd 0.02, cut to [0.15, 0.55] (5 sd away: no visible cut)
    assert abs(x[:, 1].mean() - 0.35) < 0.002 and abs(x[:, 1].std() - 0.02) < 0.002
    assert abs(x[:, 2].mean() - 0.03) < 0.001  # uniform on [0.015, 0.045]


def test_vectorised_evaluation_matches_forward_runs(baseline):
    names = ["assumptions.closure_rate", "policy.graduation.rate", "assumptions.inflation", "population.entry_rate"]
    values = np.array([[0.08, 0.2, 0.04, 0.03], [0.03, 0.05, 0.02, 0.0]])
    fast = evaluate(baseline, names, values)
    slow = evaluate(baseline, names, values, aggregate=False, memory_bytes=1)  # one sample per chunk, all segments
    for row, (f_cost, s_cost) in enumerate(zip(fast.subsidy_cost, slow.subsidy_cost, strict=True)):
        a = run(baseline.with_overrides(dict(zip(names, values[row], strict=True)))).annual()
        np.testing.assert_allclose(f_cost, a["subsidy_cost"], rtol=1e-9)
        np.testing.assert_allclose(s_cost, a["subsidy_cost"], rtol=1e-9)
        np.testing.assert_allclose(fast.subsidy_cost_real[row], a["subsidy_cost_real"], rtol=1e-9)
        np.testing.assert_allclose(fast.covered_end[row], a["covered_end"], rtol=1e-9)
        np.testing.assert_allclose(fast.coverage_end[row], a["coverage_end"], rtol=1e-9)


def test_segments_are_not_summed_when_priority_differs(baseline):
    s = baseline.with_overrides(
        {"policy.priority": {"value": "sector_order", "unit": "rule", "source": "test"},
         "policy.sector_order": {"value": ["tembakau"], "unit": "sectors", "source": "test"},
         "policy.budget_ceiling": {"value": 5e9, "unit": "rupiah per fiscal year", "source": "test"}}
    )  # fmt: skip
    with pytest.raises(ValueError, match="cannot be summed"):
        evaluate(s, aggregate=True)
    np.testing.assert_allclose(evaluate(s).subsidy_cost[0], run(s).annual()["subsidy_cost"], rtol=1e-9)


def test_first_order_index_is_one_when_only_one_assumption_varies(baseline):
    # closure varies over its range; the others are pinned to a width of 1e-9
    pinned = {
        f"{n}.range": [baseline.first(n), baseline.first(n) + 1e-9]
        for n in ("assumptions.mandiri_lapse_rate", "assumptions.reactivation_rate", "assumptions.inflation")
    }
    s = baseline.with_overrides(pinned)
    u = uncertainties(s)
    assert [p.name for p in u][0] == "assumptions.closure_rate" and len(u) == 4
    table, evaluations = sobol(s, u, n=256, year=2030, seed=1)
    assert evaluations == 256 * (len(u) + 2)
    for output in ("subsidy_cost", "coverage_end"):
        t = table[table["output"] == output].set_index("parameter")
        assert t.loc["assumptions.closure_rate", "first_order"] == pytest.approx(1, abs=0.05)
        assert t.loc["assumptions.closure_rate", "total_order"] == pytest.approx(1, abs=0.05)
        others = t.drop("assumptions.closure_rate")
        assert (others["first_order"].abs() < 0.02).all() and (others["total_order"].abs() < 0.02).all()


def test_an_assumption_that_cost_ignores_gets_a_zero_index(baseline):
    # retention 0.6 (the old default) keeps enough self-payers for lapses to move coverage visibly
    scenario = baseline.with_overrides({"policy.graduation.retention": 0.6})
    u = uncertainties(scenario, only=["assumptions.closure_rate", "assumptions.mandiri_lapse_rate"])
    table, _ = sobol(scenario, u, n=128, year=2030, seed=2)
    cost = table[table["output"] == "subsidy_cost"].set_index("parameter")
    assert cost.loc["assumptions.mandiri_lapse_rate", "total_order"] == pytest.approx(0, abs=1e-12)
    cover = table[table["output"] == "coverage_end"].set_index("parameter")
    assert cover.loc["assumptions.mandiri_lapse_rate", "total_order"] > 0.01  # lapses do move coverage


def test_baseline_report_names_the_three_that_move_2030_cost_most(baseline, tmp_path):
    report = analyse(baseline, samples=256, seed=2026, year=2030, extra=BEHAVIOUR)
    top = report.top("subsidy_cost_real")
    assert top == ["policy.graduation.rate", "assumptions.closure_rate", "assumptions.inflation"]
    assert report.top("subsidy_cost")[:2] == ["policy.graduation.rate", "assumptions.closure_rate"]
    text = report.summary()
    assert "The three assumptions that move the 2030 subsidy cost (real) most: policy.graduation.rate" in text
    # the tornado agrees on the largest swing
    assert report.tornado["parameter"].iloc[0] == "policy.graduation.rate"
    fan = report.fan[report.fan["output"] == "subsidy_cost"]
    assert (fan["p5"] <= fan["p50"]).all() and (fan["p50"] <= fan["p95"]).all()
    assert (fan["p95"] > fan["p5"]).iloc[1:].all()
    files = {p.name for p in report.write(tmp_path)}
    assert {"fan.png", "tornado_cost.png", "sobol.csv", "summary.txt", "manifest.json"} <= files
    again = analyse(baseline, samples=256, seed=2026, year=2030, extra=BEHAVIOUR)
    assert again.sobol.equals(report.sobol)


def test_threads_and_chunks_do_not_change_the_numbers(baseline):
    """All segments kept: the same chunks on one thread or on two give the same numbers bit for bit;
    one sample per chunk instead of cache-sized chunks moves them only by rounding (the matrix
    product over segments sums in another order)."""
    names = ["assumptions.closure_rate", "policy.graduation.rate"]
    values = latin_hypercube(uncertainties(baseline, only=names), 24, seed=5)
    one = evaluate(baseline, names, values, aggregate=False, memory_bytes=20_000 * 8, threads=1)
    two = evaluate(baseline, names, values, aggregate=False, memory_bytes=20_000 * 8, threads=2)
    single = evaluate(baseline, names, values, aggregate=False, memory_bytes=1, threads=1)
    for output in ("subsidy_cost", "subsidy_cost_real", "covered_end"):
        np.testing.assert_array_equal(getattr(one, output), getattr(two, output))
        np.testing.assert_allclose(getattr(single, output), getattr(one, output), rtol=1e-13)
