"""Sensitivity under the revenue rules: the revenue-band twin vectorised over samples.

Expectations come from ordinary runs of each sample's scenario (the engine's own, single-sample
twin with that threshold on a band edge) and from closed forms written with ``math.erf`` and the
baseline's literal sector shares and revenue means, never from the evaluator under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import BASELINE, quiet

from simulation import load_scenario, run
from simulation.analysis.evaluate import evaluate
from simulation.analysis.sampling import latin_hypercube
from simulation.analysis.sensitivity import tornado
from simulation.analysis.uncertainty import uncertainties
from simulation.cli import main

THRESHOLD = "policy.graduation.revenue_threshold"
GROWTH = "policy.graduation.revenue_growth"

# the baseline's sector shares and mean annual revenues (scenarios/baseline.yaml, F4.3), as literals
SECTORS = {
    "perdagangan": (0.40, 80e6),
    "kuliner": (0.20, 70e6),
    "pertanian": (0.15, 60e6),
    "tembakau": (0.05, 90e6),
    "kerajinan": (0.10, 65e6),
    "jasa": (0.10, 75e6),
}
SIGMA = 0.9  # population.revenue_sigma
N = 73_000


def phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@pytest.mark.parametrize(
    "rule, name, values, minimum",
    [
        ("revenue_threshold", THRESHOLD, [1.0e8, 1.5e8, 2.7e8], 0),
        ("revenue_and_growth", THRESHOLD, [1.2e8, 2.9e8], 0),
        ("revenue_growth", GROWTH, [0.05, 0.12, 0.25], 0),
        ("revenue_threshold", THRESHOLD, [1.0e8, 2.0e8], 1),
        ("rate", "policy.graduation.rate", [0.05, 0.2], 1),
    ],
)
def test_sampled_revenue_parameters_match_forward_runs(rule, name, values, minimum):
    """Each sample's annual cost and coverage equal an ordinary run of the scenario with that value,
    segments summed by sector or all kept, in one chunk or one sample per chunk (also with a minimum
    of subsidised years, which needs the twin's months of subsidy)."""
    overrides = {"years": 3, "policy.graduation.rule": rule, "policy.graduation.min_subsidised_years": minimum}
    scenario = load_scenario(BASELINE, overrides=overrides)
    x = np.array(values)[:, None]
    views = (evaluate(scenario, [name], x), evaluate(scenario, [name], x, aggregate=False, memory_bytes=1))
    for row, value in enumerate(values):
        a = run(scenario.with_overrides({name: value})).annual()
        for out in views:
            np.testing.assert_allclose(out.subsidy_cost[row], a["subsidy_cost"], rtol=1e-9)
            np.testing.assert_allclose(out.covered_end[row], a["covered_end"], rtol=1e-9)
    # the parameter moves the outputs: the samples differ
    assert len({round(float(c), 3) for c in views[0].subsidy_cost[:, 1]}) == len(values)


def test_a_threshold_varied_one_at_a_time_moves_cost_as_the_lognormal_tail():
    """No revenue change (drift 0, volatility 0), everyone enrolled in January 2026, nothing else
    moving: at December 2026's evaluation the members at or above the threshold graduate, so the
    2027 cost is the 2026 cost times the share below it, sum_s share_s Phi((log v - mu_s) / sigma)
    with mu_s = log(mean_s) - sigma**2 / 2; covered at the end of 2027 are those below it plus the
    retained share (0.4) of those above."""
    overrides = quiet(**{"policy__graduation__rule": "revenue_threshold"})
    overrides.update({"years": 2, "assumptions.revenue_drift": 0.0, "assumptions.revenue_volatility": 0.0})
    scenario = load_scenario(BASELINE, overrides=overrides)
    thresholds = [1.0e8, 1.5e8, 3.0e8]
    out = evaluate(scenario, [THRESHOLD], np.array(thresholds)[:, None])
    for row, v in enumerate(thresholds):
        mu = {name: math.log(mean) - SIGMA**2 / 2 for name, (_, mean) in SECTORS.items()}
        below = sum(share * phi((math.log(v) - mu[name]) / SIGMA) for name, (share, _) in SECTORS.items())
        assert out.subsidy_cost[row, 1] / out.subsidy_cost[row, 0] == pytest.approx(below, rel=1e-9)
        assert out.covered_end[row, 1] == pytest.approx(N * (below + 0.4 * (1.0 - below)), rel=1e-9)
    # a higher bar graduates fewer: the cost rises with the threshold
    assert out.subsidy_cost[0, 1] < out.subsidy_cost[1, 1] < out.subsidy_cost[2, 1]


def test_a_growth_share_varied_one_at_a_time_moves_cost_as_the_increment_tail():
    """Rule revenue_growth, the baseline's drift 0.03 and volatility 0.25 a year: December 2026's
    increment since January is normal(0.03, 0.25) in log revenue for every sector, so the share
    that stays subsidised is Phi((log(1 + g) - 0.03) / 0.25) for each sample's share g."""
    scenario = load_scenario(BASELINE, overrides={**quiet(), "years": 2, "policy.graduation.rule": "revenue_growth"})
    shares = [0.05, 0.10, 0.25]
    out = evaluate(scenario, [GROWTH], np.array(shares)[:, None])
    for row, g in enumerate(shares):
        stay = phi((math.log(1.0 + g) - 0.03) / 0.25)
        assert out.subsidy_cost[row, 1] / out.subsidy_cost[row, 0] == pytest.approx(stay, rel=1e-9)


def test_growth_is_not_sampled_under_the_joint_rule_and_thresholds_change_nothing_under_rate():
    joint = load_scenario(BASELINE, overrides={"years": 2, "policy.graduation.rule": "revenue_and_growth"})
    message = "revenue_growth cannot be varied per sample under the rule 'revenue_and_growth'"
    with pytest.raises(ValueError, match=message):
        evaluate(joint, [GROWTH], np.array([[0.05], [0.2]]))
    rate = load_scenario(BASELINE, overrides={"years": 2})
    out = evaluate(rate, [THRESHOLD], np.array([[1e8], [3e8]]))
    assert np.array_equal(out.subsidy_cost[0], out.subsidy_cost[1])


def test_tornado_of_the_threshold_spans_its_range():
    """The tornado's ends are the forward runs at the range's ends (1e8 and 3e8 rupiah)."""
    scenario = load_scenario(BASELINE, overrides={"years": 5, "policy.graduation.rule": "revenue_threshold"})
    u = uncertainties(scenario, only=[THRESHOLD, "assumptions.closure_rate"])
    table = tornado(scenario, u, 2030).set_index("parameter")
    for end, value in (("at_low", 1e8), ("at_high", 3e8)):
        forward = run(scenario.with_overrides({THRESHOLD: value})).annual().set_index("year")["subsidy_cost"]
        assert table.loc[THRESHOLD, end] == pytest.approx(forward[2030], rel=1e-9)


def test_sensitivity_command_varies_the_revenue_threshold(tmp_path, capsys):
    out = tmp_path / "sens"
    code = main(["sensitivity", str(BASELINE), "--set", "policy.graduation.rule=revenue_threshold",
                 "--set", "years=5", "--samples", "16", "--seed", "2",
                 "--out", str(out), "--vary", THRESHOLD])  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "policy.graduation.revenue_threshold (total index" in text
    assert "under a revenue rule they shape the revenue bands" in text
    assert THRESHOLD in (out / "sobol.csv").read_text()


def test_months_funded_is_sampled_as_whole_months_and_its_tornado_is_the_closed_form():
    """A range [6, 12] for policy.months_funded: samples are the whole months 6..12, equally often;
    with everyone enrolled in January and nothing else happening a year costs N x 16,800 x m, so the
    tornado's ends are Rp7,358,400,000 (6 months) and Rp14,716,800,000 (12 months)."""
    lever = {"value": 12, "range": [6, 12], "unit": "months", "source": "test"}
    scenario = load_scenario(BASELINE, overrides={**quiet(), "years": 2, "policy.months_funded": lever})
    u = uncertainties(scenario, only=["policy.months_funded"])
    x = latin_hypercube(u, 70, seed=4)[:, 0]
    assert sorted(set(x)) == [6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0]
    assert all((x == m).sum() == 10 for m in range(6, 13))
    row = tornado(scenario, u, 2027).iloc[0]
    assert row["at_low"] == pytest.approx(73_000 * 16_800 * 6, rel=1e-12)
    assert row["at_high"] == pytest.approx(73_000 * 16_800 * 12, rel=1e-12)
