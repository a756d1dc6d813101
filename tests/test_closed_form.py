"""The cohort engine against closed forms of its timing convention (docs/model.md)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, quiet

from simulation import run
from simulation.core.states import monthly_probability

N = 73_000
RATE = 16_800  # rupiah per member per month (facts F1.4)


@pytest.mark.parametrize("annual_closure, graduation", [(0.05, 0.10), (0.12, 0.25), (0.0, 0.5), (0.3, 0.0)])
def test_subsidised_closure_and_graduation(annual_closure, graduation):
    """All N enrolled in the first January, monthly closure c, graduation g, nothing else:
    subsidised in month t of fiscal year k is N (1-c)^t (1-g)^k; the year's cost is
    Rp16,800 times the sum over its 12 months."""
    result = run(
        BASELINE, overrides=quiet(assumptions__closure_rate=annual_closure, policy__graduation__rate=graduation)
    )
    m = result.monthly()
    c = monthly_probability(annual_closure)
    t = np.arange(len(m))
    k = t // 12
    expected = N * (1 - c) ** t * (1 - graduation) ** k
    np.testing.assert_allclose(m["subsidised"], expected, rtol=1e-12)
    annual = result.annual()
    expected_cost = RATE * np.bincount(k, weights=expected)
    np.testing.assert_allclose(annual["subsidy_cost"], expected_cost, rtol=1e-12)


def test_monthly_probability_compounds_to_the_annual_one():
    for p in (0.0, 0.05, 0.5, 0.99):
        assert 1 - (1 - monthly_probability(p)) ** 12 == pytest.approx(p, abs=1e-12)


def test_graduates_split_by_retention_effective_next_month():
    """With g and retention r, at the first evaluation N g r go to mandiri and N g (1-r) lapse;
    they are billed from the next month (January), not in December."""
    g, r = 0.2, 0.7
    m = run(BASELINE, overrides=quiet(policy__graduation__rate=g, policy__graduation__retention=r)).monthly()
    dec, jan = m.index[m["month"] == "2026-12"][0], m.index[m["month"] == "2027-01"][0]
    assert m.loc[dec, "mandiri"] == 0 and m.loc[dec, "subsidised"] == pytest.approx(N)
    assert m.loc[dec, "graduated"] == pytest.approx(N * g)
    assert m.loc[jan, "mandiri"] == pytest.approx(N * g * r)
    assert m.loc[jan, "lapsed"] == pytest.approx(N * g * (1 - r))
    assert m.loc[jan, "subsidised"] == pytest.approx(N * (1 - g))


def test_mandiri_lapse_applies_at_month_end():
    """Everyone graduates to mandiri in December 2026; with monthly lapse l, mandiri billed in
    month t >= 12 is N (1-l)^(t-12): the month's lapse comes after its billing."""
    annual_lapse = 0.25
    m = run(
        BASELINE,
        overrides=quiet(
            policy__graduation__rate=1.0,
            policy__graduation__retention=1.0,
            assumptions__mandiri_lapse_rate=annual_lapse,
        ),
    ).monthly()
    l_m = monthly_probability(annual_lapse)
    t = np.arange(12, len(m))
    np.testing.assert_allclose(m["mandiri"].to_numpy()[12:], N * (1 - l_m) ** (t - 12), rtol=1e-12)
    assert m["self_paid"].iloc[12] == pytest.approx(N * RATE)


def test_entry_closure_compound_as_documented():
    """No rollout: open UMKM at the end of month t are N ((1+e_m)(1-c_m))^(t+1)."""
    e, c = 0.04, 0.06
    m = run(
        BASELINE, overrides=quiet(population__entry_rate=e, assumptions__closure_rate=c, policy__rollout=0)
    ).monthly()
    e_m, c_m = (1 + e) ** (1 / 12) - 1, monthly_probability(c)
    t = np.arange(len(m))
    np.testing.assert_allclose(m["eligible_end"], N * ((1 + e_m) * (1 - c_m)) ** (t + 1), rtol=1e-12)
    assert m["subsidy_cost"].sum() == 0


def test_rollout_enrols_up_to_the_cumulative_target_in_its_month():
    m = run(BASELINE, overrides=quiet(policy__rollout={"2026-01": 30_000, "2026-07": 73_000})).monthly()
    enrolled = dict(zip(m["month"], m["enrolled"], strict=True))
    assert enrolled["2026-01"] == pytest.approx(30_000)
    assert enrolled["2026-07"] == pytest.approx(43_000)
    assert sum(enrolled.values()) == pytest.approx(73_000)
    assert m.loc[m["month"] == "2026-06", "subsidised"].item() == pytest.approx(30_000)
    assert m.loc[m["month"] == "2026-07", "subsidised"].item() == pytest.approx(73_000)


def test_rollout_is_capped_by_eligible_umkm():
    m = run(BASELINE, overrides=quiet(policy__rollout=100_000)).monthly()
    assert m["subsidised"].max() == pytest.approx(N)
    assert m["eligible"].min() == pytest.approx(0)


def test_self_pay_discount_halves_what_mandiri_pay_but_not_the_subsidy():
    """Facts F1.6: members paid from the APBD get no discount."""
    over = quiet(
        policy__graduation__rate=0.5,
        policy__graduation__retention=1.0,
        contribution__self_pay_discount={"2026-01": 0.0, "2027-04": 0.5, "2028-01": 0.0},
    )
    m = run(BASELINE, overrides=over).monthly().set_index("month")
    assert m.loc["2027-03", "self_paid"] == pytest.approx(m.loc["2027-03", "mandiri"] * RATE)
    assert m.loc["2027-04", "self_paid"] == pytest.approx(m.loc["2027-04", "mandiri"] * RATE / 2)
    assert m.loc["2027-04", "subsidy_cost"] == pytest.approx(m.loc["2027-04", "subsidised"] * RATE)
