"""Covered tenure across an unfunded gap, and the JKM benefit in the first months of membership.

Closed forms on a quiet scenario (everyone enrolled in January 2026, nobody leaves, no accidents):
the tenure of every member is known month by month, so each month's JKM payment is a literal
``N x (1 - (1 - 0.0017) ** (1/12)) x amount`` with the amount Rp10M in the first three months of a
spell of cover (facts G4.3) and Rp42M after (F2.1). Both engines; the micro engine's agents carry
their own ``covered_since``, against which the cohort engine's tenure mix is checked.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, quiet

from simulation import run
from simulation.outputs.benefits import covered_tenure, monthly_benefits

N = 73_000
DEATHS = N * (1.0 - (1.0 - 0.0017) ** (1.0 / 12.0))  # deaths not from work per month, all covered
EARLY, FULL = 10_000_000, 42_000_000


@pytest.mark.parametrize("engine", ["cohort", "micro"])
def test_jkm_pays_the_early_amount_in_the_first_three_months(engine):
    over = quiet(**{"benefits.accident_rate": 0.0})
    over["years"] = 1
    result = run(BASELINE, overrides=over, engine=engine, reps=1, seed=1)
    paid = monthly_benefits(result)["paid_jkm"].to_numpy()
    expected = [DEATHS * (EARLY if t < 3 else FULL) for t in range(12)]
    np.testing.assert_allclose(paid, expected, rtol=1e-9)


@pytest.mark.parametrize("engine", ["cohort", "micro"])
def test_after_an_unfunded_gap_cover_restarts_and_jkm_is_early_again(engine):
    """Eight months funded (January-August): September to November unpaid but covered (arrears),
    December uncovered (membership ended, G4.1); January 2027 starts a new spell, so January to
    March 2027 pay the early amount again, and December pays nothing (nobody covered)."""
    over = quiet(**{"benefits.accident_rate": 0.0, "policy.months_funded": 8})
    over["years"] = 2
    result = run(BASELINE, overrides=over, engine=engine, reps=1, seed=1)
    paid = monthly_benefits(result)["paid_jkm"].to_numpy()
    amount = {0: EARLY, 1: EARLY, 2: EARLY, 11: 0.0, 12: EARLY, 13: EARLY, 14: EARLY, 23: 0.0}
    expected = [DEATHS * amount.get(t, FULL) for t in range(24)]
    np.testing.assert_allclose(paid, expected, rtol=1e-9)


def test_the_cohort_tenure_breaks_after_the_third_unfunded_month():
    """Covered months of the subsidised, month by month, as literals: 8 in August 2026 and 11 in
    November (three unpaid months keep cover), none covered in December, 1 in January 2027."""
    over = quiet(**{"policy.months_funded": 8})
    over["years"] = 2
    result = run(BASELINE, overrides=over)
    m = result.monthly()
    sub, _ = covered_tenure(m, paid=[1.0 if (t % 12) < 8 else 0.0 for t in range(24)])
    for t, band in ((7, 7), (10, 10), (12, 0), (19, 7), (22, 10)):
        assert sub[t, band] == pytest.approx(N), (t, band)
        assert sub[t].sum() == pytest.approx(N)
    assert sub[11].sum() == 0.0 and sub[23].sum() == 0.0
    # without the funding flags the mix ages straight through the gap (the old behaviour)
    blind, _ = covered_tenure(m)
    assert blind[12, 12] == pytest.approx(N)


@pytest.mark.parametrize("funded, long", [(12, True), (9, True), (8, False)])
def test_thirty_six_covered_months_agree_between_the_engines(funded, long):
    """Members with 36 covered months at the end of 2028: everyone with every month funded or with
    a three-month gap (covered throughout), nobody with a four-month gap (spells of at most 12
    months). The micro engine counts its agents' ``covered_since``; the cohort engine's tenure mix
    must give the same number."""
    over = quiet(**{"population.initial_umkm": 2000, "policy.rollout": 2000, "policy.coverage_target": 2000})
    over.update({"years": 3, "policy.months_funded": funded})
    micro = run(BASELINE, overrides=over, engine="micro", reps=1, seed=1)
    from_agents = micro.annual().set_index("year").loc[2028, "covered_36m_end"]
    cohort = run(BASELINE, overrides=over)
    sub, man = covered_tenure(cohort.monthly(), paid=[1.0 if (t % 12) < funded else 0.0 for t in range(36)])
    from_mix = (sub + man)[35, 35:].sum()
    assert from_agents == (2000 if long else 0)
    assert from_mix == pytest.approx(from_agents, abs=1e-9)
