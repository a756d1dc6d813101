"""Boundaries and documented features the suite did not pin down, each against a literal or an
independent closed form (never the helper under test): monthly rates, the ceiling frozen at a
fiscal year's start, the scholarship's 36 months, revenue increments over a partial interval,
kecamatan shares, group payers in order, ``jht`` and ``dana_desa``."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, quiet

from simulation import load_scenario, run
from simulation.engines.revenue import graduation_rules
from simulation.outputs.benefits import monthly_benefits

N = 73_000
YEAR_COST = 14_716_800_000  # 73,000 x 16,800 x 12 (facts F0.1, F1.4)
TEST = {"unit": "as the schema says", "source": "test"}


@pytest.mark.parametrize("annual, after_a_year", [(0.12, 0.88), (0.5, 0.5), (0.05, 0.95)])
def test_an_annual_closure_rate_takes_exactly_that_share_in_twelve_months(annual, after_a_year):
    """Twelve month-ends of closure leave the share 1 - p: the survivors are N x literal."""
    m = run(BASELINE, overrides=quiet(years=2, assumptions__closure_rate=annual)).monthly()
    assert m["subsidised"].iloc[12] == pytest.approx(N * after_a_year, rel=1e-12)
    assert m["closed_end"].iloc[11] == pytest.approx(N * (1 - after_a_year), rel=1e-12)


def test_an_annual_entry_rate_grows_the_open_population_by_that_share_in_a_year():
    m = run(BASELINE, overrides=quiet(years=1, population__entry_rate=0.05)).monthly()
    assert m["subsidised_end"].iloc[11] + m["eligible_end"].iloc[11] == pytest.approx(N * 1.05, rel=1e-12)


def test_an_annual_lapse_rate_stops_that_share_of_self_payers_in_a_year():
    """Everyone graduates to mandiri in December 2026 (rate 1, retention 1); lapse 0.25: a year later
    75% still pay (the 25% lapsed in arrears or beyond)."""
    overrides = quiet(
        years=3, policy__graduation__rate=1.0, policy__graduation__retention=1.0, assumptions__mandiri_lapse_rate=0.25
    )
    overrides["policy.graduation.rule"] = "rate"
    m = run(BASELINE, overrides=overrides).monthly().set_index("month")
    assert m.loc["2027-01", "mandiri"] == pytest.approx(N)
    assert m.loc["2028-01", "mandiri"] == pytest.approx(N * 0.75, rel=1e-12)


@pytest.mark.parametrize("engine, kwargs", [("cohort", {}), ("micro", {"reps": 1, "seed": 5})])
def test_a_ceiling_raised_in_july_does_not_raise_that_years_ceiling(engine, kwargs):
    """The ceiling of a fiscal year is the one in force at its start (docs/fiscal.md): Rp5bn for
    2026 although Rp50bn is dated July 2026; 2026's cost stays within Rp5bn, 2027 pays everyone."""
    overrides = quiet(years=2, policy__budget_ceiling={"values": {"2026-01": 5e9, "2026-07": 5e10}, **TEST})
    annual = run(BASELINE, overrides=overrides, engine=engine, **kwargs).mean().annual()
    assert annual["cost_apbd_kabupaten"].iloc[0] <= 5e9 * (1 + 1e-9)
    assert annual["cost_apbd_kabupaten"].iloc[0] > 5e9 - 16_800 * 12  # within one member-year of it
    assert annual["cost_apbd_kabupaten"].iloc[1] == pytest.approx(YEAR_COST)


def test_the_scholarship_needs_thirty_six_covered_months_not_thirty_five():
    """Members covered from January 2026 have 35 covered months in November 2028 (month 34) and
    36 in December 2028 (month 35): a non-work death qualifies only from then (F2.2)."""
    share = monthly_benefits(run(BASELINE, overrides=quiet(years=4)))["scholarship_eligible_share"]
    assert share.iloc[34] == 0.0 and share.iloc[35] == 1.0


def test_the_micro_engine_counts_thirty_six_months_of_cover_at_the_end_of_the_third_year():
    annual = run(BASELINE, overrides=quiet(years=3), engine="micro", reps=1, seed=2).annual()
    assert annual["covered_36m_end"].tolist() == [0, 0, N]


