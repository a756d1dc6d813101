"""Population and money are conserved every month."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE

from simulation import run
from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.outputs import budget
from simulation.scenario import load_scenario

BUSY = {  # every flow switched on, a phased rollout and two payers
    "population.entry_rate": 0.04,
    "assumptions.closure_rate": 0.08,
    "assumptions.mandiri_lapse_rate": 0.3,
    "assumptions.reactivation_rate": 0.15,
    "policy.graduation.rate": 0.2,
    "policy.graduation.evaluation_month": 6,
    "policy.rollout": {"2026-01": 20_000, "2026-09": 50_000, "2027-03": 90_000},
    "policy.payers": {
        "2026-01": {"apbd_kabupaten": 1.0},
        "2027-01": {"apbd_kabupaten": 0.6, "apbd_provinsi": 0.3, "member_copay": 0.1},
    },
}


@pytest.mark.parametrize("overrides", [{}, BUSY], ids=["baseline", "busy"])
def test_states_plus_closed_equal_initial_plus_entrants_every_month(overrides):
    scenario = load_scenario(BASELINE, overrides=overrides)
    out = run_cohort(compile_inputs(scenario))
    initial = scenario.first("population.initial_umkm")
    entrants = np.cumsum(out.flows["entered"].sum(axis=(1, 2)))
    total_end = out.end.sum(axis=(1, 2, 3))
    total_billed = out.billed.sum(axis=(1, 2, 3))
    np.testing.assert_allclose(total_end, initial + entrants, rtol=1e-12)
    np.testing.assert_allclose(total_billed, initial + entrants, rtol=1e-12)
    per_segment = out.end.sum(axis=3)  # (T, P, G): no UMKM moves between segments
    seg_initial = initial * scenario.segment_shares
    np.testing.assert_allclose(
        per_segment[:, 0], seg_initial + np.cumsum(out.flows["entered"][:, 0], axis=0), rtol=1e-12
    )
    assert (out.end >= -1e-9).all() and (out.billed >= -1e-9).all()


@pytest.mark.parametrize("overrides", [{}, BUSY], ids=["baseline", "busy"])
def test_money_billed_equals_members_times_contribution_every_month(overrides):
    result = run(BASELINE, overrides=overrides)
    m = result.monthly()
    comps = budget.contributions(result.scenario)
    rate = sum(comps.values())
    paid_by_payers = sum(m[f"cost_{p}"] for p in result.payers)
    np.testing.assert_allclose(paid_by_payers, m["subsidised"] * rate, rtol=1e-12)
    discount = result.scenario.monthly_array("contribution.self_pay_discount")
    np.testing.assert_allclose(m["self_paid"], m["mandiri"] * rate * (1 - discount), rtol=1e-12, atol=1e-6)
    ledger = result.ledger()
    assert ledger["nominal"].sum() == pytest.approx(paid_by_payers.sum() + m["self_paid"].sum(), rel=1e-12)
    annual = result.annual()
    assert annual["subsidy_cost"].sum() == pytest.approx(m["subsidy_cost"].sum(), rel=1e-12)


def test_member_copay_is_not_public_subsidy():
    m = run(BASELINE, overrides=BUSY).monthly().set_index("month")
    row = m.loc["2027-06"]
    assert row["cost_member_copay"] == pytest.approx(0.1 * row["subsidised"] * 16_800)
    assert row["subsidy_cost"] == pytest.approx(0.9 * row["subsidised"] * 16_800)


def test_real_cost_is_deflated_from_the_first_month():
    result = run(BASELINE, overrides={"assumptions.inflation": 0.03})
    m = result.monthly()
    assert m["subsidy_cost_real"].iloc[0] == m["subsidy_cost"].iloc[0]
    assert m["price_index"].iloc[12] == pytest.approx(1.03)


def test_annual_counts_are_after_the_december_evaluation():
    a = run(BASELINE).annual()
    m = run(BASELINE).monthly().set_index("month")
    assert a.loc[0, "subsidised_end"] == pytest.approx(m.loc["2027-01", "subsidised"] - m.loc["2027-01", "enrolled"])
    # covered = subsidised + mandiri + lapsed members still in their three months of arrears (F1.7)
    assert a.loc[0, "arrears_end"] > 0
    assert a.loc[0, "covered_end"] == pytest.approx(
        a.loc[0, "subsidised_end"] + a.loc[0, "mandiri_end"] + a.loc[0, "arrears_end"]
    )
    assert (a["coverage_end"] <= 1 + 1e-12).all()


def test_by_kecamatan_adds_up_to_the_totals():
    result = run(BASELINE)
    by_kec = result.by_kecamatan().groupby("year").sum(numeric_only=True)
    annual = result.annual().set_index("year")
    np.testing.assert_allclose(by_kec["covered_end"], annual["covered_end"], rtol=1e-12)
    np.testing.assert_allclose(by_kec["subsidy_cost"], annual["subsidy_cost"], rtol=1e-12)
