"""The micro engine's replicate mean agrees with the cohort engine (its expected-value twin).

Tolerance, per fiscal year and quantity (subsidised, mandiri and lapsed at year end, subsidy cost):

    |mean over R replicates - cohort| <= Z * SE + D

* SE = s / sqrt(R), with s the standard deviation of the quantity over the R replicates: the
  Monte Carlo standard error of the mean (replicates are independent draws from
  ``SeedSequence(seed).spawn(R)``). Z = 4: for a normal mean (R = 64 makes the central limit
  theorem safe for these counts) a true-zero difference exceeds 4 SE with probability 6.3e-5,
  so over the 160 comparisons below a false alarm has probability about 1% (Bonferroni), and
  the test is deterministic for its fixed seed. Z = 4 also absorbs the ~9% sampling error of s.
* D = discretisation error of the cohort engine's revenue bands (zero for a plain rate): the
  band engine converges at second order in the band width w (tested below), so the error at w
  is estimated by Richardson as |cohort(w) - cohort(w/4)| * 16/15, doubled for safety.
* No other difference is allowed: the cohort run starts from the micro population's integer
  segment counts (``allocate``), entrants are rounded at random with an exact mean, and the
  rollout target is a whole number, so both engines have the same expectation.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE

from simulation import load_scenario
from simulation.engines.bands import BAND_WIDTH, SubsidisedTwin
from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.outputs.montecarlo import MonteCarloResult, simulate
from simulation.outputs.results import Result
from simulation.population.synthetic import allocate

R = 64
Z = 4.0
QUANTITIES = ("subsidised_end", "mandiri_end", "lapsed_end", "subsidy_cost")
CASES = {
    "baseline": {},
    "revenue_threshold": {"policy.graduation.rule": "revenue_threshold"},
    "revenue_growth_after_a_year": {
        "policy.graduation.rule": "revenue_growth",
        "policy.graduation.min_subsidised_years": 1,
        "policy.rollout": {"2026-01": 40_000, "2026-07": 73_000},
    },
    "revenue_and_growth": {"policy.graduation.rule": "revenue_and_growth"},
    # a July start, 8 months funded, a rollout step in unfunded October, half-yearly payments (G3.1, G3.2)
    "months_funded": {
        "start": "2026-07",
        "years": 5,
        "policy.months_funded": 8,
        "policy.payment_schedule": {"every": "half-yearly", "timing": "arrears"},
        "policy.rollout": {"2026-01": 40_000, "2026-10": 73_000},
    },
}
EXTRA = {"months_funded": ("counted_bpjs", "covered_end")}
"""Quantities a case compares beside :data:`QUANTITIES`."""


def cohort_annual(scenario, band_width=BAND_WIDTH):
    inputs = compile_inputs(scenario)
    counts = allocate(round(scenario.first("population.initial_umkm")), scenario.segment_shares)
    inputs.initial = counts[None, :].astype(float)
    if inputs.twin is not None:
        inputs.twin = SubsidisedTwin.for_scenario(scenario, band_width=band_width)
    return Result(scenario, run_cohort(inputs)).annual().set_index("year")


@pytest.mark.parametrize("case", list(CASES))
def test_replicate_mean_matches_the_cohort_engine(case):
    scenario = load_scenario(BASELINE, overrides=CASES[case])
    output, seed = simulate(scenario, seed=2026, reps=R, jobs=2, progress=False)
    mc = MonteCarloResult(scenario, output, seed)
    reps = mc.annual_replicates()
    mean = mc.annual().set_index("year")
    cohort = cohort_annual(scenario)
    if compile_inputs(scenario).twin is not None and SubsidisedTwin.for_scenario(scenario).uses_bands:
        fine = cohort_annual(scenario, BAND_WIDTH / 4)
        discretisation = 2 * (cohort - fine).abs() * 16 / 15
    else:
        discretisation = cohort * 0.0
    for q in QUANTITIES + EXTRA.get(case, ()):
        se = reps.groupby("year")[q].std(ddof=1) / np.sqrt(R)
        gap = (mean[q] - cohort[q]).abs()
        tolerance = Z * se + discretisation[q]
        assert (gap <= tolerance).all(), f"{case} {q}: gap {gap.to_dict()} tolerance {tolerance.to_dict()}"
        assert (se > 0).all() or q == "subsidy_cost"  # the comparison is not vacuous
    # the same arrays behave as a Result for any replicate
    assert mc.replicate(R - 1).annual().shape == mean.reset_index().shape


def test_revenue_bands_converge_at_second_order():
    """Halving the band width cuts the error about fourfold (what the Richardson estimate assumes)."""
    scenario = load_scenario(BASELINE, overrides=CASES["revenue_threshold"])
    runs = [cohort_annual(scenario, BAND_WIDTH * f)["subsidised_end"] for f in (2, 1, 0.5)]
    coarse, mid = (runs[0] - runs[1]).abs().max(), (runs[1] - runs[2]).abs().max()
    assert 2.5 < coarse / mid < 6.5
    assert mid < 5e-4 * runs[2].max()  # at the default width the bands move a few UMKM out of 60,000


def test_twin_keeps_the_subsidised_stock():
    scenario = load_scenario(BASELINE, overrides=CASES["revenue_growth_after_a_year"])
    inputs = compile_inputs(scenario)
    out = run_cohort(inputs)
    np.testing.assert_allclose(inputs.twin.subsidised, out.end[-1][:, :, 1], rtol=1e-9)