@pytest.mark.parametrize(
    "start, evaluation, first_months",
    [("2026-07", 12, 6), ("2026-01", 6, 6), ("2026-10", 12, 3), ("2026-01", 12, 12)],
)
def test_revenue_increments_cover_only_the_months_since_the_last_evaluation(start, evaluation, first_months):
    """Drift 0.03 and volatility 0.25 a year: the first evaluation's increment has mean
    0.03 x k / 12 and sd 0.25 x sqrt(k / 12) for its k months; the next, a whole year."""
    sc = load_scenario(
        BASELINE,
        {
            "start": start,
            "years": 3,
            "policy.graduation.evaluation_month": evaluation,
            "assumptions.revenue_drift": 0.03,
            "assumptions.revenue_volatility": 0.25,
        },
    )
    rules = graduation_rules(sc)
    first, second = np.flatnonzero(rules.at_evaluation)[:2]
    assert first == first_months - 1 and second == first + 12
    np.testing.assert_allclose(rules.drift[first], 0.03 * first_months / 12, rtol=1e-12)
    np.testing.assert_allclose(rules.sd[first], 0.25 * np.sqrt(first_months / 12), rtol=1e-12)
    np.testing.assert_allclose(rules.drift[second], 0.03, rtol=1e-12)
    np.testing.assert_allclose(rules.sd[second], 0.25, rtol=1e-12)


def test_kecamatan_shares_put_the_members_where_they_say():
    """60% in Selong and 40% in Aikmel, none elsewhere: 43,800 and 29,200 subsidised."""
    shares = {"values": {"2026-01": {"Selong": 0.6, "Aikmel": 0.4}}, **TEST}
    by_kec = run(BASELINE, overrides=quiet(years=1, population__kecamatan_shares=shares)).by_kecamatan()
    got = by_kec.set_index("kecamatan")["subsidised_end"]
    assert got["Selong"] == pytest.approx(43_800) and got["Aikmel"] == pytest.approx(29_200)
    assert got.drop(["Selong", "Aikmel"]).sum() == 0


@pytest.mark.parametrize(
    "groups, dbhcht, dana_desa",
    [
        # DBHCHT takes all of tobacco, then Dana Desa half of what is there: 50/50
        ([("dbhcht", 1.0), ("dana_desa", 0.5)], 0.5, 0.5),
        # Dana Desa half first, then DBHCHT all: DBHCHT pays everything
        ([("dana_desa", 0.5), ("dbhcht", 1.0)], 1.0, 0.0),
    ],
)
def test_group_payers_apply_in_the_order_listed(groups, dbhcht, dana_desa):
    """Tobacco is 5% of 73,000 = 3,650 members, Rp735,840,000 a year (3,650 x 16,800 x 12)."""
    listed = [{"payer": p, "share": s, "sectors": ["tembakau"]} for p, s in groups]
    annual = run(
        BASELINE, overrides=quiet(years=1, policy__group_payers={"values": {"2026-01": listed}, **TEST})
    ).annual()
    assert annual["cost_dbhcht"].iloc[0] == pytest.approx(735_840_000 * dbhcht)
    assert annual.get("cost_dana_desa", [0.0])[0] == pytest.approx(735_840_000 * dana_desa)
    assert annual["cost_apbd_kabupaten"].iloc[0] == pytest.approx(YEAR_COST - 735_840_000)
    assert annual["subsidy_cost"].iloc[0] == pytest.approx(YEAR_COST)


def test_jht_is_billed_as_its_own_component():
    """JHT at Rp20,000 (F1.3): Rp36,800 a member-month, of which JHT 73,000 x 20,000 x 12."""
    result = run(BASELINE, overrides=quiet(years=1, contribution__jht={"values": {"2026-01": 20_000}}))
    assert result.annual()["subsidy_cost"].iloc[0] == pytest.approx(32_236_800_000)
    ledger = result.ledger()
    jht = ledger[(ledger["component"] == "jht") & (ledger["payer"] == "apbd_kabupaten")]["nominal"].sum()
    assert jht == pytest.approx(17_520_000_000)


def test_dana_desa_as_a_payer_is_public_cost():
    """30% from village funds (G1.5): Rp4,415,040,000 of the Rp14,716,800,000."""
    payers = {"values": {"2026-01": {"apbd_kabupaten": 0.7, "dana_desa": 0.3}}}
    annual = run(BASELINE, overrides=quiet(years=1, policy__payers=payers)).annual()
    assert annual["cost_dana_desa"].iloc[0] == pytest.approx(4_415_040_000)
    assert annual["cost_apbd_kabupaten"].iloc[0] == pytest.approx(10_301_760_000)
    assert annual["subsidy_cost"].iloc[0] == pytest.approx(YEAR_COST)
