"""Months funded, payment schedule and cash plan, BPJS-TK's count, a start after January
(``docs/model.md``, "Months funded and payment schedule"; ``docs/scenarios.md``).

Expectations are literals or closed forms: 73,000 members at Rp16,800 a month (facts F0.1, F1.4)
with nothing else happening.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, ROOT, quiet

from simulation import load_scenario, run
from simulation.core.errors import ScenarioError
from simulation.scenario.prices import cash_plan, payment_periods

N = 73_000
RATE = 16_800

ENGINES = [("cohort", {}), ("micro", {"reps": 1, "seed": 7})]


def _monthly(engine_kwargs, engine, **changes):
    return run(BASELINE, overrides=quiet(years=2, **changes), engine=engine, **engine_kwargs)


@pytest.mark.parametrize("engine, kwargs", ENGINES)
def test_eight_months_funded_cost_cover_and_count_in_both_engines(engine, kwargs):
    """8 months funded (Bantul 2026, G3.1): 8 months billed a year; members stay protected through
    three unpaid months (Sep-Nov, F1.7/G4.1) and are unprotected in December; BPJS-TK counts all
    of them (eight months paid >= six, G4.2)."""
    result = _monthly(kwargs, engine, policy__months_funded=8)
    m = result.mean().monthly()
    annual = result.mean().annual()
    np.testing.assert_allclose(annual["subsidy_cost"], [9_811_200_000, 9_811_200_000])  # 73,000 x 16,800 x 8
    month = m["month"].str[5:].astype(int).to_numpy()
    np.testing.assert_allclose(m["subsidy_cost"], np.where(month <= 8, N * RATE, 0.0))
    np.testing.assert_allclose(m["covered"], np.where(month <= 11, N, 0.0))
    np.testing.assert_allclose(m["unfunded_uncovered"], np.where(month == 12, N, 0.0))
    np.testing.assert_allclose(annual["covered_end"], [0.0, 0.0])
    np.testing.assert_allclose(annual["counted_bpjs"], [N, N])
    np.testing.assert_allclose(m["subsidised"], N)  # they keep their place in the programme


@pytest.mark.parametrize("engine, kwargs", ENGINES)
def test_four_months_funded_count_pro_rata_and_protection_ends_after_three_unpaid(engine, kwargs):
    """4 months funded: BPJS-TK counts 4/6 of each member; protected January to July."""
    result = _monthly(kwargs, engine, policy__months_funded=4)
    m, annual = result.mean().monthly(), result.mean().annual()
    np.testing.assert_allclose(annual["counted_bpjs"], [N * 4 / 6, N * 4 / 6])
    np.testing.assert_allclose(m["counted_bpjs"][:6], [N / 6, 2 * N / 6, 3 * N / 6, 4 * N / 6, 4 * N / 6, 4 * N / 6])
    month = m["month"].str[5:].astype(int).to_numpy()
    np.testing.assert_allclose(m["covered"], np.where(month <= 7, N, 0.0))
    np.testing.assert_allclose(annual["subsidy_cost"], [N * RATE * 4] * 2)


@pytest.mark.parametrize("engine, kwargs", ENGINES)
def test_nobody_is_enrolled_in_an_unfunded_month(engine, kwargs):
    """A rollout step in October with 8 months funded waits for January."""
    result = _monthly(
        kwargs,
        engine,
        policy__months_funded=8,
        policy__rollout={"values": {"2026-01": 10_000, "2026-10": 20_000}},
    )
    m = result.mean().monthly().set_index("month")
    assert m.loc["2026-10":"2026-12", "enrolled"].sum() == 0
    assert m.loc["2027-01", "enrolled"] == pytest.approx(10_000)
    assert m.loc["2026-12", "subsidised"] == pytest.approx(10_000)


def test_an_unfunded_gap_ends_continuous_membership_in_the_micro_engine():
    """Members enrolled in January 2026 reach 36 months of cover at the end of 2028 (F2.2); with
    8 months funded a year, December breaks the membership each year (G4.1), so nobody does."""
    full = run(BASELINE, overrides=quiet(years=3), engine="micro", reps=1, seed=3).annual()
    gaps = run(BASELINE, overrides=quiet(years=3, policy__months_funded=8), engine="micro", reps=1, seed=3).annual()
    assert full["covered_36m_end"].tolist() == [0, 0, N]
    assert gaps["covered_36m_end"].tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    "every, timing, paid_in",
    [
        ("monthly", "advance", list(range(1, 13))),
        ("quarterly", "advance", [1, 4, 7, 10]),
        ("quarterly", "arrears", [3, 6, 9, 12]),
        ("half-yearly", "advance", [1, 7]),
        ("half-yearly", "arrears", [6, 12]),
        ("yearly", "advance", [1]),
        ("yearly", "arrears", [12]),
    ],
)
def test_cash_plan_pays_each_period_in_its_first_or_last_month(every, timing, paid_in):
    """Constant 73,000 members: each payment is 73,000 x 16,800 x months in the period."""
    m = run(BASELINE, overrides=quiet(years=1, policy__payment_schedule={"every": every, "timing": timing})).monthly()
    months = 12 // len(paid_in)
    expected = np.zeros(12)
    expected[np.array(paid_in) - 1] = N * RATE * months
    np.testing.assert_allclose(m["cash_apbd_kabupaten"], expected)


@pytest.mark.parametrize("engine, kwargs", ENGINES)
@pytest.mark.parametrize("every", ["quarterly", "half-yearly", "yearly"])
def test_cash_and_accrual_agree_over_every_fiscal_year(engine, kwargs, every):
    """With the baseline's dynamics, each payer's cash over a fiscal year is its accrued cost, also
    when the horizon starts in July and with two payers; the months differ."""
    overrides = {
        "start": "2026-07",
        "years": 3,
        "policy.payment_schedule": {"every": every, "timing": "arrears"},
        "policy.payers": {"values": {"2026-01": {"apbd_kabupaten": 0.6, "apbd_provinsi": 0.4}}},
    }
    result = run(BASELINE, overrides=overrides, engine=engine, **kwargs).mean()
    m = result.monthly()
    year = m["month"].str[:4]
    for payer in ("apbd_kabupaten", "apbd_provinsi"):
        cash, cost = m[f"cash_{payer}"].groupby(year).sum(), m[f"cost_{payer}"].groupby(year).sum()
        np.testing.assert_allclose(cash.to_numpy(), cost.to_numpy(), rtol=1e-12)
        assert not np.allclose(m[f"cash_{payer}"], m[f"cost_{payer}"])


def test_payment_periods_of_a_horizon_starting_in_july():
    """Quarterly from July 2026 for 2 years: periods open in months 0, 3, 6, ... (Jul, Oct, Jan, ...),
    the first year holds two; yearly in arrears pays in December (months 5 and 17)."""
    sc = load_scenario(BASELINE, {"start": "2026-07", "years": 2, "policy.payment_schedule": {"every": "quarterly"}})
    starts, pay = payment_periods(sc)
    assert starts.tolist() == [0, 3, 6, 9, 12, 15] and pay.tolist() == [0, 3, 6, 9, 12, 15]
    sc = sc.with_overrides({"policy.payment_schedule": {"every": "yearly", "timing": "arrears"}})
    starts, pay = payment_periods(sc)
    assert starts.tolist() == [0, 6] and pay.tolist() == [5, 17]
    accrued = np.arange(1.0, 19.0)
    cash = cash_plan(sc, accrued)
    assert cash[5] == sum(range(1, 7)) and cash[17] == sum(range(7, 19)) and cash.sum() == accrued.sum()


@pytest.mark.parametrize(
    "key, value, says",
    [
        ("policy.months_funded", 13, "less than or equal to 12"),
        (
            "policy.payment_schedule",
            {"every": "weekly"},
            "value.every = 'weekly': allowed: monthly, quarterly, half-yearly, yearly",
        ),
        ("policy.payment_schedule", {"timing": "late"}, "value.timing = 'late': allowed: advance, arrears"),
    ],
)
def test_bad_funding_levers_are_refused_with_what_is_allowed(key, value, says):
    with pytest.raises(ScenarioError, match=says):
        load_scenario(BASELINE, {key: value})


def test_delayed_start_scenario_runs_a_partial_first_year():
    """scenarios/delayed_start.yaml starts in July 2026: ``years`` counts fiscal years, the first
    one partial (6 months), so 10 years end in December 2035 after 114 months."""
    result = run(ROOT / "scenarios" / "delayed_start.yaml")
    m, annual = result.monthly(), result.annual()
    assert m["month"].iloc[0] == "2026-07" and m["month"].iloc[-1] == "2035-12" and len(m) == 114
    assert annual["year"].tolist() == list(range(2026, 2036))
    assert annual["months"].tolist() == [6] + [12] * 9
    # everyone enrolled in July 2026 with no closure in the first month: six months' bill at most
    assert m["subsidy_cost"].iloc[0] == pytest.approx(N * RATE)
    assert annual["subsidy_cost"].iloc[0] < 6 * N * RATE


@pytest.mark.parametrize("aggregate", [True, False])
def test_the_sampled_evaluation_varies_months_funded_like_forward_runs(aggregate):
    """policy.months_funded as a sampled parameter (whole months): each sample's annual cost and
    coverage equal an ordinary run with that override, segments summed or kept."""
    from simulation.analysis.evaluate import evaluate

    scenario = load_scenario(BASELINE, {"years": 3})
    names = ["policy.months_funded", "assumptions.closure_rate"]
    values = np.array([[8.0, 0.05], [12.0, 0.08], [4.0, 0.02]])
    out = evaluate(scenario, names, values, aggregate=aggregate)
    for row, (months, closure) in enumerate(values):
        a = run(
            scenario.with_overrides({"policy.months_funded": int(months), "assumptions.closure_rate": closure})
        ).annual()
        np.testing.assert_allclose(out.subsidy_cost[row], a["subsidy_cost"], rtol=1e-9)
        np.testing.assert_allclose(out.covered_end[row], a["covered_end"], rtol=1e-9, atol=1e-6)
    # 8 months: the subsidised are unprotected at the end of December; only December's graduates
    # (mandiri or in arrears, 5% of the members) are covered
    assert 0 < out.covered_end[0, 0] < 0.06 * N < out.covered_end[1, 0]
