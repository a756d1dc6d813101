"""Benefits that reach families and fiscal indicators (issue 5)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, quiet

from simulation import run
from simulation.core.states import monthly_probability
from simulation.outputs.benefits import covered_tenure, monthly_benefits
from simulation.outputs.fiscal import npv

N = 73_000
ZERO_INCIDENCE = {"benefits.accident_rate": 0.0, "benefits.death_rate": 0.0}


def test_scholarship_eligibility_switches_exactly_at_36_covered_months():
    """All enrolled in January 2026 and nobody leaves: month t is the (t+1)th covered month, so a
    non-work death qualifies for scholarships from December 2028 (t = 35), not in November."""
    result = run(BASELINE, overrides=quiet(**{"benefits.accident_rate": 0.0}))
    b = monthly_benefits(result).set_index("month")
    assert b.loc["2028-11", "scholarship_eligible_share"] == 0
    assert b.loc["2028-12", "scholarship_eligible_share"] == pytest.approx(1.0)
    assert b.loc["2028-11", "scholarship_families"] == 0
    deaths = N * monthly_probability(0.0017)
    assert b.loc["2028-12", "scholarship_families"] == pytest.approx(deaths)
    assert b.loc["2028-12", "paid_scholarships"] == pytest.approx(deaths * 1.0 * 13_500_000)


def test_a_different_minimum_moves_the_switch():
    over = quiet(**{"benefits.accident_rate": 0.0, "benefits.scholarship_min_months": 12})
    b = monthly_benefits(run(BASELINE, overrides=over)).set_index("month")
    assert b.loc["2026-11", "scholarship_eligible_share"] == 0
    assert b.loc["2026-12", "scholarship_eligible_share"] == pytest.approx(1.0)


def test_tenure_carries_over_graduation_and_restarts_after_a_lapse():
    """Graduates keep their tenure; a lapsed member who resumes starts again at one month."""
    over = quiet(
        policy__graduation__rate=1.0,
        policy__graduation__retention=0.5,
        assumptions__reactivation_rate=0.5,
    )
    m = run(BASELINE, overrides=over).monthly()
    sub, man = covered_tenure(m)
    np.testing.assert_allclose(sub.sum(axis=1), m["subsidised"], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(man.sum(axis=1), m["mandiri"], rtol=1e-9, atol=1e-6)
    jan27 = m.index[m["month"] == "2027-01"][0]
    assert man[jan27, 12] == pytest.approx(N * 0.5)  # graduates in their 13th covered month
    assert man[jan27 + 1, 0] == pytest.approx(m["reactivated"].iloc[jan27])  # resumed: first month again


def test_benefits_are_zero_with_zero_incidence():
    b = run(BASELINE, overrides=ZERO_INCIDENCE).benefits()
    paid = [c for c in b.columns if c.startswith("paid_") or c in ("benefits_paid", "families_reached")]
    assert (b[paid] == 0).all().all()


def test_benefits_scale_linearly_with_incidence():
    base = run(BASELINE, overrides={"benefits.accident_rate": 0.001, "benefits.death_rate": 0.001}).benefits()
    doubled = run(BASELINE, overrides={"benefits.accident_rate": 0.002, "benefits.death_rate": 0.002}).benefits()
    # monthly probabilities are not exactly linear in the annual ones; compare on the monthly scale
    factor = monthly_probability(0.002) / monthly_probability(0.001)
    for col in ("accidents", "deaths", "benefits_paid", "paid_jkm", "paid_scholarships", "families_reached"):
        np.testing.assert_allclose(doubled[col], factor * base[col], rtol=1e-12)


def test_amounts_follow_the_regulated_benefits():
    monthly = monthly_benefits(run(BASELINE))
    b = monthly.iloc[0]
    # January 2026: every member is in the first month of membership, so JKM pays the early Rp10M (G4.3)
    assert b["paid_jkm"] == pytest.approx(b["deaths"] * 10_000_000)
    # with the early amount at the top of its range (no reduction) every death pays the rule's Rp42M (F2.1)
    full = monthly_benefits(run(BASELINE, overrides={"benefits.jkm_benefit_early": 42_000_000})).iloc[0]
    assert full["paid_jkm"] == pytest.approx(full["deaths"] * 42_000_000)
    assert b["paid_jkk_death"] == pytest.approx(b["accident_deaths"] * 70_000_000)  # F2.4
    assert b["paid_income"] == pytest.approx((b["accidents"] - b["accident_deaths"]) * 1_000_000)


def test_npv_matches_a_hand_computed_case():
    assert npv(np.array([100.0, 110.0, 121.0]), 0.10) == pytest.approx(300.0)
    assert npv(np.array([1e9, 1e9]), 0.0) == pytest.approx(2e9)


def test_fiscal_indicators_of_the_baseline():
    result = run(BASELINE, overrides={"fiscal.discount_rate": 0.05})
    f = result.fiscal().set_index("year")
    a = result.annual().set_index("year")
    assert f.loc[2026, "share_of_apbd"] == pytest.approx(a.loc[2026, "cost_apbd_kabupaten"] / 3.072e12)  # F5.3
    assert f.loc[2026, "contributions_received"] == pytest.approx(a.loc[2026, "subsidy_cost"])
    s = result.fiscal_summary()
    expected = sum(a["subsidy_cost"].to_numpy() / 1.05 ** np.arange(len(a)))
    assert s["subsidy_npv"] == pytest.approx(expected)
    assert s["cost_per_graduate"] == pytest.approx(a["subsidy_cost"].sum() / a["graduated"].sum())
    assert s["benefits_per_rupiah_subsidy"] == pytest.approx(f["benefits_paid"].sum() / a["subsidy_cost"].sum())
    assert s["claims_ratio"] == pytest.approx(f["benefits_paid"].sum() / f["contributions_received"].sum())
    # an independent estimate: per covered member-year, accidents x (medical + income + fatal share x
    # death benefit) + deaths x JKM benefit, against Rp16,800 x 12, before scholarships (which add)
    p = result.scenario
    per_accident = (
        p.first("benefits.accident_medical_cost")
        + (1 - p.first("benefits.accident_fatal_share"))
        * p.first("benefits.accident_income_months")
        * p.first("benefits.declared_income")
        + p.first("benefits.accident_fatal_share") * p.first("benefits.jkk_death_benefit")
    )
    per_member_year = p.first("benefits.accident_rate") * per_accident + p.first("benefits.death_rate") * p.first(
        "benefits.jkm_benefit"
    )
    without_scholarships = per_member_year / (16_800 * 12)  # 0.42 with the baseline's defaults
    assert without_scholarships < s["claims_ratio"] < without_scholarships * 1.25


def test_benefits_by_replicate_on_the_micro_engine():
    result = run(BASELINE, overrides={"years": 4}, engine="micro", reps=6, seed=3)
    reps = result.benefits_replicates()
    assert sorted(reps["replicate"].unique()) == list(range(6)) and len(reps) == 6 * 4
    one = result.replicate(2).benefits().set_index("year")
    mine = reps[reps["replicate"] == 2].set_index("year")
    np.testing.assert_allclose(mine["benefits_paid"], one["benefits_paid"], rtol=1e-12)
    q = result.benefits_quantiles().set_index(["year", "quantile"])["benefits_paid"]
    for year in range(2026, 2030):
        assert q[(year, 0.05)] <= q[(year, 0.5)] <= q[(year, 0.95)]
    # the mean of replicates' expected benefits is the expected benefit on the mean path (linear in covered)
    mean = reps.groupby("year")["deaths"].mean()
    np.testing.assert_allclose(mean, result.benefits().set_index("year")["deaths"], rtol=1e-9)
